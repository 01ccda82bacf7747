"""tf.dtypes, tf.debugging, tf.io.gfile: TF 1.15's alias namespaces re-export compat_tf's own objects."""
import os
import sys

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.dropin.missing import UnimplementedSymbolError


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def test_dtypes_namespace_is_the_same_objects():
    assert tf.dtypes.float32 is tf.float32 and tf.dtypes.DType is tf.DType
    assert tf.dtypes.as_dtype(np.int64) is tf.int64 and tf.dtypes.half is tf.float16
    assert tf.dtypes.cast is tf.cast and tf.dtypes.saturate_cast is tf.saturate_cast
    assert tf.dtypes.as_string is tf.as_string and tf.dtypes.QUANTIZED_DTYPES is tf.QUANTIZED_DTYPES
    for name in ("bfloat16", "bool", "complex64", "qint8", "resource", "string", "uint64", "variant"):
        assert getattr(tf.dtypes, name) is getattr(tf, name)
    with tf.Session() as s:
        assert s.run(tf.dtypes.saturate_cast(tf.constant([300.0, -5.0]), tf.dtypes.uint8)).tolist() == [255, 0]


def test_debugging_namespace():
    for name in ("Assert", "assert_equal", "assert_rank", "check_numerics", "is_numeric_tensor", "assert_type"):
        assert getattr(tf.debugging, name) is getattr(tf, name)
    assert tf.debugging.is_nan is tf.is_nan and tf.debugging.is_finite is tf.math.is_finite
    assert tf.debugging.assert_all_finite is tf.verify_tensor_all_finite
    x = tf.constant([1.0, np.inf, np.nan])
    with tf.Session() as s:
        assert s.run(tf.debugging.is_inf(x)).tolist() == [False, True, False]
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(tf.debugging.assert_all_finite(x, "bad"))
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(tf.debugging.assert_equal(tf.constant(1), tf.constant(2)))


def test_unimplemented_names_raise_clearly():
    if "complex" in vars(tf):
        assert tf.dtypes.complex is tf.complex
    else:
        with pytest.raises(UnimplementedSymbolError, match="tf.dtypes.complex"):
            tf.dtypes.complex
    with pytest.raises(UnimplementedSymbolError, match="tf.debugging.enable_check_numerics"):
        tf.debugging.enable_check_numerics
    with pytest.raises(UnimplementedSymbolError, match="tf.io.gfile.get_registered_schemes"):
        tf.io.gfile.get_registered_schemes
    with pytest.raises(AttributeError):
        tf.dtypes.not_a_tf_name


def test_io_gfile(tmp_path):
    g = tf.io.gfile
    d = str(tmp_path / "a" / "b")
    g.makedirs(d)
    assert g.isdir(d) and g.exists(d)
    p = g.join(d, "f.txt")
    with g.GFile(p, "w") as f:
        f.write("hello\nworld\n")
    assert g.listdir(d) == ["f.txt"]
    assert g.glob(os.path.join(d, "*.txt")) == [p]
    assert g.stat(p).length == 12
    g.copy(p, p + ".bak")
    with pytest.raises(tf.errors.AlreadyExistsError):
        g.copy(p, p + ".bak")
    g.rename(p + ".bak", p + ".2")
    assert sorted(g.listdir(d)) == ["f.txt", "f.txt.2"]
    g.remove(p + ".2")
    with pytest.raises(tf.errors.NotFoundError):
        g.remove(p + ".2")
    g.mkdir(os.path.join(d, "c"))
    walked = list(g.walk(str(tmp_path / "a")))
    assert walked[0] == (str(tmp_path / "a"), ["b"], [])
    assert (d, ["c"], ["f.txt"]) in walked
    errs = []
    assert list(g.walk(str(tmp_path / "missing"), onerror=errs.append)) == []
    assert len(errs) == 1 and isinstance(errs[0], tf.errors.NotFoundError)
    with g.GFile(p) as f:
        assert f.readline() == "hello\n"
    g.rmtree(str(tmp_path / "a"))
    assert not g.exists(str(tmp_path / "a"))


def test_io_gfile_is_importable_as_module():
    import compat_tf.io.gfile as gf
    assert gf is tf.io.gfile and sys.modules["compat_tf.io.gfile"] is gf


def test_toplevel_names_in_their_tf1_namespaces():
    assert tf.math.confusion_matrix is tf.confusion_matrix
    assert tf.quantization.fake_quant_with_min_max_vars is tf.fake_quant_with_min_max_vars
    assert tf.compat.v1.make_template is tf.make_template
    for name in ("quantization.quantize", "quantization.dequantize", "wrap_function"):
        obj = tf
        with pytest.raises(NotImplementedError, match=f"tf.{name}"):
            for part in name.split("."):
                obj = getattr(obj, part)
