"""tf.data while executing eagerly."""
import numpy as np
import pytest

import compat_tf as tf


def test_iteration_yields_eager_tensors_in_the_element_structure():
    ds = tf.data.Dataset.from_tensor_slices({"a": np.arange(4), "b": np.ones((4, 2), np.float32)}).batch(3)
    elements = list(ds)
    assert [e["a"].numpy().tolist() for e in elements] == [[0, 1, 2], [3]]
    assert isinstance(elements[0]["b"], tf.Tensor) and elements[0]["b"].shape == (3, 2)
    assert elements[0]["a"].dtype == tf.int64


def test_map_functions_capture_eager_values_and_variables():
    scale = tf.constant(3.0)
    v = tf.Variable(10.0)
    ds = tf.data.Dataset.range(3).map(lambda x: tf.cast(x, tf.float32) * scale + v)
    assert [e.numpy() for e in ds] == [10.0, 13.0, 16.0]
    v.assign(0.0)
    assert [e.numpy() for e in ds] == [0.0, 3.0, 6.0]     # read again when a new iteration starts


def test_iterators():
    ds = tf.data.Dataset.from_tensor_slices([1, 2])
    it = tf.contrib.eager.Iterator(ds)
    assert it.next().numpy() == 1 and it.get_next().numpy() == 2
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()
    with pytest.raises(StopIteration):
        next(it)
    one_shot = ds.make_one_shot_iterator()        # TF 1.15: an eager iterator in eager mode
    assert [int(x) for x in one_shot] == [1, 2]
    with pytest.raises(RuntimeError, match="make_initializable_iterator is not supported when eager"):
        ds.make_initializable_iterator()
    assert one_shot.output_types == tf.int32


def test_eager_tensors_as_dataset_sources_and_take_shuffle():
    x = tf.constant(np.arange(10, dtype=np.float32))
    got = sorted(float(e) for e in tf.data.Dataset.from_tensor_slices(x).shuffle(10, seed=1).take(4))
    assert len(got) == 4 and set(got) <= set(range(10))
    assert [e.numpy().tolist() for e in tf.data.Dataset.from_tensors(x[:2]).repeat(2)] == [[0.0, 1.0]] * 2
