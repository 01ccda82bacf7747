"""TF1's queue-based input pipelines (training/input.py).

Producers: `input_producer`, `string_input_producer`, `range_input_producer`,
`slice_input_producer` fill a FIFOQueue from a QueueRunner; `limit_epochs`
(num_epochs) counts epochs in a local variable with CountUpTo, so
`tf.local_variables_initializer()` must run first, and the producer's queue is
closed when the count is reached (consumers then get OutOfRangeError).
Batchers: `batch`, `shuffle_batch`, `batch_join`, `shuffle_batch_join` (and
`maybe_*` with a constant keep_input) enqueue into a FIFOQueue /
PaddingFIFOQueue (`dynamic_pad`) / RandomShuffleQueue from `num_threads`
queue-runner threads and dequeue `batch_size` rows (`dequeue_up_to` with
`allow_smaller_final_batch`, so the batch dimension is then None).

Each queue reports how full it is as TF1's scalar summary (in GraphKeys.SUMMARIES, so `merge_all`
includes it): `<scope>/fraction_of_<capacity>_full` for producers and batchers,
`<scope>/fraction_over_<min_after_dequeue>_of_<capacity - min_after_dequeue>_full` for shuffling batchers.

Deviations: SparseTensor inputs and tensor-valued `keep_input` are not supported.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import data_flow_ops
from compat_tf._src.train import queue_runner_impl as queue_runner

__all__ = ["limit_epochs", "input_producer", "string_input_producer", "range_input_producer",
           "slice_input_producer", "batch", "batch_join", "shuffle_batch", "shuffle_batch_join",
           "maybe_batch", "maybe_batch_join", "maybe_shuffle_batch", "maybe_shuffle_batch_join"]


def limit_epochs(tensor, num_epochs=None, name=None):
    """Returns `tensor` num_epochs times, then raises OutOfRangeError (a local-variable counter)."""
    from compat_tf._src.ops import control_flow_ops
    from compat_tf._src.ops import state_ops
    from compat_tf._src.ops.variables import Variable
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    with _graph.name_scope(name, "limit_epochs", [tensor]) as scope:
        zero64 = _constant.constant(0, dtype=_dtypes.int64)
        epochs = Variable(zero64, name="epochs", trainable=False,
                          collections=[_graph.GraphKeys.LOCAL_VARIABLES])
        counter = state_ops.count_up_to(epochs, num_epochs)
        with _graph.control_dependencies([counter]):
            return control_flow_ops.identity(tensor, name=scope)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None, capacity=32,
                   shared_name=None, summary_name=None, name=None, cancel_op=None):
    """Rows of `input_tensor` enqueued (shuffled each epoch if `shuffle`) by a QueueRunner; returns the
    queue."""
    from compat_tf._src.ops import gather_ops
    from compat_tf._src.ops import random_ops
    from compat_tf._src.ops import array_ops
    with _graph.name_scope(name, "input_producer", [input_tensor]):
        input_tensor = _constant.convert_to_tensor(input_tensor, name="input_tensor")
        element_shape = input_tensor.shape[1:].merge_with(
            _ts.as_shape(element_shape) if element_shape is not None else _ts.unknown_shape())
        if not element_shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or `element_shape` "
                             "must be specified")
        if shuffle:
            if input_tensor.dtype.base_dtype == _dtypes.string:
                # strings live on the host: shuffle the row indices, gather the rows
                n = array_ops.shape(input_tensor, out_type=_dtypes.int32)[0]
                order = random_ops.random_shuffle(array_ops.range(n), seed=seed)
                input_tensor = gather_ops.gather(input_tensor, order)
            else:
                input_tensor = random_ops.random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        q = data_flow_ops.FIFOQueue(capacity=capacity, dtypes=[input_tensor.dtype.base_dtype],
                                    shapes=[element_shape], shared_name=shared_name, name=name)
        enq = q.enqueue_many([input_tensor])
        queue_runner.add_queue_runner(queue_runner.QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            _fullness_summary(q, capacity, tag=summary_name)
        return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """A FIFOQueue of the strings (usually filenames) in `string_tensor`, for a reader."""
    from compat_tf._src.ops import control_flow_ops
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, _graph.Tensor) and not len(string_tensor):
        raise ValueError(not_null_err)
    with _graph.name_scope(name, "input_producer", [string_tensor]) as scope:
        string_tensor = _constant.convert_to_tensor(string_tensor, dtype=_dtypes.string)
        if string_tensor.shape.num_elements() == 0:
            raise ValueError(not_null_err)
        string_tensor = control_flow_ops.identity(string_tensor)
        return input_producer(input_tensor=string_tensor, num_epochs=num_epochs, shuffle=shuffle, seed=seed,
                              capacity=capacity, shared_name=shared_name, name=scope,
                              summary_name=f"fraction_of_{capacity}_full", cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None,
                         name=None):
    """A FIFOQueue of the integers 0 .. limit-1 (int32), `num_epochs` times."""
    from compat_tf._src.ops import array_ops
    with _graph.name_scope(name, "input_producer", [limit]) as scope:
        range_tensor = array_ops.range(limit)
        return input_producer(range_tensor, [], num_epochs, shuffle, seed, capacity, shared_name,
                              f"fraction_of_{capacity}_full", scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One row (slice along dimension 0) of every tensor of `tensor_list` at a time, as a list."""
    from compat_tf._src.ops import array_ops
    from compat_tf._src.ops import gather_ops
    with _graph.name_scope(name, "input_producer", list(tensor_list)):
        tensor_list = [_constant.convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        range_size = array_ops.shape(tensor_list[0])[0]
        queue = range_input_producer(range_size, num_epochs=num_epochs, shuffle=shuffle, seed=seed,
                                     capacity=capacity, shared_name=shared_name)
        index = queue.dequeue()
        return [gather_ops.gather(t, index) for t in tensor_list]


# --------------------------------------------------------------------------------------------
# batching
# --------------------------------------------------------------------------------------------

def _as_tensor_list(tensors):
    if isinstance(tensors, dict):
        return [tensors[k] for k in sorted(tensors, key=str)]
    if isinstance(tensors, (list, tuple)):
        return list(tensors)
    return [tensors]


def _as_tensor_list_list(tensors_list):
    if not tensors_list:
        raise ValueError("Expected at least one set of tensors")
    if isinstance(tensors_list[0], dict):
        expected_keys = set(tensors_list[0].keys())
        for tensors in tensors_list[1:]:
            if set(tensors.keys()) != expected_keys:
                raise ValueError("All dictionaries in tensors_list must have the same keys")
        return [_as_tensor_list(tensors) for tensors in tensors_list]
    return [_as_tensor_list(t) for t in tensors_list]


def _as_original_type(original_tensors, tensor_list):
    if isinstance(original_tensors, dict):
        if len(original_tensors) == 1:
            tensor_list = [tensor_list]
        return {k: tensor_list[i] for i, k in enumerate(sorted(original_tensors, key=str))}
    return tensor_list


def _validate(tensor_list):
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    if not tensor_list:
        raise ValueError("Expected at least one tensor in batch().")
    if any(isinstance(t, SparseTensor) for t in tensor_list):
        raise NotImplementedError("tf.train.batch of a SparseTensor is not supported by compat_tf")
    return [_constant.convert_to_tensor(t) for t in tensor_list]


def _validate_join(tensor_list_list):
    tensor_list_list = [_validate(tl) for tl in tensor_list_list]
    if not tensor_list_list:
        raise ValueError("Expected at least one input in batch_join().")
    return tensor_list_list


def _keep_input(keep_input, what):
    """Only a keep_input known when building (Python bool or constant) is supported."""
    from compat_tf._src.framework import shape_inference
    if isinstance(keep_input, bool):
        return keep_input
    t = _constant.convert_to_tensor(keep_input, dtype=_dtypes.bool)
    v = shape_inference.constant_value(t)
    if v is None or v.ndim != 0:
        raise NotImplementedError(f"tf.train.{what}(keep_input=<tensor>) is not supported by compat_tf "
                                  "(only a constant keep_input)")
    return bool(v)


def _dtypes_of(tensor_list_list):
    all_types = [[t.dtype.base_dtype for t in tl] for tl in tensor_list_list]
    types = all_types[0]
    for other in all_types[1:]:
        if other != types:
            raise TypeError(f"Expected types to be consistent: {', '.join(x.name for x in types)} vs. "
                            f"{', '.join(x.name for x in other)}.")
    return types


def _merge_shapes(shape_list, enqueue_many):
    shape_list = [_ts.as_shape(s) for s in shape_list]
    if enqueue_many:
        shape_list = [s.with_rank_at_least(1)[1:] for s in shape_list]
    merged = shape_list[0]
    for s in shape_list[1:]:
        merged = merged.merge_with(s)
    return merged.as_list()


def _shapes(tensor_list_list, shapes, enqueue_many):
    if shapes is None:
        len0 = len(tensor_list_list[0])
        for tl in tensor_list_list:
            for i in range(len0):
                if tl[i].shape.ndims is None:
                    raise ValueError(f"Cannot infer Tensor's rank: {tl[i]}")
        shapes = [_merge_shapes([tl[i].shape.as_list() for tl in tensor_list_list], enqueue_many)
                  for i in range(len0)]
    return shapes


def _which_queue(dynamic_pad):
    return data_flow_ops.PaddingFIFOQueue if dynamic_pad else data_flow_ops.FIFOQueue


def _enqueue_join(queue, tensor_list_list, enqueue_many):
    fn = queue.enqueue_many if enqueue_many else queue.enqueue
    enqueue_ops = [fn(tl) for tl in tensor_list_list]
    queue_runner.add_queue_runner(queue_runner.QueueRunner(queue, enqueue_ops))


def _enqueue(queue, tensor_list, threads, enqueue_many):
    fn = queue.enqueue_many if enqueue_many else queue.enqueue
    enqueue_ops = [fn(tensor_list)] * threads
    queue_runner.add_queue_runner(queue_runner.QueueRunner(queue, enqueue_ops))


def _fullness_summary(queue, capacity, min_after_dequeue=0, tag=None):
    """TF1's queue summary: the fraction of `capacity` (above `min_after_dequeue`) that is filled, tagged
    fraction_of_<capacity>_full, or fraction_over_<min>_of_<capacity - min>_full for a shuffling queue."""
    from compat_tf._src.ops import math_ops
    from compat_tf._src.summary import summary_ops
    size = queue.size()
    if min_after_dequeue:
        size = math_ops.maximum(0, size - min_after_dequeue)
        tag = tag or f"fraction_over_{min_after_dequeue}_of_{capacity - min_after_dequeue}_full"
    tag = tag or f"fraction_of_{capacity}_full"
    fraction = math_ops.cast(size, _dtypes.float32) * (1. / (capacity - min_after_dequeue))
    summary_ops.scalar(tag, fraction)


def _dequeue(queue, batch_size, allow_smaller_final_batch, name):
    if allow_smaller_final_batch:
        return queue.dequeue_up_to(batch_size, name=name)
    return queue.dequeue_many(batch_size, name=name)


def _batch(tensors, batch_size, keep_input, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
           dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None, what="batch"):
    tensor_list = _as_tensor_list(tensors)
    with _graph.name_scope(name, "batch", list(tensor_list)) as scope:
        tensor_list = _validate(tensor_list)
        keep = _keep_input(keep_input, what)
        types = _dtypes_of([tensor_list])
        shapes = _shapes([tensor_list], shapes, enqueue_many)
        queue = _which_queue(dynamic_pad)(capacity=capacity, dtypes=types, shapes=shapes,
                                          shared_name=shared_name)
        if keep:
            _enqueue(queue, tensor_list, num_threads, enqueue_many)
        _fullness_summary(queue, capacity)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors, dequeued)


def _batch_join(tensors_list, batch_size, keep_input, capacity=32, enqueue_many=False, shapes=None,
                dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None,
                what="batch_join"):
    tensor_list_list = _as_tensor_list_list(tensors_list)
    with _graph.name_scope(name, "batch_join", [t for tl in tensor_list_list for t in tl]) as scope:
        tensor_list_list = _validate_join(tensor_list_list)
        keep = _keep_input(keep_input, what)
        types = _dtypes_of(tensor_list_list)
        shapes = _shapes(tensor_list_list, shapes, enqueue_many)
        queue = _which_queue(dynamic_pad)(capacity=capacity, dtypes=types, shapes=shapes,
                                          shared_name=shared_name)
        if keep:
            _enqueue_join(queue, tensor_list_list, enqueue_many)
        _fullness_summary(queue, capacity)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors_list[0], dequeued)


def _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input, num_threads=1, seed=None,
                   enqueue_many=False, shapes=None, allow_smaller_final_batch=False, shared_name=None,
                   name=None, what="shuffle_batch"):
    tensor_list = _as_tensor_list(tensors)
    with _graph.name_scope(name, "shuffle_batch", list(tensor_list)) as scope:
        if capacity <= min_after_dequeue:
            raise ValueError(f"capacity {capacity} must be bigger than min_after_dequeue "
                             f"{min_after_dequeue}.")
        tensor_list = _validate(tensor_list)
        keep = _keep_input(keep_input, what)
        types = _dtypes_of([tensor_list])
        shapes = _shapes([tensor_list], shapes, enqueue_many)
        queue = data_flow_ops.RandomShuffleQueue(capacity=capacity, min_after_dequeue=min_after_dequeue,
                                                 seed=seed, dtypes=types, shapes=shapes,
                                                 shared_name=shared_name)
        if keep:
            _enqueue(queue, tensor_list, num_threads, enqueue_many)
        _fullness_summary(queue, capacity, min_after_dequeue)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors, dequeued)


def _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input, seed=None,
                        enqueue_many=False, shapes=None, allow_smaller_final_batch=False, shared_name=None,
                        name=None, what="shuffle_batch_join"):
    tensor_list_list = _as_tensor_list_list(tensors_list)
    with _graph.name_scope(name, "shuffle_batch_join", [t for tl in tensor_list_list for t in tl]) as scope:
        if capacity <= min_after_dequeue:
            raise ValueError(f"capacity {capacity} must be bigger than min_after_dequeue "
                             f"{min_after_dequeue}.")
        tensor_list_list = _validate_join(tensor_list_list)
        keep = _keep_input(keep_input, what)
        types = _dtypes_of(tensor_list_list)
        shapes = _shapes(tensor_list_list, shapes, enqueue_many)
        queue = data_flow_ops.RandomShuffleQueue(capacity=capacity, min_after_dequeue=min_after_dequeue,
                                                 seed=seed, dtypes=types, shapes=shapes,
                                                 shared_name=shared_name)
        if keep:
            _enqueue_join(queue, tensor_list_list, enqueue_many)
        _fullness_summary(queue, capacity, min_after_dequeue)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors_list[0], dequeued)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None, dynamic_pad=False,
          allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.batch: batches of `batch_size` from a FIFOQueue filled by `num_threads` threads.

    A single tensor (or a one-element list) gives a single batched tensor, as in TF1.
    """
    return _batch(tensors, batch_size, True, num_threads, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name)


def maybe_batch(tensors, keep_input, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
                dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.maybe_batch with a constant `keep_input` (a tensor keep_input is not supported)."""
    return _batch(tensors, batch_size, keep_input, num_threads, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name, what="maybe_batch")


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None, dynamic_pad=False,
               allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.batch_join: one enqueue thread per tensor list in `tensors_list`."""
    return _batch_join(tensors_list, batch_size, True, capacity, enqueue_many, shapes, dynamic_pad,
                       allow_smaller_final_batch, shared_name, name)


def maybe_batch_join(tensors_list, keep_input, batch_size, capacity=32, enqueue_many=False, shapes=None,
                     dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    return _batch_join(tensors_list, batch_size, keep_input, capacity, enqueue_many, shapes, dynamic_pad,
                       allow_smaller_final_batch, shared_name, name, what="maybe_batch_join")


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False, shared_name=None,
                  name=None):
    """tf.train.shuffle_batch: batches drawn at random from a RandomShuffleQueue."""
    return _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, True, num_threads, seed,
                          enqueue_many, shapes, allow_smaller_final_batch, shared_name, name)


def maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input, num_threads=1,
                        seed=None, enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                        shared_name=None, name=None):
    return _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input, num_threads, seed,
                          enqueue_many, shapes, allow_smaller_final_batch, shared_name, name,
                          what="maybe_shuffle_batch")


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None, enqueue_many=False,
                       shapes=None, allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.train.shuffle_batch_join: shuffle_batch with one enqueue thread per tensor list."""
    return _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, True, seed,
                               enqueue_many, shapes, allow_smaller_final_batch, shared_name, name)


def maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input, seed=None,
                             enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                             shared_name=None, name=None):
    return _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input, seed,
                               enqueue_many, shapes, allow_smaller_final_batch, shared_name, name,
                               what="maybe_shuffle_batch_join")
