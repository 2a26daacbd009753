"""ODK Collect and Enketo as field clients of the visits: the OpenRosa 1.0 endpoints under /openrosa/."""
