"""TF's shuffle buffer (core/kernels/data/shuffle_dataset_op.cc), element for element.

Mirrors TF 1.15's ShuffleDatasetBase iterator: the buffer is filled to `buffer_size`, then each
element is drawn from it at `Random() % live` (Philox samples, ops/philox.py) and its slot takes the
oldest element; with `count` (the fused shuffle_and_repeat) epochs follow one another in the buffer
as "slices", an element of a later epoch only drawn once the earlier epoch's are gone, and at most
three epochs are buffered. Seeds as TF's kernels: with reshuffle_each_iteration, each pass over the
dataset (an initializer run, or an epoch of a later repeat) draws its seeds from a generator seeded
with the dataset's (seed, seed2); without, every pass uses (seed, seed2). So a seeded shuffle gives
TF's order exactly (tested against TF's recorded orders).
"""
import collections

import numpy as np

from compat_tf._src.data.element_error import is_error
from compat_tf._src.ops import philox

_MAX_EPOCHS_IN_BUFFER = 3
_END = object()


def iteration_stream(seeds, reshuffle, state, key):
    """The Philox stream one pass of a shuffle uses.

    `seeds` is the dataset's (seed, seed2), or None (unseeded: drawn once per iterator, as TF's
    random::New64 when the dataset is made); `state` is the iterator's state dict, holding the seed
    generator of a reshuffling dataset under `key` (its passes draw from it in turn)."""
    if seeds is None:
        fresh = np.random.SeedSequence().generate_state(2, np.uint64)
        seeds = state.setdefault(("seed", key), tuple(int(s) for s in fresh))
    if not reshuffle:
        return philox.Uint32Stream(*seeds)
    generator = state.get(("seed_generator", key))
    if generator is None:
        generator = state[("seed_generator", key)] = philox.Uint32Stream(*seeds)
    return philox.Uint32Stream(generator(), generator())


def shuffled(make_input, buffer_size, random, count=1):
    """The elements of `make_input()` (an iterator, made anew for each of `count` epochs; -1: forever)
    in the order TF's shuffle buffer gives them, drawing from `random` (a Uint32Stream).

    A failed element (data.element_error) is passed on when it is pulled, as TF returns the input's
    error from GetNext while filling; the buffer keeps its elements and the next pull goes on."""
    buf = [None] * buffer_size
    slices = collections.deque([[0, 0]])
    epoch, live, first_call = 0, 0, True
    it = make_input()
    while True:
        while it is not None and live < buffer_size:
            el = _END
            while count == -1 or epoch < count:
                el = next(it, _END)
                if el is not _END:
                    first_call = False
                    break
                if first_call and count == -1:
                    return                       # an empty input repeated forever: nothing, not a hang
                epoch += 1
                n = slices[-1][1]
                slices.append([n, n])
                it = make_input() if (count == -1 or epoch < count) else iter(())
            if el is _END:
                it = None
            elif is_error(el):
                yield el
                continue
            else:
                buf[slices[-1][1] % buffer_size] = el
                live += 1
                slices[-1][1] += 1
            if len(slices) > _MAX_EPOCHS_IN_BUFFER:
                break
        if live == 0:
            return
        while slices[0][0] == slices[0][1]:
            slices.popleft()
        first = slices[0]
        index = (first[0] + random() % (first[1] - first[0])) % buffer_size
        head = first[0] % buffer_size
        out = buf[index]
        buf[index], buf[head] = buf[head], None
        first[0] += 1
        live -= 1
        yield out
