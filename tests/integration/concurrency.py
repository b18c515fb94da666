"""Races on PostgreSQL: functions released at the same moment, each in its own thread and connection."""

import threading

from django.db import connection


def run_at_once(functions, *, timeout: float = 60):
    """Run each function in its own thread and database connection, all released by one barrier.

    Returns one ("ok", value) or ("error", exception) per function, in order; fails when a
    thread has not finished within `timeout` seconds."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = ("ok", function())
        except Exception as error:  # collected and asserted on by the caller
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), f"a function never finished within {timeout} s"
    return results
