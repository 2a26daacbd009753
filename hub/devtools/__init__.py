"""Development and demo tooling (the benchmark, the data generator and its data), never imported by the running site."""
