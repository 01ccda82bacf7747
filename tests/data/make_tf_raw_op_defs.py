"""Writes compat_tf/_src/framework/tf_raw_op_defs.py from REAL TensorFlow's OpDefs (the oracle venv).

Run: /tmp/tfvenv/bin/python tests/data/make_tf_raw_op_defs.py  (compat_tf's registered op types come
from the shared venv, or COMPAT_TF_PYTHON)

For each op type compat_tf lowers (and the TF op types its GraphDef importer aliases onto one it
lowers: BatchMatMul, FusedBatchNorm, ...) that TF's tf.raw_ops has: the family of its generated
wrapper (tensorflow.python.ops.gen_<family>_ops), the wrapper's snake_case name, its input args,
output args and attrs, as tf.raw_ops.<Op> / gen_<family>_ops.<name> need them
(compat_tf/_src/ops/raw_ops.py). For the raw ops of TF 1.15 compat_tf does not lower: their family
and snake_case name only (they raise UnimplementedSymbolError).

Attrs TF added after 1.15 (make_tf_op_defaults.TF2_ONLY*) are left out of the signatures, as 1.15's
wrappers did not take them. The generator checks that the parameters it derives (inputs in OpDef
order, then the attrs not inferred from inputs: those without a default, then those with one) are
those of TF's own generated wrapper.
"""
import inspect
import os
import subprocess
import sys
import textwrap

import tensorflow as tf
from tensorflow.python.framework import dtypes, op_def_registry

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "compat_tf", "_src", "framework", "tf_raw_op_defs.py")
sys.path.insert(0, HERE)
from make_tf_op_defaults import TF2_ONLY, TF2_ONLY_BY_OP  # noqa: E402

# compat_tf's own op types (a tf.cond / tf.while_loop / tf.py_func built from Python objects) and the
# GraphDef importer's aliases (TF op type -> the registered type that runs it; graph_io._ALIASES)
OWN = {"If", "While", "StatelessIf", "StatelessWhile", "PartitionedCall", "StatefulPartitionedCall",
       "PyFunc", "PyFuncStateless"}
ALIASES = {"BatchMatMul": "BatchMatMulV2", "Variable": "VariableV2", "Snapshot": "Identity",
           "RefIdentity": "Identity", "DebugIdentity": "Identity", "FusedBatchNorm": "FusedBatchNormV3",
           "FusedBatchNormV2": "FusedBatchNormV3"}


def _compat_tf(code):
    venv = os.path.join(ROOT, "..", "..", "main", ".venv", "bin", "python")
    py = os.environ.get("COMPAT_TF_PYTHON", venv if os.path.exists(venv) else sys.executable)
    return subprocess.run([py, "-c", code], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=ROOT)).stdout.split()


def _tf1_raw_op_names():
    with open(os.path.join(ROOT, "compat_tf", "_data", "tf1_symbols.txt")) as f:
        return sorted(s.strip()[len("tf.raw_ops."):] for s in f if s.startswith("tf.raw_ops."))


def _wrappers():
    """{op type: (family, snake_case name, TF's wrapper function)} from TF's gen_*_ops modules."""
    import pkgutil

    import tensorflow.python.ops as ops_pkg
    out = {}
    for m in sorted(pkgutil.iter_modules(ops_pkg.__path__), key=lambda m: m.name):
        if not (m.name.startswith("gen_") and m.name.endswith("_ops")):
            continue
        try:
            mod = __import__("tensorflow.python.ops." + m.name, fromlist=["_"])
        except Exception:      # noqa: BLE001 - a module TF cannot import here (TPU, NCCL)
            continue
        fam = m.name[len("gen_"):-len("_ops")]
        for name, obj in vars(mod).items():
            if name[:1].isupper() and callable(obj) and op_def_registry.get(name) is not None:
                snake = obj.__name__
                fn = getattr(mod, snake, None)
                if fn is not None and name not in out:
                    out[name] = (fam, snake, fn)
    return out


def _dtype(enum):
    return dtypes.as_dtype(enum).name


def _default(attr):
    av = attr.default_value
    kind = av.WhichOneof("value")
    if kind == "type":
        return _dtype(av.type)
    if kind in ("b", "i", "f"):
        return getattr(av, kind)
    if kind == "s":
        return av.s.decode()
    if kind == "shape":
        return None if av.shape.unknown_rank else tuple(d.size for d in av.shape.dim)
    if kind == "list":
        for f in ("i", "f", "b", "s", "type", "shape"):
            vals = list(getattr(av.list, f))
            if vals:
                if f == "s":
                    return tuple(v.decode() for v in vals)
                if f == "type":
                    return tuple(_dtype(v) for v in vals)
                if f == "shape":
                    return tuple(None if s.unknown_rank else tuple(d.size for d in s.dim) for s in vals)
                return tuple(vals)
        return ()
    if kind == "tensor":
        return tf.make_ndarray(av.tensor).tolist()
    raise ValueError(f"attr {attr.name}: default of kind {kind}")


def _entry(op_type, od, fam, snake, type_sets, py_names):
    """py_names: {OpDef arg or attr name: the name TF's Python wrapper gives it (its api_def)}."""
    dropped = TF2_ONLY | TF2_ONLY_BY_OP.get(op_type, set())
    inputs = tuple((py_names.get(a.name, a.name), a.type_attr, a.number_attr, a.type_list_attr,
                    _dtype(a.type) if a.type else "", int(a.is_ref)) for a in od.input_arg)
    outputs = tuple((a.name, a.number_attr, a.type_list_attr) for a in od.output_arg)
    attrs = []
    for a in od.attr:
        if a.name in dropped:
            continue
        allowed = None
        if a.HasField("allowed_values"):
            if a.type in ("type", "list(type)"):
                names = tuple(_dtype(t) for t in a.allowed_values.list.type)
                if names not in type_sets:
                    type_sets.append(names)
                allowed = type_sets.index(names)
            elif a.type in ("string", "list(string)"):
                allowed = tuple(s.decode() for s in a.allowed_values.list.s)
        minimum = a.minimum if a.has_minimum else None
        row = (a.name, a.type, allowed, minimum)
        attrs.append(row + (_default(a),) if a.HasField("default_value") else row)
    renamed = {a[0]: py_names[a[0]] for a in attrs if py_names.get(a[0], a[0]) != a[0]}
    return (fam, snake, inputs, outputs, tuple(attrs), renamed)


def _params(od, op_type):
    """The OpDef names of the wrapper's parameters by TF's python_op_gen rule (name excluded)."""
    dropped = TF2_ONLY | TF2_ONLY_BY_OP.get(op_type, set())
    inferred = {x for a in od.input_arg for x in (a.type_attr, a.number_attr, a.type_list_attr) if x}
    free = [a for a in od.attr if a.name not in inferred and a.name not in dropped]
    return ([a.name for a in od.input_arg] + [a.name for a in free if not a.HasField("default_value")]
            + [a.name for a in free if a.HasField("default_value")])


def main():
    registered = set(_compat_tf("import compat_tf; from compat_tf._src.framework import registry; "
                                "print(' '.join(registry.registered_types()))"))
    wrappers = _wrappers()
    tf1 = _tf1_raw_op_names()
    type_sets, table, unlowered, mismatched = [], {}, {}, []
    for op_type in tf1:
        od = op_def_registry.get(op_type)
        if od is None or op_type not in wrappers:
            continue
        fam, snake, _ = wrappers[op_type]
        lowered = (op_type in registered or ALIASES.get(op_type) in registered) and op_type not in OWN
        if not lowered:
            unlowered.setdefault(fam, []).append(f"{op_type}:{snake}")
            continue
        # TF's Python names (renamed by api_defs: Sum's reduction_indices is `axis`), in the order of
        # the OpDef-derived rule; the raw op's signature is the wrapper's, unwrapped
        theirs = [p for p in inspect.signature(getattr(tf.raw_ops, op_type)).parameters if p != "name"]
        theirs = [p for p in theirs if p not in TF2_ONLY | TF2_ONLY_BY_OP.get(op_type, set())]
        ours = _params(od, op_type)
        if len(theirs) != len(ours) or any(t in ours and ours.index(t) != i for i, t in enumerate(theirs)):
            mismatched.append((op_type, theirs, ours))
            continue
        table[op_type] = _entry(op_type, od, fam, snake, type_sets, dict(zip(ours, theirs)))
    if mismatched:
        raise SystemExit(f"parameter order differs from TF's wrappers: {mismatched}")
    with open(OUT, "w") as f:
        f.write('"""TF OpDefs of the raw ops compat_tf lowers (generated by tests/data/make_tf_raw_op_defs.py\n'
                f"from TensorFlow {tf.__version__}'s op registry and gen_*_ops modules; do not edit).\n\n"
                "OPS: {op type: (family, snake_case wrapper name, inputs, outputs, attrs)}; the wrapper lives in\n"
                "tensorflow.python.ops.gen_<family>_ops. An input is (name, type_attr, number_attr,\n"
                "type_list_attr, fixed dtype name or '', is_ref); an output (name, number_attr, type_list_attr);\n"
                "an attr (name, OpDef type, allowed values, minimum[, default]): allowed values are an index into\n"
                "TYPE_SETS for type attrs, a tuple of strings for string attrs; no 5th item: no default. Attrs TF\n"
                "added after 1.15 are left out.\n"
                "UNLOWERED: {family: 'OpType:wrapper_name ...'}, TF 1.15's raw ops compat_tf does not lower.\n"
                '"""\n\n')
        f.write("TYPE_SETS = (\n" + "".join(f"    {s!r},\n" for s in type_sets) + ")\n\n")
        f.write("OPS = {\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in sorted(table.items())) + "}\n\n")
        f.write("UNLOWERED = {\n" + "".join(f"    {k!r}: (\n" + "".join(f"        {line + ' '!r}\n" for line in
                                                                  textwrap.wrap(" ".join(v), 100)) + "    ),\n"
                                             for k, v in sorted(unlowered.items())) + "}\n")
    print(f"wrote {OUT}: {len(table)} lowered raw ops, {sum(map(len, unlowered.values()))} unlowered, "
          f"{len(type_sets)} type sets; not in TF {tf.__version__}: "
          f"{[t for t in tf1 if op_def_registry.get(t) is None or t not in wrappers][:50]}")


if __name__ == "__main__":
    main()
