"""tf.summary ops (scalar / histogram / image / audio / text / tensor_summary / merge) vs TF 1.15."""
import bisect
import io
import sys
import wave

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess(graph):
    with tf.Session(graph=graph) as s:
        yield s


def _parse(data):
    s = tf.Summary()
    s.ParseFromString(data)
    return s


def _decode_png(data):
    with tf.Graph().as_default(), tf.Session() as s:
        return s.run(tf.image.decode_png(tf.constant(data)))


# -- names, tags, collections --------------------------------------------------------------------


def test_scalar_tag_is_the_scope_name(sess):
    x = tf.placeholder(tf.float32, [])
    loss = tf.identity(x, name="loss")
    a = tf.summary.scalar("loss", loss)             # op name 'loss' is taken -> 'loss_1'
    with tf.name_scope("train"):
        b = tf.summary.scalar("x value!", x)        # illegal characters become '_'
        c = tf.summary.scalar("acc", x * 2, family="metrics")
    assert a.op.name == "loss_1" and a.dtype == tf.string and a.shape.as_list() == []
    assert b.op.name == "train/x_value_" and a.op.type == "ScalarSummary"
    assert c.op.name == "train/metrics/acc"
    out = sess.run([a, b, c], {x: 1.25})
    assert isinstance(out[0], bytes)
    vals = [(v.tag, v.simple_value) for o in out for v in _parse(o).value]
    assert vals == [("loss_1", 1.25), ("train/x_value_", 1.25), ("metrics/train/metrics/acc", 2.5)]
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a, b, c]


def test_scalar_value_is_float32_and_int_inputs_work(sess):
    s = tf.summary.scalar("d", tf.constant(0.1, tf.float64))
    i = tf.summary.scalar("i", tf.constant(7, tf.int64))
    d_val, i_val = (_parse(o).value[0].simple_value for o in sess.run([s, i]))
    assert d_val == float(np.float32(0.1)) and i_val == 7.0


def test_scalar_of_non_scalar_fails_at_run_time(sess):
    s = tf.summary.scalar("v", tf.constant([1.0, 2.0]))
    msg = r"tags and values not the same shape: \[\] != \[2\]"
    with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
        sess.run(s)


def test_collections_argument_and_merge_all(sess):
    a = tf.summary.scalar("a", 1.0)
    b = tf.summary.scalar("b", 2.0, collections=["mine"])
    c = tf.summary.scalar("c", 3.0, collections=[])
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a]
    assert tf.get_collection("mine") == [b]
    assert c not in tf.get_collection(tf.GraphKeys.SUMMARIES)
    assert tf.summary.merge_all("nothing_here") is None
    merged = tf.summary.merge_all()
    assert merged.op.type == "MergeSummary" and merged.op.name == "Merge/MergeSummary"
    assert [v.tag for v in _parse(sess.run(merged)).value] == ["a"]
    m2 = tf.summary.merge_all("mine")
    assert [(v.tag, v.simple_value) for v in _parse(sess.run(m2)).value] == [("b", 2.0)]
    # merge() adds to no collection unless asked
    assert merged not in tf.get_collection(tf.GraphKeys.SUMMARIES)


def test_merge_keeps_order_and_rejects_duplicate_tags(sess):
    with tf.name_scope("s"):
        a = tf.summary.scalar("a", 1.0)
    b = tf.summary.histogram("b", [1.0, 2.0])
    m = tf.summary.merge([b, a], name="both")
    assert m.op.name == "both/both"
    parsed = _parse(sess.run(m))
    assert [v.tag for v in parsed.value] == ["b", "s/a"]
    assert parsed.value[0].HasField("histo") and parsed.value[1].simple_value == 1.0
    dup = tf.summary.merge([a, a])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag s/a found in summary inputs"):
        sess.run(dup)
    bad = tf.summary.merge([tf.constant(b"\xff\xff not a proto")])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
        sess.run(bad)


# -- histogram -----------------------------------------------------------------------------------


def _tf_bucket_limits():
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(sys.float_info.max)
    return [-x for x in reversed(pos)] + [0.0] + pos


def _reference_histogram(values):
    """TF's Histogram::Add + EncodeToProto(preserve_zero_buckets=false), literally."""
    limits = _tf_bucket_limits()
    buckets = [0.0] * len(limits)
    for v in values:
        buckets[bisect.bisect_right(limits, v)] += 1
    out_l, out_b = [], []
    i = 0
    while i < len(buckets):
        end, count = limits[i], buckets[i]
        i += 1
        if count <= 0:
            while i < len(buckets) and buckets[i] <= 0:
                end, count = limits[i], buckets[i]
                i += 1
        out_l.append(end)
        out_b.append(count)
    return out_l, out_b


def test_histogram_fields_match_tf_layout(sess):
    values = np.array([-2.0, -0.5, 0.0, 0.25, 1.0, 1.0, 3.5, 7.0, 1e-13, -1e30], np.float32)
    h = _parse(sess.run(tf.summary.histogram("w", values))).value[0].histo
    v64 = values.astype(np.float64)
    assert (h.min, h.max, h.num) == (v64.min(), v64.max(), 10.0)
    np.testing.assert_allclose(h.sum, v64.sum(), rtol=1e-12)
    np.testing.assert_allclose(h.sum_squares, (v64 ** 2).sum(), rtol=1e-12)
    ref_l, ref_b = _reference_histogram(v64)
    assert list(h.bucket) == ref_b
    assert list(h.bucket_limit) == ref_l
    assert sum(h.bucket) == 10
    # runs of empty buckets collapse: never two empty buckets in a row, last limit is DBL_MAX
    assert not any(a == 0 and b == 0 for a, b in zip(h.bucket, h.bucket[1:]))
    assert h.bucket_limit[-1] == sys.float_info.max


def test_histogram_random_values_and_ints(sess):
    rng = np.random.RandomState(3)
    values = rng.standard_normal(1000) * 50
    h = _parse(sess.run(tf.summary.histogram("r", values))).value[0].histo
    ref_l, ref_b = _reference_histogram(values)
    assert list(h.bucket) == ref_b and list(h.bucket_limit) == ref_l
    hi = _parse(sess.run(tf.summary.histogram("i", tf.constant([3, 3, -1], tf.int32)))).value[0].histo
    assert (hi.min, hi.max, hi.sum, hi.sum_squares) == (-1.0, 3.0, 5.0, 19.0)


def test_histogram_empty_and_nonfinite(sess):
    h = _parse(sess.run(tf.summary.histogram("e", tf.zeros([0])))).value[0].histo
    assert h.num == 0 and list(h.bucket) == [0.0] and list(h.bucket_limit) == [sys.float_info.max]
    p = tf.placeholder(tf.float32, [None])
    s = tf.summary.histogram("bad", p)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Nan in summary histogram for: bad"):
        sess.run(s, {p: [1.0, np.nan]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Infinity in summary histogram"):
        sess.run(s, {p: [np.inf]})


# -- image ---------------------------------------------------------------------------------------


def test_image_uint8_tags_dims_and_pixels(sess):
    imgs = (np.arange(4 * 3 * 5 * 3).reshape(4, 3, 5, 3) * 7 % 256).astype(np.uint8)
    s = tf.summary.image("pics", imgs, max_outputs=2)
    assert s.op.name == "pics" and s.op.type == "ImageSummary"
    vals = _parse(sess.run(s)).value
    assert [v.tag for v in vals] == ["pics/image/0", "pics/image/1"]
    for i, v in enumerate(vals):
        assert (v.image.height, v.image.width, v.image.colorspace) == (3, 5, 3)
        np.testing.assert_array_equal(_decode_png(v.image.encoded_image_string), imgs[i])
    one = _parse(sess.run(tf.summary.image("single", imgs, max_outputs=1))).value
    assert [v.tag for v in one] == ["single/image"]


def test_image_float_normalisation_per_image(sess):
    pos = np.array([0.0, 0.5, 1.0, 2.0], np.float32).reshape(1, 2, 2, 1)
    mixed = np.array([-2.0, -1.0, 0.0, 1.0], np.float32).reshape(1, 2, 2, 1)
    vals = _parse(sess.run(tf.summary.image("f", np.concatenate([pos, mixed]), max_outputs=5))).value
    assert len(vals) == 2
    a = _decode_png(vals[0].image.encoded_image_string)[..., 0]
    b = _decode_png(vals[1].image.encoded_image_string)[..., 0]
    # non-negative: x * 255 / max (truncated); with negatives: x * 127 / max|x| + 128
    np.testing.assert_array_equal(a.reshape(-1), [0, 63, 127, 255])
    np.testing.assert_array_equal(b.reshape(-1), [1, 64, 128, 191])


def test_image_nonfinite_pixels_are_red_and_bad_shapes_fail(sess):
    img = np.ones((1, 1, 3, 3), np.float32)
    img[0, 0, 1, 2] = np.nan
    v = _parse(sess.run(tf.summary.image("n", img))).value[0]
    out = _decode_png(v.image.encoded_image_string)
    np.testing.assert_array_equal(out[0], [[255, 255, 255], [255, 0, 0], [255, 255, 255]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="4-D with last dim 1, 3, or 4"):
        sess.run(tf.summary.image("b", np.zeros((1, 2, 2, 2), np.float32)))


# -- audio, text, tensor ---------------------------------------------------------------------------


def test_audio_wav_contents(sess):
    x = np.array([[[0.0, 0.5], [-1.0, 1.0], [0.25, -2.0]]], np.float32)  # 1 clip, 3 frames, 2 channels
    s = tf.summary.audio("snd", x, sample_rate=8000)
    v = _parse(sess.run(s)).value
    assert [u.tag for u in v] == ["snd/audio/0"]
    a = v[0].audio
    assert (a.sample_rate, a.num_channels, a.length_frames, a.content_type) == (8000, 2, 3, "audio/wav")
    w = wave.open(io.BytesIO(a.encoded_audio_string))
    assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (2, 2, 8000, 3)
    pcm = np.frombuffer(w.readframes(3), "<i2").reshape(3, 2)
    np.testing.assert_array_equal(pcm, [[0, 16384], [-32768, 32767], [8192, -32768]])


def test_text_and_tensor_summary(sess):
    t = tf.summary.text("note", tf.constant([["a", "b"], ["c", "d"]]))
    v = _parse(sess.run(t)).value[0]
    assert v.tag == "note" and v.metadata.plugin_data.plugin_name == "text"
    assert list(v.tensor.string_val) == [b"a", b"b", b"c", b"d"]
    assert [d.size for d in v.tensor.tensor_shape.dim] == [2, 2]
    assert v.tensor.dtype == tf.string.as_datatype_enum
    with pytest.raises(ValueError, match="dtype string"):
        tf.summary.text("bad", tf.constant(1.0))
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    ts = tf.summary.tensor_summary("t", arr, summary_description="desc", display_name="T")
    v = _parse(sess.run(ts)).value[0]
    assert v.tag == "t" and v.metadata.summary_description == "desc" and v.metadata.display_name == "T"
    assert v.tensor.dtype == tf.float32.as_datatype_enum
    np.testing.assert_array_equal(np.frombuffer(v.tensor.tensor_content, "<f4").reshape(2, 3), arr)
    assert ts in tf.get_collection(tf.GraphKeys.SUMMARIES)


def test_histogram_sums_are_left_to_right_across_chunks(sess):
    """sum and sum_squares are TF's Histogram::Add loop: one double added after another, so they
    carry its rounding (not NumPy's pairwise sum), also across the chunks the sum is taken in."""
    from compat_tf._src.summary import summary_ops as _summary_ops
    values = np.tile(np.array([1e16, 1.0, -1e16, 3.0], np.float64), (_summary_ops._SUM_CHUNK + 7) // 2)
    h = _parse(sess.run(tf.summary.histogram("s", values))).value[0].histo
    total = squares = 0.0
    for x in values.tolist():
        total += x
        squares += x * x
    assert (h.sum, h.sum_squares) == (total, squares)
    assert h.sum != float(values.sum())             # the pairwise sum differs: the test can tell
