"""Statically unrolled loops, rolled back into `lax.scan` when a step is traced.

TF1 programs unroll recurrent nets in Python (`static_rnn`, `legacy_seq2seq.rnn_decoder`, a
`for t in range(T): output, state = cell(x[t], state)` loop): the graph holds T copies of the
cell. Traced as they are, the step's program grows with T, and XLA's compile time with it,
faster than linearly (a 2-layer LSTM over 50 steps: ~100 s of CPU to compile, most of it LLVM
code generation for thousands of near-identical kernels). The copies are the same computation,
so they are evaluated as one `lax.scan` over the copies instead: the program holds the cell
once, compiles in seconds, and `jax.vjp` of the scan (tf.gradients) is itself a scan.

`find(ops, needed)` looks, in a topologically ordered op list, for a run of N >= MIN_REPEATS
consecutive blocks of K ops where block t is block t-1 again: same op types, attrs and input
shapes, position by position, and each input either
  - computed in the same block (at the same position as in the block before),
  - computed in the block before (a loop carry; block 0 takes it from before the run),
  - the same tensor for every block (loop invariant: weights, constants),
  - a different tensor computed before the run for each block (a per-step input: x[t]).
Outputs used after the run (or by the caller, `needed`) become the scan's stacked outputs.
Only pure ops take part (no state, RNG, host ops, run-time checks or control dependencies),
so the rolled evaluation computes exactly what the unrolled one computes. Blocks of reshapes,
slices and the like alone (`_NO_WORK`: the squeezes of a split per-step input) are left unrolled:
their scan would only copy, and each such loop cost the char-RNN's compile ~0.2 s.
"""
import collections
import os

import jax
import jax.numpy as jnp

from compat_tf._src.framework import registry

ENABLED = os.environ.get("COMPAT_TF_REROLL", "1").strip().lower() not in ("0", "false", "off", "no")
MIN_REPEATS = 4
MIN_OPS = 48          # below this an op list is evaluated as it is
MAX_CANDIDATES = 6


class Region:
    """A rolled run: ops[start:start + n * k] is n blocks of k ops (see find)."""

    def __init__(self, start, k, n):
        self.start, self.k, self.n = start, k, n
        self.template = None        # the block the scan body evaluates (block 1's ops)
        self.slots = None           # per template op, per input: ("int", j, vi) / ("carry", j, vi) /
        #                             ("inv", tensor) / ("xs", slot index)
        self.carries = []           # [(j, vi)]: template outputs carried to the next block
        self.carry_init = []        # tensors block 0 takes for them
        self.xs = []                # [[tensor for each block]]
        self.ys = []                # [(j, vi)]: template outputs stacked and handed on

    def end(self):
        return self.start + self.n * self.k


def _code(op, cache):
    opdef = registry.lookup(op.type)
    if (opdef is None or opdef.ctx or opdef.host or opdef.stateful or opdef.ref_inputs or opdef.ref_outputs
            or op._control_inputs or op.type in _EXCLUDED or "_captured_ops" in op._attrs):
        return None
    from compat_tf._src.framework import shape_inference
    from compat_tf._src.runtime import run_checks
    if op.type in run_checks.CHECKED_OP_TYPES:
        return None
    inputs = []
    for t in op._inputs:
        dims = t._shape._dims
        if dims is None:
            return None                               # an input of unknown rank
        inputs.append((t._dtype._type_enum, tuple(d._value for d in dims)))
    try:
        key = (op._type, shape_inference._freeze_attrs(op._attrs), tuple(inputs), len(op._outputs))
        hash(key)
    except TypeError:
        return None
    return cache.setdefault(key, len(cache))


_EXCLUDED = frozenset({"Placeholder", "PlaceholderWithDefault", "VariableV2", "Variable", "VarHandleOp",
                       "Gradients"})


_found = collections.OrderedDict()     # (ops, needed) -> [Region]: a step is traced once per signature


def regions(ops, needed=()):
    """Non-overlapping rollable runs in `ops`, in order (cached per op list)."""
    if not ENABLED:
        return []
    key = (tuple(ops), frozenset(needed))
    hit = _found.get(key)
    if hit is not None:
        _found.move_to_end(key)
        return hit
    out = []
    todo = [(0, len(ops))]
    while todo:
        a, b = todo.pop()
        r = find(ops[a:b], needed, full=ops)
        if r is None:
            continue
        r.start += a
        out.append(r)
        todo.append((a, r.start))
        todo.append((r.end(), b))
    out.sort(key=lambda r: r.start)
    _found[key] = out
    if len(_found) > 64:
        _found.popitem(last=False)
    return out


def find(ops, needed=(), full=None):
    """The largest rollable run of blocks in `ops` (a Region, start relative to `ops`), or None.

    `full`: the whole op list `ops` is a slice of (consumers outside the slice count as after it).
    """
    n_ops = len(ops)
    if n_ops < MIN_OPS:
        return None
    cache = {}
    codes = [_code(op, cache) for op in ops]
    positions = collections.defaultdict(list)
    for i, c in enumerate(codes):
        if c is not None:
            positions[c].append(i)
    periods = collections.Counter()
    for ps in positions.values():
        if len(ps) < MIN_REPEATS:
            continue
        run, prev_gap = 1, None
        for a, b in zip(ps, ps[1:]):
            gap = b - a
            run = run + 1 if gap == prev_gap else 2
            prev_gap = gap
            if run >= MIN_REPEATS:
                periods[gap] += 1
    if not periods:
        return None
    index = {op: i for i, op in enumerate(ops)}
    if full is not None and len(full) != len(ops):
        offset = next(i for i, op in enumerate(full) if op is ops[0])
        after = {op: len(ops) + i for i, op in enumerate(full[offset + len(ops):])}
        before = {op: -1 - i for i, op in enumerate(full[:offset])}
        index = {**before, **after, **index}
    # a block may hold several copies of a smaller pattern (a 2-layer cell: two identical cells
    # with different weights), so multiples of the common gaps are periods too
    ks = set()
    for g, _ in periods.most_common(MAX_CANDIDATES):
        ks.update(g * m for m in range(1, 5) if g * m * MIN_REPEATS <= n_ops)
    candidates = []
    for k in ks:
        for start, n in _periodic_runs(codes, k):
            candidates.append((n * k, start, k, n))
    # most ops covered first; of those, the smallest block (the most iterations)
    for _, start, k, n in sorted(candidates, key=lambda c: (-c[0], c[2], c[1]))[:MAX_CANDIDATES * 3]:
        if all(op.type in _NO_WORK for op in ops[start:start + k]):
            continue
        region = _verify(ops, index, start, k, n, needed)
        if region is not None:
            return region
    return None


# blocks of these ops alone are not rolled: a scan of them is a loop of copies (XLA turns the
# unrolled reshapes into views; the split pieces of a per-step input stay slices)
_NO_WORK = frozenset({"Reshape", "Squeeze", "ExpandDims", "Identity", "Const", "Shape", "StopGradient",
                      "Pack", "Unpack", "Split", "SplitV", "StridedSlice", "Slice", "ConcatV2", "Cast"})


def _periodic_runs(codes, k):
    """(start, blocks) of every maximal stretch where codes[i] == codes[i + k] (>= MIN_REPEATS blocks)."""
    out = []
    n = len(codes)
    i = 0
    while i + k < n:
        if codes[i] is None or codes[i] != codes[i + k]:
            i += 1
            continue
        j = i
        while j + k < n and codes[j] is not None and codes[j] == codes[j + k]:
            j += 1
        blocks = (j - i) // k + 1
        if blocks >= MIN_REPEATS:
            out.append((i, blocks))
        i = j + 1
    return out


def _verify(ops, index, start, k, n, needed):
    """The Region of n blocks of k ops at `start` if its data flow is a loop's, else None."""
    end = start + n * k

    def block(t_op):
        i = index.get(t_op)
        if i is None or i < start:
            return -1                   # computed before the run (or fed, or outside the list)
        if i >= end:
            return n                    # after the run: impossible for an input (topological order)
        return (i - start) // k

    region = Region(start, k, n)
    slots = [[None] * len(ops[start + k + j]._inputs) for j in range(k)]
    carry_init = {}
    xs_slot = {}
    for t in range(1, n):
        for j in range(k):
            op, prev = ops[start + t * k + j], ops[start + (t - 1) * k + j]
            if len(op._inputs) != len(prev._inputs):
                return None
            for q, (x, px) in enumerate(zip(op._inputs, prev._inputs)):
                bx, bpx = block(x.op), block(px.op)
                ix = index.get(x.op)
                if bx == t:
                    kind = ("int", ix - start - t * k, x._value_index)
                    if bpx != t - 1 or index[px.op] != ix - k or px._value_index != x._value_index:
                        return None
                elif bx == t - 1:
                    kind = ("carry", ix - start - (t - 1) * k, x._value_index)
                    if t == 1:
                        if bpx != -1:
                            return None
                        prev_init = carry_init.setdefault(kind[1:], px)
                        if prev_init is not px:
                            return None
                    elif bpx != t - 2 or index[px.op] != ix - k or px._value_index != x._value_index:
                        return None
                elif bx == -1:
                    if bpx != -1:
                        return None
                    if x is px:
                        kind = ("inv", x)
                    else:
                        kind = ("xs", (j, q))
                else:
                    return None
                have = slots[j][q]
                if have is None:
                    slots[j][q] = kind
                elif have[0] != kind[0] or (kind[0] in ("int", "carry") and have != kind) or (
                        kind[0] == "inv" and have[1] is not kind[1]):
                    return None
    # per-step inputs: every block's tensor at that (op, input) position; build-time constants
    # (an axis, a shape) must stay known while the body is traced: equal ones are invariants
    from compat_tf._src.framework import shape_inference
    for j in range(k):
        for q, kind in enumerate(slots[j]):
            if kind is not None and kind[0] == "xs":
                col = [ops[start + t * k + j]._inputs[q] for t in range(n)]
                static = col[0]._dtype.base_dtype.is_integer or col[0]._dtype.base_dtype.is_bool
                consts = [shape_inference.constant_value(x) for x in col] if static else [None]
                if all(c is not None for c in consts):
                    if any(c.shape != consts[0].shape or not (c == consts[0]).all() for c in consts):
                        return None
                    slots[j][q] = ("inv", col[1])
                    continue
                xs_slot[(j, q)] = len(region.xs)
                region.xs.append(col)
                slots[j][q] = ("xs", xs_slot[(j, q)])
    region.template = ops[start + k:start + 2 * k]
    region.slots = slots
    region.carries = sorted(carry_init)
    region.carry_init = [carry_init[c] for c in region.carries]
    # outputs needed after the run: used by a later op of the list, by the caller, or by no op
    # of the list (a fetch); by position in the block
    in_list = set(index)
    needed = set(needed)
    ys = set()
    for t in range(n):
        for j in range(k):
            for vi, out in enumerate(ops[start + t * k + j]._outputs):
                users = [c for c in out._consumers if c in in_list]
                if out in needed or not users or any(index[c] >= end for c in users):
                    ys.add((j, vi))
    region.ys = sorted(ys)
    return region


def evaluate_region(region, ops, env, ctx, evaluate):
    """Evaluates the region's n blocks as one lax.scan, filling `env` as the unrolled ops would."""
    from compat_tf._src.runtime import lowering
    k, n, start = region.k, region.n, region.start
    template = region.template

    def read(t):
        v = env[t]
        return ctx.read(v) if isinstance(v, lowering.VarRef) else v

    init = tuple(jnp.asarray(read(t)) for t in region.carry_init)
    xs = tuple(jnp.stack([jnp.asarray(read(t)) for t in col]) for col in region.xs)
    carry_pos = {c: i for i, c in enumerate(region.carries)}

    def body(carry, x):
        benv = {}
        for j, op in enumerate(template):
            for q, kind in enumerate(region.slots[j]):
                inp = op._inputs[q]
                tag = kind[0]
                if tag == "inv":
                    benv[inp] = read(inp)
                elif tag == "xs":
                    benv[inp] = x[kind[1]]
                elif tag == "carry":
                    benv[inp] = carry[carry_pos[kind[1:]]]
        evaluate(template, benv, ctx, reroll=False)
        new_carry = tuple(jnp.asarray(benv[template[j]._outputs[vi]]) for j, vi in region.carries)
        ys = tuple(jnp.asarray(benv[template[j]._outputs[vi]]) for j, vi in region.ys)
        return new_carry, ys

    _, ys = jax.lax.scan(body, init, xs, length=n)
    from compat_tf._src.framework import shape_inference
    for (j, vi), stacked in zip(region.ys, ys):
        steps = None
        for t in range(n):
            out = ops[start + t * k + j]._outputs[vi]
            # a value known at build time (an axis, a shape) stays known to the ops after the run
            c = shape_inference.constant_value(out) if out._dtype.base_dtype.is_integer else None
            if c is None and steps is None:
                steps = _unstack(stacked)
            env[out] = c if c is not None else steps[t]


def _unstack(stacked):
    """The scan's stacked output as its n steps, by one split: its gradient is one concatenation,
    where n indexings' would be n zero-padded copies of the whole stack summed (O(n^2) traffic)."""
    return [jnp.reshape(p, p.shape[1:]) for p in jax.lax.split(stacked, (1,) * stacked.shape[0], axis=0)]
