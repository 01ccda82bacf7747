"""TF1's optimizer update kernels (training_ops: ApplyGradientDescent, ApplyAdam, ...) on optax.

Each op type keeps TF1's name and input signature (`ApplyAdam(var, m, v,
beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad)`), so a graph built
by the Python optimizers and a TF1 GraphDef imported with its train op run
through the same lowering. The lowering is one generic adapter:

    tx = <transform of transforms.py>(hyperparameter inputs, attrs)
    state = tree_set(tx.init(var), **{field: slot value read from ctx})
    updates, state = tx.update(grad, state, var)
    var <- optax.apply_updates(var, updates); slot refs <- tree_get(state, field)

Everything runs inside the step's trace, so a training step, whatever the
number of variables, is one jitted XLA program with no Python at run time.
"""
import dataclasses
from typing import Callable, Mapping, Sequence

import optax
from optax import tree_utils as optax_tree

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import state_ops
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import trace_cache
from compat_tf._src.train import transforms


@dataclasses.dataclass(frozen=True)
class Kernel:
    """How a TF1 Apply* op maps onto an optax transform.

    `inputs`: TF1's input names in order; the first `n_refs` are variable
    references (the parameter, then its slots), written back after the update.
    `grad`: the gradient input's name. `state`: input name -> field of the
    transform's state. `make`: (named input values, attrs) -> GradientTransformation.
    """
    op_type: str
    inputs: Sequence[str]
    n_refs: int
    make: Callable
    state: Mapping[str, str] = dataclasses.field(default_factory=dict)
    grad: str = "grad"


KERNELS = [
    Kernel("ApplyGradientDescent", ("var", "alpha", "delta"), 1, grad="delta",
           make=lambda a, attrs: transforms.tf1_gradient_descent(a["alpha"])),
    Kernel("ApplyMomentum", ("var", "accum", "lr", "grad", "momentum"), 2, state={"accum": "trace"},
           make=lambda a, attrs: transforms.tf1_momentum(a["lr"], a["momentum"],
                                                         attrs.get("use_nesterov", False))),
    Kernel("ApplyAdagrad", ("var", "accum", "lr", "grad"), 2, state={"accum": "sum_of_squares"},
           make=lambda a, attrs: transforms.tf1_adagrad(a["lr"],
                                                        update_slots=attrs.get("update_slots", True))),
    Kernel("ApplyAdadelta", ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad"), 3,
           state={"accum": "e_g", "accum_update": "e_x"},
           make=lambda a, attrs: transforms.tf1_adadelta(a["lr"], a["rho"], a["epsilon"])),
    Kernel("ApplyAdam", ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon",
                         "grad"), 3,
           state={"m": "m", "v": "v", "beta1_power": "beta1_power", "beta2_power": "beta2_power"},
           make=lambda a, attrs: transforms.tf1_adam(a["lr"], a["beta1"], a["beta2"], a["epsilon"],
                                                     attrs.get("use_nesterov", False))),
    Kernel("ApplyRMSProp", ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"), 3,
           state={"ms": "nu", "mom": "trace"},
           make=lambda a, attrs: transforms.tf1_rmsprop(a["lr"], a["rho"], a["momentum"], a["epsilon"])),
    Kernel("ApplyCenteredRMSProp", ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"), 4,
           state={"mg": "mu", "ms": "nu", "mom": "trace"},
           make=lambda a, attrs: transforms.tf1_rmsprop(a["lr"], a["rho"], a["momentum"], a["epsilon"],
                                                        centered=True)),
    Kernel("ApplyFtrl", ("var", "accum", "linear", "grad", "lr", "l1", "l2", "lr_power"), 3,
           state={"accum": "accum", "linear": "linear"},
           make=lambda a, attrs: transforms.tf1_ftrl(a["lr"], a["l1"], a["l2"], a["lr_power"])),
    Kernel("ApplyFtrlV2", ("var", "accum", "linear", "grad", "lr", "l1", "l2", "l2_shrinkage", "lr_power"), 3,
           state={"accum": "accum", "linear": "linear"},
           make=lambda a, attrs: transforms.tf1_ftrl(a["lr"], a["l1"], a["l2"], a["lr_power"],
                                                     l2_shrinkage=a["l2_shrinkage"])),
    Kernel("ApplyProximalGradientDescent", ("var", "alpha", "l1", "l2", "delta"), 1, grad="delta",
           make=lambda a, attrs: transforms.tf1_proximal_gradient_descent(a["alpha"], a["l1"], a["l2"])),
    Kernel("ApplyProximalAdagrad", ("var", "accum", "lr", "l1", "l2", "grad"), 2, state={"accum": "accum"},
           make=lambda a, attrs: transforms.tf1_proximal_adagrad(a["lr"], a["l1"], a["l2"])),
]
KERNELS_BY_TYPE = {k.op_type: k for k in KERNELS}


def _var_shape(op):
    ref = op.inputs[0]
    return [(ref.shape, ref.dtype.base_dtype._as_ref)]


def _make_lowering(kernel):
    def lower(ctx, *values, use_locking=False, **attrs):
        named = dict(zip(kernel.inputs, values))
        dtype = ctx.op.inputs[0].dtype
        # the update itself is pure array code (values in, values out): traced once per signature
        # (runtime/trace_cache.py), so a model's variables of one shape share one trace, and with
        # jax.numpy's nested jits inlined (a fresh process's MLP first run ~8 ms shorter)
        new = trace_cache.cached_call(kernel.op_type, _update_fns[kernel.op_type], [ctx.read(v) for v in values],
                                      {**attrs, "_dtype": dtype}, traced_scalars=True, inline=True)
        for name, value in zip(kernel.inputs[:kernel.n_refs], new):
            ctx.write(named[name], value)
        return named["var"]
    lower.__name__ = "_lower_" + kernel.op_type
    return lower


def _update_fn(kernel):
    """(values of the kernel's inputs, attrs) -> the new values of its references (var, slots)."""
    def update(*values, _dtype, **attrs):
        named = dict(zip(kernel.inputs, values))
        params = named["var"]
        tx = kernel.make(named, attrs)
        state = tx.init(params)
        if kernel.state:
            state = optax_tree.tree_set(state, **{field: named[name] for name, field in kernel.state.items()})
        updates, new_state = tx.update(named[kernel.grad], state, params)
        new = [lowering.cast_to(optax.apply_updates(params, updates), _dtype)]
        for name in kernel.inputs[1:kernel.n_refs]:
            new.append(lowering.cast_to(optax_tree.tree_get(new_state, kernel.state[name]), _dtype))
        return tuple(new)
    return update


_update_fns = {k.op_type: _update_fn(k) for k in KERNELS}
for _k in KERNELS:
    register_op(_k.op_type, shape=_var_shape, ctx=True, stateful=True, ref_inputs=tuple(range(_k.n_refs)),
                ref_outputs=(0,), reads_ref=True, writes_ref=True, differentiable=False)(_make_lowering(_k))


# TF1's SparseApply* kernels: the inputs of the dense kernel with `indices` after the gradient, which
# holds the rows `grad[i]` of `var[indices[i]]`. Only those rows of the variable and its slots change
# (a Momentum accumulator of an embedding row that is not looked up does not decay, ...). The
# lowering runs the dense transform on a scattered gradient and keeps the untouched rows, so shapes
# stay static. Indices are unique when the optimizers build these (TF1 sums duplicates first).
SPARSE_OF = {k.op_type: "Sparse" + k.op_type for k in KERNELS if k.op_type not in ("ApplyAdam",)}


def _sparse_inputs(kernel):
    i = list(kernel.inputs).index(kernel.grad) + 1
    return tuple(kernel.inputs[:i]) + ("indices",) + tuple(kernel.inputs[i:])


def _make_sparse_lowering(kernel):
    import jax.numpy as jnp
    names = _sparse_inputs(kernel)

    def lower(ctx, *values, use_locking=False, **attrs):
        named = dict(zip(names, values))
        dtype = ctx.op.inputs[0].dtype
        params = ctx.read(named["var"])
        idx = jnp.reshape(jnp.asarray(named["indices"]), (-1,))
        rows = jnp.asarray(named[kernel.grad], params.dtype).reshape((idx.shape[0],) + params.shape[1:])
        grad = jnp.zeros_like(params).at[idx].set(rows)
        touched = jnp.zeros(params.shape[:1], bool).at[idx].set(True).reshape(
            params.shape[:1] + (1,) * (params.ndim - 1))
        dense = dict(named, **{kernel.grad: grad})
        tx = kernel.make(dense, attrs)
        state = tx.init(params)
        old = {name: ctx.read(named[name]) for name in kernel.inputs[1:kernel.n_refs]}
        if kernel.state:
            state = optax_tree.tree_set(state, **{kernel.state[name]: v for name, v in old.items()})
        updates, new_state = tx.update(grad, state, params)
        new_params = jnp.where(touched, optax.apply_updates(params, updates), params)
        ctx.write(named["var"], lowering.cast_to(new_params, dtype))
        for name, prev in old.items():
            new = jnp.where(touched, optax_tree.tree_get(new_state, kernel.state[name]), prev)
            ctx.write(named[name], lowering.cast_to(new, dtype))
        return named["var"]
    lower.__name__ = "_lower_Sparse" + kernel.op_type
    return lower


for _k in KERNELS:
    if _k.op_type in SPARSE_OF:
        register_op(SPARSE_OF[_k.op_type], shape=_var_shape, ctx=True, stateful=True,
                    ref_inputs=tuple(range(_k.n_refs)), ref_outputs=(0,), reads_ref=True, writes_ref=True,
                    differentiable=False)(_make_sparse_lowering(_k))


_SPARSE_INDICES = []   # the indices of the sparse update being built (Optimizer._update_op)


class sparse_rows:
    """While active, `apply_op` adds the SparseApply* op for `indices` (grad = the rows' values)."""

    def __init__(self, indices):
        self._indices = indices

    def __enter__(self):
        _SPARSE_INDICES.append(self._indices)
        self._used = False
        return lambda: self._used    # whether apply_op built the sparse op

    def __exit__(self, *exc):
        self._used = _SPARSE_INDICES.pop() is None


def apply_op(op_type, inputs, use_locking=False, name=None, **attrs):
    """Adds a TF1 Apply* op; `inputs` in TF1's order (variables or ref tensors first).

    Returns the op's output: a reference to the updated variable, as TF1's
    gen_training_ops functions return.
    """
    kernel = KERNELS_BY_TYPE[op_type]
    sparse = _SPARSE_INDICES[-1] if _SPARSE_INDICES and op_type in SPARSE_OF else None
    if len(inputs) != len(kernel.inputs):
        raise TypeError(f"{op_type} takes {len(kernel.inputs)} inputs {list(kernel.inputs)}, "
                        f"got {len(inputs)}")
    refs = [state_ops._as_ref(v) for v in inputs[:kernel.n_refs]]
    for r, what in zip(refs, kernel.inputs):
        state_ops._check_ref(r, f"{op_type} input '{what}'")
    dtype = refs[0].dtype.base_dtype
    values = [_constant.convert_to_tensor(v, dtype=dtype) for v in inputs[kernel.n_refs:]]
    for t, what in zip(values, kernel.inputs[kernel.n_refs:]):
        if t.dtype.base_dtype != dtype:
            raise TypeError(f"{op_type} input '{what}' has dtype {t.dtype.base_dtype.name}, expected "
                            f"{dtype.name} (the variable's dtype)")
    attrs = {"use_locking": bool(use_locking), **attrs}
    g = _graph.get_default_graph()
    if sparse is not None:
        _SPARSE_INDICES[-1] = None   # one sparse op per update
        at = list(kernel.inputs).index(kernel.grad) + 1 - kernel.n_refs
        values = values[:at] + [_constant.convert_to_tensor(sparse)] + values[at:]
        op_type = SPARSE_OF[op_type]
    return g.create_op(op_type, refs + values, attrs, name=name or op_type).outputs[0]


def _builder(op_type, fn_name, **defaults):
    kernel = KERNELS_BY_TYPE[op_type]

    def build(*args, use_locking=False, name=None, **kwargs):
        attrs = {k: kwargs.pop(k, v) for k, v in defaults.items()}
        named = dict(zip(kernel.inputs, args))
        named.update(kwargs)
        missing = [n for n in kernel.inputs if n not in named]
        if missing:
            raise TypeError(f"{op_type} is missing inputs {missing}")
        return apply_op(op_type, [named[n] for n in kernel.inputs], use_locking=use_locking, name=name,
                        **attrs)
    build.__name__ = build.__qualname__ = fn_name
    build.__doc__ = f"TF1's training_ops.{build.__name__}: adds an {op_type} op {tuple(kernel.inputs)}."
    return build


# gen_training_ops' builders, with TF1's argument names and order
apply_gradient_descent = _builder("ApplyGradientDescent", "apply_gradient_descent")
apply_momentum = _builder("ApplyMomentum", "apply_momentum", use_nesterov=False)
apply_adagrad = _builder("ApplyAdagrad", "apply_adagrad", update_slots=True)
apply_adadelta = _builder("ApplyAdadelta", "apply_adadelta")
apply_adam = _builder("ApplyAdam", "apply_adam", use_nesterov=False)
apply_rms_prop = _builder("ApplyRMSProp", "apply_rms_prop")
apply_centered_rms_prop = _builder("ApplyCenteredRMSProp", "apply_centered_rms_prop")
apply_ftrl = _builder("ApplyFtrl", "apply_ftrl")
apply_ftrl_v2 = _builder("ApplyFtrlV2", "apply_ftrl_v2")
apply_proximal_gradient_descent = _builder("ApplyProximalGradientDescent", "apply_proximal_gradient_descent")
apply_proximal_adagrad = _builder("ApplyProximalAdagrad", "apply_proximal_adagrad")
