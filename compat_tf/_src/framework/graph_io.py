"""GraphDef export and import (TF1's Graph.as_graph_def and tf.import_graph_def).

Export writes one NodeDef per Operation with TF's attr names and types: the
attrs an op already keeps (they use TF's names: strides, padding, data_format,
dtype, shape, value, keep_dims, ...) plus the type attrs TF's OpDefs declare
and compat_tf does not store (T, Tidx, Tshape, Index, N, dtypes, ...: a table,
then TF's OpDef signatures in tf_op_signatures for whatever the table leaves
out), and `_output_shapes` with add_shapes=True.

compat_tf's private attrs (names with a leading underscore) hold Python-level
structure: the ys/xs/forward ops of a tf.gradients op ("Gradients"), the
branch/body ops, loop variables and outputs of tf.cond / tf.while_loop /
tf.map_fn / tf.scan / dynamic_rnn owner ops ("If", "While", "FunctionalScan",
"RnnScan"), the variables they thread through, print templates, RNG salts.
Each is written as a string attr `_compat_tf_<name>` (JSON in which a Tensor is
{"t": "op:0"}, an Operation {"o": "op"}, a variable state key {"k": "op"}, a
tuple {"T": [...]}, a DType {"dtype": "float32"}, a TensorShape {"shape": [..]});
TF ignores attrs with a leading underscore. An op owned by a cond branch or loop
body carries `_compat_tf__owner` (its owner's name) and every such op its output
specs (`_compat_tf__output_specs`). A private attr that holds a Python object no
GraphDef can carry (a py_func callable, a tf.data dataset) is listed in
`_compat_tf__unserializable`: export still succeeds (summary writers export every
graph), importing that node raises NotImplementedError naming it and why.

Import builds each node by op type through the same registry as the Python
builders, so an imported graph runs through the same lowerings. `_compat_tf_*`
attrs are decoded back, their tensor/op references resolved to the imported
ops (import prefix and input_map applied) -- the nodes they name are built
first -- and owned ops are marked as belonging to their owner again. Each TF attr is
converted back to a Python value (type -> DType, shape -> TensorShape, tensor
-> ndarray, list -> tuple, s -> str) and passed on when the lowering takes it
(by name, or through its **kwargs); attrs TF adds that the lowering does not
take are dropped. The import is atomic: every node is checked (op type known,
inputs resolvable, input_map keys used) before the first op is added, and ops
added before a later failure are removed again.

A GraphDef written by TensorFlow with its own control flow (TF1 Switch/Merge and
while frames, TF2 functional If/While over the function library) is first rewritten
into compat_tf's If/While encoding by framework/tf_control_flow_import.
"""
import inspect

import numpy as np
from google.protobuf import message as _message

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import registry
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework import tensor_util
from compat_tf._src.protos import attr_value_pb2, graph_pb2, node_def_pb2, versions_pb2

# TF 1.15's GraphDef versions (tf.GRAPH_DEF_VERSION, ...).
GRAPH_DEF_VERSION = 134
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

# -- attr values ---------------------------------------------------------------


def _is_shape(v):
    return isinstance(v, _ts.TensorShape)


def attr_to_proto(value):
    """A Python attr value -> AttrValue, or None when it has no TF encoding (a Python object)."""
    av = attr_value_pb2.AttrValue()
    if isinstance(value, _dtypes.DType):
        av.type = value.as_datatype_enum
    elif _is_shape(value):
        av.shape.CopyFrom(tensor_util.shape_to_proto(value))
    elif isinstance(value, (bool, np.bool_)):
        av.b = bool(value)
    elif isinstance(value, (int, np.integer)):
        av.i = int(value)
    elif isinstance(value, (float, np.floating)):
        av.f = float(value)
    elif isinstance(value, str):
        av.s = value.encode()
    elif isinstance(value, bytes):
        av.s = value
    elif isinstance(value, tensor_util.LazyConstValue):
        av.tensor.CopyFrom(value.proto)
    elif isinstance(value, np.ndarray) or hasattr(value, "__array__") and hasattr(value, "dtype"):
        try:
            av.tensor.CopyFrom(_const_tensor_proto(np.asarray(value)))
        except (TypeError, ValueError):
            return None
    elif isinstance(value, attr_value_pb2.NameAttrList):
        av.func.CopyFrom(value)
    elif isinstance(value, (list, tuple)):
        lv = av.list
        items = list(value)
        if not items:
            av.list.SetInParent()
        elif all(isinstance(v, _dtypes.DType) for v in items):
            lv.type.extend(v.as_datatype_enum for v in items)
        elif all(_is_shape(v) or v is None or isinstance(v, (list, tuple)) for v in items) \
                and any(_is_shape(v) for v in items):
            lv.shape.extend(tensor_util.shape_to_proto(_ts.as_shape(v) if v is not None
                                                       else _ts.unknown_shape())
                            for v in items)
        elif all(isinstance(v, (bool, np.bool_)) for v in items):
            lv.b.extend(bool(v) for v in items)
        elif all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
            lv.i.extend(int(v) for v in items)
        elif all(isinstance(v, (int, float, np.integer, np.floating)) for v in items):
            lv.f.extend(float(v) for v in items)
        elif all(isinstance(v, (str, bytes)) for v in items):
            lv.s.extend(v.encode() if isinstance(v, str) else v for v in items)
        else:
            return None
    else:
        return None
    return av


def _const_tensor_proto(arr):
    # TF writes a constant whose elements are all equal (tf.zeros, tf.fill of a
    # static shape) compactly; do the same for big ones.
    if arr.size >= 1000 and arr.dtype.kind in "biuf" and (arr == arr.flat[0]).all():
        return tensor_util.make_tensor_proto(arr.flat[0:1], dtype=_dtypes.as_dtype(arr.dtype),
                                             shape=arr.shape)
    if arr.dtype.kind in "USO":
        return tensor_util.make_tensor_proto(arr, dtype=_dtypes.string)
    return tensor_util.make_tensor_proto(arr)


def attr_from_proto(av):
    """AttrValue -> the Python value compat_tf ops keep (tuples for lists)."""
    kind = av.WhichOneof("value")
    if kind == "s":
        try:
            return av.s.decode()
        except UnicodeDecodeError:
            return av.s
    if kind in ("i", "f", "b", "placeholder"):
        return getattr(av, kind)
    if kind == "type":
        return _dtypes.as_dtype(av.type)
    if kind == "shape":
        return tensor_util.shape_from_proto(av.shape)
    if kind == "tensor":
        return tensor_util.make_ndarray_or_lazy(av.tensor)     # a huge compact Const stays a proto
    if kind == "func":
        return av.func
    if kind == "list":
        lv = av.list
        for f in ("s", "i", "f", "b", "type", "shape", "tensor", "func"):
            vals = getattr(lv, f)
            if len(vals):
                return tuple(attr_from_proto(_wrap(f, v)) for v in vals)
        return ()
    return None


def _wrap(field, v):
    av = attr_value_pb2.AttrValue()
    if field in ("shape", "tensor", "func"):
        getattr(av, field).CopyFrom(v)
    else:
        setattr(av, field, v)
    return av


# -- compat_tf's private attrs ---------------------------------------------------------------

PRIVATE_PREFIX = "_compat_tf_"
_UNSERIALIZABLE = "_compat_tf__unserializable"
_OWNER = "_compat_tf__owner"
_OUTPUT_SPECS = "_compat_tf__output_specs"
# private attrs whose strings are variable state keys (VariableV2 op names), renamed on import
_STATE_KEY_ATTRS = frozenset(["_state_reads", "_state_writes"])
_REF_SHAPES_ATTR = "_ref_shapes"
# What a private attr that cannot be serialised held, for the import error.
_WHAT = {"_func": "the Python function of a tf.py_func", "_dataset": "a tf.data Dataset"}


class _Unserializable(Exception):
    pass


class _StateKey(str):
    """A variable state key (its VariableV2 op name) inside a private attr."""


def _encode(v):
    """A private attr value -> a JSON-able value (raises _Unserializable)."""
    if v is None or isinstance(v, (bool, np.bool_)):
        return None if v is None else bool(v)
    if isinstance(v, _StateKey):
        return {"k": str(v)}
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, _graph.Tensor):
        return {"t": v.name}
    if isinstance(v, _graph.Operation):
        return {"o": v.name}
    if isinstance(v, _dtypes.DType):
        return {"dtype": v.name}
    if isinstance(v, _ts.TensorShape):
        return {"shape": None if v.ndims is None else v.as_list()}
    if isinstance(v, bytes):
        return {"bytes": v.hex()}
    if isinstance(v, tuple) and not hasattr(v, "_fields"):
        return {"T": [_encode(x) for x in v]}
    if isinstance(v, list):
        return [_encode(x) for x in v]
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        return {"D": [[k, _encode(x)] for k, x in v.items()]}
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf" and v.size <= 100000:
        return {"nd": v.tolist(), "dtype": v.dtype.name, "nd_shape": list(v.shape)}
    raise _Unserializable(f"a Python {type(v).__module__}.{type(v).__qualname__} object")


def _private_attr_value(k, v):
    if k in _STATE_KEY_ATTRS and isinstance(v, (tuple, list)):
        return tuple(_StateKey(x) if isinstance(x, str) else x for x in v)
    if k == _REF_SHAPES_ATTR and isinstance(v, (tuple, list)):
        return tuple((_StateKey(e[0]),) + tuple(e[1:]) if isinstance(e, tuple) and e and isinstance(e[0], str)
                     else e for e in v)
    return v


def _export_private_attrs(op, nd):
    """Writes op's private attrs as `_compat_tf_*` string attrs of `nd` (never fails)."""
    import json
    bad = []
    n = 0
    for k in sorted(op.attrs):
        if not k.startswith("_") or k.startswith(PRIVATE_PREFIX):
            continue
        v = op.attrs[k]
        try:
            text = json.dumps(_encode(_private_attr_value(k, v)), separators=(",", ":"))
        except _Unserializable as e:
            bad.append(f"{k}: {_WHAT.get(k, e)}")
            continue
        except (TypeError, ValueError, RecursionError) as e:
            bad.append(f"{k}: {type(v).__name__} ({e})")
            continue
        nd.attr[PRIVATE_PREFIX + k[1:]].s = text.encode()
        n += 1
    if bad:
        nd.attr[_UNSERIALIZABLE].list.s.extend(b.encode() for b in bad)
    owner = getattr(op, "_func_owner_op", None)
    if owner is not None:
        nd.attr[_OWNER].s = owner.name.encode()
    if n or bad or owner is not None:
        specs = [[_encode(t.shape), t.dtype.base_dtype.name] for t in op.outputs]
        nd.attr[_OUTPUT_SPECS].s = json.dumps(specs, separators=(",", ":")).encode()


def _decode(v, resolve):
    """The inverse of _encode; `resolve(kind, name)` gives the object for {"t"|"o"|"k": name}."""
    if isinstance(v, list):
        return [_decode(x, resolve) for x in v]
    if not isinstance(v, dict):
        return v
    if "T" in v:
        return tuple(_decode(x, resolve) for x in v["T"])
    for kind in ("t", "o", "k"):
        if kind in v:
            return resolve(kind, v[kind])
    if "dtype" in v and "nd" not in v:
        return _dtypes.as_dtype(v["dtype"])
    if "shape" in v:
        return _ts.TensorShape(v["shape"])
    if "bytes" in v:
        return bytes.fromhex(v["bytes"])
    if "D" in v:
        return {k: _decode(x, resolve) for k, x in v["D"]}
    if "nd" in v:
        return np.asarray(v["nd"], dtype=v["dtype"]).reshape(v["nd_shape"])
    raise ValueError(f"unknown encoded value {v!r}")


def _references(v, out):
    """Collects ("t"|"o"|"k", name) references of an encoded value into `out`."""
    if isinstance(v, list):
        for x in v:
            _references(x, out)
    elif isinstance(v, dict):
        for kind in ("t", "o", "k"):
            if kind in v:
                out.append((kind, v[kind]))
                return
        for key in ("T", "D"):
            if key in v:
                _references(v[key], out)


class _PrivateAttrs:
    """A node's parsed `_compat_tf_*` attrs: {attr: encoded value}, owner, output specs, problems."""

    def __init__(self, node):
        import json
        self.values, self.refs, self.owner, self.specs, self.unserializable = {}, [], None, None, []
        for k in node.attr:
            if not k.startswith(PRIVATE_PREFIX):
                continue
            av = node.attr[k]
            if k == _UNSERIALIZABLE:
                self.unserializable = [s.decode(errors="replace") for s in av.list.s]
                continue
            try:
                if k == _OWNER:
                    self.owner = av.s.decode()
                elif k == _OUTPUT_SPECS:
                    self.specs = [(_ts.TensorShape(s["shape"]), _dtypes.as_dtype(d))
                                  for s, d in json.loads(av.s.decode())]
                else:
                    self.values["_" + k[len(PRIVATE_PREFIX):]] = json.loads(av.s.decode())
            except (ValueError, TypeError, KeyError, UnicodeDecodeError) as e:
                raise _node_error(node, f"attr {k} is not a valid compat_tf encoding: {e}") from None
        for v in self.values.values():
            _references(v, self.refs)

    def __bool__(self):
        return bool(self.values or self.owner or self.specs or self.unserializable)


def rename_private_refs(node, rename):
    """Rewrites the node names referenced by `node`'s `_compat_tf_*` attrs with `rename(name) -> name`
    (tensor names keep their ":i"; state keys and the owner are node names too)."""
    import json

    def walk(v):
        if isinstance(v, list):
            return [walk(x) for x in v]
        if not isinstance(v, dict):
            return v
        if "t" in v:
            src, _, idx = v["t"].rpartition(":")
            return {"t": f"{rename(src)}:{idx}"}
        if "o" in v:
            return {"o": rename(v["o"])}
        if "k" in v:
            return {"k": rename(v["k"])}
        if "T" in v:
            return {"T": walk(v["T"])}
        if "D" in v:
            return {"D": [[k, walk(x)] for k, x in v["D"]]}
        return v

    for k in list(node.attr):
        if not k.startswith(PRIVATE_PREFIX) or k in (_UNSERIALIZABLE, _OUTPUT_SPECS):
            continue
        if k == _OWNER:
            node.attr[k].s = rename(node.attr[k].s.decode()).encode()
            continue
        try:
            value = json.loads(node.attr[k].s.decode())
        except (ValueError, UnicodeDecodeError):
            continue
        node.attr[k].s = json.dumps(walk(value), separators=(",", ":")).encode()


# -- export --------------------------------------------------------------------

# Type attrs TF's OpDefs declare that compat_tf ops do not keep: attr -> input index
# (an int), "N" (number of data inputs), or a callable(op) -> value. The default for an
# op not listed is T = dtype of input 0 (ops with no T in TF are in _NO_T).
_N = "N"
_TYPE_ATTRS = {
    "Reshape": {"T": 0, "Tshape": 1},
    "Sum": {"T": 0, "Tidx": 1}, "Prod": {"T": 0, "Tidx": 1}, "Mean": {"T": 0, "Tidx": 1},
    "Max": {"T": 0, "Tidx": 1}, "Min": {"T": 0, "Tidx": 1}, "All": {"Tidx": 1}, "Any": {"Tidx": 1},
    "EuclideanNorm": {"T": 0, "Tidx": 1}, "Cumsum": {"T": 0, "Tidx": 1}, "Cumprod": {"T": 0, "Tidx": 1},
    "ArgMax": {"T": 0, "Tidx": 1}, "ArgMin": {"T": 0, "Tidx": 1},
    "Transpose": {"T": 0, "Tperm": 1}, "ExpandDims": {"T": 0, "Tdim": 1},
    "Tile": {"T": 0, "Tmultiples": 1}, "Pad": {"T": 0, "Tpaddings": 1}, "PadV2": {"T": 0, "Tpaddings": 1},
    "MirrorPad": {"T": 0, "Tpaddings": 1}, "Slice": {"T": 0, "Index": 1},
    "StridedSlice": {"T": 0, "Index": 1},
    "GatherV2": {"Tparams": 0, "Tindices": 1, "Taxis": 2}, "GatherNd": {"Tparams": 0, "Tindices": 1},
    "Fill": {"T": 1, "index_type": 0}, "Range": {"Tidx": 0}, "BroadcastTo": {"T": 0, "Tidx": 1},
    "Split": {"T": 1}, "SplitV": {"T": 0, "Tlen": 1}, "OneHot": {"T": 2, "TI": 0}, "Select": {"T": 1},
    "SelectV2": {"T": 1}, "InTopKV2": {"T": 1},
    "SparseSoftmaxCrossEntropyWithLogits": {"T": 0, "Tlabels": 1},
    "UnsortedSegmentSum": {"T": 0, "Tindices": 1, "Tnumsegments": 2},
    "UnsortedSegmentMax": {"T": 0, "Tindices": 1, "Tnumsegments": 2},
    "UnsortedSegmentMin": {"T": 0, "Tindices": 1, "Tnumsegments": 2},
    "UnsortedSegmentProd": {"T": 0, "Tindices": 1, "Tnumsegments": 2},
    "SegmentSum": {"T": 0, "Tindices": 1}, "SegmentMean": {"T": 0, "Tindices": 1},
    "SegmentMax": {"T": 0, "Tindices": 1}, "SegmentMin": {"T": 0, "Tindices": 1},
    "SegmentProd": {"T": 0, "Tindices": 1},
    "ScatterUpdate": {"T": 0, "Tindices": 1}, "ScatterAdd": {"T": 0, "Tindices": 1},
    "ScatterSub": {"T": 0, "Tindices": 1}, "ScatterMul": {"T": 0, "Tindices": 1},
    "ScatterDiv": {"T": 0, "Tindices": 1}, "ScatterMax": {"T": 0, "Tindices": 1},
    "ScatterMin": {"T": 0, "Tindices": 1}, "ScatterNd": {"T": 1, "Tindices": 0},
    "ScatterNdUpdate": {"T": 0, "Tindices": 1}, "ScatterNdAdd": {"T": 0, "Tindices": 1},
    "ScatterNdSub": {"T": 0, "Tindices": 1},
    "TensorScatterUpdate": {"T": 0, "Tindices": 1}, "TensorScatterAdd": {"T": 0, "Tindices": 1},
    "TensorScatterSub": {"T": 0, "Tindices": 1},
    "Conv2DBackpropInput": {"T": 1}, "Conv3DBackpropInputV2": {"T": 1, "Tshape": 0},
    "DepthwiseConv2dNativeBackpropInput": {"T": 1},
    "LinSpace": {"T": 0, "Tidx": 2}, "MatrixBandPart": {"T": 0, "Tindex": 1},
    "AddN": {"T": 0, "N": _N}, "Pack": {"T": 0, "N": _N}, "ShapeN": {"T": 0, "N": _N},
    "ConcatV2": {"T": 0, "N": lambda op: len(op.inputs) - 1, "Tidx": -1},
    "DynamicStitch": {"T": lambda op: op.inputs[len(op.inputs) // 2].dtype.base_dtype,
                      "N": lambda op: len(op.inputs) // 2},
    "IdentityN": {"T": lambda op: tuple(t.dtype.base_dtype for t in op.inputs)},
    "RandomUniformInt": {"T": 0, "Tout": 1}, "Multinomial": {"T": 0},
    "StatelessRandomNormal": {"T": 0, "Tseed": 1}, "StatelessRandomUniform": {"T": 0, "Tseed": 1},
    "StatelessTruncatedNormal": {"T": 0, "Tseed": 1},
    "ReverseV2": {"T": 0, "Tidx": 1}, "BatchToSpaceND": {"T": 0, "Tblock_shape": 1, "Tcrops": 2},
    "SpaceToBatchND": {"T": 0, "Tblock_shape": 1, "Tpaddings": 2},
    "ReverseSequence": {"T": 0, "Tlen": 1}, "Bincount": {"T": 2},
    # TF requires U (the dtype of scale/offset/mean/variance) and Einsum's N (its input count)
    "FusedBatchNormV3": {"T": 0, "U": 1}, "FusedBatchNormGradV3": {"T": 0, "U": 2},
    "Einsum": {"T": 0, "N": _N},
    # sparse ops whose input 0 is the indices: every type attr comes from TF's OpDef signature
    **dict.fromkeys(("SparseTensorDenseAdd", "SparseReorder", "SparseReshape", "SparseReduceSum", "SparseReduceMax",
                     "SparseSoftmax", "SparseConcat", "SparseMatMul"), {}),
}
_NO_T = frozenset([
    "Const", "Placeholder", "VariableV2", "NoOp", "Cast", "LogicalAnd", "LogicalOr", "LogicalNot",
    "IsVariableInitialized", "ReportUninitializedVariables", "Assert", "Print", "PrintV2",
    "ReadFile", "WriteFile", "MatchingFiles", "DecodeRaw", "DecodeCSV", "StringJoin", "StringLength",
    "StringSplit", "StringStrip", "StringToNumber", "ParseExample", "ParseSingleExample", "PyFunc",
    "PyFuncStateless", "If", "While", "Gradients", "RnnScan", "FunctionalScan", "_LoopVar",
    "SoftmaxCrossEntropyWithLogits_", "Where_",
])
_SHAPE_ATTR_OPS = frozenset(["Placeholder", "VariableV2", "PlaceholderWithDefault"])


def _type_attr_value(op, src):
    if callable(src):
        return src(op)
    if src == _N:
        return len(op.inputs)
    ins = op.inputs
    if not ins or not -len(ins) <= src < len(ins):
        return None
    return ins[src].dtype.base_dtype


def _extra_type_attrs(op):
    spec = _TYPE_ATTRS.get(op.type)
    if spec is None:
        opdef = registry.lookup(op.type)
        if op.type in _NO_T or not op.inputs or (opdef is not None and opdef.host) or op.type.startswith("_"):
            return {}
        spec = {"T": 0}
    out = {}
    for name, src in spec.items():
        v = _type_attr_value(op, src)
        if v is not None:
            out[name] = v
    return out


_SIGNATURES = None


def _split_args(args, tensors, attrs):
    """[(arg, [tensors])]: `tensors` dealt out to the OpDef args (variadic ones share what is left)."""
    variadic = [a for a in args if a[1] or a[2]]
    fixed = len(args) - len(variadic)
    extra = len(tensors) - fixed
    if extra < 0 or (variadic and extra % len(variadic)):
        return None
    per = extra // len(variadic) if variadic else 0
    if variadic and len(variadic) > 1 and len({a[1] or a[2] for a in variadic}) != 1:
        return None      # variadic args of different lengths: not derivable from the tensors alone
    out, i = [], 0
    for a in args:
        n = per if (a[1] or a[2]) else 1
        out.append((a, tensors[i:i + n]))
        i += n
    return out


def _signature(op_type):
    """TF's OpDef signature of `op_type` (tf_op_signatures), or None."""
    global _SIGNATURES
    if _SIGNATURES is None:
        from compat_tf._src.framework import tf_op_signatures
        _SIGNATURES = tf_op_signatures.SIGNATURES
    return _SIGNATURES.get(op_type)


def _signature_attrs(op, attrs):
    """The type/number attrs TF's OpDef for op.type requires that `attrs` lacks, from op's tensors."""
    sig = _signature(op.type)
    if sig is None:
        return {}
    ins, outs, required = sig
    missing = {}
    for args, tensors in ((ins, op.inputs), (outs, op.outputs)):
        dealt = _split_args(args, list(tensors), attrs)
        if dealt is None:
            continue
        for (type_attr, number_attr, list_attr, _), ts in dealt:
            if type_attr and type_attr not in attrs and type_attr not in missing and ts:
                missing[type_attr] = ts[0].dtype.base_dtype
            if number_attr and number_attr not in attrs and number_attr not in missing:
                missing[number_attr] = len(ts)
            if list_attr and list_attr not in attrs and list_attr not in missing:
                missing[list_attr] = tuple(t.dtype.base_dtype for t in ts)
    return missing


def _input_name(t):
    return t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}"


def op_to_node_def(op, add_shapes=False):
    """Operation -> NodeDef (TF's attr names and types). A Tensordot is written as TF's Einsum."""
    if op.type == "Tensordot":
        from compat_tf._src.framework import tf_export
        eq = tf_export.tensordot_equation(op)
        if eq is not None:
            nd = node_def_pb2.NodeDef(name=op.name, op="Einsum", device=op.device or "")
            nd.input.extend(_input_name(t) for t in op.inputs)
            nd.input.extend("^" + c.name for c in op.control_inputs)
            for k, v in {"equation": eq, "N": 2, "T": op.inputs[0].dtype.base_dtype}.items():
                nd.attr[k].CopyFrom(attr_to_proto(v))
            if add_shapes:
                nd.attr["_output_shapes"].list.shape.extend(tensor_util.shape_to_proto(t.shape) for t in op.outputs)
            return nd
    nd = node_def_pb2.NodeDef(name=op.name, op=op.type, device=op.device or "")
    nd.input.extend(_input_name(t) for t in op.inputs)
    nd.input.extend("^" + c.name for c in op.control_inputs)
    attrs = dict(_extra_type_attrs(op))
    for k, v in op.attrs.items():
        if k.startswith("_") or v is None:
            continue
        attrs[k] = v
    attrs.update(_signature_attrs(op, attrs))       # every type attr TF's OpDef requires
    for k in sorted(attrs):
        av = attr_to_proto(attrs[k])
        if av is not None:
            nd.attr[k].CopyFrom(av)
    _export_private_attrs(op, nd)
    if getattr(op, "_gradient_op_type", None):      # Graph.gradient_override_map, as TF writes it
        nd.attr["_gradient_op_type"].s = op._gradient_op_type.encode()
    if add_shapes:
        shapes = [t.shape for t in op.outputs]
        nd.attr["_output_shapes"].list.shape.extend(tensor_util.shape_to_proto(s) for s in shapes)
        if not shapes:
            nd.attr["_output_shapes"].list.SetInParent()
    return nd


def graph_def_versions():
    return versions_pb2.VersionDef(producer=GRAPH_DEF_VERSION, min_consumer=GRAPH_DEF_VERSION_MIN_CONSUMER)


def graph_to_graph_def(graph, from_version=None, add_shapes=False):
    """Graph.as_graph_def: the ops added after version `from_version` (all by default)."""
    with graph._lock:
        ops = list(graph.get_operations())
    if from_version is not None:
        ops = ops[from_version:]
    gd = graph_pb2.GraphDef()
    gd.versions.CopyFrom(graph_def_versions())
    gd.node.extend(op_to_node_def(op, add_shapes) for op in ops)
    return gd


# -- import --------------------------------------------------------------------

# TF op types run by another registered type with the same inputs, outputs and attrs.
_ALIASES = {
    "BatchMatMul": "BatchMatMulV2", "Variable": "VariableV2", "Snapshot": "Identity",
    "RefIdentity": "Identity", "DebugIdentity": "Identity",
    # V3 adds a sixth output (reserve_space_3) after the five of V1/V2
    "FusedBatchNorm": "FusedBatchNormV3", "FusedBatchNormV2": "FusedBatchNormV3",
}
# compat_tf's own op types that need their `_compat_tf_*` attrs (written by compat_tf's export).
_OWN_TYPES = {"If": "tf.cond", "While": "tf.while_loop", "Gradients": "tf.gradients",
              "RnnScan": "tf.nn.dynamic_rnn", "FunctionalScan": "tf.scan/tf.map_fn/tf.foldl/tf.foldr"}
_NOT_IMPORTABLE = {
    "PyFunc": "tf.py_func (its Python function is not part of a GraphDef)",
    "PyFuncStateless": "tf.py_func (its Python function is not part of a GraphDef)",
    "Switch": "TF1 control flow (tf.cond)", "Merge": "TF1 control flow",
    "RefSwitch": "TF1 control flow", "Enter": "TF1 control flow (tf.while_loop)",
    "Exit": "TF1 control flow (tf.while_loop)", "NextIteration": "TF1 control flow (tf.while_loop)",
    "LoopCond": "TF1 control flow (tf.while_loop)", "StatelessIf": "functional control flow",
    "StatelessWhile": "functional control flow", "PartitionedCall": "graph functions",
    "StatefulPartitionedCall": "graph functions",
}
# -- default-valued attrs a GraphDef leaves out ---------------------------------------------------

_DEFAULT_AVS = {}     # op type -> {attr: AttrValue} from tf_op_defaults (built on first use)


def _table_defaults(op_type):
    hit = _DEFAULT_AVS.get(op_type)
    if hit is None:
        from compat_tf._src.framework import tf_op_defaults
        hit = {}
        for k, (kind, v) in tf_op_defaults.DEFAULTS.get(op_type, {}).items():
            av = attr_value_pb2.AttrValue()
            if kind == "type":
                av.type = _dtypes.as_dtype(v).as_datatype_enum
            elif kind == "shape":
                av.shape.CopyFrom(tensor_util.shape_to_proto(_ts.TensorShape(None if v is None else list(v))))
            elif kind == "list":
                av.list.SetInParent()
            elif kind.startswith("list_"):
                f = kind[len("list_"):]
                getattr(av.list, f).extend(x.encode() if f == "s" else x for x in v)
            else:
                setattr(av, kind, v.encode() if kind == "s" else v)
            hit[k] = av
        _DEFAULT_AVS[op_type] = hit
    return hit


def _op_list_defaults(op_list):
    """{op type: {attr: default AttrValue}} of an OpList (a MetaGraphDef's stripped_op_list)."""
    out = {}
    for od in getattr(op_list, "op", ()):
        d = {a.name: a.default_value for a in od.attr if a.HasField("default_value")}
        if d:
            out[od.name] = d
    return out


def fill_default_attrs(graph_def, producer_op_list=None):
    """`graph_def` with the default-valued attrs its nodes leave out filled in (TF's
    AddDefaultAttrsToGraphDef), as TF's importer does: a GraphDef or .meta written with
    strip_default_attrs=True omits `validate_shape`, `data_format`, `keep_dims`, `T`, ...
    The defaults come from `producer_op_list` (the OpDefs of the writer, a MetaGraphDef's
    `meta_info_def.stripped_op_list`) when it has the op, else from TF's OpDefs
    (framework/tf_op_defaults). compat_tf's own If/While/... nodes are left as they are.
    Returns `graph_def` itself when nothing is missing."""
    from compat_tf._src.framework import tf_op_defaults
    if producer_op_list is not None and isinstance(producer_op_list, _message.Message):
        from compat_tf._src.protos import op_def_pb2
        if not isinstance(producer_op_list, op_def_pb2.OpList):     # e.g. real TensorFlow's proto
            producer_op_list = op_def_pb2.OpList.FromString(producer_op_list.SerializeToString())
    producer = _op_list_defaults(producer_op_list) if producer_op_list is not None else {}
    out = None

    def fill(nodes, copy_nodes):
        nonlocal out
        for i, n in enumerate(nodes):
            if n.op in _OWN_TYPES and any(k.startswith(PRIVATE_PREFIX) for k in n.attr):
                continue
            defaults = producer.get(n.op)
            if defaults is None:
                t = n.op if n.op in tf_op_defaults.DEFAULTS else _ALIASES.get(n.op, n.op)
                defaults = _table_defaults(t)
            missing = [k for k in defaults if k not in n.attr]
            if not missing:
                continue
            if out is None:
                out = type(graph_def)()
                out.CopyFrom(graph_def)
            target = copy_nodes()[i]
            for k in missing:
                target.attr[k].CopyFrom(defaults[k])

    fill(graph_def.node, lambda: out.node)
    for fi, fn in enumerate(graph_def.library.function):     # TF2 function bodies (If/While branches)
        fill(fn.node_def, lambda fi=fi: out.library.function[fi].node_def)
    return graph_def if out is None else out


# Attrs a lowering requires that old or foreign GraphDefs may omit.
_ATTR_DEFAULTS = {
    "Placeholder": {"shape": _ts.unknown_shape()},
    "VariableV2": {"shape": _ts.unknown_shape()},
}

_sig_cache = {}


def _lowering_params(opdef, n_inputs):
    """(names of attrs the lowering takes, required ones, takes **kwargs)."""
    key = (opdef.type, n_inputs)
    hit = _sig_cache.get(key)
    if hit is not None:
        return hit
    try:
        params = list(inspect.signature(opdef.lower).parameters.values())
    except (TypeError, ValueError):
        params = []
    if opdef.ctx or opdef.host:
        params = params[1:]
    names, required, var_kw = set(), set(), False
    positional_seen = 0
    has_varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
    for p in params:
        if p.kind == p.VAR_KEYWORD:
            var_kw = True
        elif p.kind == p.VAR_POSITIONAL:
            continue
        elif p.kind == p.KEYWORD_ONLY:
            names.add(p.name)
            if p.default is p.empty:
                required.add(p.name)
        else:
            positional_seen += 1
            if has_varargs or positional_seen <= n_inputs:
                continue
            names.add(p.name)
            if p.default is p.empty:
                required.add(p.name)
    out = _sig_cache[key] = (names, required, var_kw)
    return out


def _parse_input(s):
    """'x' -> ('x', 0, False); 'x:2' -> ('x', 2, False); '^x' -> ('x', -1, True)."""
    if s.startswith("^"):
        return s[1:], -1, True
    name, sep, idx = s.rpartition(":")
    if sep and idx.isdigit():
        return name, int(idx), False
    return s, 0, False


def _node_error(node, msg, cls=ValueError):
    return cls(f"Node '{node.name}' (op type {node.op!r}) in the imported GraphDef: {msg}")


def _resolve_op_type(node, private=None):
    op_type = _ALIASES.get(node.op, node.op)
    if private is not None and private.unserializable:
        raise _node_error(node, "cannot be imported: compat_tf exported it with attr(s) holding Python "
                                "objects that a GraphDef cannot carry (" + "; ".join(private.unserializable)
                          + "). Rebuild this part of the model in Python.", NotImplementedError)
    if op_type in _OWN_TYPES and not (private and private.values):
        raise _node_error(node, f"a {_OWN_TYPES[op_type]} op without compat_tf's `_compat_tf_*` attrs (not "
                                "written by compat_tf's as_graph_def / export_meta_graph) cannot be imported",
                          NotImplementedError)
    if op_type in _NOT_IMPORTABLE or node.op in _NOT_IMPORTABLE:
        what = _NOT_IMPORTABLE.get(node.op) or _NOT_IMPORTABLE[op_type]
        raise _node_error(node, f"compat_tf cannot import {what} ops from a GraphDef (op type {node.op!r}); "
                                "build that part of the model in Python instead.", NotImplementedError)
    if registry.lookup(op_type) is None:
        raise _node_error(node, f"Op type not registered {node.op!r} in compat_tf: no lowering exists for "
                                "this TF op type, so the GraphDef cannot be imported.")
    return op_type


def _check_attr_kinds(node):
    """ValueError for an attr set through another AttrValue field than TF's OpDef declares (a float
    where a tensor belongs), or below the OpDef's minimum (a Pack or ConcatV2 of N = 0), as TF's
    importer validates a NodeDef against its OpDef."""
    from compat_tf._src.framework import tf_op_attr_kinds
    kinds = tf_op_attr_kinds.KINDS.get(node.op)
    if not kinds:
        return
    for k, av in node.attr.items():
        want = kinds.get(k)
        got = av.WhichOneof("value")
        if want is not None and got != want:      # a function's attr placeholder has no value here
            raise _node_error(node, f"AttrValue had value with type '{got}' when '{want}' expected for "
                                    f"attr '{k}'")
    for k, least in tf_op_attr_kinds.MINIMUMS.get(node.op, {}).items():
        if k not in node.attr:
            continue
        av = node.attr[k]
        if av.WhichOneof("value") == "i" and av.i < least:
            raise _node_error(node, f"Value for attr '{k}' of {av.i} must be at least minimum {least}")
        if av.WhichOneof("value") == "list":
            n = max(len(av.list.type), len(av.list.i), len(av.list.s), len(av.list.f), len(av.list.b),
                    len(av.list.shape), len(av.list.tensor), len(av.list.func))
            if n < least:
                raise _node_error(node, f"Length for attr '{k}' of {n} must be at least minimum {least}")


def _check_input_count(node, n_inputs):
    """ValueError when a node has another number of data inputs than TF's OpDef gives it for its
    attrs (a Pack whose N says 2 with no input: TF's ValidateNodeDef), before any shape rule
    indexes them. compat_tf's own control-flow and gradient nodes carry their own inputs."""
    sig = None if node.op in _OWN_TYPES else _signature(node.op)
    if sig is None:
        return
    want = 0
    for _, number_attr, list_attr, _ in sig[0]:
        if number_attr:
            if number_attr not in node.attr:
                return                           # a missing attr is reported with the others
            want += node.attr[number_attr].i
        elif list_attr:
            if list_attr not in node.attr:
                return
            want += len(node.attr[list_attr].list.type)
        else:
            want += 1
    if want != n_inputs:
        raise _node_error(node, f"NodeDef expected {want} inputs but {n_inputs} are specified")


def _node_attrs(node, op_type, n_inputs, private=None):
    _check_attr_kinds(node)
    _check_input_count(node, n_inputs)
    opdef = registry.get(op_type)
    names, required, var_kw = _lowering_params(opdef, n_inputs)
    attrs = {}
    for k in sorted(node.attr):
        if k.startswith("_"):
            continue
        if k in names or var_kw:
            try:
                attrs[k] = attr_from_proto(node.attr[k])
            except (ValueError, TypeError) as e:     # TF1's importer: ValueError naming the node
                raise _node_error(node, f"attr '{k}' is invalid: {e}") from None
    for k, v in _ATTR_DEFAULTS.get(op_type, {}).items():
        attrs.setdefault(k, v)
    missing = sorted(required - set(attrs) - set(private.values if private else ()))
    if missing:
        raise _node_error(node, f"missing attr(s) {missing} that compat_tf's {op_type} needs")
    return attrs


def _toposort(nodes, by_name, extra_deps=None):
    order, state = [], {}
    for root in nodes:
        if root.name in state:
            continue
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                state[node.name] = 2
                order.append(node)
                continue
            st = state.get(node.name)
            if st == 2:
                continue
            if st == 1:
                continue
            state[node.name] = 1
            stack.append((node, True))
            deps = list(node.input)
            if extra_deps:
                deps.extend(extra_deps.get(node.name, ()))
            for inp in deps:
                src, _, _ = _parse_input(inp)
                dep = by_name.get(src)
                if dep is None:
                    continue
                s = state.get(src)
                if s == 1:
                    raise _node_error(node, f"the GraphDef has a cycle through node '{src}' (TF1 while "
                                            "loops are not supported by compat_tf's importer)")
                if s is None:
                    stack.append((dep, False))
    return order


def _rollback(graph, ops, marked):
    """Removes `ops` (added by a failed import) from `graph`."""
    gone = set(ops)
    with graph._lock:
        graph._ops = [o for o in graph._ops if o not in gone]
        for o in ops:
            graph._ops_by_name.pop(o.name, None)
            for t in o.inputs:
                t._consumers[:] = [c for c in t._consumers if c is not o]
        for key in marked:
            graph._names_in_use.pop(key, None)


# Op types whose output shape is one of their inputs' values: a value known only at run time makes them
# run on the host (their builders choose the same, see ops/array_ops).
_HOST_WHEN_DYNAMIC = {"Range": ("_HostRange", (0, 1, 2)), "Fill": ("_HostFill", (0,))}


def _host_variant(op_type, inputs):
    hit = _HOST_WHEN_DYNAMIC.get(op_type)
    if hit is None:
        return op_type
    from compat_tf._src.framework import shape_inference
    if any(i < len(inputs) and shape_inference.constant_value(inputs[i]) is None for i in hit[1]):
        return hit[0]
    return op_type


# GraphDef producer versions before this wrote `shape {}` for a Placeholder of unknown shape
# (TF's graph constructor reads it so; versions 22 and later mean a scalar).
PLACEHOLDER_SHAPE_PRODUCER = 22


def _legacy_placeholder_shapes(graph_def):
    """A GraphDef from TF 1.0/1.1 (producer <= 21) with its Placeholders' empty shapes made unknown."""
    if graph_def.versions.producer >= PLACEHOLDER_SHAPE_PRODUCER:
        return graph_def
    old = [i for i, n in enumerate(graph_def.node) if n.op == "Placeholder" and "shape" in n.attr
           and n.attr["shape"].HasField("shape") and not n.attr["shape"].shape.dim
           and not n.attr["shape"].shape.unknown_rank]
    if not old:
        return graph_def
    out = type(graph_def)()
    out.CopyFrom(graph_def)
    for i in old:
        out.node[i].attr["shape"].shape.unknown_rank = True
    return out


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None, op_dict=None,
                     producer_op_list=None):
    """TF1's tf.import_graph_def into the default graph.

    Node names get the prefix `name` ("import" by default, uniquified like a name scope;
    '' imports the names as they are). `input_map` maps GraphDef tensor names ("x:0" or
    "x") to Tensors of this graph, and "^x" to Operations; `return_elements` names
    tensors ("x:0") or operations ("x") of the GraphDef to return. `op_dict` is accepted and
    ignored (op types resolve through compat_tf's registry). Attrs a node leaves out get their
    OpDef default, from `producer_op_list` (an OpList) when it lists the op, else from TF's
    OpDefs, so `op.get_attr` gives TF's default (see fill_default_attrs).
    """
    if isinstance(graph_def, (bytes, bytearray)):
        graph_def = graph_pb2.GraphDef.FromString(bytes(graph_def))
    if not isinstance(graph_def, graph_pb2.GraphDef):
        if isinstance(graph_def, _message.Message) and \
                graph_def.DESCRIPTOR.full_name == "tensorflow.GraphDef":
            graph_def = graph_pb2.GraphDef.FromString(graph_def.SerializeToString())
        else:
            raise TypeError(f"graph_def must be a GraphDef proto, got {type(graph_def).__name__}")
    # attrs left out because they have their default value (strip_default_attrs=True)
    graph_def = fill_default_attrs(graph_def, producer_op_list)
    graph_def = _legacy_placeholder_shapes(graph_def)
    # TF's own control flow (Switch/Merge, while frames, functional If/While) -> compat_tf's If/While
    from compat_tf._src.framework import tf_control_flow_import as _tfcf
    graph_def = _tfcf.rewrite(graph_def)
    graph = _graph.get_default_graph()
    input_map = dict(input_map or {})
    norm_map = {}
    for k, v in input_map.items():
        if not isinstance(k, str):
            raise TypeError(f"input_map keys must be strings, got {type(k).__name__}")
        src, idx, ctrl = _parse_input(k)
        if ctrl:
            v = graph.as_graph_element(v, allow_tensor=False, allow_operation=True)
        else:
            v = graph.as_graph_element(v, allow_tensor=True, allow_operation=False)
        norm_map[(src, idx)] = v
    if return_elements is not None:
        if isinstance(return_elements, str) or not all(isinstance(x, str) for x in return_elements):
            raise TypeError("return_elements must be a list of strings.")

    nodes = list(graph_def.node)
    by_name = {}
    for n in nodes:
        if not _graph._VALID_OP_NAME_REGEX.match(n.name):
            raise ValueError(f"Node '{n.name}' in the imported GraphDef: node name contains invalid "
                             "characters")
        if n.name in by_name:
            raise ValueError(f"Node '{n.name}' is not unique in the imported GraphDef")
        by_name[n.name] = n

    # Check everything before adding anything.
    private = {n.name: _PrivateAttrs(n) for n in nodes}
    types = {n.name: _resolve_op_type(n, private[n.name]) for n in nodes}
    extra_deps = {}
    for n in nodes:
        p = private[n.name]
        for kind, ref in p.refs:
            if kind == "k":
                continue
            src, idx, _ = _parse_input(ref)
            if kind == "t" and (src, idx) in norm_map:
                continue
            if src not in by_name:
                raise _node_error(n, f"its compat_tf attrs refer to '{ref}', which is not in the GraphDef "
                                     "(was the graph exported in part, with export_scope or from_version?)")
            if src != n.name:
                extra_deps.setdefault(n.name, []).append(src)
    for n in nodes:
        for inp in n.input:
            src, idx, ctrl = _parse_input(inp)
            if (src, idx) in norm_map:
                continue
            if src not in by_name:
                raise _node_error(n, f"input '{inp}' refers to node '{src}', which is not in the GraphDef "
                                     "(and not in input_map)")
    used = set()
    for n in nodes:
        for inp in n.input:
            src, idx, _ = _parse_input(inp)
            used.add((src, idx))
    for key in norm_map:
        if key not in used:
            src, idx = key
            shown = "^" + src if idx == -1 else f"{src}:{idx}"
            raise ValueError(f"Attempted to map inputs that were not found in graph_def: [{shown}]")
    if return_elements is not None:
        for r in return_elements:
            src, _, ctrl = _parse_input(r)
            if ctrl or src not in by_name:
                raise ValueError(f"Requested return_element {r!r} not found in graph_def.")
    attrs = {n.name: _node_attrs(n, types[n.name], sum(1 for i in n.input if not i.startswith("^")),
                                 private[n.name]) for n in nodes}
    order = _toposort(nodes, by_name, extra_deps)

    created, marked = [], []
    with graph._lock:
        if name == "":
            prefix = ""
        else:
            with graph.name_scope(name or "import") as scope:
                prefix = scope
            marked.append(prefix[:-1].lower())
        for n in nodes:
            full = prefix + n.name
            if graph._get_operation_or_none(full) is not None:
                raise ValueError(f"Node name '{full}' from the imported GraphDef is already used by an "
                                 "operation of the graph (import under a `name` prefix)")
        ops_by_node = {}
        owned = {}      # owner node name -> the ops it owns (a cond branch's, a loop body's)

        def resolve(kind, ref):
            if kind == "k":
                return prefix + ref           # a variable's state key is its op name
            src, idx, _ = _parse_input(ref)
            if kind == "o":
                return ops_by_node[src]
            mapped = norm_map.get((src, idx))
            return mapped if mapped is not None else ops_by_node[src].outputs[idx]

        try:
            for n in order:
                inputs, controls = [], []
                for i, inp in enumerate(n.input):
                    src, idx, ctrl = _parse_input(inp)
                    mapped = norm_map.get((src, idx))
                    if ctrl:
                        controls.append(mapped if mapped is not None else ops_by_node[src])
                        continue
                    if mapped is not None:
                        t = mapped
                        orig = ops_by_node.get(src)
                        if orig is not None and idx < len(orig.outputs) and \
                                orig.outputs[idx].dtype.base_dtype != t.dtype.base_dtype:
                            raise _node_error(n, f"input {i} ('{inp}') is mapped to {t.name}, of dtype "
                                                 f"{t.dtype.base_dtype.name}, incompatible with the expected "
                                                 f"{orig.outputs[idx].dtype.base_dtype.name}")
                    else:
                        src_op = ops_by_node[src]
                        if idx >= len(src_op.outputs):
                            raise _node_error(n, f"input '{inp}' asks for output {idx} of '{src}', which has "
                                                 f"{len(src_op.outputs)} output(s)")
                        t = src_op.outputs[idx]
                    inputs.append(t)
                full = prefix + n.name
                p = private[n.name]
                node_attrs = attrs[n.name]
                if p.values:
                    node_attrs = dict(node_attrs)
                    try:
                        for k, v in p.values.items():
                            node_attrs[k] = _decode(v, resolve)
                    except (KeyError, IndexError, ValueError, TypeError) as e:
                        raise _node_error(n, f"its compat_tf attrs could not be resolved: {e!r}") from e
                    if "_tf_import" in node_attrs:
                        try:
                            node_attrs = _tfcf.complete_attrs(types[n.name], node_attrs)
                        except (ValueError, TypeError) as e:
                            raise _node_error(n, f"could not be built: {e}") from e
                try:
                    op = graph.create_op(_host_variant(types[n.name], inputs), inputs, node_attrs,
                                         name=full + "/", control_inputs=controls, output_specs=p.specs)
                except (ValueError, TypeError) as e:
                    raise _node_error(n, f"could not be built: {e}") from e
                if "_gradient_op_type" in n.attr:
                    op._gradient_op_type = n.attr["_gradient_op_type"].s.decode()
                    graph.__dict__.setdefault("_overridden_ops", []).append(op)
                if p.owner is not None and p.owner in by_name:
                    lst = owned.setdefault(p.owner, [])
                    lst.append(op)
                    op._func_owner = lst
                for inner in owned.get(n.name, ()):
                    inner._func_owner_op = op
                created.append(op)
                # the node's name and its scopes are in use: a later name_scope("save") in this
                # graph becomes save_1 (not a duplicate of an imported save/SaveV2)
                key = full.lower()
                while key:
                    if key not in graph._names_in_use:
                        graph._names_in_use[key] = 1
                        marked.append(key)
                    key = key.rpartition("/")[0]
                if n.device:
                    op._device = n.device
                ops_by_node[n.name] = op
        except BaseException:
            _rollback(graph, created, marked)
            raise

    # TF orders the imported ops as in the GraphDef.
    if len(created) > 1 and [o.name for o in created] != [prefix + n.name for n in nodes]:
        with graph._lock:
            pos = {id(o): i for i, o in enumerate(graph._ops)}
            slots = sorted(pos[id(o)] for o in created)
            for slot, n in zip(slots, nodes):
                graph._ops[slot] = ops_by_node[n.name]

    if return_elements is None:
        return None
    out = []
    for r in return_elements:
        src, idx, _ = _parse_input(r)
        op = ops_by_node[src]
        if ":" in r:
            if idx >= len(op.outputs):
                raise ValueError(f"Requested return_element {r!r} not found in graph_def.")
            out.append(op.outputs[idx])
        else:
            out.append(op)
    return out
