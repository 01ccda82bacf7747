"""tf.test: TestCase sessions and assertions, compute_gradient, device queries (TF 1.15 semantics)."""
import unittest

import numpy as np
import pytest

import compat_tf as tf


class _Case(tf.test.TestCase):
    def runTest(self):  # noqa: N802 - unittest protocol
        pass


@pytest.fixture
def case():
    c = _Case()
    c.setUp()
    yield c
    c.tearDown()


def test_setup_resets_graph_and_seeds(case):
    g = tf.get_default_graph()
    assert g.seed == 87654321
    assert np.random.get_state()[1][0] == np.random.RandomState(87654321).get_state()[1][0]
    tf.constant(1.0)
    case.setUp()
    assert tf.get_default_graph() is not g
    assert not tf.get_default_graph().get_operations()


def test_test_session_is_cached_per_graph(case):
    with case.test_session() as s1:
        assert tf.get_default_session() is s1
    with case.cached_session() as s2:
        pass
    assert s1 is s2
    with case.session() as s3:
        assert s3 is not s1
    other = tf.Graph()
    with case.test_session(graph=other) as s4:
        assert s4.graph is other


def test_evaluate_uses_cached_session(case):
    v = tf.Variable([1.0, 2.0])
    case.evaluate(tf.global_variables_initializer())
    np.testing.assert_array_equal(case.evaluate({"v": v, "t": v * 2})["t"], [2.0, 4.0])


def test_assert_all_close(case):
    case.assertAllClose([1.0, 2.0], np.array([1.0, 2.0 + 1e-7]))
    case.assertAllClose({"a": [1.0], "b": (2.0, 3.0)}, {"a": [1.0], "b": (2.0, 3.0)})
    case.assertAllClose(tf.constant([1.0, np.nan]), [1.0, np.nan])
    with pytest.raises(AssertionError):
        case.assertAllClose([1.0, 2.0], [1.0, 2.1])
    with pytest.raises(AssertionError, match="Shape mismatch"):
        case.assertAllClose(np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(AssertionError):
        case.assertAllClose({"a": 1.0}, {"b": 1.0})
    case.assertNotAllClose([1.0], [2.0])


def test_assert_all_equal_and_ranges(case):
    case.assertAllEqual(tf.constant([[1, 2]]), [[1, 2]])
    with pytest.raises(AssertionError):
        case.assertAllEqual([1, 2], [1, 3])
    with pytest.raises(AssertionError, match="Shape mismatch"):
        case.assertAllEqual([1, 2], [[1, 2]])
    case.assertAllInRange([0.0, 1.0], 0.0, 1.0)
    with pytest.raises(AssertionError):
        case.assertAllInRange([0.0, 1.0], 0.0, 1.0, open_upper_bound=True)
    case.assertAllInSet([1, 2, 2], {1, 2})
    case.assertAllGreater([2, 3], 1)
    with pytest.raises(AssertionError):
        case.assertAllLess([2, 3], 3)


def test_assert_near_and_shape(case):
    case.assertNear(1.0, 1.05, 0.1)
    with pytest.raises(AssertionError):
        case.assertNear(1.0, 1.2, 0.1)
    case.assertArrayNear([1.0, 2.0], [1.01, 2.0], 0.02)
    with pytest.raises(AssertionError):
        case.assertArrayNear([1.0], [1.0, 2.0], 0.1)
    case.assertShapeEqual(np.zeros((3, 2)), tf.zeros([3, 2]))
    with pytest.raises(AssertionError):
        case.assertShapeEqual(np.zeros((2, 3)), tf.zeros([3, 2]))


def test_assert_raises_op_error(case):
    x = tf.placeholder(tf.float32)
    check = tf.debugging.assert_positive(x, message="needs positive")
    with case.test_session() as sess:
        with case.assertRaisesOpError("needs positive"):
            sess.run(check, {x: -1.0})
        with pytest.raises(AssertionError):
            with case.assertRaisesOpError("another message"):
                sess.run(check, {x: -1.0})
        with pytest.raises(AssertionError, match="not raised"):
            with case.assertRaisesOpError("needs positive"):
                sess.run(check, {x: 1.0})


def test_compute_gradient_matches_analytic(case):
    x = tf.constant([[1.0, 2.0, 3.0]], dtype=tf.float64)
    y = tf.reduce_sum(x * x * x)
    init = np.array([[1.0, -2.0, 0.5]])
    with case.test_session():
        theoretical, numerical = tf.test.compute_gradient(x, [1, 3], y, [], x_init_value=init)
        np.testing.assert_allclose(theoretical[:, 0], 3 * init.ravel() ** 2, rtol=1e-12)
        np.testing.assert_allclose(numerical[:, 0], 3 * init.ravel() ** 2, rtol=1e-5)
        err = tf.test.compute_gradient_error(x, [1, 3], tf.matmul(x, x, transpose_b=True), [1, 1],
                                             x_init_value=init)
        assert err < 1e-6
        wrong = tf.stop_gradient(x) * x
        assert tf.test.compute_gradient_error(x, [1, 3], wrong, [1, 3], x_init_value=init) > 0.4


def test_devices_and_temp_dir(case):
    assert tf.test.is_gpu_available() is False
    assert tf.test.gpu_device_name() == ""
    assert tf.test.is_built_with_cuda() is False
    d = case.get_temp_dir()
    import os
    assert os.path.isdir(d)


def test_a_tf1_test_file_runs_under_unittest(tmp_path):
    class T(tf.test.TestCase):
        def testPass(self):  # noqa: N802
            with self.test_session():
                self.assertAllClose(tf.constant(2.0).eval(), 2.0)

        def testFail(self):  # noqa: N802
            self.assertAllEqual([1], [2])
    result = unittest.TextTestRunner(stream=open(tmp_path / "log", "w")).run(
        unittest.TestSuite([T("testPass"), T("testFail")]))
    assert result.testsRun == 2 and len(result.failures) == 1 and not result.errors


def test_benchmark_reports_median(case, capsys):
    with case.test_session() as sess:
        res = tf.test.Benchmark().run_op_benchmark(sess, tf.constant(1.0) + 1.0, min_iters=3, name="b")
    assert res["iters"] == 3 and res["wall_time"] > 0
    assert "name: b" in capsys.readouterr().out


def test_eager_mode_must_be_enabled_at_program_start():
    assert tf.executing_eagerly() is False
    tf.disable_eager_execution()
    tf.get_default_graph()
    with pytest.raises(ValueError, match="must be called at program startup"):
        tf.enable_eager_execution()
    assert tf.executing_eagerly() is False
