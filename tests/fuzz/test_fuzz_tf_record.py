"""Fuzzing the TFRecord reader (compat_tf/_src/io/tf_record.py) with mutated files, uncompressed,
GZIP and ZLIB: tf.python_io.tf_record_iterator over the whole file.

Allowed outcomes, as TF1's reader: every record, or DataLossError (a truncated or corrupted
record, a corrupted compressed stream). Mutations of uncompressed files often keep the framing's
checksums valid (re-framed records of mutated lengths and payloads), so the reader's length and
payload handling is reached, not only its checksum test.
"""
import gzip
import os
import random
import zlib

import pytest

import compat_tf as tf
import _harness

RECORDS = [b"", b"a", b"hello world" * 3, bytes(range(256)), b"\x00" * 70]
PLAIN = _harness.frame_records(RECORDS)
SEEDS = [b"".join([b"\x00", PLAIN]), b"\x01" + gzip.compress(PLAIN), b"\x02" + zlib.compress(PLAIN)]
_COMPRESSION = {0: "", 1: "GZIP", 2: "ZLIB"}


class _Reframer(_harness.Mutator):
    """Byte edits of a seed; or mutated records framed again with valid checksums."""

    def __call__(self, number):
        rnd = random.Random(number)
        if rnd.random() < 0.5:
            return super().__call__(number)
        recs = [_harness.mutate_bytes(rnd, r or b"\x00") if rnd.random() < 0.5 else r for r in RECORDS]
        plain = _harness.frame_records(recs)
        plain = _harness.mutate_bytes(rnd, plain, max_edits=1) if rnd.random() < 0.5 else plain
        kind = rnd.randrange(3)
        body = plain if kind == 0 else gzip.compress(plain) if kind == 1 else zlib.compress(plain)
        return bytes([kind]) + body


@pytest.fixture(scope="module")
def target(scratch):
    path = os.path.join(scratch, "data.tfrecord")

    def read(data):
        kind, body = (data[0] % 3, data[1:]) if data else (0, b"")
        with open(path, "wb") as f:
            f.write(body)
        n = sum(1 for _ in tf.python_io.tf_record_iterator(
            path, tf.python_io.TFRecordOptions(_COMPRESSION[kind]) if kind else None))
        return "records" if n else "empty"
    return read


def test_seeds_read(target):
    for s in SEEDS:
        assert target(s) == "records"


@pytest.mark.parametrize("examples", _harness.example_counts())
def test_fuzz_tf_record_reader(target, examples):
    fuzzer = _harness.Fuzzer(target, (tf.errors.DataLossError,))
    outcomes = fuzzer.run(_Reframer(SEEDS), examples)
    _harness.assert_reaches_parser(outcomes, "ok:records", 0.1)
    assert outcomes["DataLossError"] > 0
