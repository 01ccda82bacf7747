"""The objects that exist when compat_tf has been imported leave the cyclic garbage collector.

Importing compat_tf (with JAX, NumPy and optax) leaves ~130,000 objects that live as long as the
process. Python's cyclic collector walks every tracked object at each full (generation 2)
collection, and tracing a step creates enough objects to trigger one now and then: each took
45-60 ms here, and a TF1 program's first steps met one or two (the MNIST tutorial and the
char-RNN 60 ms in all, a notebook session 140 ms of its ~0.9 s in the program). TF1 has no such
pause: its graph and kernels are C++.

`gc.freeze()` moves the objects alive at that moment to a permanent generation that collections
skip (CPython 3.7+), so a full collection walks only what the program made since (a few ms).
Frozen objects are still freed by reference counting; only cycles among them are never
collected, which for import-time objects (modules, functions, classes, caches) is what would
happen anyway. `COMPAT_TF_GC_FREEZE=0` turns it off.
"""
import gc
import os

ENV = "COMPAT_TF_GC_FREEZE"


def freeze_import_objects():
    """gc.freeze() unless COMPAT_TF_GC_FREEZE is 0/off/false/no; returns whether it froze."""
    if os.environ.get(ENV, "1").strip().lower() in ("0", "off", "false", "no"):
        return False
    gc.freeze()
    return True
