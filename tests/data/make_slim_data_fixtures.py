"""Writes tests/data/slim_data/ with REAL TensorFlow 2.21 (tf.compat.v1) and the tf-slim package.

Run: /tmp/tfvenv/bin/python tests/data/make_slim_data_fixtures.py

What tests/contrib/test_slim_data.py and test_slim_evaluation.py check compat_tf against:
- records.json: serialized tf.train.Examples (base64) built here with TF (PNG/JPEG by TF's own
  encoders, raw bytes, labels, boxes, shaped tensors, sparse ids/values, label strings); the
  tests write them to TFRecord files with compat_tf's writer.
- decoded.npz: what slim.tfexample_decoder.TFExampleDecoder gives for each record (Image
  png/jpeg, float Image, raw Image with a shape, repeated images, Tensor with shape_keys and
  with a default, BoundingBox, SparseTensor densified, LookupTensor, ItemHandlerCallback).
- provider.json: DatasetDataProvider(shuffle=False, num_epochs=1) over two files: the record
  keys and labels in order, then OutOfRangeError; the local variables, the summary tags and the
  queue runners it creates; the same for parallel_read with 2 readers and single_pass_read.
- evaluation: a checkpoint (eval.ckpt, global step 7) of a tiny model and eval.json: the
  final_op values of slim.evaluation.evaluate_once (streaming mean over 3 eval batches), the
  summary events it writes (tag, step, value), the local variables it adds.

TF 2.21 vs 1.15: tf_slim is TF 1.15's contrib/slim code made to import on TF 2 (Image's case
takes a list of pairs instead of a dict; _StopAfterNEvalsHook logs less often from 20 evals on);
the facts recorded here (values, names, orders, collection contents) are the same in 1.15.
"""
import base64
import glob
import json
import os
import shutil
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import ops as _tf_ops
from tensorflow.python.ops import control_flow_ops as _tf_cf
from tensorflow.python.ops import lookup_ops

_tf_ops.Tensor = getattr(_tf_ops, "Tensor", tf.Tensor)
_tf_cf.cond = getattr(_tf_cf, "cond", tf.cond)
_tf_cf.case = getattr(_tf_cf, "case", tf.case)
from tensorflow.python.ops import array_ops as _tf_array_ops  # noqa: E402
from tensorflow.python.ops import sparse_ops as _tf_sparse_ops  # noqa: E402

# tf-slim's data code still names functions TF 2.21 moved out of these modules
for _mod, _name, _fn in [(_tf_array_ops, "stack", tf.stack), (_tf_array_ops, "slice", tf.slice),
                         (_tf_array_ops, "concat", tf.concat), (_tf_array_ops, "transpose", tf.transpose),
                         (_tf_array_ops, "expand_dims", tf.expand_dims), (_tf_array_ops, "reshape", tf.reshape),
                         (_tf_sparse_ops, "sparse_reshape", tf.sparse.reshape),
                         (_tf_sparse_ops, "sparse_tensor_to_dense", tf.sparse.to_dense)]:
    if not hasattr(_mod, _name):
        setattr(_mod, _name, _fn)
import tf_slim as slim  # noqa: E402
from tf_slim.data import dataset as slim_dataset  # noqa: E402
from tf_slim.data import dataset_data_provider, parallel_reader, tfexample_decoder  # noqa: E402
from tf_slim import evaluation as slim_evaluation  # noqa: E402

tf.disable_v2_behavior()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slim_data")


def _bytes(*v):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=list(v)))


def _ints(*v):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=list(v)))


def _floats(*v):
    return tf.train.Feature(float_list=tf.train.FloatList(value=list(v)))


def make_records():
    """Six Examples: images of different sizes (png, jpeg), labels, boxes, shaped data, sparse."""
    rng = np.random.RandomState(7)
    images = [rng.randint(0, 256, (3 + i, 4 + (i % 3), 3)).astype(np.uint8) for i in range(6)]
    with tf.Graph().as_default(), tf.Session() as s:
        ph = tf.placeholder(tf.uint8, [None, None, 3])
        png, jpeg = tf.image.encode_png(ph), tf.image.encode_jpeg(ph, quality=95)
        encoded = [s.run(jpeg if i == 4 else png, {ph: im}) for i, im in enumerate(images)]
    raw_images = [rng.randint(0, 256, (2, 3, 3)).astype(np.uint8) for _ in range(6)]
    records = []
    for i in range(6):
        n_boxes = i % 3 + 1
        boxes = rng.uniform(0, 1, (n_boxes, 4)).astype(np.float32)
        shape = [2, 3] if i % 2 else [3, 2]
        feature = {
            "image/encoded": _bytes(encoded[i]),
            "image/format": _bytes(b"jpeg" if i == 4 else b"png"),
            "image/class/label": _ints(i),
            "image/class/text": _bytes([b"cat", b"dog", b"bird"][i % 3]),
            "raw/encoded": _bytes(raw_images[i].tobytes()),
            "raw/format": _bytes(b"RAW" if i % 2 else b"raw"),
            "multi/encoded": _bytes(encoded[0], encoded[0]),
            "matrix": _floats(*rng.uniform(-1, 1, 6).astype(np.float32)),
            "matrix/shape": _ints(*shape),
            # record 5's ids are out of order: SparseToDense refuses them (InvalidArgumentError)
            "ids": _ints(*(lambda a: a[::-1] if i == 5 else a)(np.sort(rng.choice(10, 2, replace=False)))),
            "vals": _floats(*rng.uniform(-1, 1, 2).astype(np.float32)),
        }
        for k, col in zip(["ymin", "xmin", "ymax", "xmax"], boxes.T):
            feature["image/object/bbox/" + k] = _floats(*col)
        if i != 3:
            feature["weight"] = _floats(float(i) / 2)
        records.append(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())
    return records


def keys_to_features():
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


def decode_all(records):
    """{item: [value per record]} from TFExampleDecoder."""
    out = {}
    with tf.Graph().as_default(), tf.Session() as s:
        table = lookup_ops.index_table_from_tensor(tf.constant(["bird", "cat", "dog"]))
        ph = tf.placeholder(tf.string, [])
        dense_multi = lambda d: tf.sparse.to_dense(d["multi/encoded"], default_value="")  # noqa: E731
        handlers = {
            "image": tfexample_decoder.Image(),
            "image_float": tfexample_decoder.Image(dtype=tf.float32),
            "raw": tfexample_decoder.Image("raw/encoded", "raw/format", shape=[2, 3, 3]),
            "label": tfexample_decoder.Tensor("image/class/label"),
            "matrix": tfexample_decoder.Tensor("matrix", shape_keys="matrix/shape"),
            "weight": tfexample_decoder.Tensor("weight"),
            "boxes": tfexample_decoder.BoundingBox(prefix="image/object/bbox/"),
            "sparse": tfexample_decoder.SparseTensor("ids", "vals", shape=[10], densify=True,
                                                     default_value=-2.0),
            "text_id": tfexample_decoder.LookupTensor("image/class/text", table),
            "n_multi": tfexample_decoder.ItemHandlerCallback(
                ["multi/encoded"], lambda d: tf.size(dense_multi(d))),
        }
        decoder = tfexample_decoder.TFExampleDecoder(keys_to_features(), handlers)
        items = sorted(handlers)
        tensors = decoder.decode(ph, items)
        out["_static_shapes"] = {k: (t.shape.as_list() if t.shape.ndims is not None else None)
                                 for k, t in zip(items, tensors)}
        s.run(tf.tables_initializer())
        out["_errors"] = {}
        for i, r in enumerate(records):
            for k, t in zip(items, tensors):
                try:
                    out.setdefault(k, []).append(s.run(t, {ph: r}))
                except tf.errors.OpError as e:
                    out["_errors"][f"{k}/{i}"] = type(e).__name__
                    out[k].append(np.zeros(0))
        # repeated: a vector of two encoded images, decoded and stacked
        rep_handlers = {"multi": tfexample_decoder.Image("multi/encoded", repeated=True)}
        rep = tfexample_decoder.TFExampleDecoder(
            {"multi/encoded": tf.FixedLenFeature([2], tf.string),
             "image/format": tf.FixedLenFeature((), tf.string)}, rep_handlers)
        (multi,) = rep.decode(ph, ["multi"])
        out["multi"] = [s.run(multi, {ph: records[0]})]
    return out


def _fact(x, records):
    if isinstance(x, bytes):
        return f"record {records.index(x)}" if x in records else x.decode()
    return int(x)


def provider_facts(files, build, records):
    with tf.Graph().as_default() as g, tf.Session() as s:
        tensors = build(files)
        facts = {
            "local_variables": [v.op.name for v in tf.local_variables()],
            "summaries": sorted(t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)),
            "queue_runners": [[qr.name, len(qr.enqueue_ops)] for qr in g.get_collection(tf.GraphKeys.QUEUE_RUNNERS)],
            "reads": [],
        }
        s.run([tf.local_variables_initializer(), tf.tables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(s, coord)
        try:
            while True:
                facts["reads"].append([_fact(x, records) for x in s.run(tensors)])
        except tf.errors.OutOfRangeError:
            facts["end"] = "OutOfRangeError"
        coord.request_stop()
        coord.join(threads)
    return facts


def _relative(facts, tmp):
    facts["reads"] = [[x.replace(tmp + "/", "") if isinstance(x, str) else x for x in r] for r in facts["reads"]]
    return facts


def provider_cases(files, records):
    def provider(files):
        dec = tfexample_decoder.TFExampleDecoder(
            keys_to_features(), {"label": tfexample_decoder.Tensor("image/class/label")})
        ds = slim_dataset.Dataset(files, tf.TFRecordReader, dec, 6, {})
        p = dataset_data_provider.DatasetDataProvider(ds, shuffle=False, num_epochs=1)
        return p.get(["record_key", "label"])

    def two_readers(files):
        return list(parallel_reader.parallel_read(files, tf.TFRecordReader, num_epochs=2, num_readers=2,
                                                  shuffle=False, capacity=16))

    def single_pass(files):
        return list(parallel_reader.single_pass_read(files, tf.TFRecordReader))

    return {"provider": provider_facts(files, provider, records),
            "two_readers": provider_facts(files, two_readers, records),
            "single_pass": provider_facts(files, single_pass, records)}


def eval_model():
    """The model test_slim_evaluation.py rebuilds: a fixed input batch cycled by a FIFO queue."""
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 10.0)
    q = tf.FIFOQueue(3, [tf.float32], shapes=[[4]])
    enq = q.enqueue_many([x])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [enq]))
    batch = q.dequeue()
    w = slim.model_variable("w", shape=[4], initializer=tf.ones_initializer())
    b = slim.model_variable("b", shape=[], initializer=tf.zeros_initializer())
    y = tf.reduce_sum(batch * w) + b
    mean, mean_update = tf.metrics.mean(y)
    total, total_update = tf.metrics.mean(batch)
    return mean, mean_update, total, total_update


def evaluation_case():
    ckpt_dir = os.path.join(OUT, "eval_ckpt")
    shutil.rmtree(ckpt_dir, ignore_errors=True)
    os.makedirs(ckpt_dir)
    with tf.Graph().as_default(), tf.Session() as s:
        gs = tf.train.get_or_create_global_step()
        eval_model()
        s.run(tf.global_variables_initializer())
        for v, val in [("w", [0.5, -1.0, 2.0, 0.25]), ("b", 0.75)]:
            s.run(tf.assign(tf.global_variables(v)[0], val))
        s.run(tf.assign(gs, 7))
        tf.train.Saver(save_relative_paths=True).save(s, os.path.join(ckpt_dir, "model.ckpt"), global_step=gs,
                                                     write_meta_graph=False)
    logdir = tempfile.mkdtemp()
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        mean, mean_update, total, total_update = eval_model()
        tf.summary.scalar("eval/mean", mean)
        final = slim_evaluation.evaluate_once(
            "", tf.train.latest_checkpoint(ckpt_dir), logdir, num_evals=5,
            eval_op=[mean_update, total_update], final_op={"mean": mean, "total": total})
        local_vars = sorted(v.op.name for v in tf.local_variables())
    events = []
    for path in glob.glob(os.path.join(logdir, "events.*")):
        for e in tf.train.summary_iterator(path):
            for v in e.summary.value:
                events.append([v.tag, int(e.step), float(v.simple_value)])
    shutil.rmtree(logdir)
    return {"final": {k: float(v) for k, v in final.items()}, "events": events, "local_variables": local_vars,
            "checkpoint": "eval_ckpt/model.ckpt-7"}


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    records = make_records()
    with open(os.path.join(OUT, "records.json"), "w") as f:
        json.dump([base64.b64encode(r).decode() for r in records], f, indent=0)
    decoded = decode_all(records)
    shapes = decoded.pop("_static_shapes")
    decode_errors = decoded.pop("_errors")
    arrays = {}
    for k, vs in decoded.items():
        for i, v in enumerate(vs):
            arrays[f"{k}/{i}"] = np.asarray(v)
    np.savez(os.path.join(OUT, "decoded.npz"), **arrays)
    tmp = tempfile.mkdtemp()
    files = [os.path.join(tmp, f"part-{i}.tfrecord") for i in range(2)]
    for i, path in enumerate(files):
        with tf.io.TFRecordWriter(path) as w:
            for r in records[3 * i:3 * i + 3]:
                w.write(r)
    cases = provider_cases(files, records)
    for facts in cases.values():
        _relative(facts, tmp)
    shutil.rmtree(tmp)
    cases["static_shapes"] = shapes
    cases["decode_errors"] = decode_errors
    cases["evaluation"] = evaluation_case()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
