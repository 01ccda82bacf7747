"""tf.raw_ops.<Op> and tensorflow.python.ops.gen_<family>_ops.<op>: TF's generated op wrappers.

Both are made on first use from TF's OpDefs (framework/tf_raw_op_defs) for every op type compat_tf
lowers; both build the op through ops/raw_ops.apply_raw_op (the GraphDef importer's machinery).

- `tf.raw_ops.Add(x=..., y=..., name=None)`: keyword-only, as TF's raw ops (a positional argument
  is TF's TypeError "add only takes keyword args ..."); parameters: the OpDef's inputs, then the
  attrs not inferred from the inputs (TF's Python names: Sum's reduction_indices is `axis`).
- `gen_math_ops.add(x, y, name=None)`: TF's generated signature: inputs positionally in OpDef
  order, then the attrs without a default, then those with one (default None: the OpDef's), name.
  A gen module also has the CamelCase raw ops of its family (gen_math_ops.Add), as TF's do.

TF 1.15's raw ops compat_tf does not lower raise UnimplementedSymbolError naming
tf.raw_ops.X / tensorflow.python.ops.gen_x_ops.name. The gen modules exist for the families of
TF's gen_*_ops modules (their Python wrapper's module in TF); compat_tf's importer finds them
(dropin/importer.py) unless compat_tf has a real module of that name.
"""
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import sys
import types

from compat_tf._src.dropin import missing
from compat_tf._src.framework import tf_raw_op_defs as _defs
from compat_tf._src.ops import raw_ops as _raw

_GEN_PREFIX = "compat_tf._src.ops.gen_"


def _signature(sp, kind):
    params = []
    for p in sp.params:
        default = sp.defaults.get(p, inspect.Parameter.empty)
        params.append(inspect.Parameter(p, kind, default=default))
    params.append(inspect.Parameter("name", kind, default=None))
    return inspect.Signature(params)


def _doc(sp, how):
    ins = ", ".join(a[0] for a in sp.inputs) or "none"
    outs = ", ".join(o[0] for o in sp.outputs) or "none (returns the Operation)"
    positional = _signature(sp, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return (f"{how} of TF op type {sp.op_type} (TF's generated wrapper; compat_tf/_src/ops/raw_ops.py).\n\n"
            f"Inputs: {ins}. Outputs: {outs}.\nSignature: {sp.wrapper}{positional}")


def _call(sp, sig, fn_name, args, kwargs):
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{fn_name}() {e}") from None
    bound.apply_defaults()
    values = dict(bound.arguments)
    name = values.pop("name")
    return _raw.apply_raw_op(sp.op_type, values, name=name)


@functools.lru_cache(maxsize=None)
def raw_op(op_type):
    """The tf.raw_ops function of `op_type` (keyword-only arguments)."""
    sp = _raw.spec(op_type)
    sig = _signature(sp, inspect.Parameter.KEYWORD_ONLY)

    def fn(*args, **kwargs):
        if args:
            keys = list(sp.params) + ["name"]
            raise TypeError(f"{sp.wrapper} only takes keyword args (possible keys: {keys}). Please pass these args "
                            "as kwargs instead.")
        return _call(sp, sig, sp.wrapper, (), kwargs)

    fn.__name__ = fn.__qualname__ = sp.wrapper
    fn.__module__ = "compat_tf.raw_ops"
    fn.__signature__ = sig
    fn.__doc__ = _doc(sp, f"tf.raw_ops.{op_type}")
    return fn


@functools.lru_cache(maxsize=None)
def gen_wrapper(op_type):
    """The gen_<family>_ops function of `op_type` (TF's generated positional signature)."""
    sp = _raw.spec(op_type)
    sig = _signature(sp, inspect.Parameter.POSITIONAL_OR_KEYWORD)

    def fn(*args, **kwargs):
        return _call(sp, sig, sp.wrapper, args, kwargs)

    fn.__name__ = fn.__qualname__ = sp.wrapper
    fn.__module__ = f"tensorflow.python.ops.gen_{sp.family}_ops"
    fn.__signature__ = sig
    fn.__doc__ = _doc(sp, f"gen_{sp.family}_ops.{sp.wrapper}")
    return fn


# -- tf.raw_ops ---------------------------------------------------------------------------------

def raw_ops_getattr(name):
    """`__getattr__` of compat_tf.raw_ops: the raw op, or UnimplementedSymbolError for TF 1.15's
    raw ops compat_tf does not lower (AttributeError for names TF never had)."""
    if name in _defs.OPS:
        return raw_op(name)
    return _raw_ops_missing(name)


_raw_ops_missing = missing.missing_attr_hook("tf.raw_ops")


def raw_ops_dir():
    return sorted(_defs.OPS)


# -- tensorflow.python.ops.gen_<family>_ops ------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _families():
    """{family: ({wrapper name or OpType: op type} lowered, {wrapper name or OpType} not lowered)}."""
    out = {}
    for op_type, row in _defs.OPS.items():
        lowered = out.setdefault(row[0], ({}, set()))[0]
        lowered[row[1]] = lowered[op_type] = op_type
    for fam, names in _defs.UNLOWERED.items():
        unlowered = out.setdefault(fam, ({}, set()))[1]
        for pair in names.split():
            unlowered.update(pair.split(":"))
    return out


def _gen_module_getattr(family):
    lowered, unlowered = _families()[family]
    module_name = f"tensorflow.python.ops.gen_{family}_ops"

    def __getattr__(name):
        op_type = lowered.get(name)
        if op_type is not None:
            return raw_op(op_type) if name == op_type else gen_wrapper(op_type)
        if name in unlowered:
            message = f"{module_name}.{name} is not implemented by compat_tf (TensorFlow 1.15 API)"
            if missing._in_from_import():
                raise missing.UnimplementedImportError(message)
            raise missing.UnimplementedSymbolError(message)
        raise AttributeError(f"module '{module_name}' has no attribute '{name}'")
    return __getattr__


def gen_module(family):
    """The module compat_tf._src.ops.gen_<family>_ops (made once, kept in sys.modules)."""
    name = f"{_GEN_PREFIX}{family}_ops"
    module = sys.modules.get(name)
    if module is None:
        lowered, _ = _families()[family]
        module = types.ModuleType(name, f"tensorflow.python.ops.gen_{family}_ops: TF's generated wrappers of the "
                                        f"{family} ops compat_tf lowers (compat_tf/_src/ops/raw_op_wrappers.py).")
        module.__getattr__ = _gen_module_getattr(family)
        module.__dir__ = lambda: sorted(set(vars(module)) | set(lowered))
        module.__all__ = sorted(k for k in lowered if not k[:1].isupper() and not k.startswith("_"))
        sys.modules[name] = module
        setattr(sys.modules["compat_tf._src.ops"], f"gen_{family}_ops", module)
    return module


class GenOpsLoader(importlib.abc.Loader):
    """Loads compat_tf._src.ops.gen_<family>_ops as gen_module(family)."""

    def create_module(self, spec):
        return gen_module(spec.name[len(_GEN_PREFIX):-len("_ops")])

    def exec_module(self, module):
        pass


_LOADER = GenOpsLoader()


def find_gen_module_spec(fullname):
    """The import spec of a generated gen_<family>_ops module (None when `fullname` is not one, or
    compat_tf has a real module of that name): the hook of dropin/importer's finder."""
    if not (fullname.startswith(_GEN_PREFIX) and fullname.endswith("_ops")):
        return None
    family = fullname[len(_GEN_PREFIX):-len("_ops")]
    if family not in _families():
        return None
    package = sys.modules.get("compat_tf._src.ops")
    if package is not None and importlib.machinery.PathFinder.find_spec(fullname, package.__path__) is not None:
        return None
    return importlib.util.spec_from_loader(fullname, _LOADER)
