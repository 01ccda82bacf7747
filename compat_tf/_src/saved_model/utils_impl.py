"""tf.saved_model.utils (TF 1.15's saved_model/utils_impl.py): TensorInfo protos of tensors and back,
and the paths inside a SavedModel directory."""
import os

from compat_tf._src.framework import graph as _graph
from compat_tf._src.saved_model import constants


def _shape_proto(shape):
    from compat_tf._src.protos import tensor_shape_pb2
    proto = tensor_shape_pb2.TensorShapeProto()
    if shape.dims is None:
        proto.unknown_rank = True
    else:
        for d in shape.as_list():
            proto.dim.add(size=-1 if d is None else int(d))
    return proto


def build_tensor_info(tensor):
    """TF1's build_tensor_info: a TensorInfo (name or coo_sparse, dtype, static shape) for a Tensor or
    SparseTensor of the graph."""
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    from compat_tf._src.protos import meta_graph_pb2
    info = meta_graph_pb2.TensorInfo(dtype=tensor.dtype.as_datatype_enum,
                                     tensor_shape=_shape_proto(tensor.get_shape()))
    if isinstance(tensor, SparseTensor):
        info.coo_sparse.values_tensor_name = tensor.values.name
        info.coo_sparse.indices_tensor_name = tensor.indices.name
        info.coo_sparse.dense_shape_tensor_name = tensor.dense_shape.name
    else:
        info.name = tensor.name
    return info


def _prepend_name_scope(name, import_scope):
    if not import_scope:
        return name
    return f"{import_scope.rstrip('/')}/{name}"


def get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """TF1's get_tensor_from_tensor_info: the Tensor (or SparseTensor) `tensor_info` names in `graph`
    (default: the default graph), under `import_scope`. KeyError if it is not there; ValueError for a
    TensorInfo with no encoding."""
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    graph = graph or _graph.get_default_graph()

    def _get(name):
        return graph.get_tensor_by_name(_prepend_name_scope(name, import_scope))

    encoding = tensor_info.WhichOneof("encoding")
    if encoding == "name":
        return _get(tensor_info.name)
    if encoding == "coo_sparse":
        return SparseTensor(_get(tensor_info.coo_sparse.indices_tensor_name),
                            _get(tensor_info.coo_sparse.values_tensor_name),
                            _get(tensor_info.coo_sparse.dense_shape_tensor_name))
    raise ValueError(f"Invalid TensorInfo.encoding: {encoding}")


def get_or_create_variables_dir(export_dir):
    variables_dir = get_variables_dir(export_dir)
    os.makedirs(variables_dir, exist_ok=True)
    return variables_dir


def get_variables_dir(export_dir):
    return os.path.join(os.fspath(export_dir), constants.VARIABLES_DIRECTORY)


def get_variables_path(export_dir):
    return os.path.join(get_variables_dir(export_dir), constants.VARIABLES_FILENAME)


def get_or_create_assets_dir(export_dir):
    assets_dir = get_assets_dir(export_dir)
    os.makedirs(assets_dir, exist_ok=True)
    return assets_dir


def get_assets_dir(export_dir):
    return os.path.join(os.fspath(export_dir), constants.ASSETS_DIRECTORY)


__all__ = ["build_tensor_info", "get_tensor_from_tensor_info"]
