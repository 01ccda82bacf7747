"""Run-time checks hoisted out of a step: checked before it runs, so the step needs no guard.

A check fused into a training step (run_checks.py) makes every variable the step writes
`where(failed, old, new)`, so that a failed step changes nothing. XLA cannot update the
variables in place through that select (it copies the parameters and optimizer slots first):
about 7 % of an MLP Adam step's CPU time. Most checks in training steps read only what the run
is given: the labels of a sparse softmax cross entropy, the ids of an embedding lookup, a fed
divisor. Those checks are made by a separate small program over the run's inputs (the fed
values, the outputs of host segments) before the step is dispatched; a failure raises TF1's
InvalidArgumentError and the step never runs, so it changes no state by construction, and the
step itself is traced without checks: no guard, no check outputs, donated state updated in place.

A segment's checks are hoisted when every checked op at the step's level (run_checks.classify;
those a Gradients op re-runs included) has a `run_checks.Precheck` (how its check reads which inputs, and
what it needs to know statically: e.g. the number of classes, a gathered axis's size), those
inputs are computed from the segment's inputs and constants by stateless ops only, and no
checked op sits in a control-flow body. Otherwise the checks stay fused (run_checks.py).
"""
import numpy as np

from compat_tf._src.framework import registry
from compat_tf._src.runtime import host_checks, lowering, run_checks, tiers

# a longer chain of ops computing a checked input is left in the step
MAX_CLOSURE_OPS = 256


def build(plan, seg):
    """(hoisted, precheck) for device segment `seg` of `plan`: (False, None) when its checks stay
    in the step, (True, None) when it makes none after all (float divisions), else (True, a
    PreCheck to call with the segment's inputs before its step)."""
    checked, in_bodies = run_checks.step_checked_ops(seg.ops)
    if in_bodies or not checked:
        return False, None
    hoisted = []
    for op in checked:
        spec = run_checks.PRECHECKS.get(op.type)
        static = spec.static(op) if spec is not None else None
        if static is None:
            return False, None
        if static is not run_checks.NO_CHECK:
            hoisted.append((op, spec, static))
    if not hoisted:
        return True, None
    leaves = set(seg.inputs)
    ops, used = _closure([op._inputs[i] for op, spec, _ in hoisted for i in spec.inputs],
                         leaves, seg.consts, plan.var_refs)
    if ops is None:
        return False, None
    return True, (PreCheck(seg, ops, hoisted, used) if hoisted else None)


def _closure(targets, leaves, consts, var_refs):
    """The stateless ops computing `targets` from `leaves` and constants, in an order to evaluate
    them, and the leaves they use; (None, None) if some target depends on anything else."""
    order, done, used = [], set(), []
    visiting = set()

    def visit(t):
        if t in consts or t in done:
            return True
        if t in leaves:
            if t not in used:
                used.append(t)
            return True
        if t in var_refs:
            return False
        op = t.op
        if id(op) in visiting:
            return True
        opdef = registry.lookup(op.type)
        if (opdef is None or opdef.stateful or opdef.host or opdef.ctx or opdef.ref_inputs
                or op.type in ("Placeholder", "PlaceholderV2") or op._attrs.get("_captured_inputs")
                or any(isinstance(v, tuple) and host_checks._nested_ops(v) for v in op._attrs.values())
                or len(order) >= MAX_CLOSURE_OPS):
            return False
        visiting.add(id(op))
        ok = all(visit(x) for x in op._inputs)
        if ok:
            order.append(op)
            done.update(op._outputs)
        return ok

    if all(visit(t) for t in targets):
        return order, used
    return None, None


class PreCheck:
    """The hoisted checks of one device segment, run before the segment's step: on the host, by
    NumPy, when the inputs they read are host arrays (fed values: microseconds, no dispatch);
    otherwise a small tiered program over the segment's inputs returning (first failed check,
    payloads)."""

    def __init__(self, seg, ops, hoisted, used):
        self.ops = ops
        self.hoisted = hoisted
        self.used = used
        self.positions = tuple(seg.inputs.index(t) for t in used)
        self.makers = run_checks.MakerTable()
        self.consts = consts = seg.consts

        def checks(*args):
            env = dict(consts)
            env.update(zip(used, args))
            ctx = lowering.LoweringContext({}, np.uint32(0))
            ctx.staging = True
            with run_checks.step_scope(np.uint32(0)) as scope:
                lowering.evaluate(ops, env, ctx, reroll=False)
                for op, spec, static in hoisted:
                    run_checks.set_op(op)
                    spec.check(*[env[op._inputs[i]] for i in spec.inputs], *static)
            code, payload = run_checks.step_outputs(scope.fused, self.makers)
            return code, payload

        poly = {k: tuple(ax for ax, d in enumerate(t.shape.as_list()) if d is None)
                for k, t in enumerate(used) if t.shape.ndims is not None}
        self.fn = tiers.TieredFunction(checks, name="checks", poly=poly)

    def __call__(self, inputs):
        """Raises the first failed check's InvalidArgumentError for the segment's `inputs`."""
        args = [inputs[i] for i in self.positions]
        if all([type(a) is np.ndarray for a in args]):
            self._on_host(args)
            return
        code, payload = self.fn(*args)
        run_checks.raise_if_failed(self.makers, code, payload)

    def _on_host(self, args):
        # the ops computing the checked inputs folded by NumPy (lowering.evaluate on concrete
        # values, interp/fold.py); the checks' NumPy forms (run_checks.array_module) raise at once
        env = dict(self.consts)
        env.update(zip(self.used, args))
        if self.ops:
            lowering.evaluate(self.ops, env, lowering.LoweringContext({}, np.uint32(0)), reroll=False)
        for op, spec, static in self.hoisted:
            run_checks.set_op(op)
            spec.check(*[np.asarray(env[op._inputs[i]]) for i in spec.inputs], *static)
