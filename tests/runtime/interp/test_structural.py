"""The NumPy tier's gather rule (runtime/interp/structural.py) against XLA: the np.take path for
whole slices along one indexed dimension (embedding lookups, tf.gather along an axis), and the
general index-grid path, which the other forms of gather still take."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import compat_tf  # noqa: F401 - enables x64 as compat_tf does
from compat_tf._src.runtime import interp
from compat_tf._src.runtime.interp import structural

RS = np.random.RandomState(0)

CASES = {   # name: (function, operands, takes the np.take path)
    "embedding rows, ids out of range clipped": (
        lambda a, i: jnp.take(a, i, axis=0, mode="clip"), (RS.rand(50, 8).astype(np.float32),
                                                           RS.randint(-3, 55, (7, 5))), True),
    "middle axis": (lambda a, i: jnp.take(a, i, axis=1), (RS.rand(4, 50, 3), RS.randint(0, 50, (6,))), True),
    "last axis, fill mode": (lambda a, i: jnp.take(a, i, axis=2, mode="fill"),
                             (RS.rand(2, 3, 9), RS.randint(-2, 12, (4, 2))), True),
    "indexing rows": (lambda a, i: a[i], (RS.rand(10, 4), RS.randint(0, 10, (3,))), True),
    "rows and a column range": (lambda a, i: a[i, 1:3], (RS.rand(10, 4), RS.randint(0, 10, (3,))), False),
    "two indexed axes": (lambda a, i: a[i[:, 0], i[:, 1]], (RS.rand(6, 7), RS.randint(0, 6, (5, 2))), False),
    "take_along_axis": (lambda a, i: jnp.take_along_axis(a, i, axis=1),
                        (RS.rand(4, 6), RS.randint(0, 6, (4, 3))), False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gather_matches_xla(name, monkeypatch):
    f, args, fast = CASES[name]
    calls = []
    grid = structural._index_grid
    monkeypatch.setattr(structural, "_index_grid", lambda *a: calls.append(1) or grid(*a))
    closed = jax.make_jaxpr(f)(*args)
    got = interp.eval_closed_jaxpr(closed, [np.asarray(a) for a in args])[0]
    np.testing.assert_array_equal(got, np.asarray(jax.jit(f)(*args)))
    assert (not calls) is fast          # the np.take path builds no index grid
