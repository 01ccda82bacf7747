"""tf.io: TF 1.15's I/O namespace (TFRecords, Example parsing, whole files, decode_raw).

Names of tf.io that compat_tf defines at the top level (queues, decode_csv, ...) are
forwarded from `tf.<name>` when asked for, so they appear here as soon as they exist there.
"""
from compat_tf._src.io.tf_record import (  # noqa: F401
    TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator)
from compat_tf._src.ops.io_ops import matching_files, read_file, write_file  # noqa: F401
from compat_tf._src.ops.parsing_ops import (  # noqa: F401
    FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, decode_raw, parse_example, parse_single_example)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook


def _make_gfile_module():
    """tf.io.gfile: TF 1.15's snake_case file API (the same local-file code as tf.gfile)."""
    import os as _os
    import sys as _sys
    import types as _types
    from compat_tf._src.platform import gfile as _gf

    mod = _types.ModuleType("compat_tf.io.gfile", "tf.io.gfile: TF 1.15's file API on local paths "
                            "(tf.gfile's implementation under TF2-style names).")

    def walk(top, topdown=True, onerror=None):
        """tf.io.gfile.walk: yields (dirname, subdirs, filenames); a missing `top` yields nothing
        (onerror, when given, gets the NotFoundError)."""
        def _err(e):
            if onerror is not None:
                onerror(_gf._not_found(getattr(e, "filename", top), e))
        yield from _os.walk(_gf._local(top), topdown=topdown, onerror=_err)

    def join(path, *paths):
        """tf.io.gfile.join: os.path.join (local paths)."""
        return _os.path.join(path, *paths)

    for name, fn in {"GFile": _gf.GFile, "copy": _gf.Copy, "exists": _gf.Exists, "glob": _gf.Glob,
                     "isdir": _gf.IsDirectory, "listdir": _gf.ListDirectory, "makedirs": _gf.MakeDirs,
                     "mkdir": _gf.MkDir, "remove": _gf.Remove, "rename": _gf.Rename,
                     "rmtree": _gf.DeleteRecursively, "stat": _gf.Stat, "walk": walk, "join": join}.items():
        setattr(mod, name, fn)
    mod.__getattr__ = _hook("tf.io.gfile")
    _sys.modules[mod.__name__] = mod
    return mod


gfile = _make_gfile_module()

_missing = _hook("tf.io")
# tf.io names that are also top-level tf names in TF 1.15
_TOP_LEVEL = frozenset({
    "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue", "FIFOQueue", "SparseFeature",
    "decode_base64", "decode_compressed", "decode_csv", "decode_json_example", "encode_base64",
    "match_filenames_once", "parse_single_sequence_example", "parse_tensor", "serialize_tensor",
    "serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse", "write_graph",
    "decode_image", "decode_jpeg", "decode_png", "decode_gif", "decode_bmp", "encode_jpeg", "encode_png",
    "is_jpeg", "extract_jpeg_shape", "decode_and_crop_jpeg", "parse_sequence_example", "decode_proto",
    "encode_proto",
})


def __getattr__(name):
    if name in _TOP_LEVEL:
        import compat_tf
        for mod_name in ("", "image", "train"):
            mod = compat_tf if not mod_name else compat_tf.__dict__.get(mod_name)
            if mod is not None and name in getattr(mod, "__dict__", {}):
                return mod.__dict__[name]
    return _missing(name)
