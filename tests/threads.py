"""Concurrency on a real database: work started in several threads at once."""

import threading

from django.db import connections


def race(work, count: int) -> list:
    """Run `work(index)` in `count` threads released together, each on its own connection; the result of each,
    or the exception it raised (the tests inspect every outcome, refusals included), in thread order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
