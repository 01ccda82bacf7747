"""Building one op from TF's generated-wrapper arguments: the core of tf.raw_ops and gen_*_ops.

`apply_raw_op("ConcatV2", {"values": [a, b], "axis": 0}, name=None)` mirrors TF's
op_def_library._apply_op_helper (what every generated wrapper calls in graph mode):

- inputs are taken in OpDef order; a type attr (T, Tidx, ...) is inferred from the first input
  that uses it, a number attr (N) from the length of a list input, a list(type) attr from the
  list's dtypes. A Python value is converted to the dtype inferred so far (else to the type
  attr's OpDef default, else as convert_to_tensor would), under the op's name scope with the
  input's name (`Add/y`), as TF does. A mismatch is TF's TypeError ("Input 'y' of 'Add' Op has
  type int32 that does not match type float32 of argument 'x'."), a dtype outside the attr's
  allowed list too; a ref input needs a variable (TypeError otherwise).
- the other attrs come from the arguments (None: the OpDef default) and are checked as TF
  checks them (int/float/bool/string/type/shape/list kinds, minimums, allowed strings).
- the op is then built exactly as the GraphDef importer builds a node (framework/graph_io):
  a NodeDef of TF's attrs, validated against the OpDef (_node_attrs), its attrs handed to the
  registered lowering, `graph.create_op` with the importer's host variants (Range/Fill of run-time
  shapes). So a raw op runs, differentiates and exports like an imported node of that type.

Returns TF's structure: one output -> Tensor, several -> a namedtuple named after the op with
TF's output names, a list-typed output -> list, no output -> the Operation.

Deviations: the OpDefs are TF 2.21's (tf_raw_op_defs; attrs TF added after 1.15 are left out),
so an allowed-dtype list may be wider than 1.15's. An attr passed with a non-default value that
compat_tf's lowering does not read raises NotImplementedError instead of being ignored.
"""
import collections
import functools
import numbers

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import graph_io, registry
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework import tensor_util
from compat_tf._src.framework import tf_raw_op_defs as _defs
from compat_tf._src.ops import constant as _constant
from compat_tf._src.protos import attr_value_pb2, node_def_pb2, tensor_pb2

_NO_DEFAULT = object()


class OpSpec(collections.namedtuple("OpSpec", "op_type family wrapper inputs outputs attrs py_names params "
                                               "defaults inferred result")):
    """One raw op's OpDef facts. inputs: ((py name, type_attr, number_attr, type_list_attr, fixed
    dtype name, is_ref), ...); outputs: ((name, number_attr, type_list_attr), ...); attrs: {OpDef
    name: (kind, allowed, minimum, default or _NO_DEFAULT)}; py_names: {OpDef attr name: Python
    parameter name}; params: the wrapper's parameters in TF's order (name excluded); defaults:
    {parameter: default}; inferred: attrs set from the inputs; result: the output namedtuple class."""


def lowered_types():
    """TF op types with a raw-op wrapper (compat_tf lowers them)."""
    return _defs.OPS.keys()


@functools.lru_cache(maxsize=None)
def spec(op_type):
    """The OpSpec of `op_type`; KeyError when compat_tf does not lower it."""
    family, wrapper, inputs, outputs, attr_rows, renamed = _defs.OPS[op_type]
    attrs = {r[0]: (r[1], r[2], r[3], r[4] if len(r) == 5 else _NO_DEFAULT) for r in attr_rows}
    inferred = {x for a in inputs for x in a[1:4] if x}
    free = [r[0] for r in attr_rows if r[0] not in inferred]
    ordered = [n for n in free if attrs[n][3] is _NO_DEFAULT] + [n for n in free if attrs[n][3] is not _NO_DEFAULT]
    py_names = {n: renamed.get(n, n) for n in attrs}
    params = tuple([a[0] for a in inputs] + [py_names[n] for n in ordered])
    defaults = {py_names[n]: _py_default(attrs[n][0], attrs[n][3]) for n in ordered
                if attrs[n][3] is not _NO_DEFAULT}
    result = None
    if len(outputs) > 1:
        result = collections.namedtuple(op_type, [o[0] for o in outputs])
    return OpSpec(op_type, family, wrapper, inputs, outputs, attrs, py_names, params, defaults,
                  frozenset(inferred), result)


def _py_default(kind, default):
    """An OpDef default as TF's wrapper signature shows it (a DType, a list)."""
    if kind == "type":
        return _dtypes.as_dtype(default)
    if kind == "list(type)":
        return [_dtypes.as_dtype(d) for d in default]
    return list(default) if isinstance(default, tuple) else default


# -- inputs -------------------------------------------------------------------------------------

def _dtype_name(dt):
    return _dtypes.as_dtype(dt).base_dtype.name


def _check_allowed(sp, attr, dtype, param):
    allowed = sp.attrs[attr][1]
    if allowed is None:
        return
    names = _defs.TYPE_SETS[allowed]
    if dtype.base_dtype.name not in names:
        raise TypeError(f"Value passed to parameter '{param}' has DataType {dtype.base_dtype.name} not in list of "
                        f"allowed values: {', '.join(names)}")


def _convert(value, name, dtype, preferred, as_ref):
    return _constant.convert_to_tensor(value, dtype=dtype, name=name, preferred_dtype=preferred, as_ref=as_ref)


def _default_type(sp, attr):
    d = sp.attrs.get(attr, (None, None, None, _NO_DEFAULT))[3]
    return None if d is _NO_DEFAULT else _dtypes.as_dtype(d)


def _list_input(sp, arg, values, attrs, inferred_from):
    name, type_attr, number_attr, list_attr, fixed, is_ref = arg
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"Expected list for '{name}' argument to '{sp.op_type}' Op, not {values!r}.")
    dtype = preferred = None
    if fixed:
        dtype = _dtypes.as_dtype(fixed)
    elif number_attr:
        dtype = attrs.get(type_attr)
        if dtype is None:
            dtype = next((v.dtype.base_dtype for v in values if isinstance(v, _graph.Tensor)), None)
        if dtype is None:
            preferred = _default_type(sp, type_attr)
    try:
        tensors = [_convert(v, f"{name}_{i}", dtype, preferred, bool(is_ref)) for i, v in enumerate(values)]
        if number_attr and len({t.dtype.base_dtype for t in tensors}) > 1:
            raise TypeError("types differ")
    except (TypeError, ValueError):
        observed = []
        for v in values:
            try:
                observed.append(_constant.convert_to_tensor(v).dtype.base_dtype.name)
            except (TypeError, ValueError):
                observed.append(type(v).__name__)
        prefix = f"Tensors in list passed to '{name}' of '{sp.op_type}' Op have types [{', '.join(observed)}]"
        if number_attr and fixed:
            raise TypeError(f"{prefix} that do not match expected type {dtype.name}.") from None
        if number_attr and type_attr in attrs:
            raise TypeError(f"{prefix} that do not match type {dtype.name} inferred from earlier arguments.") from None
        if number_attr:
            raise TypeError(f"{prefix} that don't all match.") from None
        raise TypeError(f"{prefix} that are invalid. Tensors: {values!r}") from None
    base = [t.dtype.base_dtype for t in tensors]
    if number_attr:
        if number_attr in attrs:
            if len(tensors) != attrs[number_attr]:
                raise ValueError(f"List argument '{name}' to '{sp.op_type}' Op with length {len(tensors)} must match "
                                 f"length {attrs[number_attr]} of argument '{inferred_from[number_attr]}'.")
        else:
            least = sp.attrs[number_attr][2]
            if least is not None and len(tensors) < least:
                raise ValueError(f"List argument '{name}' to '{sp.op_type}' Op with length {len(tensors)} shorter "
                                 f"than minimum length {least}.")
            attrs[number_attr], inferred_from[number_attr] = len(tensors), name
        if type_attr and type_attr not in attrs and base:
            _check_allowed(sp, type_attr, base[0], name)
            attrs[type_attr], inferred_from[type_attr] = base[0], name
        elif type_attr and type_attr not in attrs and _default_type(sp, type_attr) is None:
            raise TypeError(f"Don't know how to infer type variable from empty input list passed to input "
                            f"'{name}' of '{sp.op_type}' Op.")
    elif list_attr:
        if list_attr in attrs and tuple(attrs[list_attr]) != tuple(base):
            raise TypeError(f"Input '{name}' of '{sp.op_type}' Op has type list of "
                            f"{', '.join(b.name for b in base)} that does not match type list "
                            f"{', '.join(b.name for b in attrs[list_attr])} of argument '{inferred_from[list_attr]}'.")
        for b in base:
            _check_allowed(sp, list_attr, b, name)
        attrs[list_attr], inferred_from[list_attr] = tuple(base), name
    return tensors


def _single_input(sp, arg, value, attrs, inferred_from):
    name, type_attr, _, _, fixed, is_ref = arg
    dtype = _dtypes.as_dtype(fixed) if fixed else attrs.get(type_attr)
    preferred = _default_type(sp, type_attr) if dtype is None and type_attr else None
    try:
        t = _convert(value, name, dtype, preferred, bool(is_ref))
    except ValueError:
        try:
            observed = _constant.convert_to_tensor(value, as_ref=bool(is_ref)).dtype.base_dtype.name
        except (TypeError, ValueError) as err:
            raise ValueError(f"Tried to convert '{name}' to a tensor and failed. Error: {err}") from None
        prefix = f"Input '{name}' of '{sp.op_type}' Op has type {observed} that does not match"
        if fixed:
            raise TypeError(f"{prefix} expected type of {dtype.name}.") from None
        raise TypeError(f"{prefix} type {dtype.name} of argument '{inferred_from[type_attr]}'.") from None
    except TypeError as err:
        if dtype is None:
            raise
        raise TypeError(f"Expected {dtype.name} passed to parameter '{name}' of op '{sp.op_type}', got {value!r} "
                        f"of type '{type(value).__name__}' instead. Error: {err}") from None
    if type_attr:
        base = t.dtype.base_dtype
        if type_attr in attrs:
            if attrs[type_attr] != base:
                raise TypeError(f"Input '{name}' of '{sp.op_type}' Op has type {base.name} that does not match type "
                                f"{attrs[type_attr].name} of argument '{inferred_from[type_attr]}'.")
        else:
            _check_allowed(sp, type_attr, base, name)
            attrs[type_attr], inferred_from[type_attr] = base, name
    return [t]


# -- attrs --------------------------------------------------------------------------------------

def _attr_proto(sp, attr, kind, value):
    """TF's _MakeAttrValue: `value` as an AttrValue of OpDef type `kind`, checked as TF checks it."""
    allowed, least = sp.attrs[attr][1], sp.attrs[attr][2]
    av = attr_value_pb2.AttrValue()
    if kind.startswith("list("):
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"Expected list for attr {attr}, obtained {type(value).__name__} instead.")
        if least is not None and len(value) < least:
            raise ValueError(f"Attr '{attr}' of '{sp.op_type}' Op passed list of length {len(value)} less than "
                             f"minimum {least}.")
        inner = kind[len("list("):-1]
        av.list.SetInParent()
        for v in value:
            one = _attr_proto(sp, attr, inner, v) if inner != "type" else _type_proto(sp, attr, v)
            field = one.WhichOneof("value")
            getattr(av.list, field).append(getattr(one, field))
        return av
    if kind == "type":
        return _type_proto(sp, attr, value)
    if kind == "int":
        if isinstance(value, (str, bytes)) or not isinstance(value, numbers.Integral) and \
                not (isinstance(value, numbers.Real) and float(value).is_integer()):
            raise TypeError(f"Expected int for argument '{attr}' not {value!r}.")
        av.i = int(value)
        if least is not None and av.i < least:
            raise ValueError(f"Attr '{attr}' of '{sp.op_type}' Op passed {av.i} less than minimum {least}.")
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"Expected float for argument '{attr}' not {value!r}.")
        av.f = float(value)
    elif kind == "bool":
        if not isinstance(value, bool):
            raise TypeError(f"Expected bool for argument '{attr}' not {value!r}.")
        av.b = value
    elif kind == "string":
        if not isinstance(value, (str, bytes)):
            raise TypeError(f"Expected string for argument '{attr}' not {value!r}.")
        av.s = value.encode() if isinstance(value, str) else value
        if allowed is not None and av.s.decode(errors="replace") not in allowed:
            raise ValueError(f"Attr '{attr}' of '{sp.op_type}' Op passed string '{av.s.decode(errors='replace')}' "
                             f"not in: {', '.join(repr(a) for a in allowed)}.")
    elif kind == "shape":
        try:
            shape = _ts.as_shape(value) if value is not None else _ts.unknown_shape()
        except (TypeError, ValueError):
            raise TypeError(f"Error converting {value!r} to a TensorShape for argument '{attr}'.") from None
        av.shape.CopyFrom(tensor_util.shape_to_proto(shape))
    elif kind == "tensor":
        if isinstance(value, tensor_pb2.TensorProto):
            av.tensor.CopyFrom(value)
        elif type(value).__name__ == "TensorProto" and hasattr(value, "SerializeToString"):   # real TF's
            av.tensor.CopyFrom(tensor_pb2.TensorProto.FromString(value.SerializeToString()))
        else:
            raise TypeError(f"Don't know how to convert {value!r} to a TensorProto for argument '{attr}'")
    elif kind == "func":
        if not isinstance(value, attr_value_pb2.NameAttrList):
            raise NotImplementedError(f"tf.raw_ops.{sp.op_type}({attr}=...): function attrs are not supported "
                                      "by compat_tf")
        av.func.CopyFrom(value)
    else:
        raise NotImplementedError(f"tf.raw_ops.{sp.op_type}: attr {attr} of type {kind} is not supported by compat_tf")
    return av


def _type_proto(sp, attr, value):
    try:
        dt = _dtypes.as_dtype(value).base_dtype
    except TypeError:
        raise TypeError(f"Expected DataType for argument '{attr}' not {value!r}.") from None
    _check_allowed(sp, attr, dt, attr)
    return attr_value_pb2.AttrValue(type=dt.as_datatype_enum)


# -- the op -------------------------------------------------------------------------------------

def _graph_of(values):
    for v in values:
        for x in (v if isinstance(v, (list, tuple)) else (v,)):
            if isinstance(x, _graph.Tensor):
                return x.graph
            g = getattr(x, "graph", None)
            if isinstance(g, _graph.Graph):
                return g
    return _graph.get_default_graph()


def apply_raw_op(op_type, args, name=None):
    """Builds one `op_type` op from `args` ({Python parameter name: value}, every parameter of
    the wrapper present; None for an attr means its default) and returns TF's result structure."""
    sp = spec(op_type)
    g = _graph_of([args[a[0]] for a in sp.inputs])
    with g.as_default(), g.name_scope(name or op_type) as scope:
        attrs, inferred_from, inputs = {}, {}, []
        for arg in sp.inputs:
            if arg[2] or arg[3]:
                inputs += _list_input(sp, arg, args[arg[0]], attrs, inferred_from)
            else:
                inputs += _single_input(sp, arg, args[arg[0]], attrs, inferred_from)
            if arg[5] and not all(t.dtype._is_ref_dtype for t in inputs[-1:]):
                raise TypeError(f"'{op_type}' Op requires that input '{arg[0]}' be a mutable tensor (e.g.: a "
                                "tf.Variable)")
        node = node_def_pb2.NodeDef(name=scope[:-1] or op_type, op=op_type)
        explicit = []
        for attr, (kind, _, _, default) in sp.attrs.items():
            if attr in attrs:
                value = attrs[attr]
            else:
                value = args.get(sp.py_names[attr])
                if value is None:
                    if default is _NO_DEFAULT:
                        raise TypeError(f"No argument found for attr {attr} for {op_type}")
                    value = _dtypes.as_dtype(default) if kind == "type" else default
                else:
                    explicit.append((attr, value, default))
                attrs[attr] = value
            node.attr[attr].CopyFrom(_attr_proto(sp, attr, kind, value))
        reg_type = graph_io._ALIASES.get(op_type, op_type)
        _check_lowered_attrs(sp, reg_type, len(inputs), explicit)
        lower_attrs = graph_io._node_attrs(node, reg_type, len(inputs))
        op = g.create_op(graph_io._host_variant(reg_type, inputs), inputs, lower_attrs, name=scope)
    return _result(sp, op, attrs)


def _check_lowered_attrs(sp, reg_type, n_inputs, explicit):
    """NotImplementedError for an attr given a non-default value that the lowering does not read."""
    names, _, var_kw = graph_io._lowering_params(registry.get(reg_type), n_inputs)
    for attr, value, default in explicit:
        if var_kw or attr in names or default is _NO_DEFAULT:
            continue
        default = sp.defaults[sp.py_names[attr]]
        try:
            same = bool((list(value) if isinstance(value, tuple) else value) == default)
        except (TypeError, ValueError):
            same = False
        if not same:
            raise NotImplementedError(f"tf.raw_ops.{sp.op_type}({sp.py_names[attr]}={value!r}) is not supported by "
                                      f"compat_tf (its {sp.op_type} lowering does not read this attr)")


def _result(sp, op, attrs):
    if not sp.outputs:
        return op
    outs, i = [], 0
    for _, number_attr, list_attr in sp.outputs:
        if number_attr or list_attr:
            n = int(attrs[number_attr]) if number_attr else len(attrs[list_attr])
            outs.append(list(op.outputs[i:i + n]))
            i += n
        else:
            outs.append(op.outputs[i])
            i += 1
    if i > len(op.outputs):
        raise AssertionError(f"{sp.op_type}: compat_tf's op has {len(op.outputs)} outputs, TF's OpDef {i}")
    if sp.result is not None:
        return sp.result._make(outs)
    return outs[0]
