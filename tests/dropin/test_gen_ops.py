"""`from tensorflow.python.ops import gen_nn_ops` (ops/raw_op_wrappers.py through dropin/importer.py):
TF's generated wrappers with TF's positional signatures; unlowered names raise naming the TF symbol."""
import inspect

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.dropin import importer
from compat_tf._src.dropin.missing import UnimplementedImportError, UnimplementedSymbolError

A = np.arange(12, dtype=np.float32).reshape(3, 4) - 5


@pytest.fixture(autouse=True)
def installed():
    was = importer.installed()
    importer.install()
    with tf.Graph().as_default():
        yield
    if not was:
        importer.uninstall()


def run(fetches):
    with tf.Session() as s:
        return s.run(fetches)


def test_gen_modules_import_and_call_positionally():
    from tensorflow.python.ops import gen_array_ops, gen_math_ops, gen_nn_ops
    import tensorflow.python.ops.gen_image_ops as gen_image_ops
    assert gen_image_ops.resize_bilinear is not None
    relu = gen_nn_ops.relu(A)
    mm = gen_math_ops.mat_mul(A, A, False, True)             # transpose_a, transpose_b positionally
    cat = gen_array_ops.concat_v2([A, A], 1, name="cat")
    total = gen_math_ops._sum(A, [0], keep_dims=True)        # TF's hidden name (reduce_sum calls it)
    assert cat.op.name == "cat" and cat.op.get_attr("N") == 2
    got = run([relu, mm, cat, total])
    np.testing.assert_array_equal(got[0], np.maximum(A, 0))
    np.testing.assert_allclose(got[1], A @ A.T)
    np.testing.assert_array_equal(got[2], np.concatenate([A, A], 1))
    np.testing.assert_array_equal(got[3], A.sum(0, keepdims=True))
    assert gen_math_ops.Add is tf.raw_ops.Add                 # the module's CamelCase raw ops, as TF's


def test_gen_signature_is_tfs_generated_one():
    from tensorflow.python.ops import gen_nn_ops
    sig = inspect.signature(gen_nn_ops.conv2d)
    assert list(sig.parameters) == ["input", "filter", "strides", "padding", "use_cudnn_on_gpu",
                                    "explicit_paddings", "data_format", "dilations", "name"]
    assert sig.parameters["strides"].default is inspect.Parameter.empty
    assert sig.parameters["dilations"].default == [1, 1, 1, 1]
    out = gen_nn_ops.conv2d(np.ones((1, 3, 3, 1), np.float32), np.ones((2, 2, 1, 1), np.float32), [1, 1, 1, 1],
                            "VALID")
    np.testing.assert_array_equal(run(out), np.full((1, 2, 2, 1), 4.0))
    with pytest.raises(TypeError, match="missing a required argument: 'padding'"):
        gen_nn_ops.conv2d(np.ones((1, 3, 3, 1), np.float32), np.ones((2, 2, 1, 1), np.float32), [1, 1, 1, 1])


def test_unlowered_gen_names_raise_naming_the_tf_symbol():
    from tensorflow.python.ops import gen_nn_ops
    with pytest.raises(UnimplementedSymbolError,
                       match=r"tensorflow\.python\.ops\.gen_nn_ops\.fractional_max_pool is not implemented"):
        gen_nn_ops.fractional_max_pool
    with pytest.raises(UnimplementedImportError, match="gen_nn_ops.fractional_avg_pool"):
        from tensorflow.python.ops.gen_nn_ops import fractional_avg_pool  # noqa: F401
    with pytest.raises(AttributeError) as e:
        gen_nn_ops.not_an_op_of_tf
    assert not isinstance(e.value, NotImplementedError)
    with pytest.raises(ModuleNotFoundError):
        import tensorflow.python.ops.gen_no_such_family_ops  # noqa: F401

