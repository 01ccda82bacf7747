"""tf.data while executing eagerly: `for x in dataset`, tf.contrib.eager.Iterator.

TF 1.15 runs a dataset eagerly through an iterator resource; compat_tf's datasets are host
pipelines (data/dataset_ops.py) whose `_iterate` yields NumPy elements, so eager iteration
runs that pipeline and wraps each component in an EagerTensor of the element spec's dtype,
packed in the element's structure.

The user functions of `map`/`filter`/... are traced (as in graph mode) into one graph kept
for eager datasets, where eager tensors a function closes over are captured by value
(constants) and eager variables it reads are read when it runs; that graph is run by a
private Session, whose variable state is synced from the eager variable store when an
iteration starts.

`Iterator(dataset)` (tf.contrib.eager.Iterator, and what `make_one_shot_iterator` returns
in eager mode, as TF 1.15's IteratorV2): `next(it)` / `it.next()` (StopIteration at the
end), `it.get_next()` (OutOfRangeError at the end), `output_types/shapes/classes`.
"""
from compat_tf._src.eager import capture
from compat_tf._src.eager import variables as _variables
from compat_tf._src.eager.tensor import EagerTensor
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph

_FUNCTION_GRAPH = []
_SESSION = []


def function_graph():
    """The graph eager datasets' functions are traced into (variables made there are eager)."""
    if not _FUNCTION_GRAPH:
        g = _graph.Graph()
        g._lifts_variables = True
        g._captures_by_value = True
        _FUNCTION_GRAPH.append(g)
    return _FUNCTION_GRAPH[0]


def _session():
    if not _SESSION:
        from compat_tf._src.runtime.session import Session
        _SESSION.append(Session(graph=function_graph()))
    sess = _SESSION[0]
    state = {}
    for ref, var in capture.captured_variables(function_graph()):
        key = ref.op.name
        if var._unique_id in _variables.STATE:
            state[key] = _variables.STATE[var._unique_id]
    sess._commit(state)
    return sess


def elements(dataset):
    """The dataset's elements as structures of EagerTensors (a generator)."""
    from compat_tf._src.data import structure
    from compat_tf._src.data.dataset_ops import IterContext
    spec = dataset._spec
    flat_spec = structure.flatten(spec)
    sess = _session()
    for element in dataset._iterate(IterContext(sess, {})):
        flat = [EagerTensor(structure.as_numpy(v, s.dtype), s.dtype) for v, s in zip(element, flat_spec)]
        yield structure.pack_as(spec, flat)


class Iterator:
    """tf.contrib.eager.Iterator: a Python iterator over a dataset, yielding EagerTensors."""

    def __init__(self, dataset):
        from compat_tf._src.eager import context
        if not context.executing_eagerly():
            raise RuntimeError("{} objects can only be used when eager execution is enabled, use "
                               "tf.data.Dataset.make_initializable_iterator or "
                               "tf.data.Dataset.make_one_shot_iterator for graph construction"
                               .format(type(self)))
        self._dataset = dataset
        self._spec = dataset._spec
        self._gen = elements(dataset)

    def __iter__(self):
        return self

    def __next__(self):
        if self._gen is None:
            raise StopIteration
        try:
            return next(self._gen)
        except StopIteration:
            self._gen = None
            raise

    next = __next__

    def get_next(self, name=None):
        """The next element; OutOfRangeError at the end of the dataset."""
        try:
            return self.__next__()
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    @property
    def output_types(self):
        return self._dataset.output_types

    @property
    def output_shapes(self):
        return self._dataset.output_shapes

    @property
    def output_classes(self):
        return self._dataset.output_classes

    @property
    def element_spec(self):
        return self._dataset.element_spec
