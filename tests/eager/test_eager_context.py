"""tf.enable_eager_execution's rules and EagerTensor's Python behaviour (TF 1.15)."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.eager.tensor import EagerTensor

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code):
    env = dict(os.environ, PYTHONPATH=_ROOT, COMPAT_TF_EXECUTION="interpret")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=120)


def test_enable_at_startup_and_its_errors_in_a_fresh_process():
    out = _run("""
        import compat_tf as tf
        for kw in ({"config": 1}, {"device_policy": 7}, {"execution_mode": 9}):
            try:
                tf.enable_eager_execution(**kw)
            except (TypeError, ValueError) as e:
                print(type(e).__name__)
        print(tf.executing_eagerly())
        tf.enable_eager_execution(config=tf.ConfigProto(), device_policy=tf.contrib.eager.DEVICE_PLACEMENT_SILENT)
        tf.enable_eager_execution()                     # again: a no-op
        print(tf.executing_eagerly(), tf.add(1, 2).numpy())
        with tf.Graph().as_default():
            print(tf.executing_eagerly(), type(tf.constant(1.0)).__name__)
        print(tf.executing_eagerly())
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["TypeError", "ValueError", "ValueError", "False", "True", "3", "False", "Tensor",
                                  "True"]


def test_enable_after_graph_use_raises_value_error_in_a_fresh_process():
    out = _run("""
        import compat_tf as tf
        tf.constant(1.0)
        try:
            tf.enable_eager_execution()
        except ValueError as e:
            print(e)
        print(tf.executing_eagerly())
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["tf.enable_eager_execution must be called at program startup.", "False"]


def test_tensor_printing_as_tf_1_15():
    a = tf.constant([[1, 2], [3, 4]])
    assert str(a) == "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"
    assert repr(a) == (f"<tf.Tensor: id={a._id}, shape=(2, 2), dtype=int32, numpy=\narray([[1, 2],\n       "
                       "[3, 4]], dtype=int32)>")
    assert str(tf.constant(2.5)) == "tf.Tensor(2.5, shape=(), dtype=float32)"
    assert repr(tf.constant(b"ab")).endswith("shape=(), dtype=string, numpy=b'ab'>")
    assert str(tf.constant(3)) == "tf.Tensor(3, shape=(), dtype=int32)"
    assert "hello, [[4.]]" == "hello, {}".format(tf.matmul([[2.]], [[2.]]))


def test_tensor_values_and_python_protocol():
    a = tf.constant([[1, 2], [3, 4]])
    v = a.numpy()
    assert isinstance(v, np.ndarray) and v.tolist() == [[1, 2], [3, 4]]
    v[0, 0] = 9                                    # a copy: the tensor keeps its value
    assert a.numpy()[0, 0] == 1
    assert isinstance(tf.constant(2.5).numpy(), np.float32)
    assert tf.constant(b"x").numpy() == b"x"
    assert np.add(a, 1).tolist() == [[2, 3], [4, 5]]
    assert [r.numpy().tolist() for r in a] == [[1, 2], [3, 4]]
    assert len(a) == 2 and a.shape == (2, 2) and a.dtype == tf.int32
    assert int(tf.constant(7)) == 7 and float(tf.constant(2.5)) == 2.5 and bool(tf.constant(True))
    assert list(range(tf.constant(3))) == [0, 1, 2]
    assert "{:.1f}".format(tf.constant(2.25)) == "2.2"
    assert a.device == "/job:localhost/replica:0/task:0/device:CPU:0" and a.cpu() is a
    b = tf.constant([[1, 2], [3, 4]])
    assert (a == b) is False and a != b and len({a, b}) == 2       # TF 1.15: identity equality, hashable
    with pytest.raises(TypeError, match="Scalar tensor has no `len"):
        len(tf.constant(3))
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor"):
        iter(tf.constant(3)).__next__()
    with pytest.raises(ValueError):
        bool(tf.constant([1.0, 2.0]))
    with pytest.raises(AttributeError, match="Tensor.name is meaningless"):
        a.name
    with pytest.raises(NotImplementedError, match="numpy"):
        a.eval()
    assert isinstance(a, tf.Tensor) and isinstance(a, EagerTensor)


def test_graph_only_ops_and_kernel_errors():
    with pytest.raises(RuntimeError, match="tf.placeholder\\(\\) is not compatible with eager execution"):
        tf.placeholder(tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:Reshape\]"):
        tf.reshape(tf.ones([2, 3]), [4, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Matrix size-incompatible: In\[0\]: \[2,3\]"):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.add(tf.ones([2]), tf.ones([3]))
    with tf.Graph().as_default() as g:          # graph blocks still build graphs
        t = tf.constant(1.0) + 1.0
        assert not tf.executing_eagerly() and t.graph is g and t.name == "add:0"
    assert tf.executing_eagerly()


def test_eager_results_of_effect_ops_are_none_and_assert_raises_at_once():
    x = tf.constant([1.0, 2.0])
    assert tf.no_op() is None and tf.group(x) is None and tf.global_variables_initializer() is None
    assert tf.assert_equal(x, [1.0, 2.0]) is None
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x == y did not hold"):
        tf.assert_equal(x, [1.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="boom"):
        tf.Assert(tf.reduce_all(x > 1.5), ["boom", x])


def test_tf_test_case_in_both_modes():
    import unittest
    seen = []

    class T(tf.test.TestCase):
        @tf.contrib.eager.run_test_in_graph_and_eager_modes
        def test_add(self):
            seen.append(tf.executing_eagerly())
            self.assertAllEqual(self.evaluate(tf.constant([1, 2]) + 1), [2, 3])
    result = unittest.TextTestRunner(stream=open(os.devnull, "w")).run(T("test_add"))
    assert result.wasSuccessful() and seen == [False, True]


def test_tf_metrics_are_graph_only_as_in_tf_1_15():
    with pytest.raises(RuntimeError, match="tf.metrics.accuracy is not supported when eager execution is enabled"):
        tf.metrics.accuracy([1], [1])
    with tf.Graph().as_default():
        acc, update = tf.metrics.accuracy([1, 2], [1, 3])
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run(update)
            assert sess.run(acc) == 0.5
