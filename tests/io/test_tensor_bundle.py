"""Checkpoints written by real TensorFlow (tensor-bundle V2) read and restored by compat_tf.

The fixtures under tests/data/tf_checkpoints/ were written by TensorFlow itself
(tests/data/make_tf_checkpoints.py, run under the oracle venv), together with the
values TF read back (expected.npz / expected.json), so these tests need no TensorFlow.
"""
import base64
import json
import os
import shutil
import struct

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.io import tensor_bundle
from compat_tf._src.io.tf_record import masked_crc32c
from compat_tf._src.protos import tensor_bundle_pb2

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "tf_checkpoints")


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _fixture(name):
    d = os.path.join(DATA, name)
    with open(os.path.join(d, "expected.json")) as f:
        meta = json.load(f)
    return d, meta, np.load(os.path.join(d, "expected.npz"))


def _copy(tmp_path, name):
    d = str(tmp_path / name)
    shutil.copytree(os.path.join(DATA, name), d)
    return d


def _expected_value(meta, arrays, name):
    info = meta["tensors"][name]
    if info["dtype"] == "string":
        vals = [base64.b64decode(v) for v in info["value"]]
        out = np.empty(len(vals), dtype=object)
        out[:] = vals
        return out.reshape(info["shape"])
    return arrays[name]


# -- reading every dtype -------------------------------------------------------------------------

def test_reader_values_dtypes_shapes_equal_tf():
    d, meta, arrays = _fixture("dtypes")
    reader = tf.train.NewCheckpointReader(os.path.join(d, meta["prefix"]))
    shapes = reader.get_variable_to_shape_map()
    dtypes = reader.get_variable_to_dtype_map()
    assert shapes == {n: info["shape"] for n, info in meta["tensors"].items()}
    assert {n: dt.name for n, dt in dtypes.items()} == {n: info["dtype"] for n, info in meta["tensors"].items()}
    for name, info in meta["tensors"].items():
        assert reader.has_tensor(name)
        got = reader.get_tensor(name)
        want = _expected_value(meta, arrays, name)
        if info["dtype"] == "string":
            if info["shape"] == []:
                assert got == want[()] and isinstance(got, bytes)
            else:
                assert got.dtype == object and got.tolist() == want.tolist()
            continue
        assert np.asarray(got).dtype == np.dtype(tf.as_dtype(info["dtype"]).as_numpy_dtype), name
        assert list(np.shape(got)) == info["shape"]
        np.testing.assert_array_equal(np.asarray(got).astype(want.dtype), want, err_msg=name)
    # spot checks a byte-order or dtype mix-up would get wrong
    assert reader.get_tensor("i64")[2] == -(2 ** 63)
    assert reader.get_tensor("u64")[0] == 2 ** 64 - 1
    assert reader.get_tensor("c128")[1, 0] == 2 - 1e300j
    assert reader.get_tensor("scope/inner/f64")[1] == 2e-300
    assert reader.get_tensor("words")[1, 1] == "caf\u00e9".encode() * 60      # a length over 127: 2-byte varint
    assert reader.get_tensor("words")[0, 1] == b""


def test_index_table_header_and_sorted_keys():
    d, meta, _ = _fixture("dtypes")
    with open(os.path.join(d, meta["prefix"] + ".index"), "rb") as f:
        raw = f.read()
    assert tensor_bundle.is_tensor_bundle_index(raw)
    pairs = tensor_bundle.read_table(raw)
    keys = [k for k, _ in pairs]
    assert keys[0] == b"" and keys == sorted(keys)
    assert sorted(k.decode() for k in keys[1:]) == sorted(meta["tensors"])
    header = tensor_bundle_pb2.BundleHeaderProto.FromString(pairs[0][1])
    assert header.num_shards == 1 and header.endianness == header.LITTLE and header.version.producer == 1
    entry = tensor_bundle_pb2.BundleEntryProto.FromString(dict(pairs)[b"f32"])
    assert [dim.size for dim in entry.shape.dim] == [2, 3, 4] and entry.size == 96


# -- checkpoint_utils, latest_checkpoint -------------------------------------------------------

def test_latest_checkpoint_list_and_load_variable_on_tf_directory():
    d, meta, arrays = _fixture("adam")
    assert tf.train.latest_checkpoint(d) == os.path.join(d, meta["prefix"])
    listed = tf.train.list_variables(d)
    assert listed == sorted((n, info["shape"]) for n, info in meta["tensors"].items())
    assert {"w/Adam", "w/Adam_1", "beta1_power", "beta2_power", "global_step", "dense/kernel"} <= dict(listed).keys()
    np.testing.assert_array_equal(tf.train.load_variable(d, "dense/kernel:0"), arrays["dense/kernel"])
    assert tf.train.load_variable(d, "global_step") == 5
    assert tf.train.checkpoint_exists(os.path.join(d, meta["prefix"]))


def test_init_from_checkpoint_tf_directory():
    d, meta, arrays = _fixture("adam")
    with tf.variable_scope("new"):
        k = tf.get_variable("kernel", [3, 2])
        b = tf.get_variable("bias", [2])
    w = tf.get_variable("w", [3, 3])
    tf.train.init_from_checkpoint(d, {"dense/": "new/", "w": w})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(k), arrays["dense/kernel"])
        np.testing.assert_array_equal(sess.run(b), arrays["dense/bias"])
        np.testing.assert_array_equal(sess.run(w), arrays["w"])


# -- Saver.restore -------------------------------------------------------------------------------

def _adam_model(meta):
    xs, ys = np.array(meta["xs"], np.float32), np.array(meta["ys"], np.float32)
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 2])
    w = tf.get_variable("w", [3, 3])
    with tf.variable_scope("dense"):
        kernel = tf.get_variable("kernel", [3, 2])
        bias = tf.get_variable("bias", [2])
    logits = tf.matmul(tf.tanh(tf.matmul(x, w)), kernel) + bias
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=tf.train.get_or_create_global_step())
    return {x: xs, y: ys}, loss, train


def test_restore_adam_checkpoint_and_continue_training_like_tf():
    d, meta, arrays = _fixture("adam")
    feed, loss, train = _adam_model(meta)
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == sorted(meta["tensors"])                 # slots and beta powers named as TF names them
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, tf.train.latest_checkpoint(d))   # no initializer
        assert sess.run(tf.report_uninitialized_variables()).size == 0
        for v in tf.global_variables():
            np.testing.assert_array_equal(sess.run(v), arrays[v.op.name])
        losses = [float(sess.run([train, loss], feed)[1]) for _ in range(3)]
        np.testing.assert_allclose(losses, meta["losses_after_restore"], rtol=1e-5)
        after = np.load(os.path.join(d, "expected_after_3_steps.npz"))
        for v in tf.global_variables():
            np.testing.assert_allclose(sess.run(v), after[v.op.name], rtol=1e-5, atol=1e-6, err_msg=v.op.name)
        assert sess.run(tf.train.get_global_step()) == 8


def test_restore_dtypes_checkpoint_into_matching_variables():
    d, meta, arrays = _fixture("dtypes")
    variables = {}
    for name, info in meta["tensors"].items():
        dtype = tf.as_dtype(info["dtype"])
        init = np.zeros(info["shape"], dtype=object if info["dtype"] == "string" else dtype.as_numpy_dtype)
        if info["dtype"] == "string":
            init[...] = b"x"
        variables[name] = tf.Variable(init, dtype=dtype, name=name)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, os.path.join(d, meta["prefix"]))
        for name, v in variables.items():
            got, want = sess.run(v), _expected_value(meta, arrays, name)
            if meta["tensors"][name]["dtype"] == "string":
                assert np.asarray(got, dtype=object).tolist() == want.tolist(), name
            else:
                assert np.asarray(got).dtype == np.dtype(v.dtype.base_dtype.as_numpy_dtype), name
                np.testing.assert_array_equal(np.asarray(got).astype(want.dtype), want, err_msg=name)


def _corrupt_tensor_byte(prefix, name, at=0):
    reader = tensor_bundle.BundleReader(prefix)
    entry = reader.entries[name]
    path = reader.shard_path(entry.shard_id)
    with open(path, "r+b") as f:
        f.seek(entry.offset + at)
        b = f.read(1)
        f.seek(entry.offset + at)
        f.write(bytes([b[0] ^ 0x10]))
    return path


def _restore_unchanged(prefix, meta, error, match):
    """Restoring `prefix` raises `error`; the variables keep their initial values."""
    feed, loss, train = _adam_model(meta)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = {v.op.name: sess.run(v) for v in tf.global_variables()}
        with pytest.raises(error, match=match):
            tf.train.Saver().restore(sess, prefix)
        for v in tf.global_variables():
            np.testing.assert_array_equal(sess.run(v), before[v.op.name], err_msg=v.op.name)


@pytest.mark.parametrize("tensor", ["w/Adam_1", "global_step", "dense/kernel"])
def test_corrupt_data_byte_is_data_loss_and_changes_nothing(tmp_path, tensor):
    d = _copy(tmp_path, "adam")
    _, meta, _ = _fixture("adam")
    prefix = os.path.join(d, meta["prefix"])
    path = _corrupt_tensor_byte(prefix, tensor, at=1)
    with pytest.raises(tf.errors.DataLossError, match="Checksum") as e:
        tf.train.NewCheckpointReader(prefix).get_tensor(tensor)
    assert tensor in str(e.value) and path in str(e.value)
    np.testing.assert_array_equal(tf.train.load_variable(prefix, "w"), _fixture("adam")[2]["w"])  # others fine
    _restore_unchanged(prefix, meta, tf.errors.DataLossError, tensor)


def test_corrupt_string_tensor_and_truncated_shard(tmp_path):
    d = _copy(tmp_path, "dtypes")
    prefix = os.path.join(d, "model.ckpt")
    entry = tensor_bundle.BundleReader(prefix).entries["words"]
    _corrupt_tensor_byte(prefix, "words", at=entry.size - 1)          # a byte of the last string
    reader = tf.train.NewCheckpointReader(prefix)
    with pytest.raises(tf.errors.DataLossError, match="words"):
        reader.get_tensor("words")
    _corrupt_tensor_byte(prefix, "words", at=entry.size - 1)          # repaired
    _corrupt_tensor_byte(prefix, "words", at=0)                       # the first length
    with pytest.raises(tf.errors.DataLossError, match="words"):
        reader.get_tensor("words")
    assert reader.get_tensor("scope/word") == b"scalar string"
    shard = prefix + ".data-00000-of-00001"
    with open(shard, "r+b") as f:
        f.truncate(os.path.getsize(shard) - 3)
    last = max(tensor_bundle.BundleReader(prefix).entries.items(), key=lambda kv: kv[1].offset)[0]
    with pytest.raises(tf.errors.DataLossError, match="truncated"):
        reader.get_tensor(last)


def test_corrupt_index_byte_is_data_loss_naming_the_index(tmp_path):
    d = _copy(tmp_path, "adam")
    _, meta, _ = _fixture("adam")
    prefix = os.path.join(d, meta["prefix"])
    with open(prefix + ".index", "r+b") as f:
        f.seek(20)
        b = f.read(1)
        f.seek(20)
        f.write(bytes([b[0] ^ 1]))
    with pytest.raises(tf.errors.DataLossError, match=r"model\.ckpt-5\.index"):
        tf.train.NewCheckpointReader(prefix)
    _restore_unchanged(prefix, meta, tf.errors.DataLossError, r"\.index")


def test_missing_tensor_is_not_found_and_changes_nothing(tmp_path):
    d, meta, arrays = _fixture("gd_meta")
    w = tf.Variable(np.full((3, 3), 7.0, np.float32), name="w")
    extra = tf.Variable([1.0, 2.0], name="not_in_checkpoint")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.NotFoundError, match="not_in_checkpoint"):
            tf.train.Saver().restore(sess, os.path.join(d, meta["prefix"]))
        np.testing.assert_array_equal(sess.run(w), np.full((3, 3), 7.0))
        np.testing.assert_array_equal(sess.run(extra), [1.0, 2.0])
        tf.train.Saver([w]).restore(sess, os.path.join(d, meta["prefix"]))   # the present one restores
        np.testing.assert_array_equal(sess.run(w), arrays["w"])
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.NewCheckpointReader(os.path.join(d, meta["prefix"])).get_tensor("nope")


def test_dtype_and_shape_mismatch_are_invalid_argument():
    d, meta, _ = _fixture("gd_meta")
    prefix = os.path.join(d, meta["prefix"])
    with tf.Graph().as_default():
        tf.Variable(np.zeros((3, 3), np.float64), name="w")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="dtype"):
                tf.train.Saver().restore(sess, prefix)
    with tf.Graph().as_default():
        tf.Variable(np.zeros((9,), np.float32), name="w")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="shape"):
                tf.train.Saver().restore(sess, prefix)


def test_partitioned_variable_read_whole_from_its_slices():
    # TF wrote get_variable("part", [4, 2], ones, fixed_size_partitioner(2)): two [2, 2] slices
    d, meta, arrays = _fixture("partitioned")
    prefix = os.path.join(d, meta["prefix"])
    assert dict(tf.train.list_variables(d)) == meta["shapes"]          # slice keys are not listed
    np.testing.assert_array_equal(tf.train.load_variable(d, "plain"), arrays["plain"])
    reader = tensor_bundle.BundleReader(prefix)
    assert sorted(reader._slices) == [("part", ((0, 2), (0, 2))), ("part", ((2, 2), (0, 2)))]
    np.testing.assert_array_equal(tf.train.NewCheckpointReader(prefix).get_tensor("part"), np.ones((4, 2)))
    with tf.Graph().as_default():
        part = tf.get_variable("part", [4, 2], initializer=tf.zeros_initializer())
        with tf.Session() as sess:
            tf.train.Saver([part]).restore(sess, os.path.join(d, meta["prefix"]))
            np.testing.assert_array_equal(sess.run(part), np.ones((4, 2)))


def test_ordered_code_slice_keys():
    from compat_tf._src.io.ordered_code import decode_tensor_name_slice
    # EncodeTensorNameSlice("a\x00b", [(3, 70), (-1 full)]): NumIncreasing(0), String with 0x00 escaped,
    # NumIncreasing(2), SignedNumIncreasing 3 / 70 (two bytes: 0xc0 | 70 >> 8, 70 & 0xff) / 0 / -1
    key = b"\x00" + b"a\x00\xffb\x00\x01" + b"\x01\x02" + bytes([0x83, 0xc0, 70, 0x80, 0x7f])
    assert decode_tensor_name_slice(key) == ("a\x00b", ((3, 70), (0, -1)))
    with pytest.raises(ValueError):
        decode_tensor_name_slice(key + b"\x00")


def test_tf_sharded_checkpoint_two_data_files():
    d, meta, arrays = _fixture("sharded")
    prefix = os.path.join(d, meta["prefix"])
    assert os.path.isfile(prefix + ".data-00001-of-00002")
    assert tensor_bundle.BundleReader(prefix).num_shards == 2
    assert {e.shard_id for e in tensor_bundle.BundleReader(prefix).entries.values()} == {0, 1}
    a = tf.Variable(np.zeros(4), name="a")
    b = tf.Variable(np.array([b"", b""], dtype=object), name="b")
    c = tf.Variable(np.int64(0), name="c")
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, tf.train.latest_checkpoint(d))
        np.testing.assert_array_equal(sess.run(a), arrays["a"])
        assert list(sess.run(b)) == [b"x", b"yy"]
        assert sess.run(c) == 5


# -- TF-written meta graph -------------------------------------------------------------------------

def test_import_tf_meta_graph_restore_and_train():
    d, meta, arrays = _fixture("gd_meta")
    xs, ys = np.array(meta["xs"], np.float32), np.array(meta["ys"], np.float32)
    saver = tf.train.import_meta_graph(os.path.join(d, meta["prefix"] + ".meta"))
    feed = {"x:0": xs, "y:0": ys}
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(d))
        np.testing.assert_array_equal(sess.run("w:0"), arrays["w"])
        probs, loss = sess.run(["probs:0", "loss:0"], feed)
        np.testing.assert_allclose(probs, meta["probs"], rtol=1e-5)
        np.testing.assert_allclose(loss, meta["loss"], rtol=1e-5)
        sess.run(tf.get_collection("train_op")[0], feed)
        np.testing.assert_allclose(sess.run("loss:0", feed), meta["loss_after_one_step"], rtol=1e-5)
        assert sess.run(tf.train.get_global_step()) == 2


# -- hand-built tables: multi-block index, multiple shards, big-endian, snappy, versions -----------

def _varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def _block(entries, restart_interval=2):
    out, restarts, prev = b"", [], b""
    for i, (k, v) in enumerate(entries):
        shared = 0
        if i % restart_interval:
            while shared < min(len(prev), len(k)) and prev[shared] == k[shared]:
                shared += 1
        else:
            restarts.append(len(out))
        out += _varint(shared) + _varint(len(k) - shared) + _varint(len(v)) + k[shared:] + v
        prev = k
    restarts = restarts or [0]
    return out + b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))


def _table(blocks, ctype=0):
    data, index = b"", []

    def add(block, t=0):
        nonlocal data
        handle = _varint(len(data)) + _varint(len(block))
        data += block + bytes([t]) + struct.pack("<I", masked_crc32c(block + bytes([t])))
        return handle
    for entries in blocks:
        index.append((entries[-1][0], add(_block(entries), ctype)))
    meta_handle = add(_block([]))
    index_handle = add(_block(index, restart_interval=1))
    footer = (meta_handle + index_handle).ljust(40, b"\0") + struct.pack("<Q", 0xDB4775248B80FB57)
    return data + footer


def _write_bundle(prefix, tensors, shards=2, big_endian=False, ctype=0, min_consumer=0):
    """tensors: {name: (np array, shard)}; writes PREFIX.index and the shards (numeric tensors only)."""
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=shards, endianness=1 if big_endian else 0)
    header.version.producer = 1
    header.version.min_consumer = min_consumer
    files = [b""] * shards
    entries = [(b"", header.SerializeToString())]
    for name, (arr, shard) in sorted(tensors.items()):
        raw = arr.astype(arr.dtype.newbyteorder(">" if big_endian else "<")).tobytes()
        e = tensor_bundle_pb2.BundleEntryProto(dtype=tf.as_dtype(arr.dtype).as_datatype_enum, shard_id=shard,
                                               offset=len(files[shard]), size=len(raw),
                                               crc32c=masked_crc32c(raw))
        for dim in arr.shape:
            e.shape.dim.add(size=dim)
        files[shard] += raw
        entries.append((name.encode(), e.SerializeToString()))
    blocks = [entries[i:i + 3] for i in range(0, len(entries), 3)]      # several data blocks
    with open(prefix + ".index", "wb") as f:
        f.write(_table(blocks, ctype))
    for i, content in enumerate(files):
        with open(f"{prefix}.data-{i:05d}-of-{shards:05d}", "wb") as f:
            f.write(content)


def _tensors():
    return {"a/b": (np.arange(6, dtype=np.float32).reshape(2, 3), 0),
            "a/c": (np.array([1, -2, 3], np.int64), 1),
            "a/d": (np.array([0.5, -0.25]), 0),
            "b": (np.array([1 + 1j], np.complex64), 1),
            "bb": (np.array([7], np.uint16), 0),
            "c": (np.array(3.5, np.float16), 1),
            "zz": (np.array([True, False]), 0)}


@pytest.mark.parametrize("big_endian", [False, True])
def test_hand_built_multi_block_multi_shard_bundle(tmp_path, big_endian):
    prefix = str(tmp_path / "hand")
    _write_bundle(prefix, _tensors(), big_endian=big_endian)
    reader = tf.train.NewCheckpointReader(prefix)
    assert sorted(reader.get_variable_to_shape_map()) == sorted(_tensors())
    for name, (arr, _) in _tensors().items():
        got = reader.get_tensor(name)
        assert got.dtype == arr.dtype and got.dtype.isnative, name
        np.testing.assert_array_equal(got, arr, err_msg=name)


def test_snappy_block_and_newer_bundle_version_are_clear_errors(tmp_path):
    prefix = str(tmp_path / "snappy")
    _write_bundle(prefix, _tensors(), ctype=1)
    with pytest.raises(tf.errors.UnimplementedError, match="snappy"):
        tf.train.NewCheckpointReader(prefix)
    prefix = str(tmp_path / "future")
    _write_bundle(prefix, _tensors(), min_consumer=2)
    with pytest.raises(tf.errors.DataLossError, match="version"):
        tf.train.NewCheckpointReader(prefix)


def test_block_checksum_covers_the_type_byte():
    first = _block([(b"", b"h"), (b"k", b"v")])
    raw = bytearray(_table([[(b"", b"h"), (b"k", b"v")]]))
    assert tensor_bundle.read_table(bytes(raw)) == [(b"", b"h"), (b"k", b"v")]
    assert raw[len(first)] == 0
    raw[len(first)] = 2                          # type byte changed, checksum not updated
    with pytest.raises(tf.errors.DataLossError, match=r"t\.index.*checksum"):
        tensor_bundle.read_table(bytes(raw), "t.index")
    raw[len(first) + 1:len(first) + 5] = struct.pack("<I", masked_crc32c(first + b"\x02"))
    with pytest.raises(tf.errors.DataLossError, match="compression type 2"):
        tensor_bundle.read_table(bytes(raw), "t.index")


def _rewrite_entry(prefix, name, **fields):
    """Rewrites PREFIX.index with the entry of `name` changed (its CRC kept)."""
    with open(prefix + ".index", "rb") as f:
        entries = tensor_bundle.read_table(f.read())
    out = []
    for key, value in entries:
        if key == name.encode():
            e = tensor_bundle_pb2.BundleEntryProto.FromString(value)
            for k, v in fields.items():
                if k == "dims":
                    e.shape.ClearField("dim")
                    for d in v:
                        e.shape.dim.add(size=d)
                else:
                    setattr(e, k, v)
            value = e.SerializeToString()
        out.append((key, value))
    with open(prefix + ".index", "wb") as f:
        f.write(_table([out]))


@pytest.mark.parametrize("fields,error,match", [
    ({"size": 1 << 40}, tf.errors.DataLossError, "truncated: wanted 1099511627776 bytes"),
    ({"offset": 1 << 62}, tf.errors.DataLossError, "truncated"),
    ({"dims": [1 << 32, 1 << 32]}, tf.errors.DataLossError, "more than 2\\*\\*63 - 1 elements"),
    ({"dims": [0, 1 << 62, 4]}, tf.errors.DataLossError, "more than 2\\*\\*63 - 1 elements"),
    ({"dims": [0, 1 << 62], "size": 0, "crc32c": masked_crc32c(b"")}, tf.errors.UnimplementedError,
     "NumPy array"),
])
def test_entries_claiming_huge_sizes_fail_before_allocating(tmp_path, fields, error, match):
    """Found by tests/fuzz/test_fuzz_tensor_bundle.py: an entry's size and shape are checked against the
    data file and NumPy's limits before anything of that size is allocated."""
    import tracemalloc
    prefix = str(tmp_path / "huge")
    _write_bundle(prefix, _tensors())
    _rewrite_entry(prefix, "a/b", **fields)
    tracemalloc.start()
    try:
        with pytest.raises(error, match=match):
            reader = tf.train.NewCheckpointReader(prefix)
            reader.get_tensor("a/b")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
