"""Fuzzing the reader of TF's tensor-bundle checkpoints (compat_tf/_src/io/tensor_bundle.py) with
mutated TF-written checkpoints: tf.train.NewCheckpointReader, then get_tensor of every tensor.

Allowed outcomes, as TF1's CheckpointReader: the tensors, or a tf.errors.OpError (DataLossError
for a corrupted table, entry, checksum or data file; NotFoundError; UnimplementedError for what
the reader cannot read). A partitioned variable is read slice by slice and put together.
Inputs: byte edits of the index or of the data file, and re-checksummed ones: the index's
entries edited as BundleEntryProtos (dtype, shape, shard, offset, size) and the data bytes edited,
written again as a valid table with the tensors' CRC32C recomputed, so that the reader gets past
its checksums to the entry and string-tensor decoding.
"""
import os
import pathlib
import random
import struct

import pytest

import compat_tf as tf
from compat_tf._src.io import tensor_bundle
from compat_tf._src.io.tf_record import crc32c
from compat_tf._src.protos import tensor_bundle_pb2
import _harness

DATA = pathlib.Path(__file__).parents[1] / "data" / "tf_checkpoints"
CHECKPOINTS = [("dtypes", "model.ckpt"), ("adam", "model.ckpt-5"), ("partitioned", "model.ckpt")]


def _load(name, prefix):
    base = DATA / name / prefix
    return (base.with_name(prefix + ".index").read_bytes(),
            base.with_name(prefix + ".data-00000-of-00001").read_bytes())


SEEDS = [_load(*c) for c in CHECKPOINTS]
_WEIGHTS = (3, 2, 1)


def _block(entries):
    out = bytearray()
    for k, v in entries:
        out += _harness._varint(0) + _harness._varint(len(k)) + _harness._varint(len(v)) + k + v
    out += struct.pack("<I", 0) + struct.pack("<I", 1)     # one restart point, at 0
    return bytes(out)


def _table(entries):
    """An SSTable holding `entries` (sorted (key, value) pairs) in one data block."""
    out = bytearray()

    def put(contents):
        offset = len(out)
        out.extend(contents + b"\x00")
        out.extend(struct.pack("<I", tensor_bundle._mask(crc32c(contents + b"\x00"))))
        return _harness._varint(offset) + _harness._varint(len(contents))
    data_handle = put(_block(entries))
    meta_handle = put(_block([]))
    index_handle = put(_block([(entries[-1][0] if entries else b"", data_handle)]))
    footer = (meta_handle + index_handle).ljust(40, b"\x00")
    return bytes(out + footer + struct.pack("<Q", tensor_bundle.TABLE_MAGIC))


def _rechecksummed(rnd, index, data):
    entries = tensor_bundle.read_table(index)
    data = bytearray(_harness.mutate_bytes(rnd, data, max_edits=2) if rnd.random() < 0.3 else data)
    edited = set(rnd.sample(range(len(entries)), min(len(entries), rnd.randint(0, 2))))
    out = []
    for i, (key, value) in enumerate(entries):
        if key == b"":
            if i in edited:
                value = _harness.mutate_proto(rnd, tensor_bundle_pb2.BundleHeaderProto, value, max_edits=1)
        elif not key.startswith(b"\x00"):
            if i in edited:
                value = _harness.mutate_proto(rnd, tensor_bundle_pb2.BundleEntryProto, value, max_edits=2)
            e = tensor_bundle_pb2.BundleEntryProto.FromString(value)
            if 0 <= e.offset and e.offset + e.size <= len(data) and e.dtype != 7:
                e.crc32c = tensor_bundle._mask(crc32c(bytes(data[e.offset:e.offset + e.size])))
                value = e.SerializeToString()
        out.append((key, value))
    if out and rnd.random() < 0.05:
        del out[rnd.randrange(len(out))]
    return _table(out), bytes(data)


def mutator(number):
    rnd = random.Random(number)
    index, data = rnd.choices(SEEDS, _WEIGHTS)[0]
    kind = rnd.random()
    if kind < 0.25:
        index = _harness.mutate_bytes(rnd, index)
    elif kind < 0.4:
        data = _harness.mutate_bytes(rnd, data)
    else:
        index, data = _rechecksummed(rnd, index, data)
    return index, data


@pytest.fixture(scope="module")
def target(scratch):
    prefix = os.path.join(scratch, "model.ckpt")

    def read(files):
        index, data = files
        with open(prefix + ".index", "wb") as f:
            f.write(index)
        with open(prefix + ".data-00000-of-00001", "wb") as f:
            f.write(data)
        reader = tf.train.NewCheckpointReader(prefix)
        names = sorted(reader.get_variable_to_shape_map())
        for name in names:
            reader.get_tensor(name)
        return "tensors" if names else "empty"
    return read


def test_seeds_read(target):
    for s in SEEDS[:2]:
        assert target(s) == "tensors"
    assert _table(tensor_bundle.read_table(SEEDS[0][0])) and target(
        (_table(tensor_bundle.read_table(SEEDS[0][0])), SEEDS[0][1])) == "tensors"


@pytest.mark.parametrize("examples", _harness.example_counts())
def test_fuzz_tensor_bundle_reader(target, examples):
    fuzzer = _harness.Fuzzer(target, (tf.errors.OpError, NotImplementedError))
    outcomes = fuzzer.run(mutator, examples)
    _harness.assert_reaches_parser(outcomes, "ok:tensors", 0.05)
    assert outcomes["DataLossError"] > 0


def test_partitioned_full_shape_beyond_its_slices_is_data_loss(target):
    """Found by the slow run: an index whose partitioned tensor claims a full shape of 1e18 rows
    (its slices hold 4 elements) made the reader allocate that shape (MemoryError)."""
    with pytest.raises(tf.errors.DataLossError, match="slices of partitioned tensor"):
        target(mutator(91_665_787_494))


def test_string_length_varint_beyond_64_bits_is_data_loss(target):
    """Found by the slow run: a string tensor's element length written as a 10-byte varint above 2**64
    was a struct.error; as TF's GetVarint64 the value is cut to 64 bits, and the checksum of the
    lengths then fails (DataLossError)."""
    with pytest.raises(tf.errors.DataLossError):
        target(mutator(1737))
