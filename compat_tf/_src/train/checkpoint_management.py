"""TF1's checkpoint bookkeeping: the `checkpoint` state file and checkpoint prefixes.

Mirrors tensorflow/python/training/checkpoint_management.py (TF 1.15):
`get_checkpoint_state`, `update_checkpoint_state`, `generate_checkpoint_state_proto`,
`latest_checkpoint`, `checkpoint_exists`, `get_checkpoint_mtimes`, `remove_checkpoint`,
`meta_graph_filename`. The state file is the CheckpointState proto in protobuf text format
(`model_checkpoint_path: "..."` / `all_model_checkpoint_paths: "..."`), so it is
interchangeable with TF's. Relative paths are stored relative to the checkpoint directory
and made relative to it again when read, as TF does.

A checkpoint is a prefix whose `PREFIX.index` file exists (see `checkpoint_io` for the
files compat_tf writes).
"""
import glob
import os
import re
import shutil

from compat_tf._src.platform import tf_logging as logging

_STATE_FILENAME = "checkpoint"


def _checkpoint_state_class():
    try:  # the CheckpointState proto, where the protos package provides it
        from compat_tf._src.protos import checkpoint_state_pb2
        return checkpoint_state_pb2.CheckpointState
    except ImportError:
        return CheckpointState


class CheckpointState:
    """A stand-in for the CheckpointState proto (its fields and text format only)."""

    def __init__(self, model_checkpoint_path="", all_model_checkpoint_paths=None,
                 all_model_checkpoint_timestamps=None, last_preserved_timestamp=0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths or [])
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps or [])
        self.last_preserved_timestamp = float(last_preserved_timestamp or 0.0)

    def __eq__(self, other):
        return isinstance(other, CheckpointState) and vars(self) == vars(other)

    def __str__(self):
        return _to_text(self)

    __repr__ = __str__


# -- text format ----------------------------------------------------------------------

def _escape(s):
    out = []
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "'":
            out.append("\\'")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif 32 <= ch < 127:
            out.append(c)
        else:
            out.append("\\%03o" % ch)
    return "".join(out)


_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "\\": b"\\", '"': b'"', "'": b"'", "a": b"\a",
            "b": b"\b", "f": b"\f", "v": b"\v", "?": b"?"}


def _unescape(s):
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif nxt.isdigit():
            j = i + 1
            while j < len(s) and j < i + 4 and s[j] in "01234567":
                j += 1
            out.append(int(s[i + 1:j], 8) & 0xFF)
            i = j
        elif nxt in "xX":
            j = i + 2
            while j < len(s) and j < i + 4 and s[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(s[i + 2:j], 16))
            i = j
        else:
            raise ValueError(f"invalid escape in {s!r}")
    return out.decode("utf-8")


def _fmt_float(x):
    r = repr(float(x))
    return r[:-2] if r.endswith(".0") else r


def _to_text(ckpt):
    lines = []
    if ckpt.model_checkpoint_path:
        lines.append(f'model_checkpoint_path: "{_escape(ckpt.model_checkpoint_path)}"')
    for p in ckpt.all_model_checkpoint_paths:
        lines.append(f'all_model_checkpoint_paths: "{_escape(p)}"')
    for t in ckpt.all_model_checkpoint_timestamps:
        lines.append(f"all_model_checkpoint_timestamps: {_fmt_float(t)}")
    if ckpt.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {_fmt_float(ckpt.last_preserved_timestamp)}")
    return "".join(line + "\n" for line in lines)


_LINE = re.compile(r'\s*(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|([-+0-9.eEinfINFa-z]+))\s*')


class _ParseError(ValueError):
    pass


def _from_text(text, cls):
    fields = {"model_checkpoint_path": "", "all_model_checkpoint_paths": [],
              "all_model_checkpoint_timestamps": [], "last_preserved_timestamp": 0.0}
    pos = 0
    text = text.strip()
    while pos < len(text):
        if text[pos] == "#":
            nl = text.find("\n", pos)
            pos = len(text) if nl < 0 else nl + 1
            continue
        m = _LINE.match(text, pos)
        if not m or m.end() == pos:
            raise _ParseError(f"cannot parse checkpoint state near {text[pos:pos + 40]!r}")
        key = m.group(1)
        sval = m.group(2) if m.group(2) is not None else m.group(3)
        if key not in fields:
            raise _ParseError(f'Message type "tensorflow.CheckpointState" has no field named "{key}".')
        if key in ("model_checkpoint_path", "all_model_checkpoint_paths"):
            if sval is None:
                raise _ParseError(f"field {key} expects a string")
            sval = _unescape(sval)
            if key == "model_checkpoint_path":
                fields[key] = sval
            else:
                fields[key].append(sval)
        else:
            if m.group(4) is None:
                raise _ParseError(f"field {key} expects a number")
            val = float(m.group(4))
            if key == "last_preserved_timestamp":
                fields[key] = val
            else:
                fields[key].append(val)
        pos = m.end()
    if cls is CheckpointState:
        return CheckpointState(**fields)
    ckpt = cls()
    ckpt.model_checkpoint_path = fields["model_checkpoint_path"]
    ckpt.all_model_checkpoint_paths.extend(fields["all_model_checkpoint_paths"])
    ckpt.all_model_checkpoint_timestamps.extend(fields["all_model_checkpoint_timestamps"])
    if fields["last_preserved_timestamp"]:
        ckpt.last_preserved_timestamp = fields["last_preserved_timestamp"]
    return ckpt


def _state_to_text(ckpt):
    if isinstance(ckpt, CheckpointState):
        return _to_text(ckpt)
    from google.protobuf import text_format
    return text_format.MessageToString(ckpt)


def _state_from_text(text):
    cls = _checkpoint_state_class()
    if cls is CheckpointState:
        return _from_text(text, cls)
    from google.protobuf import text_format
    ckpt = cls()
    try:
        text_format.Merge(text, ckpt)
    except text_format.ParseError as e:
        raise _ParseError(str(e)) from None
    return ckpt


# -- the state file ---------------------------------------------------------------------

def _get_checkpoint_filename(save_dir, latest_filename):
    if latest_filename is None:
        latest_filename = _STATE_FILENAME
    return os.path.join(save_dir, latest_filename)


def _atomic_write(path, text):
    from compat_tf._src.train import checkpoint_commit
    checkpoint_commit.atomic_write_bytes(path, text.encode("utf-8"))


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None, last_preserved_timestamp=None):
    """A CheckpointState; relative paths are made relative to a relative `save_dir` (as TF1)."""
    if all_model_checkpoint_paths is None:
        all_model_checkpoint_paths = []
    all_model_checkpoint_paths = list(all_model_checkpoint_paths)
    if not all_model_checkpoint_paths or all_model_checkpoint_paths[-1] != model_checkpoint_path:
        logging.info("%s is not in all_model_checkpoint_paths. Manually adding it.", model_checkpoint_path)
        all_model_checkpoint_paths.append(model_checkpoint_path)
    if all_model_checkpoint_timestamps and (
            len(all_model_checkpoint_timestamps) != len(all_model_checkpoint_paths)):
        raise ValueError(
            f"Checkpoint timestamps, if provided, must match checkpoint paths (got paths "
            f"{all_model_checkpoint_paths} and timestamps {all_model_checkpoint_timestamps})")
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        for i, p in enumerate(all_model_checkpoint_paths):
            if not os.path.isabs(p):
                all_model_checkpoint_paths[i] = os.path.relpath(p, save_dir)
    cls = _checkpoint_state_class()
    kwargs = dict(model_checkpoint_path=model_checkpoint_path,
                  all_model_checkpoint_paths=all_model_checkpoint_paths)
    if all_model_checkpoint_timestamps:
        kwargs["all_model_checkpoint_timestamps"] = list(all_model_checkpoint_timestamps)
    if last_preserved_timestamp:
        kwargs["last_preserved_timestamp"] = last_preserved_timestamp
    return cls(**kwargs)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """Writes the `checkpoint` state file of `save_dir` (TF1's tf.train.update_checkpoint_state)."""
    update_checkpoint_state_internal(
        save_dir=save_dir, model_checkpoint_path=model_checkpoint_path,
        all_model_checkpoint_paths=all_model_checkpoint_paths, latest_filename=latest_filename,
        save_relative_paths=False, all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp)


def update_checkpoint_state_internal(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                                     latest_filename=None, save_relative_paths=False,
                                     all_model_checkpoint_timestamps=None, last_preserved_timestamp=None):
    coord_checkpoint_filename = _get_checkpoint_filename(save_dir, latest_filename)
    all_model_checkpoint_paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        if os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        all_model_checkpoint_paths = [os.path.relpath(p, save_dir) if os.path.isabs(p) else p
                                      for p in all_model_checkpoint_paths]
    ckpt = generate_checkpoint_state_proto(
        save_dir, model_checkpoint_path, all_model_checkpoint_paths=all_model_checkpoint_paths,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp)
    if coord_checkpoint_filename == ckpt.model_checkpoint_path:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for checkpoint "
                           "state.  Please use a different save path.")
    if save_dir:
        os.makedirs(save_dir, exist_ok=True)
    _atomic_write(coord_checkpoint_filename, _state_to_text(ckpt))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState in `checkpoint_dir`'s state file, or None (no file, unreadable file).

    Relative paths in the file are joined to `checkpoint_dir`. A file without
    `model_checkpoint_path` raises ValueError, as TF1.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = _get_checkpoint_filename(checkpoint_dir, latest_filename)
    if not os.path.isfile(filename):
        return None
    try:
        with open(filename, "rb") as f:
            text = f.read().decode("utf-8")
        ckpt = _state_from_text(text)
    except (OSError, UnicodeDecodeError, _ParseError) as e:
        logging.warning("%s: %s", type(e).__name__, e)
        logging.warning("%s: Checkpoint ignored", filename)
        return None
    if not ckpt.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(ckpt.model_checkpoint_path):
        ckpt.model_checkpoint_path = os.path.join(checkpoint_dir, ckpt.model_checkpoint_path)
    for i, p in enumerate(list(ckpt.all_model_checkpoint_paths)):
        if not os.path.isabs(p):
            ckpt.all_model_checkpoint_paths[i] = os.path.join(checkpoint_dir, p)
    return ckpt


# -- checkpoint prefixes ------------------------------------------------------------------

def _index_file(prefix):
    return prefix + ".index"


def checkpoint_exists(checkpoint_prefix):
    """True when `PREFIX.index` (a V2 checkpoint) or `PREFIX` itself (V1; a glob pattern) exists."""
    return checkpoint_exists_internal(checkpoint_prefix)


def checkpoint_exists_internal(checkpoint_prefix):
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    if isinstance(checkpoint_prefix, bytes):
        checkpoint_prefix = checkpoint_prefix.decode()
    return _matches(_index_file(checkpoint_prefix)) or _matches(checkpoint_prefix)


def _matches(pattern):
    """TF1 matches checkpoint paths as glob patterns; a literal path with glob characters matches too."""
    return os.path.exists(pattern) or bool(glob.glob(pattern))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint named by `checkpoint_dir`'s state file, or None."""
    ckpt = get_checkpoint_state(checkpoint_dir, latest_filename)
    if ckpt and ckpt.model_checkpoint_path:
        path = ckpt.model_checkpoint_path
        if _matches(_index_file(path)) or _matches(path):
            return path
        logging.error("Couldn't match files for checkpoint %s", path)
    return None


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times of the checkpoints that exist among `checkpoint_prefixes`."""
    mtimes = []

    def match_maybe_append(pathname):
        files = [pathname] if os.path.exists(pathname) else glob.glob(pathname)
        if files:
            mtimes.append(os.stat(files[0]).st_mtime)
            return True
        return False

    for prefix in checkpoint_prefixes:
        if match_maybe_append(_index_file(prefix)):
            continue
        match_maybe_append(prefix)
    return mtimes


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta"):
    """`model.ckpt-123` -> `model.ckpt-123.meta` (a sharded `-?????-of-N` suffix is dropped)."""
    basename = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return ".".join([basename, meta_graph_suffix])


def _delete_if_exists(pattern):
    for path in glob.glob(pattern):
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
        except OSError as e:
            logging.warning("Ignoring: %s", e)


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=2, meta_graph_suffix="meta"):
    """Deletes a checkpoint's files: PREFIX.index first (so it stops being a checkpoint before its
    data goes), then PREFIX.data-?????-of-????? and PREFIX.meta. The prefix is a literal path (glob
    characters in it are matched as themselves)."""
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    if checkpoint_format_version == 1:
        _delete_if_exists(glob.escape(checkpoint_prefix))
    else:
        _delete_if_exists(glob.escape(_index_file(checkpoint_prefix)))
        _delete_if_exists(glob.escape(checkpoint_prefix) + ".data-?????-of-?????")
    _delete_if_exists(glob.escape(meta_graph_filename(checkpoint_prefix, meta_graph_suffix)))


__all__ = ["CheckpointState", "checkpoint_exists", "generate_checkpoint_state_proto", "get_checkpoint_mtimes",
           "get_checkpoint_state", "latest_checkpoint", "meta_graph_filename", "remove_checkpoint",
           "update_checkpoint_state"]
