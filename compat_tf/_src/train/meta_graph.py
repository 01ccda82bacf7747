"""MetaGraphDef export and import (TF 1.15's meta_graph.py, the parts Saver and tf.train use).

The exported GraphDef is in TF's op vocabulary (framework/tf_export.export_graph_def): a meta graph
real TF imports, with the Saver's real save/restore ops and tf.gradients as TF1's backward graph. A
graph holding ops TF's vocabulary cannot express follows `on_compat_only` (see export_graph_def): by
default it is written in compat_tf's own encoding, which import_meta_graph reads back to resume
training.

`export_meta_graph` writes the graph (GraphDef from the graph-io module), the
SaverDef and the collections: variable collections as VariableDef protos,
collections of tensors/operations as node names, strings/ints/floats as lists,
as TF1 does (a collection that cannot be serialised is skipped with a warning).
`import_meta_graph` imports the GraphDef into the default graph and rebuilds the
collections, with Python `tf.Variable` objects for the VariableDefs (one object
per variable, shared by every collection that holds it).
"""
import os

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys, Operation, Tensor
from compat_tf._src.ops import variables as _variables
from compat_tf._src.platform import tf_logging as logging

_VARIABLE_COLLECTIONS = (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES,
                         GraphKeys.MODEL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
                         GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.CONCATENATED_VARIABLES,
                         GraphKeys.TRAINABLE_RESOURCE_VARIABLES, GraphKeys.GLOBAL_STEP)


def _protos():
    from compat_tf._src.protos import meta_graph_pb2, saver_pb2, variable_pb2
    return meta_graph_pb2, saver_pb2, variable_pb2


def _strip(name, scope):
    if scope and name.startswith(scope.rstrip("/") + "/"):
        return name[len(scope.rstrip("/")) + 1:]
    if name.startswith("^") and scope and name[1:].startswith(scope.rstrip("/") + "/"):
        return "^" + name[len(scope.rstrip("/")) + 2:]
    return name


def _prepend(name, scope):
    if not scope:
        return name
    scope = scope.rstrip("/")
    if name.startswith("^"):
        return f"^{scope}/{name[1:]}"
    return f"{scope}/{name}"


# -- Variable <-> VariableDef ------------------------------------------------------------

def variable_to_proto(v, export_scope=None):
    """TF1's RefVariable.to_proto: a VariableDef (None when `v` is outside `export_scope`)."""
    _, _, variable_pb2 = _protos()
    if export_scope is not None and not v.name.startswith(export_scope.rstrip("/") + "/"):
        return None
    d = variable_pb2.VariableDef()
    d.variable_name = _strip(v._ref().name, export_scope)
    if getattr(v, "_initial_value", None) is not None:
        d.initial_value_name = _strip(v._initial_value.name, export_scope)
    d.trainable = bool(v.trainable)
    d.initializer_name = _strip(v.initializer.name, export_scope)
    d.snapshot_name = _strip(v.value().name, export_scope)
    if v._variable.op.type == "VarHandleOp":
        d.is_resource = True
    return d


def variable_from_proto(variable_def, import_scope=None, graph=None):
    """A tf.Variable for the VariableV2/Assign/read ops named by `variable_def` (already in the graph)."""
    g = graph or _graph.get_default_graph()
    handle = g.as_graph_element(_prepend(variable_def.variable_name, import_scope))
    if variable_def.is_resource or handle.op.type == "VarHandleOp":
        from compat_tf._src.ops import resource_variable_ops
        v = resource_variable_ops.ResourceVariable.__new__(resource_variable_ops.ResourceVariable)
    else:
        v = _variables.Variable.__new__(_variables.Variable)
    v._graph = g
    v._variable = handle
    v._initializer_op = g.as_graph_element(_prepend(variable_def.initializer_name, import_scope))
    v._initial_value = (g.as_graph_element(_prepend(variable_def.initial_value_name, import_scope))
                        if variable_def.initial_value_name else None)
    if variable_def.snapshot_name:
        v._snapshot = g.as_graph_element(_prepend(variable_def.snapshot_name, import_scope))
    elif handle.op.type == "VarHandleOp":
        with g.as_default(), g.control_dependencies(None), g.name_scope(handle.op.name + "/Read/"):
            v._snapshot = resource_variable_ops.read_variable_op(handle, v.dtype)
    else:
        from compat_tf._src.ops import control_flow_ops
        with g.as_default(), g.control_dependencies(None):
            v._snapshot = control_flow_ops.identity(v._variable, name=v._variable.op.name + "/read")
    v._trainable = bool(variable_def.trainable)
    v._constraint = None
    v._save_slice_info = None
    return v


# -- export -------------------------------------------------------------------------

def _kind(x):
    if isinstance(x, (Tensor, Operation)):
        return "node_list"
    if isinstance(x, bool):
        return "bytes_list"
    if isinstance(x, int):
        return "int64_list"
    if isinstance(x, float):
        return "float_list"
    return "bytes_list"


def _add_collection_def(meta_graph_def, key, graph, export_scope=None):
    meta_graph_pb2, saver_pb2, _ = _protos()
    items = graph.get_collection(key)
    if export_scope is not None:
        items = [x for x in items if not hasattr(x, "name") or x.name.startswith(export_scope)]
    if not items:
        return
    col = meta_graph_def.collection_def[key]
    try:
        if any(isinstance(x, _variables.Variable) for x in items):
            for x in items:
                if not isinstance(x, _variables.Variable):
                    raise TypeError(f"collection {key!r} mixes variables with {type(x).__name__}")
                proto = variable_to_proto(x, export_scope)
                if proto is not None:
                    col.bytes_list.value.append(proto.SerializeToString())
        elif key == GraphKeys.SAVERS:
            for x in items:
                sd = x.as_saver_def() if hasattr(x, "as_saver_def") else x
                col.bytes_list.value.append(sd.SerializeToString())
        else:
            kind = _kind(items[0])
            if kind == "node_list":
                for x in items:
                    if not isinstance(x, (Tensor, Operation)):
                        raise TypeError(f"{x!r} is not a Tensor or Operation")
                    col.node_list.value.append(_strip(x.name, export_scope))
            elif kind == "bytes_list":
                for x in items:
                    if isinstance(x, bytes):
                        col.bytes_list.value.append(x)
                    elif isinstance(x, str):
                        col.bytes_list.value.append(x.encode())
                    else:
                        raise TypeError(f"{type(x).__name__} in collection {key!r} cannot be serialised")
            elif kind == "int64_list":
                col.int64_list.value.extend(int(x) for x in items)
            else:
                col.float_list.value.extend(float(x) for x in items)
    except Exception as e:  # noqa: BLE001 - TF1 skips a collection it cannot serialise
        logging.warning("Issue encountered when serializing: %s.\n%s", key, e)
        del meta_graph_def.collection_def[key]


def _graph_def_of(graph, add_shapes=True):
    try:
        from compat_tf._src.framework import graph_io
        return graph_io.graph_to_graph_def(graph, add_shapes=add_shapes)
    except ImportError as e:
        raise NotImplementedError(f"MetaGraphDef export needs GraphDef export, which is not available: {e}") \
            from None


def create_meta_graph_def(meta_info_def=None, graph_def=None, saver_def=None, collection_list=None,
                          graph=None, export_scope=None, clear_devices=False, clear_extraneous_savers=False,
                          strip_default_attrs=False, on_compat_only="auto"):
    meta_graph_pb2, _, _ = _protos()
    graph = graph or _graph.get_default_graph()
    mgd = meta_graph_pb2.MetaGraphDef()
    if meta_info_def is not None:
        mgd.meta_info_def.CopyFrom(meta_info_def)
    import compat_tf
    if not mgd.meta_info_def.tensorflow_version:
        mgd.meta_info_def.tensorflow_version = compat_tf.__version__
    if not mgd.meta_info_def.tensorflow_git_version:
        mgd.meta_info_def.tensorflow_git_version = compat_tf.GIT_VERSION
    live = graph if graph_def is None and not export_scope else None     # what graph_def was built from
    if graph_def is None:
        graph_def = _graph_def_of(graph)
    mgd.graph_def.CopyFrom(graph_def)
    if export_scope:
        _scope_graph_def(mgd.graph_def, export_scope)
    if clear_devices:
        for node in mgd.graph_def.node:
            node.device = ""
    # TF's op vocabulary (framework/tf_export); `on_compat_only` says what to do when it cannot express it
    from compat_tf._src.framework import tf_export
    tf_graph_def, dropped = tf_export.export_graph_def(mgd.graph_def, "the meta graph", on_compat_only,
                                                       graph=live)
    if tf_graph_def is not mgd.graph_def:
        mgd.graph_def.CopyFrom(tf_graph_def)
    if saver_def is not None:
        mgd.saver_def.CopyFrom(saver_def)
    keys = collection_list if collection_list is not None else graph.get_all_collection_keys()
    for key in keys:
        if isinstance(key, str):
            _add_collection_def(mgd, key, graph, export_scope)
    if dropped:        # collections must not name the ops left out (a train op)
        gone = set(dropped)
        for key in list(mgd.collection_def):
            col = mgd.collection_def[key]
            if col.WhichOneof("kind") == "node_list":
                keep = [v for v in col.node_list.value if v.split(":")[0].lstrip("^") not in gone]
                del col.node_list.value[:]
                col.node_list.value.extend(keep)
                if not keep:
                    del mgd.collection_def[key]
    return mgd


def _scope_graph_def(graph_def, export_scope):
    from compat_tf._src.framework import graph_io
    prefix = export_scope.rstrip("/") + "/"
    keep = [n for n in graph_def.node if n.name.startswith(prefix)]
    del graph_def.node[:]
    for n in keep:
        n.name = _strip(n.name, export_scope)
        n.input[:] = [_strip(i, export_scope) for i in n.input]
        graph_io.rename_private_refs(n, lambda name: _strip(name, export_scope))
        graph_def.node.append(n)


def _without_saver_nodes(graph_def, saver_def):
    """`graph_def` less the save/restore nodes TF's Saver adds (SaveV2, RestoreV2, the Assigns and
    NoOps that hang off them) under the SaverDef's name scope: compat_tf has no lowering for them and
    its Saver does not use them. Nodes of that scope which compat_tf can run are kept."""
    from compat_tf._src.framework import graph_io, registry
    scope = saver_def.restore_op_name.rpartition("/")[0] or \
        saver_def.filename_tensor_name.rpartition("/")[0]
    if not scope:
        return graph_def
    prefix = scope + "/"
    drop = set()
    changed = True
    while changed:
        changed = False
        for n in graph_def.node:
            if n.name in drop or not n.name.startswith(prefix):
                continue
            runnable = registry.lookup(graph_io._ALIASES.get(n.op, n.op)) is not None
            if not runnable or any(graph_io._parse_input(i)[0] in drop for i in n.input):
                drop.add(n.name)
                changed = True
    if not drop:
        return graph_def
    logging.info("import_meta_graph: skipping %d save/restore node(s) of the Saver scope %r (compat_tf's "
                 "Saver does not use them)", len(drop), scope)
    out = type(graph_def)()
    out.CopyFrom(graph_def)
    del out.node[:]
    out.node.extend(n for n in graph_def.node if n.name not in drop)
    return out


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None, collection_list=None,
                      as_text=False, graph=None, export_scope=None, clear_devices=False,
                      clear_extraneous_savers=False, strip_default_attrs=False, on_compat_only="auto"):
    mgd = create_meta_graph_def(meta_info_def=meta_info_def, graph_def=graph_def, saver_def=saver_def,
                                collection_list=collection_list, graph=graph, export_scope=export_scope,
                                clear_devices=clear_devices, on_compat_only=on_compat_only)
    if filename:
        filename = os.fspath(filename)
        parent = os.path.dirname(filename)
        if parent:
            os.makedirs(parent, exist_ok=True)
        tmp = f"{filename}.tmp{os.getpid()}"
        if as_text:
            from google.protobuf import text_format
            with open(tmp, "w") as f:
                f.write(text_format.MessageToString(mgd))
        else:
            with open(tmp, "wb") as f:
                f.write(mgd.SerializeToString())
        os.replace(tmp, filename)
    return mgd


# -- import -------------------------------------------------------------------------

def read_meta_graph_file(filename):
    """A MetaGraphDef from a binary (or text format) file; IOError if missing or if neither parses."""
    meta_graph_pb2, _, _ = _protos()
    filename = os.fspath(filename)
    if not os.path.exists(filename):
        raise IOError(f"File {filename} does not exist.")
    with open(filename, "rb") as f:
        data = f.read()
    mgd = meta_graph_pb2.MetaGraphDef()
    try:
        mgd.ParseFromString(data)
        return mgd
    except Exception:  # noqa: BLE001 - try text format next, as TF1
        pass
    from google.protobuf import text_format
    mgd = meta_graph_pb2.MetaGraphDef()
    try:
        # fields newer than compat_tf's protos are skipped (the ones TF 2.x writes are known, see protos/)
        text_format.Merge(data.decode("utf-8"), mgd, allow_unknown_field=True)
    except text_format.ParseError as e:    # TF1: IOError; a file that is not UTF-8 gives UnicodeDecodeError
        raise IOError(f"Cannot parse file {filename}: {e}.") from None
    return mgd


def _import_graph_def(graph_def, name, producer_op_list=None):
    try:
        from compat_tf._src.framework import graph_io
    except ImportError as e:
        raise NotImplementedError(f"tf.train.import_meta_graph needs GraphDef import, which is not "
                                  f"available: {e}") from None
    return graph_io.import_graph_def(graph_def, name=name, producer_op_list=producer_op_list)


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, input_map=None,
                      restore_collections_predicate=lambda key: True, **kwargs):
    """Imports a MetaGraphDef into the default graph; returns (meta_graph_def, {var name: Variable})."""
    meta_graph_pb2, saver_pb2, variable_pb2 = _protos()
    if input_map:
        raise NotImplementedError("tf.train.import_meta_graph(input_map=...) is not supported by compat_tf")
    if isinstance(meta_graph_or_file, meta_graph_pb2.MetaGraphDef):
        mgd = meta_graph_or_file
    else:
        mgd = read_meta_graph_file(meta_graph_or_file)
    graph = _graph.get_default_graph()
    scope = graph.unique_name(import_scope or "", mark_as_used=False) if import_scope else ""
    graph_def = mgd.graph_def
    if clear_devices:
        graph_def = type(graph_def)()
        graph_def.CopyFrom(mgd.graph_def)
        for node in graph_def.node:
            node.device = ""
    if mgd.HasField("saver_def"):
        graph_def = _without_saver_nodes(graph_def, mgd.saver_def)
    with graph.as_default():
        # TF fills the attrs a .meta saved with strip_default_attrs=True leaves out from its OpDefs
        op_list = mgd.meta_info_def.stripped_op_list \
            if mgd.HasField("meta_info_def") and mgd.meta_info_def.HasField("stripped_op_list") else None
        _import_graph_def(graph_def, name=scope, producer_op_list=op_list)
    trainable_values = set(mgd.collection_def[GraphKeys.TRAINABLE_VARIABLES].bytes_list.value) \
        if GraphKeys.TRAINABLE_VARIABLES in mgd.collection_def else set()
    variable_objects = {}
    for key in sorted(mgd.collection_def):
        if not restore_collections_predicate(key):
            continue
        col = mgd.collection_def[key]
        kind = col.WhichOneof("kind")
        if kind is None:
            continue
        try:
            if key in _VARIABLE_COLLECTIONS and kind == "bytes_list":
                for value in col.bytes_list.value:
                    var = variable_objects.get(value)
                    if var is None:
                        vd = variable_pb2.VariableDef()
                        vd.ParseFromString(value)
                        if not vd.trainable and value in trainable_values:
                            vd.trainable = True
                        var = variable_objects[value] = variable_from_proto(vd, scope, graph)
                    graph.add_to_collection(key, var)
            elif key in _VARIABLE_COLLECTIONS:
                # TF1 would add the values as they are; Variables are all a variable collection holds
                logging.warning("Cannot restore collection %s: kind %s instead of bytes_list (VariableDefs)",
                                key, kind)
            elif key == GraphKeys.SAVERS and kind == "bytes_list":
                from compat_tf._src.train import saver as _saver
                for value in col.bytes_list.value:
                    sd = saver_pb2.SaverDef()
                    sd.ParseFromString(value)
                    graph.add_to_collection(key, _saver.Saver(saver_def=sd, name=scope or None))
            elif kind == "node_list":
                for value in col.node_list.value:
                    graph.add_to_collection(key, graph.as_graph_element(_prepend(value, scope)))
            elif kind == "int64_list":
                for value in col.int64_list.value:
                    graph.add_to_collection(key, int(value))
            elif kind == "float_list":
                for value in col.float_list.value:
                    graph.add_to_collection(key, float(value))
            elif kind == "bytes_list":
                for value in col.bytes_list.value:     # TF1 prepends the import scope to these too
                    graph.add_to_collection(key, _prepend(value.decode(), scope) if scope else value)
            else:
                logging.warning("Cannot import collection %s of kind %s", key, kind)
        except (KeyError, ValueError, TypeError) as e:
            logging.warning("Cannot restore collection %s: %s", key, e)
    var_list = {}
    for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope=scope or None):
        var_list[_strip(v.name, scope)] = v
    return mgd, var_list
