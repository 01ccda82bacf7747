"""Timing helpers shared by the benchmark programs (plain Python: runs under any backend)."""
import json
import time

_T0 = time.perf_counter()
PHASES = {}


class phase:
    """`with phase("name"):` adds the block's wall time to PHASES["name"] (seconds)."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.t = time.perf_counter()

    def __exit__(self, *exc):
        PHASES[self.name] = PHASES.get(self.name, 0.0) + time.perf_counter() - self.t


def record(name, value):
    PHASES[name] = value


def report():
    """Prints the line the runner reads: BENCH {"phases": ..., "program_s": ...}."""
    print("BENCH " + json.dumps({"phases": PHASES, "program_s": time.perf_counter() - _T0}), flush=True)
