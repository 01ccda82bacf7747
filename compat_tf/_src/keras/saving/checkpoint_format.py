"""save_weights / load_weights in the TF checkpoint format, with TF 1.15's object-based keys.

Each variable is stored under the path by which TF's object graph reaches it first (breadth
first from the model), plus "/.ATTRIBUTES/VARIABLE_VALUE": a functional or Sequential model's
layers are "layer-<i>" (all layers, InputLayers included) and "layer_with_weights-<j>" (layers
that have weights, tracked first), a layer's weights are named as in add_weight ("kernel",
"bias"), sub-layers and variables assigned as attributes by the attribute name ("cell", lists
as "<attr>/<index>"), the compiled optimizer is "optimizer" (its "iter", "learning_rate", ...),
and optimizer slots are "<variable path>/.OPTIMIZER_SLOT/optimizer/<slot>".
e.g. "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE".

Loading reads checkpoints written by compat_tf or by TensorFlow (tensor bundles) and assigns every
variable whose key is present (as TF's delayed-restore load_weights does); a checkpoint that
matches none of the model's variables raises ValueError.

Deviation: the "_CHECKPOINTABLE_OBJECT_GRAPH" proto is not written, so TensorFlow itself cannot
restore a weights checkpoint written here (compat_tf can, and TF's Saver-style readers can list
the keys).
"""
import collections
import os

from compat_tf._src.keras import backend as K
from compat_tf._src.ops import variables as _variables

_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"


def _children(obj):
    """(name, child) dependencies of a trackable Keras object, in TF's tracking order."""
    from compat_tf._src.keras.engine.base_layer import Layer
    from compat_tf._src.keras.optimizer_v2.optimizer_v2 import OptimizerV2
    out = []
    if isinstance(obj, OptimizerV2):
        seen = set()
        weights = ([obj._iterations] if obj._iterations is not None else []) + \
            [v for v in obj._hyper.values() if isinstance(v, _variables.Variable)] + \
            ([obj._m_cache] if getattr(obj, "_m_cache", None) is not None else [])
        for v in weights:
            if id(v) not in seen:
                seen.add(id(v))
                out.append((v.op.name.rsplit("/", 1)[-1], v))
        return out
    if not isinstance(obj, Layer):
        return out
    if getattr(obj, "_is_graph_network", False):
        j = 0
        for i, layer in enumerate(obj._layers):
            if layer.weights:
                out.append((f"layer_with_weights-{j}", layer))
                j += 1
            out.append((f"layer-{i}", layer))
    for name, v in getattr(obj, "_weight_names", []):
        out.append((name, v))
    for attr, value in obj.__dict__.items():
        if attr.startswith("_") or attr in ("optimizer",):
            continue
        if isinstance(value, (Layer, _variables.Variable)) and value is not obj:
            out.append((attr, value))
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Layer) for v in value):
            out.extend((f"{attr}/{i}", v) for i, v in enumerate(value))
    opt = obj.__dict__.get("optimizer")
    if isinstance(opt, OptimizerV2):
        out.append(("optimizer", opt))
    return out


def variable_keys(model):
    """{checkpoint key: variable} for the model (and its optimizer's slots)."""
    paths = {}
    var_paths = {}
    queue = collections.deque([("", model)])
    seen = {id(model)}
    optimizer, optimizer_path = None, None
    while queue:
        path, obj = queue.popleft()
        if isinstance(obj, _variables.Variable):
            if id(obj) not in var_paths:
                var_paths[id(obj)] = path
                paths[path + _SUFFIX] = obj
            continue
        from compat_tf._src.keras.optimizer_v2.optimizer_v2 import OptimizerV2
        if isinstance(obj, OptimizerV2) and optimizer is None:
            optimizer, optimizer_path = obj, path
        for name, child in _children(obj):
            if id(child) in seen:
                continue
            seen.add(id(child))
            queue.append(((path + "/" if path else "") + name, child))
    if optimizer is not None:
        from compat_tf._src.keras.optimizer_v2.optimizer_v2 import _var_key
        by_key = {}
        for v in model.weights:
            by_key.setdefault(_var_key(v), v)
        for var_key, slots in optimizer._slots.items():
            var = by_key.get(var_key)
            if var is None or id(var) not in var_paths:
                continue
            for slot_name, slot in slots.items():
                paths[f"{var_paths[id(var)]}/.OPTIMIZER_SLOT/{optimizer_path}/{slot_name}{_SUFFIX}"] = slot
    return paths


def save(model, prefix):
    from compat_tf._src.train import checkpoint_io, checkpoint_management
    keys = variable_keys(model)
    names = list(keys)
    values = K.batch_get_value([keys[n] for n in names])
    checkpoint_io.write_checkpoint(prefix, dict(zip(names, values)))
    directory = os.path.dirname(os.path.abspath(prefix))
    checkpoint_management.update_checkpoint_state(directory, prefix)


def load(model, prefix):
    from compat_tf._src.train import checkpoint_io, checkpoint_management
    if os.path.isdir(prefix):
        found = checkpoint_management.latest_checkpoint(prefix)
        if found is None:
            raise ValueError(f"No checkpoint found in {prefix}")
        prefix = found
    reader = checkpoint_io.NewCheckpointReader(prefix)
    keys = variable_keys(model)
    tuples = []
    for key, var in keys.items():
        if reader.has_tensor(key):
            value = reader.get_tensor(key)
            expected = tuple(var.get_shape().as_list())
            if tuple(value.shape) != expected:
                raise ValueError(f"Shape mismatch for {key}: the checkpoint has {tuple(value.shape)}, the model's "
                                 f"variable {var.name} is {expected}")
            tuples.append((var, value))
    if not tuples:
        raise ValueError(f"The checkpoint {prefix} has none of this model's variables (expected keys like "
                         f"{sorted(keys)[:3]})")
    K.batch_set_value(tuples)
