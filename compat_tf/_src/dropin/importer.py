"""`compat_tf.install()`: make `import tensorflow ...` import compat_tf's modules.

A meta-path finder answers every `tensorflow` / `tensorflow.*` import with
the compat_tf module that plays its part, so `tensorflow`,
`tensorflow.compat.v1` and `compat_tf` are one module object, and
`tensorflow.nn` is `compat_tf.nn`. Paths TF1 tutorials import from
TensorFlow's internals (`tensorflow.python.framework.ops`, ...) map onto the
private modules that implement the same things. A path with no counterpart
raises ModuleNotFoundError naming the TF1 module and what compat_tf offers.
"""
import importlib
import importlib.abc
import importlib.util
import sys

# tensorflow.<prefix> -> compat_tf module path (longest prefix wins)
_PREFIXES = {
    "": "compat_tf",
    "compat": "compat_tf.compat",
    "compat.v1": "compat_tf",
    "compat.v1.compat": "compat_tf.compat",
    "python.ops": "compat_tf._src.ops",
    "python.framework": "compat_tf._src.framework",
    "python.training": "compat_tf._src.train",
    "python.client.session": "compat_tf._src.runtime.session",
    "python.client.timeline": "compat_tf._src.runtime.timeline",
    "python.client": "compat_tf._src.runtime",
    "python.platform.gfile": "compat_tf.gfile",
    "python.platform.tf_logging": "compat_tf.logging",
    "python.platform.flags": "compat_tf.flags",
    "python.platform.app": "compat_tf.app",
    "python.platform": "compat_tf._src.platform",
    "python": "compat_tf",
    "core": "compat_tf._src.protos",             # tensorflow.core.framework.graph_pb2, ...
    "core.framework": "compat_tf._src.protos",
    "core.protobuf": "compat_tf._src.protos",
    "core.example": "compat_tf._src.protos",
}

# tensorflow.python.* module names that are spelled differently here
_RENAMES = {
    "compat_tf._src.ops.variables": "compat_tf._src.ops.variables",
    "compat_tf._src.framework.ops": "compat_tf._src.framework.graph",
    "compat_tf._src.framework.constant_op": "compat_tf._src.ops.constant",
    "compat_tf._src.framework.errors_impl": "compat_tf._src.framework.errors",
    "compat_tf._src.ops.gradients": "compat_tf._src.ops.gradients_impl",
    "compat_tf._src.ops.nn": "compat_tf.nn",
    "compat_tf._src.ops.init_ops": "compat_tf._src.ops.init_ops",
    "compat_tf._src.ops.losses": "compat_tf.losses",
    "compat_tf._src.train.training": "compat_tf.train",
    "compat_tf._src.train.checkpoint_state_pb2": "compat_tf._src.protos.checkpoint_state_pb2",
    # a callable module: importing it sets tf.saved_model.simple_save to it (see the module)
    "compat_tf.saved_model.simple_save": "compat_tf._src.saved_model.simple_save",
}


def target_module_name(tf_name):
    """The compat_tf module name for a `tensorflow...` module name, or None if it is not tensorflow."""
    if tf_name != "tensorflow" and not tf_name.startswith("tensorflow."):
        return None
    rest = tf_name[len("tensorflow."):] if tf_name != "tensorflow" else ""
    best = ""
    for prefix in _PREFIXES:
        if prefix and (rest == prefix or rest.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    base = _PREFIXES[best]
    tail = rest[len(best):].lstrip(".")
    name = base + ("." + tail if tail else "")
    return _RENAMES.get(name, name)


class _TensorFlowAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `tensorflow...` and loads the compat_tf module object itself (no copies)."""

    def __init__(self):
        self._specs = {}

    def find_spec(self, fullname, path, target=None):
        target_name = target_module_name(fullname)
        if target_name is None:
            # `from tensorflow.python.ops import gen_nn_ops` imports compat_tf._src.ops.gen_nn_ops:
            # TF's generated wrappers, made from its OpDefs (ops/raw_op_wrappers)
            if fullname.startswith("compat_tf._src.ops.gen_"):
                from compat_tf._src.ops import raw_op_wrappers
                return raw_op_wrappers.find_gen_module_spec(fullname)
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        target_name = target_module_name(spec.name)
        try:
            module = importlib.import_module(target_name)
            # the import system will overwrite __spec__ with the alias's; exec_module restores it
            self._specs[spec.name] = module.__spec__
            return module
        except ModuleNotFoundError as e:
            if e.name is not None and not target_name.startswith(e.name):
                raise
            parent, _, attr = spec.name.rpartition(".")
            obj = getattr(sys.modules.get(parent), attr, None) if parent in sys.modules else None
            if obj is not None and type(obj) is type(sys):
                return obj
            if spec.name.startswith("tensorflow.contrib."):
                raise ModuleNotFoundError(
                    f"No module named '{spec.name}': tf.{spec.name[len('tensorflow.'):]} is not implemented by "
                    "compat_tf (TensorFlow 1.15 API)", name=spec.name) from None
            raise ModuleNotFoundError(
                f"No module named '{spec.name}': compat_tf has no counterpart of this TensorFlow module "
                f"(looked for '{target_name}'). Import its names from `tensorflow` (compat_tf) instead, or "
                "see `python -m compat_tf coverage`.", name=spec.name) from None

    def exec_module(self, module):
        original = self._specs.pop(module.__spec__.name, None) if module.__spec__ else None
        if original is not None:
            module.__spec__ = original


_FINDER = _TensorFlowAlias()


def install():
    """Binds `tensorflow` (and every `tensorflow.*` path) to compat_tf. Idempotent."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    import compat_tf
    _bind_renamed_submodules()
    for name in [n for n in sys.modules if n == "tensorflow" or n.startswith("tensorflow.")]:
        target = target_module_name(name)
        if sys.modules[name] is not sys.modules.get(target):
            del sys.modules[name]
    sys.modules.setdefault("tensorflow", compat_tf)
    return compat_tf


def _bind_renamed_submodules():
    """`from tensorflow.python.framework import ops` looks up `ops` on the real parent module
    (compat_tf._src.framework): give parents an attribute for each renamed child."""
    for virtual, real in _RENAMES.items():
        if virtual == real:
            continue
        parent_name, _, leaf = virtual.rpartition(".")
        try:
            parent = importlib.import_module(parent_name)
            if not hasattr(parent, leaf):
                setattr(parent, leaf, importlib.import_module(real))
        except ImportError:
            continue


def uninstall():
    """Removes the binding (modules already imported stay imported)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if n == "tensorflow" or n.startswith("tensorflow.")]:
        del sys.modules[name]


def installed():
    return _FINDER in sys.meta_path
