"""tf.train.Optimizer: the base class of TF1's optimizers.

Mirrors TF 1.15's optimizer.py: `minimize` = `compute_gradients` +
`apply_gradients`; `compute_gradients` differentiates the loss with respect
to the trainable variables (one `tf.gradients` call, so one vjp) and returns
(gradient, variable) pairs with None for variables the loss does not reach;
`apply_gradients` skips None gradients, runs each variable's update op
(`_apply_dense`) after `_prepare`, then `_finish`, and increments
`global_step` after the updates. Slots are real graph variables named as
TF1 names them (`w/Momentum`, `w/Adam_1`, `beta1_power`), created on first
use (slot_creator.py), so `get_slot`, `tf.global_variables()` and a Saver see
them.

The built-in optimizers' `_apply_dense` adds TF1's update op (`ApplyAdam`, ...)
whose lowering runs the optimizer's optax transform (training_ops.py,
transforms.py); a user subclass that writes `_apply_dense` with tf.assign & co
works as in TF1. All update ops of a step are traced into the one jitted step.

GATE_NONE / GATE_OP / GATE_GRAPH are accepted: the whole step is one XLA
program, which already computes every gradient before any update is applied
(the strongest TF1 gating).

Sparse updates: TF1 gives a variable reached only through tf.gather /
tf.nn.embedding_lookup an IndexedSlices gradient, and its optimizers then
update only the gathered rows. compat_tf's tf.gradients stays dense but marks
such a gradient with the gather indices; the built-in optimizers (Momentum,
Adagrad, Adadelta, RMSProp, Ftrl, the proximal ones) then add TF1's
SparseApply* op, so rows not looked up (and their slots) stay put, as in TF1
(Adam and SGD's sparse updates equal the dense ones).

Deviations: gradients are dense tensors, never IndexedSlices, and a user
subclass's `_apply_sparse` is never called (nor is the sparse update used when
the gradient was edited before apply_gradients);
`colocate_gradients_with_ops` and `use_locking` have no effect (XLA places
ops; a step's updates are atomic).

Eager mode (TF 1.15): `minimize`/`compute_gradients` take a callable loss,
differentiated with a GradientTape (a tensor loss raises RuntimeError), and
`apply_gradients` runs the updates at once and returns None.
"""
import collections.abc

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys, Tensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import gradients_impl
from compat_tf._src.ops import state_ops
from compat_tf._src.ops import variables as _variables
from compat_tf._src.train import slot_creator


class Optimizer:
    """Base class for optimizers (TF1's tf.train.Optimizer)."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}          # slot name -> {variable key: slot Variable}
        self._non_slot_dict = {}  # (name, graph) -> Variable (beta1_power, ...)

    def get_name(self):
        return self._name

    # -- gradients ----------------------------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None, grad_loss=None):
        """compute_gradients then apply_gradients; ValueError when no variable gets a gradient."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients, aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not support "
                f"gradients, between variables {[str(v) for _, v in grads_and_vars]} and loss {loss}.")
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP, aggregation_method=None,
                          colocate_gradients_with_ops=False, grad_loss=None):
        """[(gradient or None, variable)] for the trainable variables (or `var_list`)."""
        if callable(loss):
            return self._compute_gradients_eagerly(loss, var_list, grad_loss)
        if _executing_eagerly():
            raise RuntimeError("`loss` passed to Optimizer.compute_gradients should be a function when eager "
                               "execution is enabled.")
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH):
            raise ValueError(f"gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, "
                             f"Optimizer.GATE_GRAPH. Not {gate_gradients}")
        loss = _constant.convert_to_tensor(loss)
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            self._assert_valid_dtypes([_constant.convert_to_tensor(grad_loss)])
        if var_list is None:
            var_list = (_variables.trainable_variables()
                        + _graph.get_collection(GraphKeys.TRAINABLE_RESOURCE_VARIABLES))
        else:
            var_list = _flatten(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients_impl.gradients(loss, var_list, grad_ys=grad_loss,
                                         aggregation_method=aggregation_method)
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def _compute_gradients_eagerly(self, loss, var_list, grad_loss):
        """TF 1.15's callable-loss branch: the loss is computed under a GradientTape, which watches
        `var_list` (or the trainable variables the loss reads)."""
        from compat_tf._src.eager.tape import GradientTape
        with GradientTape() as tape:
            if var_list is not None:
                var_list = _flatten(var_list)
                tape.watch(var_list)
            loss_value = loss()
        if var_list is None:
            var_list = list(tape.watched_variables())
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = tape.gradient(loss_value, var_list, grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Applies the (gradient, variable) pairs; returns the op that runs all updates.

        None gradients are skipped; the gradients are applied as given (edited,
        clipped, averaged over towers). With `global_step`, the returned op is
        the AssignAdd that increments it after every update, named as the
        optimizer (`"Adam"`); otherwise the NoOp grouping the updates.
        """
        grads_and_vars = tuple(grads_and_vars)  # make sure repeat iteration works
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            if g is not None:
                try:
                    g = _constant.convert_to_tensor(g)
                except (TypeError, ValueError):
                    raise TypeError(f"Gradient must be convertible to a Tensor or IndexedSlices, or None: "
                                    f"{g}") from None
                if not isinstance(g, Tensor):
                    raise TypeError(f"Gradient must be a Tensor, IndexedSlices, or None: {g}")
            if not callable(getattr(v, "_ref", None)):
                raise NotImplementedError(f"Trying to optimize unsupported type {v!r} (compat_tf optimizers "
                                          "update tf.Variable objects)")
            converted.append((g, v))
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError(f"No gradients provided for any variable: {[str(v) for _, v in converted]}.")
        g = _graph.get_default_graph()
        with g.control_dependencies(None):   # TF1's init_scope: keeps the name scope
            self._create_slots(var_list)
        if _executing_eagerly():
            from compat_tf._src.train import object_checkpoint
            if object_checkpoint.has_pending():
                object_checkpoint.restore_pending()     # slots a restored checkpoint holds
        update_ops = []
        with g.name_scope(name or self._name) as scope:
            self._prepare()
            for grad, var in converted:
                if grad is None:
                    continue
                with g.name_scope("update_" + var.op.name):
                    update_ops.append(self._update_op(grad, var))
            if global_step is None:
                apply_updates = self._finish(update_ops, scope)
            else:
                with g.control_dependencies([self._finish(update_ops, "update")]):
                    apply_updates = state_ops.assign_add(global_step, 1, name=scope)
            if isinstance(apply_updates, Tensor):
                apply_updates = apply_updates.op
        if _executing_eagerly():
            return None       # the updates ran (TF 1.15's eager group is None); nothing is collected
        train_ops = g.get_collection_ref(GraphKeys.TRAIN_OP)
        if apply_updates not in train_ops:
            train_ops.append(apply_updates)
        return apply_updates

    def _update_op(self, grad, var):
        """TF1's _RefVariableProcessor.update_op: the dense update, then the variable's constraint."""
        rows = getattr(grad, "_compat_gather_indices", None)
        if (rows and type(self)._apply_dense in _SPARSE_CAPABLE and grad.shape.ndims
                and var.op.type in ("VariableV2", "Variable")):
            update_op = self._apply_rows(grad, var, rows)
        else:
            update_op = self._apply_dense(grad, var)
        if var.constraint is not None:
            g = _graph.get_default_graph()
            with g.control_dependencies([update_op]):
                return var.assign(var.constraint(var))
        return update_op

    def _apply_rows(self, grad, var, rows):
        """TF1's sparse update for a gradient that reaches `var` only through gathers.

        TF1 gives such a variable an IndexedSlices gradient and `_apply_sparse` updates only the
        gathered rows (SparseApplyMomentum, ...). compat_tf's gradient is dense; the built-in
        optimizers run the matching SparseApply* op with the rows' values of the dense gradient
        (which already sums duplicate indices, as TF1's `_apply_sparse_duplicate_indices`).
        """
        from compat_tf._src.ops import array_ops
        from compat_tf._src.ops import math_ops
        from compat_tf._src.train import training_ops
        from compat_tf._src.ops import gather_ops
        idx = [array_ops.reshape(i, [-1]) for i in rows]
        if len({i.dtype.base_dtype for i in idx}) > 1:
            idx = [math_ops.cast(i, _dtypes.int64) for i in idx]
        indices = idx[0] if len(idx) == 1 else array_ops.concat(idx, 0)
        values = gather_ops.gather(grad, indices)
        with training_ops.sparse_rows(indices) as used:
            op = self._apply_dense(values, var)
        if not used():
            raise RuntimeError(f"{type(self).__name__}: the sparse update of {var.op.name} built no "
                               "SparseApply* op")
        return op

    # -- hooks for subclasses -------------------------------------------------------------------
    def _create_slots(self, var_list):
        pass

    def _prepare(self):
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError(f"{type(self).__name__}._apply_dense")

    def _apply_sparse(self, grad, var):
        # compat_tf's tf.gradients gives dense gradients (a gather's gradient included), so this hook
        # is never called; built-in optimizers update gathered rows through _apply_rows instead.
        raise NotImplementedError(f"{type(self).__name__}._apply_sparse")

    def _finish(self, update_ops, name_scope):
        return control_flow_ops.group(*update_ops, name=name_scope)

    def _call_if_callable(self, param):
        return param() if callable(param) else param

    # -- optax ------------------------------------------------------------------------------
    def to_optax(self):
        """This optimizer's TF1 update rule as an optax GradientTransformation (compat_tf extension).

        The same transform the graph's update ops run (transforms.py), built
        from the Python hyperparameters, for carrying a TF1 optimizer's exact
        behaviour into JAX code: `tx.init(params)`, `tx.update(grads, state, params)`.
        """
        raise NotImplementedError(f"{type(self).__name__} has no optax transform (only the built-in "
                                  "tf.train optimizers do)")

    def _number(self, value, what):
        value = self._call_if_callable(value)
        if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
            raise ValueError(f"{type(self).__name__}.to_optax() needs Python numbers; {what} is a tensor "
                             f"({value})")
        return value

    # -- slots -----------------------------------------------------------------------------
    def get_slot_names(self):
        """The names of the slots this optimizer created, sorted ("m", "v" for Adam)."""
        return sorted(self._slots)

    def get_slot(self, var, name):
        """The slot Variable `name` of `var`, or None."""
        named = self._slots.get(name)
        if not named:
            return None
        return named.get(_var_key(var))

    def _slot_dict(self, slot_name):
        return self._slots.setdefault(slot_name, {})

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        """A slot initialised to `val`, named `<var>/<op_name>` (TF1 Optimizer._get_or_make_slot)."""
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = slot_creator.create_slot(var, val, op_name)
        return named[key]

    def _get_or_make_slot_with_initializer(self, var, initializer, shape, dtype, slot_name, op_name):
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = slot_creator.create_slot_with_initializer(var, initializer, shape, dtype, op_name)
        return named[key]

    def _zeros_slot(self, var, slot_name, op_name):
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = slot_creator.create_zeros_slot(var, op_name)
        return named[key]

    def _constant_slot(self, var, value, slot_name, op_name):
        """A slot filled with `value` (TF1 uses constant_initializer / ones_initializer)."""
        return self._get_or_make_slot_with_initializer(var, slot_creator.constant_initializer(value),
                                                       var.get_shape(), var.dtype.base_dtype, slot_name,
                                                       op_name)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """A variable shared by all of this optimizer's variables (Adam's `beta1_power`).

        One per graph; created as under TF1's init_scope (outside control
        dependencies, in the current name scope), so at the root in the usual case.
        """
        g = colocate_with.graph if colocate_with is not None else _graph.get_default_graph()
        key = (name, g)
        v = self._non_slot_dict.get(key)
        if v is None:
            with g.control_dependencies(None):
                v = _variables.Variable(initial_value, name=name, trainable=False)
            self._non_slot_dict[key] = v
        return v

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, graph or _graph.get_default_graph()))

    def _non_slot_variables(self):
        return self._non_slot_dict.values()

    def variables(self):
        """The optimizer's own variables (slots and non-slot variables) in the current graph."""
        g = _graph.get_default_graph()
        out = [v for (n, vg), v in self._non_slot_dict.items() if vg is g]
        for name in sorted(self._slots):
            out.extend(v for v in self._slots[name].values() if v.graph is g)
        return sorted(out, key=lambda v: v.name)

    def _assert_valid_dtypes(self, tensors):
        valid = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)
        for t in tensors:
            dtype = t.dtype.base_dtype
            if dtype not in valid:
                raise ValueError(f"Invalid type {dtype.name} for {t.name}, expected: "
                                 f"{[v.name for v in valid]}.")


# The _apply_dense methods that build one training_ops Apply* op with a sparse variant (filled in by
# the built-in optimizers' modules; a subclass that overrides _apply_dense keeps the dense update).
_SPARSE_CAPABLE = set()


def _flatten(structure):
    # TF1's nest.flatten: also dict views in iteration order (var_list=weights.values())
    if isinstance(structure, (list, tuple, collections.abc.KeysView, collections.abc.ValuesView)):
        return [x for item in structure for x in _flatten(item)]
    if isinstance(structure, dict):
        return [x for k in sorted(structure) for x in _flatten(structure[k])]
    return [structure]


def _executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


def _var_key(var):
    """TF1's key of a variable in the slot tables: (graph, op name); an eager variable's unique id."""
    uid = getattr(var, "_unique_id", None)
    if uid is not None:
        return uid
    return (var.op.graph, var.op.name)
