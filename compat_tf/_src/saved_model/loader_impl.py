"""tf.saved_model.loader (TF 1.15's loader_impl.py): loads a TF1 SavedModel into a Session.

`load(sess, tags, export_dir)` reads `saved_model.pb` (or `saved_model.pbtxt`), picks the
MetaGraphDef whose tag set equals `tags` (RuntimeError listing the available tag sets otherwise),
imports it into `sess.graph` (tf.train.import_meta_graph's machinery: collections, variables;
the TF Saver's SaveV2/RestoreV2 nodes are skipped), restores the global variables from
`variables/variables` with compat_tf's Saver (a tensor-bundle checkpoint written by TensorFlow, or
compat_tf's own orbax checkpoint), then runs the init op (the `__saved_model_init_op` signature,
else the `saved_model_main_op` or `legacy_init_op` collection) with every asset tensor fed the path
of its file under `assets/`, as TF does. Returns the MetaGraphDef: its `signature_def` names the
tensors to feed and fetch (`import_scope/` prefixed to them when given).

Deviation: variables are restored by their op names (what every TF1 Saver built without a custom
var_list dict writes), not by running the SaverDef's restore op.
"""
import os

from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.saved_model import constants
from compat_tf._src.saved_model import utils_impl as _utils


def _protos():
    from compat_tf._src.protos import meta_graph_pb2, saved_model_pb2
    return meta_graph_pb2, saved_model_pb2


def parse_saved_model(export_dir):
    """The SavedModel proto of `export_dir` (saved_model.pb, else saved_model.pbtxt); IOError if neither
    exists or the file does not parse."""
    _, saved_model_pb2 = _protos()
    export_dir = os.fspath(export_dir)
    if isinstance(export_dir, bytes):
        export_dir = export_dir.decode()
    path_to_pbtxt = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
    path_to_pb = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB)
    saved_model = saved_model_pb2.SavedModel()
    if os.path.isfile(path_to_pb):
        with open(path_to_pb, "rb") as f:
            data = f.read()
        try:
            saved_model.ParseFromString(data)
        except Exception as e:  # noqa: BLE001 - protobuf's DecodeError, as TF's IOError
            raise IOError(f"Cannot parse file {path_to_pb}: {e}.") from None
    elif os.path.isfile(path_to_pbtxt):
        from google.protobuf import text_format
        with open(path_to_pbtxt, "rb") as f:
            data = f.read()
        try:
            text_format.Merge(data.decode("utf-8"), saved_model, allow_unknown_field=True)
        except Exception as e:  # noqa: BLE001 - text_format.ParseError
            raise IOError(f"Cannot parse file {path_to_pbtxt}: {e}.") from None
    else:
        raise IOError(f"SavedModel file does not exist at: {export_dir}/"
                      f"{{{constants.SAVED_MODEL_FILENAME_PBTXT}|{constants.SAVED_MODEL_FILENAME_PB}}}")
    return saved_model


def maybe_saved_model_directory(export_dir):
    """Whether `export_dir` holds a saved_model.pb or saved_model.pbtxt."""
    export_dir = os.fspath(export_dir)
    if isinstance(export_dir, bytes):
        export_dir = export_dir.decode()
    return (os.path.isfile(os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT))
            or os.path.isfile(os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB)))


contains_saved_model = maybe_saved_model_directory


def get_asset_tensors(export_dir, meta_graph_def_to_load, import_scope=None):
    """{asset tensor name: absolute path of its file under export_dir/assets} (from the MetaGraphDef's
    asset_file_def, else its `saved_model_assets` collection of AssetFileDef Any protos)."""
    meta_graph_pb2, _ = _protos()
    collection_def = meta_graph_def_to_load.collection_def
    asset_protos = []
    if meta_graph_def_to_load.asset_file_def:
        asset_protos = list(meta_graph_def_to_load.asset_file_def)
    elif constants.ASSETS_KEY in collection_def:
        for any_proto in collection_def[constants.ASSETS_KEY].any_list.value:
            asset_proto = meta_graph_pb2.AssetFileDef()
            any_proto.Unpack(asset_proto)
            asset_protos.append(asset_proto)
    assets_directory = os.path.join(os.fspath(export_dir), constants.ASSETS_DIRECTORY)
    out = {}
    for asset_proto in asset_protos:
        tensor_name = asset_proto.tensor_info.name
        if import_scope:
            tensor_name = f"{import_scope.rstrip('/')}/{tensor_name}"
        out[tensor_name] = os.path.join(assets_directory, asset_proto.filename)
    return out


def _init_op_name(meta_graph_def):
    """The init op's name: the __saved_model_init_op signature (TF2's builder), else the one node of the
    saved_model_main_op or legacy_init_op collection; None when there is none."""
    sig = meta_graph_def.signature_def
    if constants.INIT_OP_SIGNATURE_KEY in sig:
        return sig[constants.INIT_OP_SIGNATURE_KEY].outputs[constants.INIT_OP_SIGNATURE_KEY].name
    for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
        if key in meta_graph_def.collection_def:
            names = list(meta_graph_def.collection_def[key].node_list.value)
            if len(names) != 1:
                raise RuntimeError(f"Expected exactly one SavedModel init op. Found: {names}")
            return names[0]
    return None


def get_init_op(meta_graph_def, import_scope=None, graph=None):
    """The init Operation of `meta_graph_def` in `graph` (already imported), or None."""
    from compat_tf._src.framework import graph as _graph
    name = _init_op_name(meta_graph_def)
    if name is None:
        return None
    graph = graph or _graph.get_default_graph()
    return graph.as_graph_element(_utils._prepend_name_scope(name, import_scope))


_SAVER_OP_TYPES = frozenset({"SaveV2", "RestoreV2", "MergeV2Checkpoints", "Save", "SaveSlices", "Restore",
                             "RestoreSlice"})


def _without_other_savers(meta_graph_def):
    """`meta_graph_def`, less the save/restore nodes of TF Savers other than its SaverDef's (a
    SavedModel with several MetaGraphDefs holds one Saver per add_meta_graph call, e.g. `save/` and
    `save_1/`); import_meta_graph skips its own SaverDef's."""
    from compat_tf._src.train import meta_graph as _meta_graph
    strip = getattr(_meta_graph, "_without_saver_nodes", None)
    own = meta_graph_def.saver_def.restore_op_name.rpartition("/")[0] \
        if meta_graph_def.HasField("saver_def") else None
    scopes = sorted({n.name.rpartition("/")[0] for n in meta_graph_def.graph_def.node
                     if n.op in _SAVER_OP_TYPES} - {own, ""})
    if strip is None or not scopes:
        return meta_graph_def
    from compat_tf._src.protos import saver_pb2
    graph_def = meta_graph_def.graph_def
    for scope in scopes:
        graph_def = strip(graph_def, saver_pb2.SaverDef(restore_op_name=f"{scope}/restore_all",
                                                        filename_tensor_name=f"{scope}/Const:0"))
    out = type(meta_graph_def)()
    out.CopyFrom(meta_graph_def)
    out.graph_def.CopyFrom(graph_def)
    return out


class SavedModelLoader:
    """TF1's SavedModelLoader: load_graph, restore_variables, run_init_ops, load."""

    def __init__(self, export_dir):
        self._export_dir = os.fspath(export_dir)
        self._variables_path = _utils.get_variables_path(self._export_dir)
        self._saved_model = parse_saved_model(self._export_dir)

    @property
    def export_dir(self):
        return self._export_dir

    @property
    def variables_path(self):
        return self._variables_path

    @property
    def saved_model(self):
        return self._saved_model

    def get_meta_graph_def_from_tags(self, tags):
        """The MetaGraphDef whose tag set equals set(tags); RuntimeError naming the available ones."""
        available_tags = []
        for meta_graph_def in self._saved_model.meta_graphs:
            meta_tags = set(meta_graph_def.meta_info_def.tags)
            available_tags.append(meta_tags)
            if meta_tags == set(tags):
                return meta_graph_def
        raise RuntimeError(
            "MetaGraphDef associated with tags " + str(tags).strip("[]") + " could not be found in "
            "SavedModel. To inspect available tag-sets in the SavedModel, please use the SavedModel CLI: "
            "`saved_model_cli`\navailable_tags: " + str(available_tags))

    def load_graph(self, graph, tags, import_scope=None, **saver_kwargs):
        """Imports the MetaGraphDef for `tags` into `graph`; returns (saver or None, {var name: Variable})."""
        from compat_tf._src.train import meta_graph as _meta_graph
        from compat_tf._src.train import saver as _saver
        meta_graph_def = self.get_meta_graph_def_from_tags(tags)
        kwargs = {}
        if "clear_devices" in saver_kwargs:
            kwargs["clear_devices"] = saver_kwargs["clear_devices"]
        with graph.as_default():
            _, imported_vars = _meta_graph.import_meta_graph(
                _without_other_savers(meta_graph_def), import_scope=import_scope,
                restore_collections_predicate=lambda key: key != constants.ASSETS_KEY, **kwargs)
            if constants.ASSETS_KEY in meta_graph_def.collection_def:
                # TF1 keeps this collection's AssetFileDef Any protos as they are
                for any_proto in meta_graph_def.collection_def[constants.ASSETS_KEY].any_list.value:
                    graph.add_to_collection(constants.ASSETS_KEY, any_proto)
            if not imported_vars:
                return None, imported_vars
            # keys: the variables' names under the import scope ("hidden/kernel:0"); the checkpoint keys
            # are their op names
            names = {key[:-2] if key.endswith(":0") else key: v for key, v in imported_vars.items()}
            return _saver.Saver(var_list=names, sharded=True, allow_empty=True), imported_vars

    def restore_variables(self, sess, saver, import_scope=None):
        """Restores the imported variables from export_dir/variables/variables."""
        if saver is None:
            logging.info("The specified SavedModel has no variables; no checkpoints were restored.")
            return
        saver.restore(sess, self._variables_path)

    def run_init_ops(self, sess, tags, import_scope=None):
        """Runs the init op (if any) with the asset tensors fed their files' paths under assets/."""
        meta_graph_def = self.get_meta_graph_def_from_tags(tags)
        graph = sess.graph
        with graph.as_default():
            assets = get_asset_tensors(self._export_dir, meta_graph_def, import_scope=import_scope)
            init_op = get_init_op(meta_graph_def, import_scope, graph)
            if init_op is not None:
                feed = {graph.get_tensor_by_name(name): path for name, path in assets.items()}
                sess.run(fetches=[init_op], feed_dict=feed)

    def load(self, sess, tags, import_scope=None, **saver_kwargs):
        """Imports, restores the variables, runs the init op; returns the MetaGraphDef."""
        with sess.graph.as_default():
            saver, _ = self.load_graph(sess.graph, tags, import_scope, **saver_kwargs)
            self.restore_variables(sess, saver, import_scope)
            self.run_init_ops(sess, tags, import_scope)
        return self.get_meta_graph_def_from_tags(tags)


def load(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """TF1's tf.saved_model.loader.load (= tf.compat.v1.saved_model.load): loads the MetaGraphDef of
    `export_dir` tagged `tags` into `sess`'s graph, restores its variables, runs its init op, and
    returns the MetaGraphDef (see the module docstring)."""
    loader = SavedModelLoader(export_dir)
    return loader.load(sess, tags, import_scope, **saver_kwargs)


__all__ = ["load", "maybe_saved_model_directory"]
