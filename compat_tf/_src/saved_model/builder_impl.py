"""tf.saved_model.builder (TF 1.15's builder_impl.py): SavedModelBuilder and simple_save.

The SavedModel written is TF's directory format, which real TensorFlow loads and serves:
`saved_model.pb` (or `.pbtxt`) is a real SavedModel proto (its MetaGraphDefs, signatures,
collections and assets), assets are copied into `assets/` as TF does, the variables under
`variables/` are always TF's tensor bundle (whatever the checkpoint format setting), the graph is
in TF's op vocabulary and its SaverDef names the Saver's real SaveV2/RestoreV2 ops
(framework/tf_export, train/saver_graph). Ops TF cannot express (a training step's tf.gradients)
are left out of the meta graph with a warning: a SavedModel is for serving.
"""
import filecmp
import os
import shutil

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys, Operation, Tensor
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.saved_model import constants
from compat_tf._src.saved_model import signature_constants
from compat_tf._src.saved_model import signature_def_utils_impl as _sig_utils
from compat_tf._src.saved_model import tag_constants
from compat_tf._src.saved_model import utils_impl as _utils


def _protos():
    from compat_tf._src.protos import meta_graph_pb2, saved_model_pb2
    return meta_graph_pb2, saved_model_pb2


def _as_text(x):
    return x.decode() if isinstance(x, bytes) else x


def _asset_path_from_tensor(path_tensor):
    if not isinstance(path_tensor, Tensor):
        raise TypeError("Asset path tensor must be a Tensor.")
    if path_tensor.op.type != "Const":
        raise TypeError("Asset path tensor must be of type constant.")
    if path_tensor.dtype.base_dtype.name != "string":
        raise TypeError("Asset path tensor must be of dtype string.")
    import numpy as np
    value = np.asarray(path_tensor.op.get_attr("value"))
    if value.size != 1:
        raise TypeError("Asset path tensor must be a scalar.")
    return _as_text(value.reshape(()).item())


def _get_unique_asset_filename(asset_filename, asset_filename_map):
    i = 1
    unique_filename = asset_filename
    while unique_filename in asset_filename_map:
        unique_filename = f"{asset_filename}_{i}"
        i += 1
    return unique_filename


def get_asset_filename_to_add(asset_filepath, asset_filename_map):
    """The file name the asset gets under assets/: its basename, made unique (`name_1`, ...) when a
    different file of that name is already there."""
    asset_filename = os.path.basename(asset_filepath)
    if asset_filename not in asset_filename_map:
        return asset_filename
    other_asset_filepath = asset_filename_map[asset_filename]
    if other_asset_filepath == asset_filepath:
        return asset_filename
    if not filecmp.cmp(asset_filepath, other_asset_filepath, shallow=False):
        return _get_unique_asset_filename(asset_filename, asset_filename_map)
    return asset_filename


def _asset_file_def(asset_filename, asset_tensor):
    meta_graph_pb2, _ = _protos()
    asset_proto = meta_graph_pb2.AssetFileDef()
    asset_proto.filename = asset_filename
    asset_proto.tensor_info.name = asset_tensor.name
    return asset_proto


def _add_asset_to_collection(asset_filename, asset_tensor):
    from google.protobuf import any_pb2
    any_proto = any_pb2.Any()
    any_proto.Pack(_asset_file_def(asset_filename, asset_tensor))
    _graph.add_to_collection(constants.ASSETS_KEY, any_proto)


def _maybe_save_assets(write_fn, assets_to_add=None):
    asset_filename_map = {}
    if assets_to_add is None:
        logging.info("No assets to save.")
        return asset_filename_map
    for asset_tensor in assets_to_add:
        asset_source_filepath = _asset_path_from_tensor(asset_tensor)
        if not asset_source_filepath:
            raise ValueError(f"Invalid asset filepath tensor {asset_tensor}")
        asset_filename = get_asset_filename_to_add(asset_source_filepath, asset_filename_map)
        write_fn(asset_filename, asset_tensor)
        asset_filename_map[asset_filename] = asset_source_filepath
    logging.info("Assets added to graph.")
    return asset_filename_map


def copy_assets_to_destination_dir(asset_filename_map, destination_dir):
    """Copies each source file to destination_dir/assets/<its asset file name> (unless already there)."""
    assets_destination_dir = _utils.get_or_create_assets_dir(destination_dir)
    for asset_basename, asset_source_filepath in asset_filename_map.items():
        asset_destination_filepath = os.path.join(assets_destination_dir, asset_basename)
        if not os.path.exists(asset_destination_filepath):
            shutil.copyfile(asset_source_filepath, asset_destination_filepath)
    logging.info("Assets written to: %s", assets_destination_dir)


def _validate_tensor_info(tensor_info):
    if tensor_info is None:
        raise AssertionError("All TensorInfo protos used in the SignatureDefs must have the name and dtype "
                             "fields set.")
    if tensor_info.WhichOneof("encoding") is None:
        raise AssertionError(f"All TensorInfo protos used in the SignatureDefs must have one of the "
                             f"'encoding' fields (e.g., name or coo_sparse) set: {tensor_info}")
    if tensor_info.WhichOneof("encoding") == "name" and tensor_info.dtype == 0:
        raise AssertionError(f"All TensorInfo protos used in the SignatureDefs must have the dtype field "
                             f"set: {tensor_info}")


class SavedModelBuilder:
    """TF1's tf.saved_model.Builder: builds a SavedModel with one MetaGraphDef per tag set, sharing one
    set of variables and assets (see the module docstring for the variables' format)."""

    def __init__(self, export_dir):
        _, saved_model_pb2 = _protos()
        self._saved_model = saved_model_pb2.SavedModel()
        self._saved_model.saved_model_schema_version = constants.SAVED_MODEL_SCHEMA_VERSION
        export_dir = _as_text(os.fspath(export_dir))
        self._export_dir = export_dir
        if os.path.exists(export_dir):
            if os.listdir(export_dir):
                raise AssertionError(
                    f"Export directory already exists, and isn't empty. Please choose a different export "
                    f"directory, or delete all the contents of the specified directory: {export_dir}")
        else:
            os.makedirs(export_dir)
        self._has_saved_variables = False

    # -- collections -----------------------------------------------------------------
    def _save_and_write_assets(self, assets_collection_to_add=None):
        asset_filename_map = _maybe_save_assets(_add_asset_to_collection, assets_collection_to_add)
        if not asset_filename_map:
            logging.info("No assets to write.")
            return
        copy_assets_to_destination_dir(asset_filename_map, self._export_dir)

    def _maybe_add_main_op(self, main_op):
        if main_op is None:
            return
        if not isinstance(main_op, Operation):
            raise TypeError(f"main_op needs to be an Operation: {main_op!r}")
        for init_op_key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
            if _graph.get_collection(init_op_key):
                raise ValueError(f"Graph already contains one or more main ops under the collection "
                                 f"{init_op_key}.")
        _graph.add_to_collection(constants.MAIN_OP_KEY, main_op)

    def _add_train_op(self, train_op):
        if train_op is not None:
            if not isinstance(train_op, (Tensor, Operation)):
                raise TypeError(f"train_op needs to be a Tensor or Op: {train_op!r}")
            _graph.add_to_collection(constants.TRAIN_OP_KEY, train_op)

    def _add_collections(self, assets_collection, main_op, train_op):
        self._save_and_write_assets(assets_collection)
        self._maybe_add_main_op(main_op)
        self._add_train_op(train_op)

    # -- meta graphs -------------------------------------------------------------------
    def _validate_signature_def_map(self, signature_def_map):
        for signature_def_key in signature_def_map:
            signature_def = signature_def_map[signature_def_key]
            for tensor_info in list(signature_def.inputs.values()) + list(signature_def.outputs.values()):
                _validate_tensor_info(tensor_info)
        for key in (constants.INIT_OP_SIGNATURE_KEY, constants.TRAIN_OP_SIGNATURE_KEY):
            if key in signature_def_map:
                raise KeyError(f"SignatureDef map key \"{key}\" is reserved for initialization. Please use a "
                               f"different key.")

    def _maybe_create_saver(self, saver=None):
        if not saver:
            from compat_tf._src.train import saver as _saver
            saver = _saver.Saver(_saver._all_saveable_objects(), sharded=True, write_version=2, allow_empty=True)
        return saver

    def _export_meta_graph(self, saver, clear_devices, strip_default_attrs):
        """The MetaGraphDef of the default graph with the assets collection as TF writes it (an any_list
        of AssetFileDef protos, which the generic collection export does not serialise)."""
        graph = _graph.get_default_graph()
        keys = [k for k in graph.get_all_collection_keys() if k != constants.ASSETS_KEY]
        # a SavedModel is for serving in TF: ops TF cannot express (a training step) are left out
        meta_graph_def = saver.export_meta_graph(collection_list=keys, clear_devices=clear_devices,
                                                 strip_default_attrs=strip_default_attrs, _on_compat_only="prune")
        assets = graph.get_collection(constants.ASSETS_KEY)
        if assets:
            col = meta_graph_def.collection_def[constants.ASSETS_KEY]
            for any_proto in assets:
                col.any_list.value.add().CopyFrom(any_proto)
        return meta_graph_def

    def _tag_and_add_meta_graph(self, meta_graph_def, tags, signature_def_map):
        for tag in tags:
            meta_graph_def.meta_info_def.tags.append(tag)
        if signature_def_map is not None:
            for key in signature_def_map:
                meta_graph_def.signature_def[key].CopyFrom(signature_def_map[key])
        self._saved_model.meta_graphs.add().CopyFrom(meta_graph_def)

    def add_meta_graph(self, tags, signature_def_map=None, assets_collection=None, legacy_init_op=None,
                       clear_devices=False, main_op=None, strip_default_attrs=False, saver=None):
        """Adds a MetaGraphDef for `tags` that shares the variables saved by add_meta_graph_and_variables."""
        if not self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has not been saved yet. Please "
                                 "invoke `add_meta_graph_and_variables()` first.")
        signature_def_map = signature_def_map or {}
        self._validate_signature_def_map(signature_def_map)
        main_op = main_op if main_op is not None else legacy_init_op
        self._add_collections(assets_collection, main_op, None)
        saver = self._maybe_create_saver(saver)
        meta_graph_def = self._export_meta_graph(saver, clear_devices, strip_default_attrs)
        self._tag_and_add_meta_graph(meta_graph_def, tags, signature_def_map)

    def add_meta_graph_and_variables(self, sess, tags, signature_def_map=None, assets_collection=None,
                                     legacy_init_op=None, clear_devices=False, main_op=None,
                                     strip_default_attrs=False, saver=None):
        """Saves the session's variables to export_dir/variables/ (TF's tensor-bundle format, which TF
        restores) and adds the MetaGraphDef for `tags`, with its signatures, assets and init op."""
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already been saved. Please "
                                 "invoke `add_meta_graph()` instead.")
        signature_def_map = signature_def_map or {}
        self._validate_signature_def_map(signature_def_map)
        main_op = main_op if main_op is not None else legacy_init_op
        with sess.graph.as_default():
            self._add_collections(assets_collection, main_op, None)
            _utils.get_or_create_variables_dir(self._export_dir)
            variables_path = _utils.get_variables_path(self._export_dir)
            saver = self._maybe_create_saver(saver)
            from compat_tf._src.train import checkpoint_format
            with checkpoint_format.using("tf"):          # TF's tensor bundle: a SavedModel TF loads
                saver.save(sess, variables_path, write_meta_graph=False, write_state=False)
            meta_graph_def = self._export_meta_graph(saver, clear_devices, strip_default_attrs)
        self._tag_and_add_meta_graph(meta_graph_def, tags, signature_def_map)
        self._has_saved_variables = True

    def save(self, as_text=False):
        """Writes saved_model.pb (or saved_model.pbtxt with as_text=True); returns its path."""
        os.makedirs(self._export_dir, exist_ok=True)
        if as_text:
            from google.protobuf import text_format
            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
            data = text_format.MessageToString(self._saved_model).encode("utf-8")
        else:
            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PB)
            data = self._saved_model.SerializeToString(deterministic=True)
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        logging.info("SavedModel written to: %s", path)
        return path.encode()


Builder = SavedModelBuilder


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """TF1's tf.saved_model.simple_save: a SavedModel tagged [serve] whose `serving_default` signature is
    predict_signature_def(inputs, outputs), with the ASSET_FILEPATHS collection as its assets and
    `legacy_init_op` as its init op, devices cleared (variables in TF's format, see Builder)."""
    signature_def_map = {
        signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
            _sig_utils.predict_signature_def(inputs, outputs)}
    b = SavedModelBuilder(export_dir)
    with session.graph.as_default():
        assets = _graph.get_collection(GraphKeys.ASSET_FILEPATHS)
    b.add_meta_graph_and_variables(session, tags=[tag_constants.SERVING], signature_def_map=signature_def_map,
                                   assets_collection=assets, main_op=legacy_init_op, clear_devices=True)
    b.save()


__all__ = ["Builder", "SavedModelBuilder", "simple_save"]
