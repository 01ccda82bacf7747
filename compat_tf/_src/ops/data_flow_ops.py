"""TF1's queues: FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue.

Mirrors tensorflow/python/ops/data_flow_ops.py and the queue kernels
(core/kernels/fifo_queue.cc, random_shuffle_queue_op.cc, padding_fifo_queue.cc,
priority_queue.cc). A queue op (FIFOQueueV2, ...) outputs a `resource` handle;
its lowering runs on the host and returns the session's queue object, created
on first use and kept in the session's resources (`runtime.resources`), so two
sessions on one graph have separate queues and `Session.close()` cancels
every blocked enqueue/dequeue. Enqueue/dequeue/close/size are host ops whose
types contain "Queue", so a run blocked on one does not hold the session lock
and other threads' runs (producers, consumers) proceed.

Blocking follows the kernels: enqueue and dequeue attempts are served in
arrival order; a dequeue_many takes elements as they arrive (so a batch larger
than the capacity still completes), an enqueue_many inserts as space frees.
Closing a queue lets pending enqueues finish (or cancels them with
`cancel_pending_enqueues=True`, CancelledError); once closed, a dequeue that
cannot be satisfied raises OutOfRangeError with TF's message, and new enqueues
raise CancelledError. Waiting uses a threading.Condition (no polling).

A run's timeout (`RunOptions.timeout_in_ms`, `ConfigProto.operation_timeout_in_ms`) bounds every
wait: the blocked enqueue or dequeue fails with DeadlineExceededError and changes nothing.

Deviations: the op attr `timeout_ms` is not supported (neither is it in TF1's kernels);
RandomShuffleQueue's order comes from NumPy's generator, so it differs from
TF1's for the same seed; `QueueBase.from_list` (ref_select multiplexing) is
not supported.
"""
import collections
import heapq
import itertools
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.runtime import deadline
from compat_tf._src.runtime import resources

__all__ = ["QueueBase", "FIFOQueue", "PaddingFIFOQueue", "RandomShuffleQueue", "PriorityQueue"]

_QUEUE_OP_TYPES = ("FIFOQueueV2", "PaddingFIFOQueueV2", "RandomShuffleQueueV2", "PriorityQueueV2")
_KIND = {"FIFOQueueV2": "FIFOQueue", "PaddingFIFOQueueV2": "PaddingFIFOQueue",
         "RandomShuffleQueueV2": "RandomShuffleQueue", "PriorityQueueV2": "PriorityQueue"}


def _fmt_shape(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _fmt_tshape(ts):
    if ts.ndims is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in ts.as_list()) + "]"


# --------------------------------------------------------------------------------------------
# The host queue (one per session per queue op)
# --------------------------------------------------------------------------------------------

class _HostQueue:
    """The buffer and blocking protocol shared by the four queue kinds."""

    def __init__(self, kind, name, capacity, dtypes, shapes):
        self.kind = kind
        self.name = name
        self.capacity = capacity if capacity is not None and capacity >= 0 else None
        self.dtypes = list(dtypes)
        self.shapes = list(shapes) if shapes else None   # TensorShapes, or None (unshaped)
        self._cv = threading.Condition()
        self._closed = False
        self._cancel_enqueues = False      # close(cancel_pending_enqueues=True) happened
        self._session_cancelled = False    # Session.close()
        self._enq_line = collections.deque()
        self._deq_line = collections.deque()

    # -- buffer primitives (called with the lock held); overridden by subclasses ------------
    def _size(self):
        raise NotImplementedError

    def _put(self, row):
        raise NotImplementedError

    def _take(self):
        raise NotImplementedError

    def _restore(self, rows):
        """Puts rows taken by a failed dequeue back where they came from."""
        raise NotImplementedError

    def _can_take(self):
        return self._size() > 0

    def _full(self):
        return self.capacity is not None and self._size() >= self.capacity

    # -- checks -------------------------------------------------------------------------------
    def _check_row(self, row):
        if not self.shapes:
            return
        for i, (v, s) in enumerate(zip(row, self.shapes)):
            if not s.is_compatible_with(_ts.TensorShape(v.shape)):
                raise errors.InvalidArgumentError(
                    None, None, f"Shape mismatch in tuple component {i}. Expected {_fmt_tshape(s)}, "
                    f"got {_fmt_shape(v.shape)}")

    def _check_usable(self):
        if self._session_cancelled:
            raise errors.CancelledError(None, None, f"{self.kind} '{self.name}' was cancelled: the "
                                        "session was closed")

    # -- operations ---------------------------------------------------------------------------
    def enqueue_many(self, rows):
        for row in rows:
            self._check_row(row)
        with self._cv:
            self._check_usable()
            if self._closed:
                raise errors.CancelledError(None, None, f"{self.kind} '{self.name}' is closed.")
            ticket = object()
            self._enq_line.append(ticket)
            try:
                i = 0
                while True:
                    if self._session_cancelled or self._cancel_enqueues:
                        raise errors.CancelledError(None, None, "Enqueue operation was cancelled")
                    if self._enq_line[0] is ticket:
                        progressed = False
                        while i < len(rows) and not self._full():
                            self._put(rows[i])
                            i += 1
                            progressed = True
                        if progressed:
                            self._cv.notify_all()
                        if i == len(rows):
                            return
                    deadline.wait(self._cv)
            finally:
                self._enq_line.remove(ticket)
                self._cv.notify_all()

    def dequeue(self, n=None, allow_smaller=False):
        """One row (n None), or a list of up to n rows."""
        want = 1 if n is None else n
        with self._cv:
            self._check_usable()
            ticket = object()
            self._deq_line.append(ticket)
            taken = []
            try:
                while True:
                    if self._session_cancelled:
                        self._restore(taken)
                        raise errors.CancelledError(None, None, "Dequeue operation was cancelled")
                    if self._deq_line[0] is ticket:
                        size = self._size()
                        if self._closed and size < want - len(taken):
                            if allow_smaller and size + len(taken) > 0:
                                # closed: the kernel returns what is left (with the rows taken so far)
                                while self._size() > 0:
                                    taken.append(self._take())
                                return taken
                            if not (allow_smaller and self._enq_line):
                                self._restore(taken)
                                taken = []
                                raise errors.OutOfRangeError(
                                    None, None, f"{self.kind} '{self.name}' is closed and has insufficient "
                                    f"elements (requested {want}, current size {size})")
                            # else: pending enqueues may still add rows; wait for them
                        else:
                            progressed = False
                            while len(taken) < want and self._can_take():
                                taken.append(self._take())
                                progressed = True
                            if progressed:
                                self._cv.notify_all()
                            if len(taken) == want:
                                return taken[0] if n is None else taken
                    try:
                        deadline.wait(self._cv)
                    except errors.DeadlineExceededError:
                        self._restore(taken)
                        raise
            finally:
                self._deq_line.remove(ticket)
                self._cv.notify_all()

    def close(self, cancel_pending_enqueues=False):
        with self._cv:
            self._closed = True
            if cancel_pending_enqueues:
                self._cancel_enqueues = True
            self._cv.notify_all()

    def cancel(self):
        """Session.close(): every blocked attempt fails with CancelledError."""
        with self._cv:
            self._session_cancelled = True
            self._closed = True
            self._cv.notify_all()

    def size(self):
        with self._cv:
            return self._size()

    def is_closed(self):
        with self._cv:
            return self._closed


class _FIFO(_HostQueue):
    def __init__(self, *args):
        super().__init__(*args)
        self._buf = collections.deque()

    def _size(self):
        return len(self._buf)

    def _put(self, row):
        self._buf.append(row)

    def _take(self):
        return self._buf.popleft()

    def _restore(self, rows):
        self._buf.extendleft(reversed(rows))


class _RandomShuffle(_FIFO):
    def __init__(self, kind, name, capacity, dtypes, shapes, min_after_dequeue, seed, seed2):
        super().__init__(kind, name, capacity, dtypes, shapes)
        self.min_after_dequeue = max(int(min_after_dequeue), 0)
        self._buf = []
        seeds = [int(seed), int(seed2)] if (seed or seed2) else None
        self._rng = np.random.default_rng(seeds)

    def _can_take(self):
        n = len(self._buf)
        return n > 0 and (n > self.min_after_dequeue or self._closed)

    def _take(self):
        i = int(self._rng.integers(len(self._buf)))
        self._buf[i], self._buf[-1] = self._buf[-1], self._buf[i]
        return self._buf.pop()

    def _restore(self, rows):
        self._buf.extend(rows)


class _Priority(_HostQueue):
    def __init__(self, *args):
        super().__init__(*args)
        self._heap = []
        self._seq = itertools.count()

    def _size(self):
        return len(self._heap)

    def _put(self, row):
        heapq.heappush(self._heap, (int(row[0]), next(self._seq), row))

    def _take(self):
        return heapq.heappop(self._heap)[2]

    def _restore(self, rows):
        for r in rows:
            self._put(r)

    def _check_row(self, row):
        if np.shape(row[0]) != ():
            raise errors.InvalidArgumentError(
                None, None, f"Expected the priority element to be a scalar, but received shape: "
                f"{_fmt_shape(np.shape(row[0]))}")
        super()._check_row(row)


# --------------------------------------------------------------------------------------------
# Ops
# --------------------------------------------------------------------------------------------

def _resource_rule(op):
    return [([], _dtypes.resource)]


def _queue_factory(ctx, kind_cls, kind, capacity, dtypes, shapes, shared_name, extra=()):
    op = ctx.op
    session = ctx.session
    key = ("queue", shared_name) if shared_name else ("queue", op.name)

    counter = resources.get_or_create(session, ("queue", "__ids__"), itertools.count)

    def make():   # called under the resources lock, once
        name = shared_name or f"_{next(counter)}_{op.name}"
        return kind_cls(kind, name, capacity, dtypes, shapes, *extra)
    return resources.get_or_create(session, key, make)


@register_op("FIFOQueueV2", shape=_resource_rule, host=True, stateful=True, differentiable=False)
def _fifo_queue_v2(ctx, component_types=(), shapes=(), capacity=-1, container="", shared_name=""):
    return _queue_factory(ctx, _FIFO, "FIFOQueue", capacity, component_types, shapes, shared_name)


@register_op("PaddingFIFOQueueV2", shape=_resource_rule, host=True, stateful=True, differentiable=False)
def _padding_fifo_queue_v2(ctx, component_types=(), shapes=(), capacity=-1, container="", shared_name=""):
    return _queue_factory(ctx, _FIFO, "PaddingFIFOQueue", capacity, component_types, shapes, shared_name)


@register_op("RandomShuffleQueueV2", shape=_resource_rule, host=True, stateful=True, differentiable=False)
def _random_shuffle_queue_v2(ctx, component_types=(), shapes=(), capacity=-1, min_after_dequeue=0, seed=0,
                             seed2=0, container="", shared_name=""):
    return _queue_factory(ctx, _RandomShuffle, "RandomShuffleQueue", capacity, component_types, shapes,
                          shared_name, (min_after_dequeue, seed, seed2))


@register_op("PriorityQueueV2", shape=_resource_rule, host=True, stateful=True, differentiable=False)
def _priority_queue_v2(ctx, component_types=(), shapes=(), capacity=-1, container="", shared_name=""):
    dts = (_dtypes.int64,) + tuple(component_types)
    shp = (_ts.TensorShape([]),) + tuple(shapes) if shapes else ()
    return _queue_factory(ctx, _Priority, "PriorityQueue", capacity, dts, shp, shared_name)


def _handle_queue(handle, op):
    if not isinstance(handle, _HostQueue):
        raise errors.InvalidArgumentError(None, op, f"{op.type} expects a queue handle, got {type(handle)}")
    return handle


def _host_value(v, dtype):
    if dtype == _dtypes.string:
        return np.array(v, dtype=object)
    return np.array(v, dtype=dtype.as_numpy_dtype)


def _rows_of(q, components, many, op):
    dts = q.dtypes
    if len(components) != len(dts):
        raise errors.InvalidArgumentError(
            None, op, f"{q.kind} '{q.name}' expects {len(dts)} components, got {len(components)}")
    vals = [_host_value(c, d) for c, d in zip(components, dts)]
    if not many:
        return [tuple(vals)]
    if any(v.ndim == 0 for v in vals):
        raise errors.InvalidArgumentError(None, op, "EnqueueMany requires the components to have at "
                                          "least one dimension (the batch dimension)")
    n = vals[0].shape[0]
    for i, v in enumerate(vals[1:], 1):
        if v.shape[0] != n:
            raise errors.InvalidArgumentError(
                None, op, f"Shape mismatch in tuple component {i}. Expected batch dimension {n}, "
                f"got {v.shape[0]}")
    return [tuple(v[j, ...] for v in vals) for j in range(n)]


@register_op("QueueEnqueueV2", shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _queue_enqueue_v2(ctx, handle, *components, Tcomponents=(), timeout_ms=-1):
    q = _handle_queue(handle, ctx.op)
    q.enqueue_many(_rows_of(q, components, False, ctx.op))
    return ()


@register_op("QueueEnqueueManyV2", shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _queue_enqueue_many_v2(ctx, handle, *components, Tcomponents=(), timeout_ms=-1):
    q = _handle_queue(handle, ctx.op)
    q.enqueue_many(_rows_of(q, components, True, ctx.op))
    return ()


def _queue_op_of(handle_tensor):
    op = handle_tensor.op
    return op if op.type in _QUEUE_OP_TYPES else None


def _queue_specs(handle_tensor, component_types):
    """(dtype, TensorShape) of each component, from the queue op that made the handle."""
    qop = _queue_op_of(handle_tensor)
    shapes = None
    if qop is not None:
        shapes = list(qop.get_attr("shapes") or ()) or None
        if shapes and qop.type == "PriorityQueueV2":
            shapes = [_ts.TensorShape([])] + shapes
    if shapes is None or len(shapes) != len(component_types):
        shapes = [_ts.unknown_shape() for _ in component_types]
    return list(zip(component_types, shapes))


def _dequeue_rule(op):
    return [(s, d) for d, s in _queue_specs(op.inputs[0], op.get_attr("component_types"))]


def _dequeue_n_rule(op, up_to):
    from compat_tf._src.framework import shape_inference
    n = None
    if not up_to:
        v = shape_inference.constant_value(op.inputs[1])
        n = None if v is None else int(np.asarray(v).reshape(()))
    return [(_ts.TensorShape([n]).concatenate(s), d)
            for d, s in _queue_specs(op.inputs[0], op.get_attr("component_types"))]


def _n_outputs(attrs, n_inputs):
    return len(attrs["component_types"])


def _as_outputs(q, row, component_types):
    return tuple(_host_value(v, d) for v, d in zip(row, component_types))


@register_op("QueueDequeueV2", shape=_dequeue_rule, num_outputs=_n_outputs, host=True, stateful=True,
             differentiable=False)
def _queue_dequeue_v2(ctx, handle, component_types=(), timeout_ms=-1):
    q = _handle_queue(handle, ctx.op)
    return _as_outputs(q, q.dequeue(), component_types)


def _stack(q, rows, component_types):
    if q.shapes is None or not all(s.ndims is not None for s in q.shapes) or (
            q.kind != "PaddingFIFOQueue" and not all(s.is_fully_defined() for s in q.shapes)):
        raise errors.InvalidArgumentError(
            None, None, f"{q.kind}'s DequeueMany and DequeueUpTo require the components to have "
            "specified shapes.")
    out = []
    for i, (d, s) in enumerate(zip(component_types, q.shapes)):
        vals = [np.asarray(r[i]) for r in rows]
        np_dt = object if d == _dtypes.string else d.as_numpy_dtype
        if not vals:
            dims = [0 if x is None else x for x in s.as_list()]
            out.append(np.zeros([0] + dims, dtype=np_dt) if np_dt is not object
                       else np.full([0] + dims, b"", dtype=object))
            continue
        if q.kind == "PaddingFIFOQueue":
            target = [max(v.shape[k] for v in vals) for k in range(s.ndims)]
            fill = b"" if np_dt is object else 0
            batch = np.full([len(vals)] + target, fill, dtype=np_dt)
            for j, v in enumerate(vals):
                batch[(j,) + tuple(slice(0, k) for k in v.shape)] = v
            out.append(batch)
        else:
            out.append(np.stack(vals).astype(np_dt, copy=False))
    return tuple(out)


def _dequeue_many(ctx, handle, n, component_types, up_to):
    q = _handle_queue(handle, ctx.op)
    n = int(np.asarray(n).reshape(()))
    if n < 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"Value for attr 'num_elements' of {n} must be at "
                                          "least minimum 0")
    _stack(q, [], component_types)     # unshaped queues fail before blocking, as in TF
    rows = q.dequeue(n, allow_smaller=up_to) if n > 0 else []
    return _stack(q, rows, component_types)


@register_op("QueueDequeueManyV2", shape=lambda op: _dequeue_n_rule(op, False), num_outputs=_n_outputs,
             host=True, stateful=True, differentiable=False)
def _queue_dequeue_many_v2(ctx, handle, n, component_types=(), timeout_ms=-1):
    return _dequeue_many(ctx, handle, n, component_types, False)


@register_op("QueueDequeueUpToV2", shape=lambda op: _dequeue_n_rule(op, True), num_outputs=_n_outputs,
             host=True, stateful=True, differentiable=False)
def _queue_dequeue_up_to_v2(ctx, handle, n, component_types=(), timeout_ms=-1):
    return _dequeue_many(ctx, handle, n, component_types, True)


@register_op("QueueCloseV2", shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _queue_close_v2(ctx, handle, cancel_pending_enqueues=False):
    _handle_queue(handle, ctx.op).close(cancel_pending_enqueues)
    return ()


@register_op("QueueSizeV2", shape=lambda op: [([], _dtypes.int32)], host=True, stateful=True,
             differentiable=False)
def _queue_size_v2(ctx, handle):
    return np.int32(_handle_queue(handle, ctx.op).size())


@register_op("QueueIsClosedV2", shape=lambda op: [([], _dtypes.bool)], host=True, stateful=True,
             differentiable=False)
def _queue_is_closed_v2(ctx, handle):
    return np.bool_(_handle_queue(handle, ctx.op).is_closed())


# --------------------------------------------------------------------------------------------
# Python classes (TF1's data_flow_ops.QueueBase and subclasses)
# --------------------------------------------------------------------------------------------

def _as_type_list(dtypes):
    if isinstance(dtypes, (list, tuple)):
        return [_dtypes.as_dtype(d).base_dtype for d in dtypes]
    return [_dtypes.as_dtype(dtypes).base_dtype]


def _as_shape_list(shapes, dtypes, unknown_dim_allowed=False, unknown_rank_allowed=False):
    del dtypes
    if shapes is None:
        return None
    if isinstance(shapes, _ts.TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("shapes must be a TensorShape or a list or tuple of TensorShapes.")
    if all(s is None or isinstance(s, int) for s in shapes):
        # a single shape given as a list of dims
        shapes = [shapes]
    shapes = [_ts.as_shape(s) for s in shapes]
    if not unknown_dim_allowed:
        if any(not s.is_fully_defined() for s in shapes):
            raise ValueError(f"All shapes must be fully defined: {shapes}")
    if not unknown_rank_allowed:
        if any(s.dims is None for s in shapes):
            raise ValueError(f"All shapes must have a defined rank: {shapes}")
    return shapes


def _as_name_list(names, dtypes):
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(dtypes):
        raise ValueError("List of names must have the same length as the list of dtypes")
    return list(names)


def _shared_name(shared_name):
    return shared_name or ""


class QueueBase:
    """TF1's tf.QueueBase: the enqueue/dequeue API over a queue handle (`queue_ref`)."""

    def __init__(self, dtypes, shapes, names, queue_ref):
        self._dtypes = list(dtypes)
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes")
            self._shapes = [_ts.TensorShape(s) for s in shapes]
        else:
            self._shapes = [_ts.unknown_shape() for _ in self._dtypes]
        if names is not None:
            if len(names) != len(dtypes):
                raise ValueError("Queue names must have the same length as dtypes")
            self._names = list(names)
        else:
            self._names = None
        self._queue_ref = queue_ref
        self._name = self._queue_ref.op.name.split("/")[-1]

    @staticmethod
    def from_list(index, queues):
        raise NotImplementedError("tf.QueueBase.from_list is not supported by compat_tf")

    @property
    def queue_ref(self):
        return self._queue_ref

    @property
    def name(self):
        return self._queue_ref.op.name

    @property
    def dtypes(self):
        return self._dtypes

    @property
    def shapes(self):
        return self._shapes

    @property
    def names(self):
        return self._names

    def _check_enqueue_dtypes(self, vals):
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError(f"Keys in dictionary to enqueue do not match names of Queue.  "
                                 f"Dictionary: ({sorted(vals.keys())}), Queue: ({sorted(self._names)})")
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} components to enqueue, got {len(vals)}")
        return [_constant.convert_to_tensor(v, dtype=d, name=f"component_{i}")
                for i, (v, d) in enumerate(zip(vals, self._dtypes))]

    @staticmethod
    def _scope_vals(vals):
        if isinstance(vals, (list, tuple)):
            return list(vals)
        if isinstance(vals, dict):
            return list(vals.values())
        return [vals]

    def _graph(self):
        return self._queue_ref.graph

    def _create(self, op_type, inputs, attrs, name):
        return self._graph().create_op(op_type, inputs, attrs, name=name)

    def enqueue(self, vals, name=None):
        """Enqueues one element (a tensor, list/tuple of tensors, or a dict for a named queue)."""
        with self._graph().as_default(), _graph.name_scope(name, f"{self._name}_enqueue") as scope:
            vals = self._check_enqueue_dtypes(vals)
            for v, s in zip(vals, self._shapes):
                v.shape.assert_is_compatible_with(s)
            return self._create("QueueEnqueueV2", [self._queue_ref] + vals,
                                {"Tcomponents": tuple(v.dtype.base_dtype for v in vals), "timeout_ms": -1},
                                scope)

    def enqueue_many(self, vals, name=None):
        """Enqueues zero or more elements, sliced from the 0th dimension of each component."""
        with self._graph().as_default(), _graph.name_scope(name, f"{self._name}_EnqueueMany") as scope:
            vals = self._check_enqueue_dtypes(vals)
            batch_dim = _ts.Dimension(_ts.dimension_value(vals[0].shape.with_rank_at_least(1)[0]))
            for v, s in zip(vals, self._shapes):
                vb = _ts.Dimension(_ts.dimension_value(v.shape.with_rank_at_least(1)[0]))
                batch_dim = batch_dim.merge_with(vb)
                v.shape[1:].assert_is_compatible_with(s)
            return self._create("QueueEnqueueManyV2", [self._queue_ref] + vals,
                                {"Tcomponents": tuple(v.dtype.base_dtype for v in vals), "timeout_ms": -1},
                                scope)

    def _dequeue_return_value(self, tensors):
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        if len(tensors) == 1:
            return tensors[0]
        return list(tensors)

    def dequeue(self, name=None):
        """Dequeues one element; blocks until one is available (OutOfRangeError once closed and empty)."""
        with self._graph().as_default():
            op = self._create("QueueDequeueV2", [self._queue_ref],
                              {"component_types": tuple(self._dtypes), "timeout_ms": -1},
                              name or f"{self._name}_Dequeue")
        for t, s in zip(op.outputs, self._shapes):
            t.set_shape(s)
        return self._dequeue_return_value(op.outputs)

    def dequeue_many(self, n, name=None):
        """Dequeues and concatenates `n` elements (blocks until `n` are available)."""
        with self._graph().as_default():
            n_t = _constant.convert_to_tensor(n, dtype=_dtypes.int32, name="n") \
                if not isinstance(n, _graph.Tensor) else n
            op = self._create("QueueDequeueManyV2", [self._queue_ref, n_t],
                              {"component_types": tuple(self._dtypes), "timeout_ms": -1},
                              name or f"{self._name}_DequeueMany")
        return self._dequeue_return_value(op.outputs)

    def dequeue_up_to(self, n, name=None):
        """Like dequeue_many, but after close() returns the remaining (fewer than `n`) elements."""
        with self._graph().as_default():
            n_t = _constant.convert_to_tensor(n, dtype=_dtypes.int32, name="n") \
                if not isinstance(n, _graph.Tensor) else n
            op = self._create("QueueDequeueUpToV2", [self._queue_ref, n_t],
                              {"component_types": tuple(self._dtypes), "timeout_ms": -1},
                              name or f"{self._name}_DequeueUpTo")
        return self._dequeue_return_value(op.outputs)

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes the queue; with cancel_pending_enqueues, blocked enqueues fail (CancelledError)."""
        with self._graph().as_default():
            return self._create("QueueCloseV2", [self._queue_ref],
                                {"cancel_pending_enqueues": bool(cancel_pending_enqueues)},
                                name or f"{self._name}_Close")

    def is_closed(self, name=None):
        with self._graph().as_default():
            return self._create("QueueIsClosedV2", [self._queue_ref], {},
                                name or f"{self._name}_Is_Closed").outputs[0]

    def size(self, name=None):
        with self._graph().as_default():
            return self._create("QueueSizeV2", [self._queue_ref], {}, name or f"{self._name}_Size").outputs[0]


def _make_queue_ref(op_type, attrs, name):
    g = _graph.get_default_graph()
    return g.create_op(op_type, [], attrs, name=name).outputs[0]


class FIFOQueue(QueueBase):
    """TF1's tf.FIFOQueue (op FIFOQueueV2): first-in first-out, bounded by `capacity`."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, dtypes)
        names = _as_name_list(names, dtypes)
        ref = _make_queue_ref("FIFOQueueV2", {"component_types": tuple(dtypes), "shapes": tuple(shapes or ()),
                                              "capacity": int(capacity), "container": "",
                                              "shared_name": _shared_name(shared_name)}, name)
        super().__init__(dtypes, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """TF1's tf.PaddingFIFOQueue: a FIFOQueue whose dequeue_many pads variable dims (None) with zeros."""

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, dtypes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError(f"Shapes must be provided for all components, but received {len(dtypes)} "
                             f"dtypes and {len(shapes)} shapes.")
        ref = _make_queue_ref("PaddingFIFOQueueV2", {"component_types": tuple(dtypes),
                                                     "shapes": tuple(shapes),
                                                     "capacity": int(capacity), "container": "",
                                                     "shared_name": _shared_name(shared_name)}, name)
        super().__init__(dtypes, shapes, names, ref)


class RandomShuffleQueue(QueueBase):
    """TF1's tf.RandomShuffleQueue: dequeues a random element, keeping `min_after_dequeue` until closed."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name="random_shuffle_queue"):
        from compat_tf._src.ops import random_ops
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, dtypes)
        names = _as_name_list(names, dtypes)
        seed1, seed2 = random_ops.get_seed(seed)
        if seed1 is None and seed2 is None:
            seed1, seed2 = 0, 0
        elif seed is None and shared_name is not None:
            # a graph-level seed with a shared queue: TF1 fixes seed2 from the shared name
            import zlib
            seed2 = zlib.crc32(shared_name.encode()) & 0x7FFFFFFF
        ref = _make_queue_ref("RandomShuffleQueueV2", {
            "component_types": tuple(dtypes), "shapes": tuple(shapes or ()), "capacity": int(capacity),
            "min_after_dequeue": int(min_after_dequeue), "seed": int(seed1), "seed2": int(seed2),
            "container": "", "shared_name": _shared_name(shared_name)}, name)
        super().__init__(dtypes, shapes, names, ref)


class PriorityQueue(QueueBase):
    """TF1's tf.PriorityQueue: elements are (int64 priority, *components); lowest priority first."""

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None, name="priority_queue"):
        types = _as_type_list(types)
        shapes = _as_shape_list(shapes, types)
        ref = _make_queue_ref("PriorityQueueV2", {"component_types": tuple(types),
                                                  "shapes": tuple(shapes or ()),
                                                  "capacity": int(capacity), "container": "",
                                                  "shared_name": _shared_name(shared_name)}, name)
        priority_dtypes = [_dtypes.int64] + types
        priority_shapes = [()] + shapes if shapes else shapes
        super().__init__(priority_dtypes, priority_shapes, names, ref)
