"""tf.graph_util (TF1's graph_util_impl) and tf.train.write_graph, on GraphDef protos.

What convert_variables_to_constants returns and what write_graph writes is in TF's op vocabulary
(framework/tf_export), so real TensorFlow loads it; see tf_export.export_graph_def for graphs TF's
vocabulary cannot express.

compat_tf's owner ops (tf.cond "If", tf.while_loop "While", tf.map_fn/tf.scan "FunctionalScan",
dynamic_rnn "RnnScan", tf.gradients "Gradients") name the ops of their branches/bodies (and the
variables they thread through) in `_compat_tf_*` attrs rather than by input edges (see
framework/graph_io). So the sub-graph of a node keeps every node such attrs name (transitively)
and the ops its branches/bodies own; freezing turns a variable a branch/body reads through its
reference into an input of the owner op (the Const that replaces it); remove_training_nodes
leaves the nodes those attrs name and the ops inside branches/bodies alone.
"""
import copy
import json
import os

from google.protobuf import text_format

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_util
from compat_tf._src.protos import graph_pb2

__all__ = ["convert_variables_to_constants", "extract_sub_graph", "remove_training_nodes", "must_run_on_cpu",
           "tensor_shape_from_node_def_name", "write_graph"]

_VARIABLE_OPS = frozenset(["Assign", "AssignAdd", "AssignSub", "Queue", "ScatterAdd", "ScatterSub",
                           "ScatterUpdate", "TruncatedNormal", "Variable", "VariableV2"])


def _node_name(s):
    return s[1:] if s.startswith("^") else s.split(":")[0]


def _check_graph_def(graph_def):
    if not isinstance(graph_def, graph_pb2.GraphDef):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")


def _private_refs(node):
    """Node names `node`'s `_compat_tf_*` attrs refer to (tensors, ops, variable state keys)."""
    from compat_tf._src.framework import graph_io
    out = []
    for k in node.attr:
        if not k.startswith(graph_io.PRIVATE_PREFIX) or k in (graph_io._UNSERIALIZABLE, graph_io._OUTPUT_SPECS,
                                                               graph_io._OWNER):
            continue
        try:
            value = json.loads(node.attr[k].s.decode())
        except (ValueError, UnicodeDecodeError):
            continue
        refs = []
        graph_io._references(value, refs)
        out.extend(_node_name(name) if kind == "t" else name for kind, name in refs)
    return out


def _owned_by(nodes):
    """{owner node name: names of the nodes its branches/bodies own}."""
    from compat_tf._src.framework import graph_io
    out = {}
    for n in nodes:
        if graph_io._OWNER in n.attr:
            out.setdefault(n.attr[graph_io._OWNER].s.decode(), []).append(n.name)
    return out


def extract_sub_graph(graph_def, dest_nodes):
    """The nodes `dest_nodes` depend on (data and control inputs), in GraphDef order."""
    _check_graph_def(graph_def)
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be a list.")
    by_name = {n.name: n for n in graph_def.node}
    for d in dest_nodes:
        assert d in by_name, f"{d} is not in graph"
    owned = _owned_by(graph_def.node)
    keep, stack = set(), list(dest_nodes)
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        node = by_name[name]
        stack.extend(_node_name(i) for i in node.input if _node_name(i) in by_name)
        # an owner op's branches/bodies, loop variables, forward ops and variables are named in its
        # `_compat_tf_*` attrs, not by input edges
        stack.extend(r for r in _private_refs(node) if r in by_name)
        stack.extend(owned.get(name, ()))
    out = graph_pb2.GraphDef()
    out.versions.CopyFrom(graph_def.versions)
    out.library.CopyFrom(graph_def.library)
    out.node.extend(copy.deepcopy(n) for n in graph_def.node if n.name in keep)
    if not graph_def.HasField("library"):
        out.ClearField("library")
    if not graph_def.HasField("versions"):
        out.ClearField("versions")
    return out


def convert_variables_to_constants(sess, input_graph_def, output_node_names, variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """Replaces the variables `output_node_names` need by Const nodes holding their current values
    in `sess` (TF1's freeze step). Only nodes the outputs depend on are kept."""
    sub = extract_sub_graph(input_graph_def, output_node_names)
    names = []
    for n in sub.node:
        if n.op in ("Variable", "VariableV2", "VarHandleOp"):
            if variable_names_whitelist is not None and n.name not in variable_names_whitelist:
                continue
            if variable_names_blacklist is not None and n.name in variable_names_blacklist:
                continue
            names.append(n.name)
    values = dict(zip(names, sess.run([nm + ":0" for nm in names]))) if names else {}
    by_name = {n.name: n for n in sub.node}
    out = graph_pb2.GraphDef()
    for n in sub.node:
        if n.name not in values and values and any(k.startswith(_PRIVATE_PREFIX) for k in n.attr):
            n = _freeze_state_reads(n, values, by_name)
        if n.name in values:
            c = out.node.add(name=n.name, op="Const")
            dtype = _dtypes.as_dtype(n.attr["dtype"].type)
            c.attr["dtype"].type = dtype.as_datatype_enum
            c.attr["value"].tensor.CopyFrom(tensor_util.make_tensor_proto(values[n.name], dtype=dtype))
            if n.device:
                c.device = n.device
        elif n.op == "ReadVariableOp" and _node_name(n.input[0]) in values:
            c = out.node.add()
            c.CopyFrom(n)
            c.op = "Identity"
            c.attr["T"].CopyFrom(c.attr["dtype"])
            del c.attr["dtype"]
        else:
            out.node.add().CopyFrom(n)
    out.library.CopyFrom(input_graph_def.library)
    out.versions.CopyFrom(input_graph_def.versions)
    if not input_graph_def.HasField("library"):
        out.ClearField("library")
    from compat_tf._src.framework import tf_export      # a frozen graph is for TF: its vocabulary, or an error
    out, _ = tf_export.export_graph_def(out, "the frozen graph", on_compat_only="raise")
    return out


_PRIVATE_PREFIX = "_compat_tf_"
# owner ops whose inputs end with their `_externals` (the values their branches/bodies use)
_EXTERNALS_LAST = frozenset(["If", "While", "FunctionalScan", "RnnScan"])


def _load(node, key):
    a = node.attr.get(_PRIVATE_PREFIX + key[1:])
    return None if a is None else json.loads(a.s.decode())


def _store(node, key, value):
    node.attr[_PRIVATE_PREFIX + key[1:]].s = json.dumps(value, separators=(",", ":")).encode()


def _variable_of(tensor_name, by_name):
    """The variable node a (reference) tensor aliases through Identity nodes, else None."""
    name, seen = _node_name(tensor_name), 0
    while name in by_name and seen < 1000:
        n = by_name[name]
        if n.op in ("Variable", "VariableV2", "VarHandleOp"):
            return name
        if n.op not in ("Identity", "RefIdentity") or not n.input:
            return None
        name, seen = _node_name(n.input[0]), seen + 1
    return None


def _freeze_state_reads(node, frozen, by_name):
    """A copy of owner node `node` in which the frozen variables its branches/body read as state
    (`_state_reads` keys, `_refs` tensors) are external input values instead: the Const replacing
    a variable is a plain value, so it is passed in like any tensor from outside the branch/body."""
    writes = [e["k"] for e in (_load(node, "_state_writes") or {"T": []})["T"] if isinstance(e, dict) and "k" in e]
    assigned = [k for k in writes if k in frozen]
    if assigned:
        raise ValueError(f"convert_variables_to_constants: {node.name} ({node.op}) assigns variable "
                         f"'{assigned[0]}' inside its branch/body, which cannot be a constant; leave it out "
                         "with variable_names_blacklist or freeze a graph that does not assign it")
    reads = _load(node, "_state_reads")
    if reads is None:
        return node
    keys = [e["k"] for e in reads["T"] if isinstance(e, dict) and "k" in e]
    gone = [k for k in keys if k in frozen]
    if not gone:
        return node
    if node.op not in _EXTERNALS_LAST:
        raise NotImplementedError(f"convert_variables_to_constants: {node.name} ({node.op}) reads variable "
                                  f"'{gone[0]}' as state; freezing it is not supported by compat_tf")
    node = copy.deepcopy(node)
    _store(node, "_state_reads", {"T": [e for e in reads["T"] if not (isinstance(e, dict) and e.get("k") in gone)]})
    shapes = _load(node, "_ref_shapes")
    if shapes is not None:
        _store(node, "_ref_shapes", {"T": [e for e in shapes["T"]
                                           if not (isinstance(e, dict) and e["T"] and e["T"][0].get("k") in gone)]})
    added = []
    refs = _load(node, "_refs")
    if refs is not None:
        kept = []
        for e in refs["T"]:
            if isinstance(e, dict) and "t" in e and _variable_of(e["t"], by_name) in gone:
                added.append(e["t"])
            else:
                kept.append(e)
        _store(node, "_refs", {"T": kept})
    covered = {_variable_of(t, by_name) for t in added}
    # a nested owner (a cond inside this loop body) reads the variable: its value must be in the body
    added.extend(f"{k}:0" for k in gone if k not in covered)
    externals = _load(node, "_externals") or {"T": []}
    have = {e["t"] for e in externals["T"] if isinstance(e, dict) and "t" in e}
    added = [t for t in dict.fromkeys(added) if t not in have]
    externals["T"].extend({"t": t} for t in added)
    _store(node, "_externals", externals)
    data = [i for i in node.input if not i.startswith("^")]
    controls = [i for i in node.input if i.startswith("^")]
    del node.input[:]
    node.input.extend(data + [t[:-2] if t.endswith(":0") else t for t in added] + controls)
    return node


def remove_training_nodes(input_graph, protected_nodes=None):
    """Drops CheckNumerics nodes and splices out Identity nodes (except `protected_nodes` and
    Identity nodes carrying control inputs), rewiring their consumers as TF1 does."""
    protected = set(protected_nodes or [])
    types_to_remove = {"CheckNumerics"}
    nodes = list(input_graph.node)
    # compat_tf's owner ops name nodes in their `_compat_tf_*` attrs (branch/body ops, the tensors
    # they use): splicing those out would leave dangling names, so they and owned nodes stay
    owned = _owned_by(nodes)
    for n in nodes:
        protected.update(_private_refs(n))
        protected.update(owned.get(n.name, ()))
    names_to_splice = {}
    names_to_remove = set()
    for n in nodes:
        if n.name in protected:
            continue
        if n.op in types_to_remove:
            names_to_remove.add(n.name)
    for n in nodes:
        if n.name in protected or n.op != "Identity":
            continue
        if any(i.startswith("^") for i in n.input):
            continue
        names_to_splice[n.name] = n.input[0]
    # never splice a node another node depends on through a control input
    for n in nodes:
        for i in n.input:
            if i.startswith("^"):
                names_to_splice.pop(i[1:], None)
    for n in nodes:
        if n.name in names_to_remove:
            names_to_splice[n.name] = n.input[0]

    def resolve(inp):
        ctrl = inp.startswith("^")
        name = inp[1:] if ctrl else inp
        seen = 0
        while _node_name(name) in names_to_splice and seen < len(nodes):
            target = names_to_splice[_node_name(name)]
            name = target if ":" in target or ":" not in name else target
            seen += 1
        return ("^" + _node_name(name)) if ctrl else name

    out = graph_pb2.GraphDef()
    for n in nodes:
        if n.name in names_to_splice:
            continue
        c = out.node.add()
        c.CopyFrom(n)
        del c.input[:]
        c.input.extend(resolve(i) for i in n.input)
    out.library.CopyFrom(input_graph.library)
    out.versions.CopyFrom(input_graph.versions)
    if not input_graph.HasField("library"):
        out.ClearField("library")
    return out


def must_run_on_cpu(node, pin_variables_on_cpu=False):
    """TF1's heuristic: int32/string constants, int32 DynamicStitch and Cast from int32 stay on the CPU."""
    node_def = node.node_def if isinstance(node, _graph.Operation) else node
    if pin_variables_on_cpu and node_def.op in _VARIABLE_OPS:
        return True
    if node_def.op == "Const":
        return node_def.attr["dtype"].type in (_dtypes.string.as_datatype_enum,
                                               _dtypes.int32.as_datatype_enum)
    if node_def.op in ("DynamicStitch", "ParallelDynamicStitch"):
        return node_def.attr["T"].type == _dtypes.int32.as_datatype_enum
    if node_def.op == "Cast":
        return node_def.attr["SrcT"].type == _dtypes.int32.as_datatype_enum
    return False


def tensor_shape_from_node_def_name(graph, input_name):
    """The static shape of tensor `input_name` ("x" means "x:0") of `graph`."""
    if ":" not in input_name:
        input_name += ":0"
    return graph.get_tensor_by_name(input_name).get_shape()


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """tf.train.write_graph: writes the GraphDef to logdir/name (text format when as_text);
    returns the path."""
    from compat_tf._src.platform import gfile
    from compat_tf._src.framework import tf_export
    if isinstance(graph_or_graph_def, _graph.Graph):
        graph_def = graph_or_graph_def.as_graph_def()
    else:
        graph_def = graph_or_graph_def
    graph_def, _ = tf_export.export_graph_def(
        graph_def, f"the graph written by tf.train.write_graph ({name})",
        graph=graph_or_graph_def if isinstance(graph_or_graph_def, _graph.Graph) else None)
    path = os.path.join(logdir, name)
    if not gfile.Exists(logdir):
        gfile.MakeDirs(logdir)
    if as_text:
        with gfile.GFile(path, "w") as f:
            f.write(text_format.MessageToString(graph_def))
    else:
        with gfile.GFile(path, "wb") as f:
            f.write(graph_def.SerializeToString())
    return path
