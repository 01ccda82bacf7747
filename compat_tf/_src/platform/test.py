"""tf.test (TF 1.15): TestCase (test_util.TensorFlowTestCase), main, device queries, Benchmark.

TestCase mirrors TF 1.15's TensorFlowTestCase in graph mode:
- setUp resets the default graph, gives it the graph seed 87654321 and seeds Python's and
  NumPy's RNGs with it; tearDown closes the cached session;
- `test_session()` / `cached_session()` yield the test's cached Session for the default graph
  (made once per graph, entered as default); `session()` a new one each time; `evaluate(t)`
  runs tensors in the default session (or the cached one);
- the assertions compare NumPy values (tensors are evaluated first): assertAllClose (rtol/atol
  1e-6, shapes must match, NaNs equal, nested lists/tuples/dicts recursively),
  assertAllCloseAccordingToType, assertAllEqual, assertNotAllClose, assertAllGreater/Less(Equal),
  assertAllInRange, assertAllInSet, assertArrayNear, assertNear, assertNDArrayNear,
  assertShapeEqual, assertDTypeEqual, assertDeviceEqual, assertProtoEquals,
  assertStartsWith, assertRaisesOpError / assertRaisesWithPredicateMatch;
- get_temp_dir() is a per-test directory removed at tearDown.
`main()` runs unittest's main on sys.argv (a TF1 test file's `tf.test.main()`).
is_gpu_available / gpu_device_name report JAX's GPU devices; is_built_with_cuda and
is_built_with_rocm are False (compat_tf is not a CUDA build of TensorFlow).
"""
import contextlib
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import unittest

import numpy as np

from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops.gradient_checker import compute_gradient, compute_gradient_error  # noqa: F401

DEFAULT_GRAPH_SEED = 87654321

__all__ = ["TestCase", "main", "is_gpu_available", "gpu_device_name", "get_temp_dir", "Benchmark",
           "compute_gradient", "compute_gradient_error", "is_built_with_cuda", "is_built_with_gpu_support",
           "is_built_with_rocm", "is_built_with_xla", "assert_equal_graph_def", "benchmark_config"]


def _jax_gpus():
    import jax
    try:
        return [d for d in jax.devices() if d.platform in ("gpu", "cuda", "rocm")]
    except RuntimeError:
        return []


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """True when JAX sees a GPU."""
    return bool(_jax_gpus())


def gpu_device_name():
    """'/device:GPU:0' when a GPU is available, else ''."""
    return "/device:GPU:0" if _jax_gpus() else ""


def is_built_with_cuda():
    return False


def is_built_with_rocm():
    return False


def is_built_with_gpu_support():
    return False


def is_built_with_xla():
    """True: every compat_tf step is an XLA program."""
    return True


def benchmark_config():
    from compat_tf._src.protos import config_pb2
    return config_pb2.ConfigProto()


_TEMP_DIR = None


def get_temp_dir():
    """A temporary directory for this process's tests (TEST_TMPDIR when set)."""
    global _TEMP_DIR
    if _TEMP_DIR is None:
        base = os.environ.get("TEST_TMPDIR") or tempfile.gettempdir()
        _TEMP_DIR = tempfile.mkdtemp(prefix="compat_tf_test_", dir=base)
    return _TEMP_DIR


def main(argv=None):
    """tf.test.main: runs the tests of __main__ with unittest (exits with its status)."""
    argv = list(sys.argv if argv is None else argv)
    unittest.main(module="__main__", argv=argv)


def assert_equal_graph_def(actual, expected, checkpoint_v2=False, hash_table_shared_name=False):
    """Raises AssertionError when two GraphDefs differ (node order ignored)."""
    def nodes(gd):
        return {n.name: n for n in gd.node}
    a, e = nodes(actual), nodes(expected)
    missing = sorted(set(e) - set(a))
    extra = sorted(set(a) - set(e))
    if missing or extra:
        raise AssertionError(f"GraphDefs differ: missing nodes {missing}, unexpected nodes {extra}")
    for name in sorted(a):
        if a[name] != e[name]:
            raise AssertionError(f"GraphDefs differ at node {name}:\n{a[name]}\nvs\n{e[name]}")


def _is_tensor_like(x):
    return isinstance(x, (_graph.Tensor, _graph.Operation)) or type(x).__name__ in ("Variable",
                                                                                   "ResourceVariable",
                                                                                   "SparseTensor")


class TestCase(unittest.TestCase):
    """tf.test.TestCase: unittest.TestCase with TF1's graph/session helpers and array assertions."""

    def __init__(self, methodName="runTest"):
        super().__init__(methodName)
        self._cached_session = None
        self._cached_graph = None
        self._tempdir = None

    def setUp(self):
        self._clear_cached_session()
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        _graph.reset_default_graph()
        _graph.get_default_graph().seed = DEFAULT_GRAPH_SEED

    def tearDown(self):
        self._clear_cached_session()
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def _clear_cached_session(self):
        if self._cached_session is not None:
            self._cached_session.close()
        self._cached_session = None
        self._cached_graph = None

    def get_temp_dir(self):
        """A directory for this test (removed at tearDown)."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(dir=get_temp_dir())
        return self._tempdir

    # -- sessions ------------------------------------------------------------------------------------
    def _new_session(self, graph, config):
        from compat_tf._src.runtime import session as _session
        return _session.Session(graph=graph, config=config)

    @contextlib.contextmanager
    def _default_session(self, sess, graph):
        with graph.as_default(), sess.as_default():
            yield sess

    def session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """A new Session for `graph` (default graph), as the default session inside the block."""
        g = graph if graph is not None else _graph.get_default_graph()
        sess = self._new_session(g, config)

        @contextlib.contextmanager
        def cm():
            try:
                with self._default_session(sess, g):
                    yield sess
            finally:
                sess.close()
        return cm()

    def cached_session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """This test's cached Session for `graph` (default graph): one per test and graph."""
        g = graph if graph is not None else _graph.get_default_graph()
        if self._cached_session is None or self._cached_graph is not g:
            if self._cached_session is not None:
                self._cached_session.close()
            self._cached_session = self._new_session(g, config)
            self._cached_graph = g
        return self._default_session(self._cached_session, g)

    def test_session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """TF1's test_session: the cached session for the default graph, a new one for another graph."""
        if graph is None:
            return self.cached_session(config=config, use_gpu=use_gpu, force_gpu=force_gpu)
        return self.session(graph=graph, config=config, use_gpu=use_gpu, force_gpu=force_gpu)

    test_session.__test__ = False

    def evaluate(self, tensors):
        """The values of `tensors` (any nesting) in the default session, or this test's cached one;
        while executing eagerly, the eager tensors' (and variables') values."""
        from compat_tf._src.eager import context
        if context.executing_eagerly():
            import jax

            def value(t):
                return t.numpy() if hasattr(t, "numpy") else None if isinstance(t, _graph.Operation) else t
            return jax.tree_util.tree_map(value, tensors, is_leaf=lambda t: hasattr(t, "numpy") or t is None)
        from compat_tf._src.runtime.session import get_default_session
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.cached_session() as sess:
            return sess.run(tensors)

    # -- helpers ---------------------------------------------------------------------------------------
    def _nd(self, a):
        if _is_tensor_like(a):
            a = self.evaluate(a)
        if not isinstance(a, np.ndarray):
            return np.array(a)
        return a

    def _tolerance(self, a, b, rtol, atol, float_rtol=1e-6, float_atol=1e-6, half_rtol=1e-3, half_atol=1e-3,
                   bfloat16_rtol=1e-2, bfloat16_atol=1e-2):
        dtypes = {a.dtype.name, b.dtype.name}
        if "float16" in dtypes:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if "bfloat16" in dtypes:
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        return rtol, atol

    def _assert_array_close(self, a, b, rtol, atol, msg, path):
        a, b = self._nd(a), self._nd(b)
        where = (" at " + "".join(f"[{p}]" for p in path)) if path else ""
        if a.shape != b.shape:
            detail = f" with contents {b}" if (b.ndim <= 3 or b.size < 500) else ""
            self.fail(f"Shape mismatch{where}: expected {a.shape}, got {b.shape}{detail}. {msg or ''}")
        rtol, atol = self._tolerance(a, b, rtol, atol)
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            np.testing.assert_array_equal(a, b, err_msg=msg or "")
            return
        af, bf = a.astype(np.float64) if a.dtype.kind != "c" else a, b.astype(np.float64) if b.dtype.kind != "c" \
            else b
        if not np.allclose(af, bf, rtol=rtol, atol=atol, equal_nan=True):
            cond = np.logical_or(np.abs(af - bf) > atol + rtol * np.abs(bf), np.isnan(af) != np.isnan(bf))
            if a.ndim:
                x, y = af[cond], bf[cond]
                text = f"not close where = {np.where(cond)}\nnot close lhs = {x}\nnot close rhs = {y}\n" \
                       f"not close dif = {np.abs(x - y)}\nnot close tol = {atol + rtol * np.abs(y)}\n"
            else:
                text = f"not close lhs = {af}\nnot close rhs = {bf}\n"
            np.testing.assert_allclose(af, bf, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"{text}{where}. {msg or ''}")

    def _assert_close_recursive(self, a, b, rtol, atol, path, msg):
        a_seq = isinstance(a, (list, tuple)) and not (a and all(isinstance(v, (int, float, np.number)) for v in a))
        b_seq = isinstance(b, (list, tuple)) and not (b and all(isinstance(v, (int, float, np.number)) for v in b))
        if isinstance(a, dict) or isinstance(b, dict):
            if not (isinstance(a, dict) and isinstance(b, dict)):
                self.fail(f"Can't compare dict to non-dict, a{path}={a}, b{path}={b}. {msg or ''}")
            self.assertEqual(set(a), set(b), f"mismatched keys: a{path} has keys {set(a)}, but b{path} has keys "
                                             f"{set(b)}. {msg or ''}")
            for k in a:
                self._assert_close_recursive(a[k], b[k], rtol, atol, path + [str(k)], msg)
            return
        if (a_seq or b_seq) and not _is_tensor_like(a) and not _is_tensor_like(b):
            try:
                a_arr, b_arr = self._nd(a), self._nd(b)
                if a_arr.dtype != object and b_arr.dtype != object:
                    return self._assert_array_close(a_arr, b_arr, rtol, atol, msg, path)
            except (ValueError, TypeError):
                pass
            self.assertEqual(len(a), len(b), f"Length of a{path} is {len(a)} and length of b{path} is {len(b)}. "
                                             f"{msg or ''}")
            for i, (x, y) in enumerate(zip(a, b)):
                self._assert_close_recursive(x, y, rtol, atol, path + [str(i)], msg)
            return
        self._assert_array_close(a, b, rtol, atol, msg, path)

    # -- assertions --------------------------------------------------------------------------------------
    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802 - TF names
        """a and b (arrays, tensors, or nested lists/tuples/dicts of them) are close elementwise."""
        self._assert_close_recursive(a, b, rtol, atol, [], msg)

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6, float_atol=1e-6,  # noqa: N802
                                      half_rtol=1e-3, half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2,
                                      msg=None):
        a, b = self._nd(a), self._nd(b)
        names = {a.dtype.name, b.dtype.name}
        if "float32" in names or "complex64" in names:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if "float16" in names:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if "bfloat16" in names:
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a, b, **kwargs):  # noqa: N802
        try:
            self.assertAllClose(a, b, **kwargs)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements")

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        """Same shape and equal elements (NaNs equal for floats)."""
        a, b = self._nd(a), self._nd(b)
        if a.shape != b.shape and b.shape != ():
            detail = f" with contents {b}" if (b.ndim <= 3 or b.size < 500) else ""
            self.fail(f"Shape mismatch: expected {a.shape}, got {b.shape}{detail}. {msg or ''}")
        same = a == b
        if a.dtype.kind == "f" and b.dtype.kind == "f":
            same = np.logical_or(same, np.logical_and(np.isnan(a), np.isnan(b)))
        if not np.all(same):
            diff = np.logical_not(same)
            text = f"not equal where = {np.where(diff)}\n" if a.ndim else ""
            np.testing.assert_array_equal(a, b, err_msg=f"{text}{msg or ''}")

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        try:
            self.assertAllEqual(a, b, msg)
        except AssertionError:
            return
        raise AssertionError("The two values are equal at all elements")

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        self.assertGreater(np.min(self._nd(a)), comparison_target)

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        self.assertLess(np.max(self._nd(a)), comparison_target)

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        self.assertGreaterEqual(np.min(self._nd(a)), comparison_target)

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        self.assertLessEqual(np.max(self._nd(a)), comparison_target)

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,  # noqa: N802
                         open_upper_bound=False):
        target = self._nd(target)
        if not np.issubdtype(target.dtype, np.floating) and not np.issubdtype(target.dtype, np.integer):
            raise AssertionError(f"The value of {target} does not have an ordered numeric type, instead it has "
                                 f"type: {target.dtype}")
        lo = np.less_equal(target, lower_bound) if open_lower_bound else np.less(target, lower_bound)
        hi = np.greater_equal(target, upper_bound) if open_upper_bound else np.greater(target, upper_bound)
        bad = np.logical_or(lo, hi)
        if np.any(bad):
            raise AssertionError(f"{int(np.sum(bad))} of the {target.size} element(s) are outside the range "
                                 f"{'(' if open_lower_bound else '['}{lower_bound}, {upper_bound}"
                                 f"{')' if open_upper_bound else ']'}. Subscript(s) and value(s) of the offending "
                                 f"elements:\n{list(zip(*np.where(bad)))} {target[bad]}")

    def assertAllInSet(self, target, expected_set):  # noqa: N802
        target = self._nd(target)
        diff = np.setdiff1d(target.flatten(), list(expected_set))
        if np.size(diff):
            raise AssertionError(f"{len(diff)} unique element(s) are not in the set {expected_set}: {diff}")

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        arr = self._nd(target)
        self.assertEqual(arr.dtype, np.dtype(getattr(expected_dtype, "as_numpy_dtype", expected_dtype)))

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        """|f1 - f2| <= err."""
        self.assertTrue(f1 == f2 or math.fabs(f1 - f2) <= err,
                        "%f != %f +/- %f%s" % (f1, f2, err, " (%s)" % msg if msg is not None else ""))

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        """Same length and every pair of elements within err."""
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1, ndarray2, err, msg=None):  # noqa: N802
        self.assertTrue(np.linalg.norm(ndarray1 - ndarray2) <= err, msg=msg)

    def assertShapeEqual(self, np_array, tf_tensor, msg=None):  # noqa: N802
        """The NumPy array's shape equals the tensor's static shape."""
        if not isinstance(np_array, (np.ndarray, np.generic)):
            raise TypeError("np_array must be a Numpy ndarray or Numpy scalar")
        if not isinstance(tf_tensor, _graph.Tensor):
            raise TypeError("tf_tensor must be a Tensor")
        self.assertAllEqual(np_array.shape, tf_tensor.get_shape().as_list(), msg=msg)

    def assertDeviceEqual(self, device1, device2, msg=None):  # noqa: N802
        from compat_tf._src.framework.graph import _parse_device
        self.assertEqual(_parse_device(device1 or ""), _parse_device(device2 or ""),
                         f"Devices {device1} and {device2} are not equal. {msg or ''}")

    def assertStartsWith(self, actual, expected_start, msg=None):  # noqa: N802
        if not actual.startswith(expected_start):
            fail = f"{actual!r} does not start with {expected_start!r}"
            self.fail(fail + (f" : {msg}" if msg else ""))

    def assertProtoEquals(self, expected_message_maybe_ascii, message, msg=None):  # noqa: N802
        """`message` equals the expected proto (an object or its text format)."""
        from google.protobuf import text_format
        if isinstance(expected_message_maybe_ascii, str):
            expected = type(message)()
            text_format.Merge(expected_message_maybe_ascii, expected)
        else:
            expected = expected_message_maybe_ascii
        self.assertEqual(text_format.MessageToString(expected), text_format.MessageToString(message), msg=msg)

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):  # noqa: N802
        """The block raises `exception_type` whose message matches the regex (or satisfies the predicate)."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            def predicate(e):
                message = e.message if isinstance(e, _errors.OpError) else str(e)
                return re.search(expected_err_re_or_predicate, message) is not None
        try:
            yield
            self.fail(exception_type.__name__ + " not raised")
        except Exception as e:  # noqa: BLE001 - re-raised when it does not match
            if not isinstance(e, exception_type) or not predicate(e):
                raise AssertionError(f"Exception of type {type(e)}: {e}") from e

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        """The block raises a tf.errors.OpError matching the regex or predicate."""
        return self.assertRaisesWithPredicateMatch(_errors.OpError, expected_err_re_or_predicate)

    def checkedThread(self, target, args=None, kwargs=None):  # noqa: N802
        import threading
        return threading.Thread(target=target, args=args or (), kwargs=kwargs or {})


class Benchmark:
    """tf.test.Benchmark: report_benchmark prints/returns the entry; run_op_benchmark times
    `sess.run(op)` (burn_iters warm-up runs, then min_iters timed runs; the median wall time)."""

    def report_benchmark(self, iters=None, cpu_time=None, wall_time=None, throughput=None, extras=None, name=None,
                         metrics=None):
        entry = {"name": name or type(self).__name__, "iters": iters, "cpu_time": cpu_time,
                 "wall_time": wall_time, "throughput": throughput, "extras": extras or {}, "metrics": metrics or []}
        print("entries { %s }" % ", ".join(f"{k}: {v}" for k, v in entry.items() if v not in (None, {}, [])))
        return entry

    def run_op_benchmark(self, sess, op_or_tensor, feed_dict=None, burn_iters=2, min_iters=10,
                         store_trace=False, store_memory_usage=True, name=None, extras=None, mbs=0):
        for _ in range(burn_iters):
            sess.run(op_or_tensor, feed_dict=feed_dict)
        deltas = []
        for _ in range(min_iters):
            start = time.time()
            sess.run(op_or_tensor, feed_dict=feed_dict)
            deltas.append(time.time() - start)
        median = float(np.median(deltas))
        throughput = mbs / median if mbs else None
        entry = self.report_benchmark(iters=min_iters, wall_time=median, throughput=throughput, extras=extras,
                                      name=name)
        return {"wall_time": median, "iters": min_iters, "extras": extras or {}, **({} if entry is None else {})}

    def evaluate(self, tensors):
        from compat_tf._src.runtime.session import get_default_session
        sess = get_default_session()
        if sess is None:
            raise ValueError("Benchmark.evaluate needs a default session")
        return sess.run(tensors)
