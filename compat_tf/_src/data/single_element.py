"""tf.data.experimental.get_single_element (TF 1.15 get_single_element.py): the only element of a
dataset as tensors (TF's DatasetToSingleElement op), InvalidArgumentError when the dataset is empty
or has more than one element; a failed element raises its own error."""
from compat_tf._src.data import structure
from compat_tf._src.data.dataset_host_ops import dataset_op, iter_context
from compat_tf._src.data.dataset_ops import DatasetV1
from compat_tf._src.data.element_error import is_error
from compat_tf._src.framework import errors
from compat_tf._src.framework.registry import register_op

__all__ = ["get_single_element"]


def _single(dataset, ictx, op=None):
    it = dataset._iterate(ictx)
    first = next(it, None)
    if first is None:
        raise errors.InvalidArgumentError(None, op, "Dataset was empty.")
    if is_error(first):
        raise first.error
    if next(it, None) is not None:
        raise errors.InvalidArgumentError(None, op, "Dataset had more than one element.")
    return [structure.as_numpy(v, s.dtype) for v, s in zip(first, structure.flatten(dataset._spec))]


def _shapes(op):
    return list(zip(op.get_attr("output_shapes"), op.get_attr("output_types")))


@register_op("DatasetToSingleElement", shape=_shapes, ctx=True, host=True, stateful=True, differentiable=False,
             num_outputs=lambda attrs, n: len(attrs["output_types"]))
def _dataset_to_single_element(ctx, *values, **attrs):
    return _single(attrs["_dataset"], iter_context(ctx, values), ctx.op)


def get_single_element(dataset):
    """The single element of `dataset` (a structure of tensors): see the module docstring."""
    if not isinstance(dataset, DatasetV1):
        raise TypeError("`dataset` must be a `tf.data.Dataset` object.")
    flat = structure.flatten(dataset._spec)
    specs = [(s.shape, s.dtype) for s in flat]
    outs = dataset_op("DatasetToSingleElement", dataset, specs, "DatasetToSingleElement",
                      attrs={"output_types": tuple(s.dtype for s in flat),
                             "output_shapes": tuple(s.shape for s in flat)},
                      eager_fn=lambda ictx: _single(dataset, ictx))
    return structure.pack_as(dataset._spec, outs)
