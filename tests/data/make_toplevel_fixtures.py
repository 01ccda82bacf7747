"""Writes tests/data/toplevel/expected.npz with REAL TensorFlow (the oracle venv, tf.compat.v1 graph
mode): the top-level TF1 ops of tests/ops/test_toplevel_ops.py (repeat, unravel_index, bitcast,
parallel_stack, tensor_scatter_nd_max/min, histograms, confusion_matrix, switch_case,
batch_scatter_update, serialize/parse_tensor, decode_compressed, fake_quant*, extract_volume_patches,
vectorized_map, grad_pass_through, log_sigmoid, fingerprint, decode_json_example), values and
gradients.

`cases(tf, inp)` builds the same graph with compat_tf in the test (it imports this file).
Run: /tmp/tfvenv/bin/python tests/data/make_toplevel_fixtures.py
"""
import os
import zlib

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toplevel", "expected.npz")


def inputs():
    rng = np.random.RandomState(0)
    return {
        "x": rng.randn(3, 2).astype(np.float32),
        "q": (rng.randn(4, 3) * 4).astype(np.float32),
        "vol": rng.randn(2, 4, 5, 3, 2).astype(np.float32),
        "hist": np.array([-1.0, 0.0, 1.5, 2.0, 5.0, 4.99, 3.3, 12.0], np.float32),
        "branch": np.array(1, np.int32),
        "blob": np.array([zlib.compress(b"compat_tf " * 3), zlib.compress(b"")], dtype=object),
    }


def cases(tf, inp):
    """name -> fetch, built in the default graph from the feedable inputs (placeholders)."""
    x = tf.placeholder(tf.float32, [3, 2], name="x")
    q = tf.placeholder(tf.float32, [4, 3], name="q")
    vol = tf.placeholder(tf.float32, [2, 4, 5, 3, 2], name="vol")
    hist = tf.placeholder(tf.float32, [8], name="hist")
    branch = tf.placeholder(tf.int32, [], name="branch")
    blob = tf.placeholder(tf.string, [2], name="blob")
    feeds = {x: inp["x"], q: inp["q"], vol: inp["vol"], hist: inp["hist"], branch: inp["branch"],
             blob: inp["blob"]}
    out = {}
    rep = tf.repeat(x, [1, 2, 0], axis=0)
    out["repeat_axis0"] = rep
    out["repeat_flat"] = tf.repeat(x, 2)
    out["repeat_axis1"] = tf.repeat(x, [3, 1], axis=1)
    out["repeat_grad"] = tf.gradients(tf.reduce_sum(rep * tf.constant([[1.0, 2.0]])), x)[0]
    out["unravel"] = tf.unravel_index([0, 5, 11], [3, 4])
    out["unravel_scalar"] = tf.unravel_index(7, [2, 2, 2])
    out["parallel_stack"] = tf.parallel_stack([x[0], x[1] * 2, x[2]])
    out["bitcast_i32"] = tf.bitcast(x, tf.int32)
    out["bitcast_u8"] = tf.bitcast(x, tf.uint8)
    out["bitcast_back"] = tf.bitcast(tf.bitcast(x, tf.uint8), tf.float32)
    base = tf.constant([[1.0, 5.0], [2.0, -3.0]])
    out["scatter_max"] = tf.tensor_scatter_nd_max(base, [[0], [1]], [[3.0, 3.0], [0.0, 7.0]])
    out["scatter_min"] = tf.tensor_scatter_nd_min(base, [[0, 1], [1, 0], [0, 1]], [4.0, 9.0, 2.0])
    out["hist"] = tf.histogram_fixed_width(hist, [0.0, 5.0], nbins=5)
    out["hist_int64"] = tf.histogram_fixed_width(hist, [-2.0, 10.0], nbins=7, dtype=tf.int64)
    out["hist_bins"] = tf.histogram_fixed_width_bins(tf.reshape(hist, [2, 4]), [0.0, 5.0], nbins=5)
    labels = tf.constant([0, 2, 1, 2, 2])
    preds = tf.constant([0, 1, 1, 2, 0])
    out["confusion"] = tf.confusion_matrix(labels, preds, num_classes=4)
    out["confusion_weighted"] = tf.confusion_matrix(labels, preds, num_classes=3,
                                                    weights=tf.constant([1.0, 0.5, 2.0, 1.0, 3.0]),
                                                    dtype=tf.float32)
    out["confusion_inferred"] = tf.confusion_matrix([1, 2], [2, 2])
    fns = [lambda: tf.constant(10.0), lambda: x[0, 0] * 2.0, lambda: tf.constant(-1.0)]
    out["switch"] = tf.switch_case(branch, fns)
    out["switch_dict_default"] = tf.switch_case(branch + 5, {0: fns[0], 1: fns[1]}, default=lambda: tf.constant(7.0))
    out["switch_no_default_out_of_range"] = tf.switch_case(branch + 5, fns)
    out["switch_grad"] = tf.gradients(tf.switch_case(branch, fns), x)[0]
    serial = tf.serialize_tensor(x)
    out["serialized_float"] = serial
    out["serialized_int"] = tf.serialize_tensor(tf.constant([[1, 2, 3]], tf.int64))
    out["serialized_str"] = tf.serialize_tensor(tf.constant(["a", "bc"]))
    out["serialized_scalar"] = tf.serialize_tensor(tf.constant(2.5))
    out["parsed"] = tf.parse_tensor(serial, tf.float32)
    out["decompressed"] = tf.decode_compressed(blob, "ZLIB")
    out["fq_args"] = tf.fake_quant_with_min_max_args(q, min=-5.0, max=3.0, num_bits=4)
    out["fq_args_narrow"] = tf.fake_quant_with_min_max_args(q, min=-1.7, max=6.3, num_bits=8, narrow_range=True)
    fq_min, fq_max = tf.constant(-2.5), tf.constant(4.2)
    fq = tf.fake_quant_with_min_max_vars(q, fq_min, fq_max, num_bits=5)
    out["fq_vars"] = fq
    out["fq_vars_grads"] = tf.stack([tf.reduce_sum(g) * 0 + g if g.shape.ndims == 0 else tf.reduce_sum(g)
                                     for g in tf.gradients(tf.reduce_sum(fq * q), [q, fq_min, fq_max])])
    out["fq_vars_grad_q"] = tf.gradients(tf.reduce_sum(fq * q), q)[0]
    out["fq_vars_zero"] = tf.fake_quant_with_min_max_vars(q, 0.0, 0.0)
    pc_min, pc_max = tf.constant([-1.0, -3.0, 0.5]), tf.constant([1.0, 2.0, 4.0])
    fqc = tf.fake_quant_with_min_max_vars_per_channel(q, pc_min, pc_max, num_bits=3)
    out["fq_channel"] = fqc
    gq, gmin, gmax = tf.gradients(tf.reduce_sum(fqc * q), [q, pc_min, pc_max])
    out["fq_channel_grad_q"], out["fq_channel_grad_min"], out["fq_channel_grad_max"] = gq, gmin, gmax
    out["fq_args_gradient_op"] = tf.fake_quant_with_min_max_args_gradient(q * 0 + 1.0, q, min=-2.0, max=2.0)
    gv = tf.fake_quant_with_min_max_vars_gradient(q * 0 + 1.0, q, fq_min, fq_max)
    out["fq_vars_gradient_op_x"], out["fq_vars_gradient_op_min"], out["fq_vars_gradient_op_max"] = gv
    gc = tf.fake_quant_with_min_max_vars_per_channel_gradient(q * 0 + 1.0, q, pc_min, pc_max)
    out["fq_channel_gradient_op_x"], out["fq_channel_gradient_op_min"], out["fq_channel_gradient_op_max"] = gc
    out["volume_valid"] = tf.extract_volume_patches(vol, [1, 2, 3, 2, 1], [1, 1, 2, 1, 1], "VALID")
    out["volume_same"] = tf.extract_volume_patches(vol, [1, 3, 2, 2, 1], [1, 2, 2, 2, 1], "SAME")
    vm = tf.vectorized_map(lambda r: tf.reduce_sum(r * r) + r, x)
    out["vectorized_map"] = vm
    out["vectorized_map_grad"] = tf.gradients(tf.reduce_sum(vm), x)[0]
    rounded = tf.grad_pass_through(tf.round)(x * 3.0)
    out["pass_through"] = rounded
    out["pass_through_grad"] = tf.gradients(tf.reduce_sum(rounded * x), x)[0]
    out["log_sigmoid"] = tf.log_sigmoid(x * 10.0)
    pads, crops = tf.required_space_to_batch_paddings([5, 7], [2, 3], base_paddings=[[1, 0], [0, 2]])
    out["space_to_batch_paddings"], out["space_to_batch_crops"] = pads, crops
    out["guarantee_const"] = tf.guarantee_const(x)
    out["fingerprint_float"] = tf.fingerprint(x)
    out["fingerprint_int"] = tf.fingerprint(tf.constant([[1, 2], [3, 4]], tf.int32))
    out["fingerprint_str"] = tf.fingerprint(tf.constant(["abc", "de"]))
    out["fingerprint_str_rows"] = tf.fingerprint(tf.constant([["abc", "de"], ["x", ""]]))
    out["json_example_parsed"] = tf.parse_example(
        tf.decode_json_example(['{"features": {"feature": {"a": {"int64List": {"value": ["1", 2]}}, '
                                '"b": {"floatList": {"value": [0.5]}}}}}']),
        {"a": tf.FixedLenFeature([2], tf.int64), "b": tf.FixedLenFeature([1], tf.float32)})["a"]
    return out, feeds


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    with tf.Graph().as_default():
        fetches, feeds = cases(tf, inputs())
        with tf.Session() as s:
            values = s.run(fetches, feeds)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez(OUT, **{k: np.asarray(v) for k, v in values.items()})
    print(f"wrote {len(values)} arrays to {OUT}")
