"""A deterministic fingerprint of an input pipeline, the same in every process that builds it alike.

TF names a snapshot's directory after a hash of the input dataset's graph (its ops, attrs and the
values of its input tensors, op names excluded). compat_tf's datasets are Python objects, so the
fingerprint is a SHA-256 over a canonical walk of the pipeline, when an iterator starts:
- each dataset: its class (module and qualified name) and every attribute, sorted by name;
- arguments (`_Param`s, captured tensors): their values in this iteration (a placeholder's fed
  value, as TF, whose dataset graph holds the fed values), else dtype, shape and producing op type;
- element specs: dtypes and static shapes; options; NumPy arrays by dtype, shape and bytes;
- traced functions (map, filter, flat_map, ...): the traced ops in creation order by type, attrs
  (minus per-process names: py_func tokens, shared names, colocation) and inputs, which are
  positions (an element component, another traced op's output) or values (constants, captures);
- Python callables (a py_func, a from_generator generator): the code object (bytecode, constants,
  names, nested code), default arguments, and the values it closes over where they are immutable
  (numbers, strings, tuples, functions, datasets; a mutable one by its type only);
- other objects of compat_tf's tf.data modules (Options, reducers, ...) by their attributes.
Not covered: the globals a Python function reads and the state of any other object (only its type
is hashed: a graph, a session, a user's class), and variables (by name; TF reads them live as well). Two pipelines that
differ only there get the same fingerprint. Object identities and op names never enter, so the
fingerprint does not depend on what else the program built first.
"""
import hashlib
import types

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import Tensor

_SKIPPED_OP_ATTRS = frozenset({"token", "shared_name", "container", "_class"})
_IMMUTABLE = (bool, int, float, complex, str, bytes, frozenset, np.generic, _dtypes.DType, _ts.TensorShape)


def dataset_fingerprint(dataset, ictx, *extra):
    """The pipeline's fingerprint in iteration `ictx` as a decimal uint64 string (TF's directory
    names are decimal uint64 hashes); `extra` values (e.g. the snapshot's compression) enter too."""
    h = _Hasher(ictx)
    h.feed(dataset)
    for x in extra:
        h.feed(x)
    return str(int.from_bytes(h.digest()[:8], "big"))


class _Hasher:
    def __init__(self, ictx):
        self._h = hashlib.sha256()
        self._env = ictx.env if ictx is not None else {}
        self._seen = {}

    def digest(self):
        return self._h.digest()

    def _put(self, tag, data=b""):
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        self._h.update(tag.encode() + len(data).to_bytes(8, "little") + data)

    def feed(self, x):
        from compat_tf._src.data import dataset_ops, function, structure
        if x is None or isinstance(x, (bool, int, float, complex, str)):
            self._put(type(x).__name__, repr(x))
        elif isinstance(x, (bytes, bytearray)):
            self._put("bytes", bytes(x))
        elif isinstance(x, (np.ndarray, np.generic)):
            self._array(np.asarray(x))
        elif isinstance(x, _dtypes.DType):
            self._put("dtype", x.name)
        elif isinstance(x, _ts.TensorShape):
            self._put("shape", repr(None if x.ndims is None else x.as_list()))
        elif isinstance(x, structure.Spec):
            self._put("spec")
            self.feed(x.dtype)
            self.feed(x.shape)
        elif isinstance(x, dataset_ops._Param):
            self._put("param")
            self.feed(x.tensor if x.tensor is not None else x.value)
        elif isinstance(x, Tensor):
            self._tensor(x)
        elif isinstance(x, (list, tuple)):
            self._put(type(x).__name__, str(len(x)))
            for v in x:
                self.feed(v)
        elif isinstance(x, dict):
            self._put("dict", str(len(x)))
            for k in sorted(x, key=repr):
                self.feed(k)
                self.feed(x[k])
        elif isinstance(x, (set, frozenset)):
            subs = sorted(_sub_digest(self, v) for v in x)
            self._put("set", b"".join(subs))
        elif self._revisit(x):
            return
        elif isinstance(x, function.TracedFunction):
            self._traced_function(x)
        elif isinstance(x, (types.FunctionType, types.MethodType, types.BuiltinFunctionType)) or \
                hasattr(x, "func") and hasattr(x, "keywords"):
            self._callable(x)
        elif type(x).__module__.startswith("compat_tf._src.data.") and hasattr(x, "__dict__"):
            self._object(x)
        else:
            self._put("object", _qualname(type(x)))

    def _revisit(self, x):
        """Objects (datasets, functions) are walked once; a second visit is a back-reference."""
        key = id(x)
        if key in self._seen:
            self._put("ref", str(self._seen[key][0]))
            return True
        self._seen[key] = (len(self._seen), x)      # x kept alive: ids stay unique during the walk
        return False

    def _array(self, a):
        self._put("array", f"{a.dtype.str if a.dtype != object else 'object'}{a.shape}")
        if a.dtype == object:
            for v in a.ravel().tolist():
                self.feed(v if isinstance(v, bytes) else str(v).encode())
        else:
            self._put("data", np.ascontiguousarray(a).tobytes())

    def _tensor(self, t):
        from compat_tf._src.framework import shape_inference
        if t in self._env:
            self._put("tensor-value")
            self.feed(self._env[t])
            return
        v = shape_inference.constant_value(t)
        if v is not None:
            self._put("tensor-const")
            self.feed(np.asarray(v))
            return
        self._put("tensor", f"{t.op.type}:{t.value_index if hasattr(t, 'value_index') else 0}")
        self.feed(t.dtype)
        self.feed(t.shape)

    def _object(self, x):
        self._put("object", _qualname(type(x)))
        for k in sorted(vars(x)):
            self._put("attr", k)
            self.feed(vars(x)[k])

    def _traced_function(self, fn):
        """The traced ops as positions and values, never names (they depend on what was built first)."""
        self._put("traced-function", fn.kind)
        self.feed(fn.input_spec)
        ops = sorted(fn.ops, key=lambda o: o._id)
        position = {op: i for i, op in enumerate(ops)}
        args = {t: i for i, t in enumerate(fn.arg_tensors)}

        def ref(t):
            if t in args:
                self._put("arg", str(args[t]))
            elif t.op in position:
                self._put("out", f"{position[t.op]}:{t.value_index}")
            elif t.op.type in ("VariableV2", "Variable", "VarHandleOp"):
                self._put("variable", t.op.name)
            else:
                self._tensor(t)
        for op in ops:
            self._put("op", op.type)
            for name in sorted(op.attrs):
                if name not in _SKIPPED_OP_ATTRS:
                    self._put("op-attr", name)
                    self.feed(op.attrs[name])
            for t in op._inputs:
                ref(t)
        self._put("fetches", str(len(fn.fetches)))
        for t in fn.fetches:
            ref(t)
        if fn.kind == "dataset":
            self.feed(fn.output_dataset)

    def _callable(self, f):
        if isinstance(f, types.MethodType):
            self._put("method")
            self.feed(f.__func__)
            self.feed(f.__self__)
        elif isinstance(f, types.FunctionType):
            self._put("function")
            self._code(f.__code__)
            self._closure_value(f.__defaults__ or ())
            for k in sorted(f.__kwdefaults__ or {}):
                self._put("kwdefault", k)
                self._closure_value(f.__kwdefaults__[k])
            for cell in f.__closure__ or ():
                try:
                    self._closure_value(cell.cell_contents)
                except ValueError:          # an empty cell
                    self._put("empty-cell")
        elif isinstance(f, types.BuiltinFunctionType):
            self._put("builtin", f"{getattr(f, '__module__', '')}.{f.__qualname__}")
        else:                               # functools.partial
            self._put("partial")
            self.feed(f.func)
            self.feed(f.args)
            self.feed(f.keywords)

    def _closure_value(self, v):
        """A value a function closes over: immutable values and functions by content, anything
        mutable (a list the generator appends to, an object) by its type only, since its content at
        the time of hashing says nothing about the pipeline."""
        from compat_tf._src.data import dataset_ops
        if isinstance(v, tuple):
            self._put("tuple", str(len(v)))
            for x in v:
                self._closure_value(x)
        elif v is None or isinstance(v, _IMMUTABLE + (types.FunctionType, dataset_ops.DatasetV1)):
            self.feed(v)
        else:
            self._put("mutable", _qualname(type(v)))

    def _code(self, co):
        self._put("code", co.co_code)
        self.feed(co.co_names)
        self.feed(co.co_varnames)
        for c in co.co_consts:
            if isinstance(c, types.CodeType):
                self._code(c)
            else:
                self.feed(c)


def _sub_digest(parent, v):
    h = _Hasher(None)
    h._env = parent._env
    h.feed(v)
    return h.digest()


def _qualname(t):
    return f"{t.__module__}.{t.__qualname__}"


__all__ = ["dataset_fingerprint"]
