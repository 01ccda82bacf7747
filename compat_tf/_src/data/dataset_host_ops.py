"""Graph ops that consume a whole dataset (TF1's DatasetCardinality, DatasetToSingleElement, ...).

Such an op has the dataset's run-time tensors (`_tensor_inputs()`) as its inputs and the dataset as
a private attr, like MakeIterator; its host lowering starts the pipeline with this run's values of
those tensors (an `IterContext` on the running session). While executing eagerly the same function
runs at once over the eager datasets' session and its results are EagerTensors.
"""
from compat_tf._src.data import structure
from compat_tf._src.data.dataset_ops import IterContext
from compat_tf._src.framework import graph as _graph


def iter_context(ctx, values):
    """The IterContext of a dataset op's lowering: its inputs are the dataset's tensor inputs."""
    return IterContext(ctx.session, dict(zip(ctx.op._inputs[:len(values)], values)))


def dataset_op(op_type, dataset, output_specs, name, extra_inputs=(), attrs=None, eager_fn=None, return_op=False):
    """Creates `op_type` over `dataset` (inputs: its tensor inputs, then `extra_inputs`); returns its
    outputs (the op itself with `return_op`). `eager_fn(ictx, *extra values)` computes the outputs while
    executing eagerly (then `return_op` gives None)."""
    from compat_tf._src.eager import context
    if context.executing_eagerly():
        from compat_tf._src.eager import data as _eager_data
        from compat_tf._src.eager.tensor import EagerTensor
        values = eager_fn(IterContext(_eager_data._session(), {}), *[_numpy(x) for x in extra_inputs])
        if return_op:
            return None
        return [EagerTensor(structure.as_numpy(v, dt), dt) for v, (_, dt) in zip(values, output_specs)]
    tensors = list(dataset._tensor_inputs())
    g = _graph.get_default_graph()
    all_attrs = {"_dataset": dataset, "_n_dataset_inputs": len(tensors)}
    all_attrs.update(attrs or {})
    op = g.create_op(op_type, tensors + list(extra_inputs), all_attrs, name=name,
                     output_specs=list(output_specs))
    return op if return_op else op.outputs


def _numpy(x):
    return x.numpy() if hasattr(x, "numpy") else x
