"""TF-Slim's data pipeline (slim.dataset, tfexample_decoder, parallel_reader, dataset_data_provider)
against tf-slim on TensorFlow (fixtures from tests/data/make_slim_data_fixtures.py: the serialized
Examples, TF's decoded items, read orders, names) and against NumPy/Pillow decoding."""
import base64
import collections
import io
import json
import os

import numpy as np
import pytest

import compat_tf as tf

slim = tf.contrib.slim
DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "slim_data")


@pytest.fixture(scope="module")
def fixtures():
    with open(os.path.join(DATA, "records.json")) as f:
        records = [base64.b64decode(r) for r in json.load(f)]
    with open(os.path.join(DATA, "expected.json")) as f:
        expected = json.load(f)
    return records, expected, dict(np.load(os.path.join(DATA, "decoded.npz")))


@pytest.fixture
def files(fixtures, tmp_path):
    """The six records in two TFRecord files (three each), written by compat_tf."""
    records = fixtures[0]
    paths = [str(tmp_path / f"part-{i}.tfrecord") for i in range(2)]
    for i, path in enumerate(paths):
        with tf.python_io.TFRecordWriter(path) as w:
            for r in records[3 * i:3 * i + 3]:
                w.write(r)
    return paths


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def keys_to_features():
    """tests/data/make_slim_data_fixtures.py's features."""
    return {
        "image/encoded": tf.FixedLenFeature((), tf.string, default_value=""),
        "image/format": tf.FixedLenFeature((), tf.string, default_value="png"),
        "image/class/label": tf.FixedLenFeature([], tf.int64, default_value=tf.zeros([], dtype=tf.int64)),
        "image/class/text": tf.FixedLenFeature([], tf.string),
        "raw/encoded": tf.FixedLenFeature((), tf.string),
        "raw/format": tf.FixedLenFeature((), tf.string),
        "multi/encoded": tf.VarLenFeature(tf.string),
        "matrix": tf.VarLenFeature(tf.float32),
        "matrix/shape": tf.VarLenFeature(tf.int64),
        "ids": tf.VarLenFeature(tf.int64),
        "vals": tf.VarLenFeature(tf.float32),
        "weight": tf.FixedLenFeature([1], tf.float32, default_value=[-1.0]),
        "image/object/bbox/ymin": tf.VarLenFeature(tf.float32),
        "image/object/bbox/xmin": tf.VarLenFeature(tf.float32),
        "image/object/bbox/ymax": tf.VarLenFeature(tf.float32),
        "image/object/bbox/xmax": tf.VarLenFeature(tf.float32),
    }


def handlers(table):
    dec = slim.tfexample_decoder
    dense_multi = lambda d: tf.sparse_tensor_to_dense(d["multi/encoded"], default_value="")  # noqa: E731
    return {
        "image": dec.Image(),
        "image_float": dec.Image(dtype=tf.float32),
        "raw": dec.Image("raw/encoded", "raw/format", shape=[2, 3, 3]),
        "label": dec.Tensor("image/class/label"),
        "matrix": dec.Tensor("matrix", shape_keys="matrix/shape"),
        "weight": dec.Tensor("weight"),
        "boxes": dec.BoundingBox(prefix="image/object/bbox/"),
        "sparse": dec.SparseTensor("ids", "vals", shape=[10], densify=True, default_value=-2.0),
        "text_id": dec.LookupTensor("image/class/text", table),
        "n_multi": dec.ItemHandlerCallback(["multi/encoded"], lambda d: tf.size(dense_multi(d))),
    }


def test_decoder_items_match_tf_slim(fixtures):
    records, expected, decoded = fixtures
    table = tf.contrib.lookup.index_table_from_tensor(tf.constant(["bird", "cat", "dog"]))
    ph = tf.placeholder(tf.string, [])
    decoder = slim.tfexample_decoder.TFExampleDecoder(keys_to_features(), handlers(table))
    items = sorted(decoder.list_items())
    tensors = decoder.decode(ph, items)
    shapes = {k: (t.shape.as_list() if t.shape.ndims is not None else None) for k, t in zip(items, tensors)}
    assert shapes == expected["static_shapes"]
    with tf.Session() as s:
        s.run(tf.tables_initializer())
        for i, r in enumerate(records):
            for item, t in zip(items, tensors):
                key = f"{item}/{i}"
                if key in expected["decode_errors"]:  # SparseToDense refuses out-of-order ids
                    with pytest.raises(getattr(tf.errors, expected["decode_errors"][key])):
                        s.run(t, {ph: r})
                    continue
                got, want = s.run(t, {ph: r}), decoded[key]
                assert got.dtype == want.dtype, key
                if item in ("image", "image_float") and i == 4:
                    # JPEG of a noise image: TF's default DCT is libjpeg's IFAST, Pillow's (compat_tf's
                    # DecodeJpeg) ISLOW: pixels apart by <= 5, 1.6 on average
                    np.testing.assert_allclose(got.astype(np.float64), want, atol=6, err_msg=key)
                    assert np.abs(got.astype(np.float64) - want).mean() < 2.5
                else:
                    np.testing.assert_allclose(got, want, rtol=1e-6, err_msg=key)


def test_repeated_images_are_decoded_and_stacked(fixtures):
    records, _, decoded = fixtures
    ph = tf.placeholder(tf.string, [])
    decoder = slim.tfexample_decoder.TFExampleDecoder(
        {"multi/encoded": tf.FixedLenFeature([2], tf.string), "image/format": tf.FixedLenFeature((), tf.string)},
        {"multi": slim.tfexample_decoder.Image("multi/encoded", repeated=True)})
    (multi,) = decoder.decode(ph, ["multi"])
    assert multi.shape.as_list() == [2, None, None, 3]
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(multi, {ph: records[0]}), decoded["multi/0"])


def _pil_decode(data):
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _example_feature(record, key):
    return tf.train.Example.FromString(record).features.feature[key]


def test_image_items_equal_numpy_decoding(fixtures):
    """The PNG records decode to Pillow's pixels; the raw ones to np.frombuffer reshaped."""
    records = fixtures[0]
    ph = tf.placeholder(tf.string, [])
    decoder = slim.tfexample_decoder.TFExampleDecoder(keys_to_features(), {
        "image": slim.tfexample_decoder.Image(),
        "raw": slim.tfexample_decoder.Image("raw/encoded", "raw/format", shape=[2, 3, 3])})
    image, raw = decoder.decode(ph, ["image", "raw"])
    with tf.Session() as s:
        for i in (0, 1, 5):
            got_image, got_raw = s.run([image, raw], {ph: records[i]})
            png = _example_feature(records[i], "image/encoded").bytes_list.value[0]
            np.testing.assert_array_equal(got_image, _pil_decode(png))
            raw_bytes = _example_feature(records[i], "raw/encoded").bytes_list.value[0]
            np.testing.assert_array_equal(got_raw, np.frombuffer(raw_bytes, np.uint8).reshape(2, 3, 3))


def test_raw_image_of_wrong_size_is_an_invalid_argument():
    ph = tf.placeholder(tf.string, [])
    decoder = slim.tfexample_decoder.TFExampleDecoder(
        {"raw/encoded": tf.FixedLenFeature((), tf.string), "raw/format": tf.FixedLenFeature((), tf.string)},
        {"raw": slim.tfexample_decoder.Image("raw/encoded", "raw/format", dtype=tf.float32)})
    (raw,) = decoder.decode(ph)
    ex = tf.train.Example(features=tf.train.Features(feature={
        "raw/encoded": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"12345"])),
        "raw/format": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"raw"]))}))
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not a multiple of 4"):
            s.run(raw, {ph: ex.SerializeToString()})


def _read_all(tensors):
    reads = []
    with tf.Session() as s:
        s.run([tf.local_variables_initializer(), tf.tables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(s, coord)
        with pytest.raises(tf.errors.OutOfRangeError):
            while True:
                reads.append(s.run(tensors))
        coord.request_stop()
        coord.join(threads)
    return reads


def _relative(reads, records, root):
    out = []
    for r in reads:
        row = []
        for x in r:
            if isinstance(x, bytes) and x in records:
                row.append(f"record {records.index(x)}")
            elif isinstance(x, bytes):
                row.append(os.path.relpath(x.decode(), root))
            else:
                row.append(int(x))
        out.append(row)
    return out


def _label_dataset(paths, num_samples=6):
    decoder = slim.tfexample_decoder.TFExampleDecoder(
        keys_to_features(), {"label": slim.tfexample_decoder.Tensor("image/class/label"),
                             "image": slim.tfexample_decoder.Image()})
    return slim.dataset.Dataset(paths, tf.TFRecordReader, decoder, num_samples, {"label": "the label"},
                                num_classes=6)


def test_dataset_keeps_extra_fields(files):
    ds = _label_dataset(files)
    assert (ds.num_samples, ds.num_classes, ds.reader) == (6, 6, tf.TFRecordReader)
    assert ds.items_to_descriptions == {"label": "the label"} and ds.data_sources == files


def test_provider_unshuffled_reads_records_in_order_then_out_of_range(fixtures, files, graph):
    records, expected, _ = fixtures
    want = expected["provider"]
    provider = slim.dataset_data_provider.DatasetDataProvider(_label_dataset(files), shuffle=False, num_epochs=1)
    assert sorted(provider.list_items()) == ["image", "label", "record_key"]
    assert provider.num_samples() == 6
    key, label = provider.get(["record_key", "label"])
    assert [v.op.name for v in tf.local_variables()] == want["local_variables"]
    assert [[qr.name, len(qr.enqueue_ops)] for qr in graph.get_collection(tf.GraphKeys.QUEUE_RUNNERS)] == \
        want["queue_runners"]
    # TF also has the filename queue's "fraction_of_32_full" (compat_tf's string_input_producer has none)
    summaries = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
    assert "parallel_read/fraction_of_256_full" in summaries
    assert _relative(_read_all([key, label]), records, os.path.dirname(files[0])) == want["reads"]


def test_provider_glob_pattern_and_shuffle_gives_the_multiset(fixtures, files):
    records = fixtures[0]
    pattern = os.path.join(os.path.dirname(files[0]), "part-*.tfrecord")
    provider = slim.dataset_data_provider.DatasetDataProvider(
        _label_dataset(pattern), num_readers=2, shuffle=True, num_epochs=2, common_queue_capacity=8,
        common_queue_min=2, seed=3)
    image, label, key = provider.get(["image", "label", "record_key"])
    reads = _read_all([image, label, key])
    assert collections.Counter(int(r[1]) for r in reads) == collections.Counter(list(range(6)) * 2)
    for im, lab, _ in reads:  # each image belongs to its label's record
        data = _example_feature(records[lab], "image/encoded").bytes_list.value[0]
        if lab != 4:  # record 4 is a JPEG
            np.testing.assert_array_equal(im, _pil_decode(data))


def test_parallel_read_with_two_readers_reads_each_record_num_epochs_times(fixtures, files, graph):
    records, expected, _ = fixtures
    want = expected["two_readers"]
    key, value = slim.parallel_reader.parallel_read(files, tf.TFRecordReader, num_epochs=2, num_readers=2,
                                                    shuffle=False, capacity=16)
    assert [[qr.name, len(qr.enqueue_ops)] for qr in graph.get_collection(tf.GraphKeys.QUEUE_RUNNERS)] == \
        want["queue_runners"]
    got = _relative(_read_all([key, value]), records, os.path.dirname(files[0]))
    # two reader threads: the interleaving is theirs (as in TF), the multiset is fixed
    assert sorted(map(tuple, got)) == sorted(map(tuple, want["reads"]))


def test_single_pass_read_reads_the_files_once_in_order(fixtures, files, graph):
    records, expected, _ = fixtures
    key, value = slim.parallel_reader.single_pass_read(files, tf.TFRecordReader)
    assert [v.op.name for v in tf.local_variables()] == expected["single_pass"]["local_variables"]
    assert _relative(_read_all([key, value]), records, os.path.dirname(files[0])) == \
        expected["single_pass"]["reads"]


def test_parallel_reader_read_up_to_and_counters(files):
    queue = tf.train.string_input_producer(files, num_epochs=1, shuffle=False)
    common = tf.FIFOQueue(16, [tf.string, tf.string], shapes=[[], []])
    reader = slim.parallel_reader.ParallelReader(tf.TFRecordReader, common, num_readers=3)
    assert reader.num_readers == 3 and reader.common_queue is common
    keys, values = reader.read_up_to(queue, 4)
    produced = reader.num_records_produced()
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        with slim.queues.QueueRunners(s):
            got = list(s.run(keys))
            got += list(s.run(keys))  # the last two, fewer than asked once the queue closed
            assert sorted(os.path.basename(k.decode()).split(":")[0] for k in got) == \
                ["part-0.tfrecord"] * 3 + ["part-1.tfrecord"] * 3
            with pytest.raises(tf.errors.OutOfRangeError):
                s.run(keys)
            assert s.run(produced) == 6


def test_bad_arguments_raise_tf_slims_errors(files):
    dec = slim.tfexample_decoder
    with pytest.raises(TypeError, match=r"common_queue.dtypes must be \[tf.string, tf.string\]"):
        slim.parallel_reader.ParallelReader(tf.TFRecordReader, tf.FIFOQueue(4, [tf.string, tf.int64]))
    with pytest.raises(ValueError, match="No data files found"):
        slim.parallel_reader.get_data_files(os.path.join(os.path.dirname(files[0]), "nothing-*"))
    with pytest.raises(ValueError, match="Cannot specify both shape_keys and shape"):
        dec.Tensor("a", shape_keys="b", shape=[2])
    with pytest.raises(ValueError, match="BoundingBox expects 4 keys but got 3"):
        dec.BoundingBox(["a", "b", "c"])
    with pytest.raises(ValueError, match="Backup handler is of type"):
        dec.BackupHandler(dec.Tensor("a"), "b")
    provider = slim.dataset_data_provider.DatasetDataProvider(_label_dataset(files), shuffle=False)
    with pytest.raises(ValueError, match=r"Item \[nope\] is invalid"):
        provider.get(["nope"])
    with pytest.raises(ValueError, match="items must be a list or tuple"):
        provider.get("label")
    with pytest.raises(ValueError, match="`record_key` cannot also be used for a dataset item: label"):
        slim.dataset_data_provider.DatasetDataProvider(_label_dataset(files), record_key="label")


def test_backup_handler_takes_the_backup_for_an_empty_item():
    ph = tf.placeholder(tf.string, [])
    decoder = slim.tfexample_decoder.TFExampleDecoder(
        {"a": tf.VarLenFeature(tf.float32), "b": tf.FixedLenFeature([2], tf.float32)},
        {"x": slim.tfexample_decoder.BackupHandler(slim.tfexample_decoder.Tensor("a"),
                                                   slim.tfexample_decoder.Tensor("b"))})
    (x,) = decoder.decode(ph, ["x"])
    assert x.shape.as_list() == [None]

    def example(**kw):
        return tf.train.Example(features=tf.train.Features(feature={
            k: tf.train.Feature(float_list=tf.train.FloatList(value=v)) for k, v in kw.items()})).SerializeToString()

    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(x, {ph: example(a=[1.0, 2.0, 3.0], b=[5.0, 6.0])}), [1.0, 2.0, 3.0])
        np.testing.assert_array_equal(s.run(x, {ph: example(b=[5.0, 6.0])}), [5.0, 6.0])


def test_sequence_example_handlers_raise_not_implemented():
    with pytest.raises(NotImplementedError, match="tf.contrib.slim.tfexample_decoder.TFSequenceExampleDecoder"):
        slim.tfexample_decoder.TFSequenceExampleDecoder
