"""Importing TF's own control flow: GraphDefs written by real TensorFlow.

tf.import_graph_def calls `rewrite(graph_def)` first. It turns TF's control-flow encodings into
compat_tf's own owner ops -- "If" (lax.cond) and "While" (lax.while_loop) over owned sub-graphs --
written as the `_compat_tf_*` attrs graph_io already imports (see graph_io's module doc), so the
import itself, its checks and its rollback stay graph_io's. The rewrite is a pure GraphDef -> GraphDef
function: when it raises, nothing was added to the graph.

TF1 control flow (Switch/Merge, Enter/Exit/NextIteration/LoopCond, their Ref variants):

- Every tensor gets a control-flow context, a stack of frames, by propagating through the graph
  (the NextIteration -> Merge back edges are left out): a cond Switch pushes ("C", pred, branch) on its
  outputs (the predicate is followed through Identity, so a cond's pivot Switch(p, p) and its
  Switch(x, pred_id) agree), a cond Merge pops it; Enter pushes ("L", frame_name), Exit pops it.
- A cond is a connected group of nodes inside one (outer context, predicate) level with its Switches
  and Merges (conds on the same predicate that do not touch stay separate, so one may feed the
  other). It becomes an If: its branch nodes are owned by the If, the Switch outputs they read
  become the Switch's data input (an external of the If), and each Merge becomes an Identity of the
  If's output, keeping its name. Merge's value_index output is not supported.
- A loop is a frame: its loop variables are the Merges (Enter -> Merge <- NextIteration), the
  condition is what the frame computes before its Switches (ending in LoopCond), the body what it
  computes from the Switches' true outputs (ending in NextIteration); invariant Enters
  (is_constant) become externals. It becomes a While: each Merge becomes the condition's loop
  variable (a _LoopVar, keeping the Merge's name), each Switch the body's, each Exit an Identity of
  the While's output. A body node that reads a condition node (other than through a Switch) raises
  NotImplementedError naming both.
- Nesting (conds in conds, conds and loops in loops) is rebuilt innermost first.

TF2 functional control flow over graph_def.library: If/StatelessIf and While/StatelessWhile become
compat_tf's If/While with the function bodies as owned nodes (named `<op>/then/...`,
`<op>/else/...`, `<op>/cond/...`, `<op>/body/...`); PartitionedCall/StatefulPartitionedCall are
inlined (an IdentityN named like the call gives its outputs).

TF1 TensorArrays (TensorArrayV3 and its Read/Write/Scatter/Gather/Size/Concat/Split/Close ops, as
tf.nn.dynamic_rnn writes them) are registered here with compat_tf's TensorArray model: the `flow`
carries the whole `[size] + element_shape` buffer, the handle is a dummy. The element shape must be
fully defined (as in the GraphDef's attr) and `dynamic_size` False.

Deviations: both branches of an imported cond must give the same shape at run time (lax.cond);
loop variables keep their shapes across iterations (lax.while_loop); ops that write variables
inside a branch or loop body raise NotImplementedError (frozen graphs have none).
"""
import json
import posixpath

import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import registry
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.protos import graph_pb2, node_def_pb2

_SWITCH = frozenset(["Switch", "RefSwitch"])
_MERGE = frozenset(["Merge", "RefMerge"])
_ENTER = frozenset(["Enter", "RefEnter"])
_EXIT = frozenset(["Exit", "RefExit"])
_NEXT = frozenset(["NextIteration", "RefNextIteration"])
_V1 = _SWITCH | _MERGE | _ENTER | _EXIT | _NEXT | {"LoopCond"}
_FN_IF = frozenset(["If", "StatelessIf"])
_FN_WHILE = frozenset(["While", "StatelessWhile"])
_FN_CALL = frozenset(["PartitionedCall", "StatefulPartitionedCall"])
_PASS = frozenset(["Identity", "Snapshot", "RefIdentity"])
_VAR_TYPES = frozenset(["VariableV2", "Variable", "TemporaryVariable", "VarHandleOp"])
_MARK = "_compat_tf_tf_import"
_OWNER = "_compat_tf__owner"


def _err(name, op, msg, cls=NotImplementedError):
    return cls(f"Node '{name}' (op type {op!r}) in the imported GraphDef: {msg}")


def _parse(s):
    if s.startswith("^"):
        return s[1:], -1
    name, sep, idx = s.rpartition(":")
    if sep and idx.isdigit():
        return name, int(idx)
    return s, 0


def _tname(key):
    return key[0] if key[1] == 0 else f"{key[0]}:{key[1]}"


def needs_rewrite(graph_def):
    for n in graph_def.node:
        if n.op in _V1 or n.op in _FN_CALL:
            return True
        if (n.op in _FN_IF and "then_branch" in n.attr) or (n.op in _FN_WHILE and "body" in n.attr):
            return True
    return False


def rewrite(graph_def):
    """TF's control flow in `graph_def` -> compat_tf's If/While encoding (a new GraphDef), or
    `graph_def` itself when it has none. Raises NotImplementedError / ValueError naming the node.

    The rebuilding assumes frames as TF writes them (each Enter with its Exit, a Merge per Switch,
    function bodies that refer to their own args); a GraphDef that breaks those assumptions in a
    way no explicit check names raises ValueError (TF1's importer error) with the inconsistency.
    """
    _check_tensor_arrays(graph_def)
    if not needs_rewrite(graph_def):
        return graph_def
    try:
        r = _Rewriter(graph_def)
        r.run_v1()
        r.run_functions()
        return r.finish()
    except (KeyError, IndexError, AttributeError, TypeError, RecursionError) as e:
        raise ValueError(f"The imported GraphDef's control flow (Switch/Merge/Enter/Exit frames, or If/While "
                         f"functions) is malformed; compat_tf cannot rebuild it: {type(e).__name__}: {e}") from e


def _check_tensor_arrays(graph_def):
    for n in graph_def.node:
        if n.op != "TensorArrayV3":
            continue
        if n.attr["dynamic_size"].b:
            raise _err(n.name, n.op, "a TensorArray with dynamic_size=True is not supported by compat_tf (XLA "
                                     "needs a fixed size)")
        es = n.attr["element_shape"].shape if "element_shape" in n.attr else None
        if es is None or es.unknown_rank or any(d.size < 0 for d in es.dim):
            raise _err(n.name, n.op, "a TensorArray whose element_shape is not fully defined; compat_tf "
                                     "imports TensorArrays of a known element shape only (give the graph's "
                                     "inputs static shapes)")


# ----------------------------------------------------------------------------------------------
# the rewriter's state: nodes by name, aliases of removed tensors, owner constructs
# ----------------------------------------------------------------------------------------------

class _Construct:
    def __init__(self, kind, name, lists):
        self.kind, self.name, self.lists = kind, name, lists
        self.refs = {}          # private attr -> encoded value with tensor names still to resolve


class _Rewriter:
    def __init__(self, graph_def):
        self.gd = graph_def
        self.nodes = {}
        self.order = []
        for n in graph_def.node:
            c = node_def_pb2.NodeDef()
            c.CopyFrom(n)
            if n.name in self.nodes:
                raise ValueError(f"Node '{n.name}' is not unique in the imported GraphDef")
            self.nodes[n.name] = c
            self.order.append(n.name)
        self.used_names = set(self.nodes)
        self.alias = {}         # (name, idx) -> tensor string (a removed node's output)
        self.removed = set()
        self.owner = {}         # node name -> (owner name, function index)
        self.constructs = {}    # owner name -> _Construct
        self.functions = {f.signature.name: f for f in graph_def.library.function}
        self._init_refs = {}    # _LoopVar name -> its loop's initial value (a tensor string)

    # -- helpers ---------------------------------------------------------------------------
    def unique(self, base):
        name, i = base, 0
        while name in self.used_names:
            i += 1
            name = f"{base}_{i}"
        self.used_names.add(name)
        return name

    def resolve(self, s):
        """A tensor string through the alias map (removed Switch/Enter outputs -> their data)."""
        seen = 0
        key = _parse(s)
        while key in self.alias:
            key = _parse(self.alias[key])
            seen += 1
            if seen > 10000:
                raise ValueError(f"alias cycle at {s}")
        return _tname(key)

    def add_node(self, nd):
        self.nodes[nd.name] = nd
        self.used_names.add(nd.name)
        self.order.append(nd.name)

    def remove(self, name):
        self.removed.add(name)
        self.nodes.pop(name, None)

    def set_owner(self, name, owner, index):
        self.owner[name] = (owner, index)

    # -- TF1 control flow ----------------------------------------------------------------
    def run_v1(self):
        nodes = self.nodes
        if not any(n.op in _V1 for n in nodes.values()):
            return
        self._contexts()
        self._constructs()
        for key in sorted(self.cinfo, key=lambda k: -self.cinfo[k]["level"]):
            info = self.cinfo[key]
            if info["kind"] == "C":
                self._build_cond(key, info)
            else:
                self._build_loop(key, info)

    def _canon_pred(self, s):
        key = _parse(s)
        while True:
            n = self.nodes.get(key[0])
            if n is None or n.op not in _PASS or key[1] != 0 or not n.input:
                return key
            key = _parse(n.input[0])

    def _topo(self, names, deps):
        order, state = [], {}
        for root in names:
            if root in state:
                continue
            stack = [(root, False)]
            while stack:
                n, done = stack.pop()
                if done:
                    state[n] = 2
                    order.append(n)
                    continue
                if state.get(n):
                    continue
                state[n] = 1
                stack.append((n, True))
                for d in deps(n):
                    s = state.get(d)
                    if s == 1:
                        nd = self.nodes[n]
                        raise _err(n, nd.op, f"the GraphDef has a cycle through node '{d}' that is not a "
                                             "TF1 while loop (Merge <- NextIteration)", ValueError)
                    if s is None:
                        stack.append((d, False))
        return order

    def _contexts(self):
        """ctx of every tensor (per output for Switch) and the context each node lives in."""
        nodes = self.nodes

        def deps(name):
            n = nodes[name]
            out = []
            for inp in n.input:
                src, _ = _parse(inp)
                if src not in nodes:
                    continue
                if n.op in _MERGE and nodes[src].op in _NEXT:
                    continue            # the loop's back edge
                out.append(src)
            return out

        order = self._topo(list(self.order), deps)
        tctx = {}           # (name, idx) -> ctx ; idx -1: the node as a control input
        inside = {}         # name -> the context the node lives in
        self.loopcond_frame = {}
        self.switch_kind = {}

        def merge_ctx(name, ctxs):
            best = ()
            for c in ctxs:
                if len(c) > len(best):
                    best = c
            for c in ctxs:
                if best[:len(c)] != c:
                    n = nodes[name]
                    raise _err(name, n.op, "its inputs come from different control-flow contexts (branches "
                                           f"or loops): {_show(c)} and {_show(best)}", ValueError)
            return best

        def in_ctx(name, inp):
            src, idx = _parse(inp)
            if src not in nodes:
                return ()
            if idx < 0:
                return tctx.get((src, -1), ())
            return tctx.get((src, idx), tctx.get((src, 0), ()))

        for name in order:
            n = nodes[name]
            op = n.op
            data = [i for i in n.input if not i.startswith("^")]
            if op in _MERGE:
                ins = []
                for i in n.input:
                    src, _ = _parse(i)
                    if src in nodes and nodes[src].op in _NEXT:
                        continue
                    ins.append(in_ctx(name, i))
                is_loop = any(_parse(i)[0] in nodes and nodes[_parse(i)[0]].op in (_NEXT | _ENTER)
                              for i in data)
                if is_loop:
                    c = merge_ctx(name, ins)
                    if not c or c[-1][0] != "L":
                        raise _err(name, op, "a loop Merge whose input is not inside a while frame", ValueError)
                    inside[name] = c
                    tctx[(name, 0)] = tctx[(name, 1)] = tctx[(name, -1)] = c
                    self.switch_kind[name] = "loop-merge"
                    continue
                dins = [in_ctx(name, i) for i in data]
                if not dins or any(not c or c[-1][0] != "C" for c in dins):
                    raise _err(name, op, "a Merge that joins tensors not coming from the branches of one "
                                         "cond (Switch outputs): cannot rebuild the cond", NotImplementedError)
                base = dins[0][:-1]
                pred = dins[0][-1][1]
                if any(c[:-1] != base or c[-1][1] != pred for c in dins):
                    raise _err(name, op, "a Merge whose inputs come from different conds or nesting levels",
                               NotImplementedError)
                branches = sorted(c[-1][2] for c in dins)
                if branches != [0, 1]:
                    raise _err(name, op, f"a Merge of {len(dins)} inputs from branches {branches}: compat_tf "
                                         "rebuilds two-way conds (one input per branch)", NotImplementedError)
                ctrl = [in_ctx(name, i) for i in n.input if i.startswith("^")]
                c = merge_ctx(name, [base] + ctrl)
                inside[name] = c
                tctx[(name, 0)] = tctx[(name, 1)] = tctx[(name, -1)] = c
                self.switch_kind[name] = "cond-merge"
                continue
            c = merge_ctx(name, [in_ctx(name, i) for i in n.input])
            if op in _SWITCH:
                if len(data) != 2:
                    raise _err(name, op, "a Switch needs 2 inputs", ValueError)
                pk = self._canon_pred(data[1])
                pn = nodes.get(pk[0])
                inside[name] = c
                if pn is not None and pn.op == "LoopCond":
                    tctx[(name, 0)] = tctx[(name, 1)] = tctx[(name, -1)] = c
                    self.switch_kind[name] = "loop-switch"
                else:
                    tctx[(name, -1)] = c
                    tctx[(name, 0)] = c + (("C", pk, 0),)
                    tctx[(name, 1)] = c + (("C", pk, 1),)
                    self.switch_kind[name] = "cond-switch"
                continue
            if op in _ENTER:
                frame = n.attr["frame_name"].s.decode()
                inside[name] = c
                out = c + (("L", frame),)
                tctx[(name, 0)] = tctx[(name, -1)] = out
                continue
            if op in _EXIT:
                if not c or c[-1][0] != "L":
                    raise _err(name, op, "an Exit outside a while frame", ValueError)
                out = c[:-1]
                inside[name] = out
                tctx[(name, 0)] = tctx[(name, -1)] = out
                continue
            inside[name] = c
            tctx[(name, 0)] = tctx[(name, -1)] = c
            if op == "LoopCond":
                if not c or c[-1][0] != "L":
                    raise _err(name, op, "a LoopCond outside a while frame", ValueError)
                self.loopcond_frame[name] = c[-1][1]
        self.tctx, self.inside, self.topo_order = tctx, inside, order

    def _tc(self, key):
        """The context of tensor `key` (an op's outputs share one, except a cond Switch's)."""
        c = self.tctx.get(key)
        return c if c is not None else self.tctx.get((key[0], 0), ())

    def _constructs(self):
        """Union-find of the cond groups at each level; each node's construct path."""
        nodes, inside = self.nodes, self.inside
        parent = {}

        def find(x):
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x

        def union(a, b):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb

        for name in self.topo_order:
            n = nodes[name]
            is_cmerge = self.switch_kind.get(name) == "cond-merge"
            for inp in n.input:
                src, idx = _parse(inp)
                if src not in nodes:
                    continue
                if n.op in _MERGE and nodes[src].op in _NEXT:
                    continue
                tc = self._tc((src, idx))
                nc = tc if (is_cmerge and idx >= 0) else inside[name]
                for d in range(min(len(tc), len(nc))):
                    a, b = tc[d], nc[d]
                    if a[0] == b[0] == "C" and a[1] == b[1]:
                        union((d, src), (d, name))
                    if a != b:
                        break
        self.find = find

        def path_of(ctx, name):
            out = []
            for d, f in enumerate(ctx):
                out.append(("L", f[1]) if f[0] == "L" else ("C", d, find((d, name))))
            return tuple(out)

        self.path = {}
        cinfo = {}
        for name in self.topo_order:
            self.path[name] = path_of(inside[name], name)
        for name in self.topo_order:
            n = nodes[name]
            kind = self.switch_kind.get(name)
            if kind == "cond-switch":
                d = len(inside[name])
                key = ("C", d, find((d, name)))
                pred = self.tctx[(name, 1)][-1][1]
                info = cinfo.setdefault(key, {"kind": "C", "level": d, "ctx": inside[name], "switches": [],
                                              "merges": [], "pred": pred})
                info["switches"].append(name)
            elif kind == "cond-merge":
                d = len(inside[name])
                key = ("C", d, find((d, name)))
                info = cinfo.setdefault(key, {"kind": "C", "level": d, "ctx": inside[name], "switches": [],
                                              "merges": [], "pred": self._tc(_parse(
                                                  [i for i in n.input if not i.startswith("^")][0]))[-1][1]})
                info["merges"].append(name)
            elif n.op in _ENTER:
                frame = n.attr["frame_name"].s.decode()
                key = ("L", frame)
                info = cinfo.setdefault(key, _loop_info(len(inside[name]), inside[name]))
                if info["ctx"] != inside[name]:
                    raise _err(name, n.op, f"frame {frame!r} is entered from different contexts", ValueError)
                info["enters"].append(name)
            elif n.op in _EXIT:
                frame = self._tc(_parse(n.input[0]))[-1][1]
                cinfo.setdefault(("L", frame), _loop_info(len(inside[name]), inside[name]))["exits"].append(name)
            elif kind == "loop-merge" or kind == "loop-switch" or n.op == "LoopCond" or n.op in _NEXT:
                c = inside[name]
                frame = c[-1][1]
                info = cinfo.setdefault(("L", frame), _loop_info(len(c) - 1, c[:-1]))
                info[{"loop-merge": "merges", "loop-switch": "switches"}.get(kind, "other")].append(name)
        for key, info in cinfo.items():
            if info["kind"] == "C" and not info["merges"]:
                # a cond whose results nobody uses (pruned by freezing): drop its Switches and branch ops
                info["dead"] = True
        self.cinfo = cinfo
        self.members = {}
        boundary = set()
        for info in cinfo.values():
            for k in ("switches", "merges", "enters", "exits", "other"):
                boundary.update(info.get(k, ()))
        for name in self.topo_order:
            if name in boundary:
                continue
            p = self.path[name]
            if p:
                self.members.setdefault(p[-1], []).append(name)
        # each construct's parent path (the path of the context it lives in)
        for key, info in cinfo.items():
            if info["kind"] == "L":
                probe = info["enters"] + info["exits"]
            else:
                probe = info["switches"] + info["merges"]
            info["parent_path"] = self.path[probe[0]] if probe else ()

    def _check_stateless(self, names, what):
        for m in names:
            n = self.nodes[m]
            od = registry.lookup(n.op)
            if od is not None and od.writes_ref:
                raise _err(m, n.op, f"writes a variable inside {what}; compat_tf cannot import stateful "
                                    "control flow from a TF GraphDef (freeze the graph first)")

    def _externals_of(self, members, produced):
        ext, ctrls = [], []
        for m in members:
            n = self.nodes[m]
            for inp in n.input:
                if inp.startswith("^"):
                    src = inp[1:]
                    if src not in produced and src not in self.removed and src not in ctrls:
                        ctrls.append(src)
                    continue
                t = self.resolve(inp)
                if _parse(t)[0] not in produced and t not in ext:
                    ext.append(t)
        return ext, ctrls

    def _localize_members(self, lists):
        """Rewrites members' inputs through the aliases; drops control inputs leaving their function
        (the owner op carries the ones from outside)."""
        for lst in lists:
            same = set(lst)
            for m in lst:
                n = self.nodes[m]
                new = []
                for inp in n.input:
                    if inp.startswith("^"):
                        src = inp[1:]
                        if src in same and ("^" + src) not in new:
                            new.append("^" + src)
                        continue
                    new.append(self.resolve(inp))
                del n.input[:]
                n.input.extend(new)

    def _place(self, name, info):
        """A new node lives where the construct lives: record its path for the enclosing construct."""
        pp = info["parent_path"]
        self.path[name] = pp
        if pp:
            self.members.setdefault(pp[-1], []).append(name)

    def _build_cond(self, key, info):
        nodes = self.nodes
        members = [m for m in self.members.get(key, []) if m in nodes]
        d = info["level"]
        for s in info["switches"]:
            sn = nodes[s]
            data = [i for i in sn.input if not i.startswith("^")][0]
            self.alias[(s, 0)] = self.alias[(s, 1)] = data
        if info.get("dead"):
            for m in members:
                self.remove(m)
            for s in info["switches"]:
                self.remove(s)
            return
        self._check_stateless(members, "a tf.cond branch")
        branch_of = {m: self.inside[m][d][2] for m in members}
        produced = set(members)
        ext, ctrls = self._externals_of(members, produced)
        merges = info["merges"]
        for mg in merges:
            for other in nodes.values():
                if any(_parse(i) == (mg, 1) for i in other.input):
                    raise _err(other.name, other.op, f"reads the value_index output of Merge '{mg}', which "
                                                     "compat_tf's cond import does not provide")
        outputs = ([], [])
        for mg in merges:
            mn = nodes[mg]
            for inp in mn.input:
                if inp.startswith("^"):
                    continue
                b = self._tc(_parse(inp))[d][2]
                outputs[b].append(self.resolve(inp))
        for b in (0, 1):
            for t in outputs[b]:
                if _parse(t)[0] not in produced and t not in ext:
                    ext.append(t)
        first = merges[0]
        scope = posixpath.dirname(first)
        name = self.unique((scope + "/" if scope else "") + "cond_If")
        pred = _tname(info["pred"])
        nd = node_def_pb2.NodeDef(name=name, op="If")
        nd.input.extend([pred] + ext + ["^" + c for c in ctrls])
        con = _Construct("If", name, [[m for m in members if branch_of[m] == 1],
                                      [m for m in members if branch_of[m] == 0]])
        self._localize_members(con.lists)
        # compat_tf's If: branch 0 is true_fn; TF's Switch output 1 is the true branch
        con.refs = {"externals": ext, "outputs": (outputs[1], outputs[0]), "pred": pred}
        self.constructs[name] = con
        for b, lst in enumerate(con.lists):
            for m in lst:
                self.set_owner(m, name, b)
        self.add_node(nd)
        self._place(name, info)
        self.inside[name] = info["ctx"]
        for k, mg in enumerate(merges):
            mn = nodes[mg]
            ident = node_def_pb2.NodeDef(name=mg, op="Identity", device=mn.device)
            ident.input.append(f"{name}:{k}")
            if "T" in mn.attr:
                ident.attr["T"].CopyFrom(mn.attr["T"])
            nodes[mg] = ident
            self.inside[mg] = info["ctx"]
            self._place(mg, info)
        for s in info["switches"]:
            self.remove(s)

    def _build_loop(self, key, info):
        nodes = self.nodes
        frame = key[1]
        members = [m for m in self.members.get(key, []) if m in nodes]
        merges = info["merges"]
        enters = info["enters"]
        if not merges:
            raise _err(enters[0] if enters else frame, "Enter", f"while frame {frame!r} has no loop "
                                                                "variables (Merge nodes)", NotImplementedError)
        loopconds = [o for o in info["other"] if nodes[o].op == "LoopCond"]
        if len(loopconds) != 1:
            raise _err(merges[0], nodes[merges[0]].op, f"while frame {frame!r} has {len(loopconds)} LoopCond "
                                                       "nodes (needs 1)", NotImplementedError)
        lc = loopconds[0]
        switch_of = {}
        for s in info["switches"]:
            src, _ = _parse(nodes[s].input[0])
            if src not in merges:
                raise _err(s, nodes[s].op, f"a loop Switch of frame {frame!r} that does not read a loop Merge",
                           NotImplementedError)
            switch_of[src] = s
        var_enters, inits, nis, dtypes = set(), [], [], []
        for m in merges:
            mn = nodes[m]
            ent = [i for i in mn.input if _parse(i)[0] in nodes and nodes[_parse(i)[0]].op in _ENTER]
            nx = [i for i in mn.input if _parse(i)[0] in nodes and nodes[_parse(i)[0]].op in _NEXT]
            if len(ent) != 1 or len(nx) != 1:
                raise _err(m, mn.op, f"a loop Merge of frame {frame!r} needs one Enter and one NextIteration "
                                     "input", NotImplementedError)
            e = _parse(ent[0])[0]
            var_enters.add(e)
            inits.append(self.resolve([i for i in nodes[e].input if not i.startswith("^")][0]))
            nis.append(_parse(nx[0])[0])
            dtypes.append(mn.attr["T"] if "T" in mn.attr else None)
        for e in enters:
            if e not in var_enters:
                self.alias[(e, 0)] = [i for i in nodes[e].input if not i.startswith("^")][0]
        # body loop variables: the Switches (their true output), or a new name when a var has none
        bvars = []
        for m in merges:
            s = switch_of.get(m)
            if s is None:
                s = self.unique(m + "/body_var")
            else:
                self.alias[(s, 1)] = s
            bvars.append(s)
        var_set = set(merges) | set(bvars)
        # classify: the body is what the Switches' true outputs reach
        mset = set(members)
        consumers = {}
        for m in members:
            for inp in nodes[m].input:
                src = _parse(inp)[0] if inp.startswith("^") else _parse(self.resolve(inp))[0]
                consumers.setdefault(src, []).append(m)
        body = set()
        stack = [c for s in bvars for c in consumers.get(s, ())]
        while stack:
            x = stack.pop()
            if x in body:
                continue
            body.add(x)
            stack.extend(consumers.get(x, ()))
        cond = [m for m in members if m not in body]
        body_l = [m for m in members if m in body]
        cset = set(cond)
        for m in body_l:
            for inp in nodes[m].input:
                if inp.startswith("^"):
                    continue
                src = _parse(self.resolve(inp))[0]
                if src in cset or src in merges:
                    raise _err(m, nodes[m].op, f"in the body of while frame {frame!r} it reads '{src}', computed "
                                               "by the loop condition; compat_tf's import needs the body to read "
                                               "loop variables through their Switch", NotImplementedError)
        self._check_stateless(members, f"the tf.while_loop frame {frame!r}")
        pred = self.resolve(nodes[lc].input[0])
        body_out = [self.resolve(nodes[ni].input[0]) for ni in nis]
        for t in body_out:
            src = _parse(t)[0]
            if src in cset or src in merges:
                raise _err(src, nodes[src].op, f"a loop variable of frame {frame!r} is updated from the loop "
                                               "condition's value; not supported", NotImplementedError)
        if _parse(pred)[0] in body:
            raise _err(lc, "LoopCond", "the loop condition reads the body", ValueError)
        produced = mset | var_set
        ext, ctrls = self._externals_of(members, produced)
        for t in body_out + [pred]:
            if _parse(t)[0] not in produced and t not in ext:
                ext.append(t)
        scope = posixpath.dirname(frame) or frame
        name = self.unique(scope + "/While")
        self._localize_members([list(merges) + cond, list(bvars) + body_l])
        # loop variables: the Merges (condition) and Switches (body) become _LoopVars
        for i, (m, s) in enumerate(zip(merges, bvars)):
            for vn in (m, s):
                old = nodes.get(vn)
                v = node_def_pb2.NodeDef(name=vn, op="_LoopVar", device=old.device if old is not None else "")
                v.attr["index"].i = i
                if dtypes[i] is not None:
                    v.attr["dtype"].CopyFrom(dtypes[i])
                v.attr["shape"].shape.unknown_rank = True
                v.attr[_MARK].s = b'"LoopVar"'
                v.attr["_compat_tf_init"].s = json.dumps({"t": inits[i]}).encode()
                self._init_refs[vn] = inits[i]
                if old is None:
                    self.add_node(v)
                else:
                    nodes[vn] = v
        nd = node_def_pb2.NodeDef(name=name, op="While")
        nd.input.extend(inits + ext + ["^" + c for c in ctrls])
        con = _Construct("While", name, [list(merges) + cond, list(bvars) + body_l])
        con.refs = {"n_vars": len(merges), "vars": list(merges) + list(bvars), "pred": pred,
                    "body_out": body_out, "externals": ext}
        self.constructs[name] = con
        for b, lst in enumerate(con.lists):
            for m in lst:
                self.set_owner(m, name, b)
        self.add_node(nd)
        self._place(name, info)
        self.inside[name] = info["ctx"]
        for k, m in enumerate(merges):
            s = switch_of.get(m)
            for x in info["exits"]:
                if s is not None and _parse(nodes[x].input[0]) == (s, 0):
                    xn = nodes[x]
                    ident = node_def_pb2.NodeDef(name=x, op="Identity", device=xn.device)
                    ident.input.append(f"{name}:{k}")
                    nodes[x] = ident
                    self.inside[x] = info["ctx"]
                    self._place(x, info)
        for x in enters + nis + [lc]:
            self.remove(x)

    # -- TF2 functional control flow ------------------------------------------------------
    def run_functions(self):
        todo = [n for n in list(self.order) if n in self.nodes and self._is_fn(self.nodes[n])]
        for name in todo:
            self._expand(name)

    def _is_fn(self, n):
        return n.op in _FN_CALL or (n.op in _FN_IF and "then_branch" in n.attr) or \
            (n.op in _FN_WHILE and "body" in n.attr)

    def _fn(self, node, attr):
        fname = node.attr[attr].func.name
        f = self.functions.get(fname)
        if f is None:
            raise _err(node.name, node.op, f"its function {fname!r} ({attr}) is not in the GraphDef's "
                                           "library", ValueError)
        return f

    def _inline(self, node, fdef, prefix, args, owner, index):
        """Adds fdef's nodes as `prefix + name`, its args bound to tensor strings `args`; returns the
        output tensors and the new node names."""
        sig = fdef.signature
        if len(args) != len(sig.input_arg):
            raise _err(node.name, node.op, f"function {sig.name!r} takes {len(sig.input_arg)} inputs, got "
                                           f"{len(args)}", ValueError)
        if any(a.type == 20 for a in sig.input_arg):   # DT_RESOURCE
            raise _err(node.name, node.op, f"function {sig.name!r} takes resource arguments (TF2 resource "
                                           "variables), which compat_tf cannot import")
        argmap = {a.name: t for a, t in zip(sig.input_arg, args)}
        inner = {n.name: n for n in fdef.node_def}
        names = {n: self.unique(prefix + n) for n in inner}

        def ref(s):
            if s.startswith("^"):
                src = s[1:]
                return "^" + names[src] if src in names else None
            parts = s.split(":")
            if parts[0] in argmap and len(parts) == 1:
                return argmap[parts[0]]
            if parts[0] not in inner:
                raise _err(node.name, node.op, f"function {sig.name!r} refers to unknown {s!r}", ValueError)
            src = inner[parts[0]]
            if len(parts) == 1:
                return names[parts[0]]
            idx = _output_index(src, parts[1], int(parts[2]) if len(parts) > 2 else 0, self.functions)
            return names[parts[0]] if idx == 0 else f"{names[parts[0]]}:{idx}"

        created = []
        for n in fdef.node_def:
            c = node_def_pb2.NodeDef()
            c.CopyFrom(n)
            c.name = names[n.name]
            new_inputs = [r for r in (ref(i) for i in n.input) if r is not None]
            del c.input[:]
            c.input.extend(new_inputs)
            self.add_node(c)
            created.append(c.name)
            if owner is not None:
                self.set_owner(c.name, owner, index)
        outs = [ref(fdef.ret[a.name]) for a in sig.output_arg]
        return outs, created

    def _expand(self, name):
        n = self.nodes[name]
        own = self.owner.get(name)
        data = [i for i in n.input if not i.startswith("^")]
        ctrls = [i for i in n.input if i.startswith("^")]
        if n.op in _FN_CALL:
            f = self._fn(n, "f")
            outs, created = self._inline(n, f, name + "/", data, *(own or (None, None)))
            if own is not None:
                self.constructs[own[0]].lists[own[1]].extend(created)
            for c in created:
                for x in ctrls:
                    self.nodes[c].input.append(x)
            ident = node_def_pb2.NodeDef(name=name, op="IdentityN", device=n.device)
            ident.input.extend(outs)
            self.nodes[name] = ident
            for c in created:
                if self._is_fn(self.nodes[c]):
                    self._expand(c)
            return
        if n.op in _FN_IF:
            then_f, else_f = self._fn(n, "then_branch"), self._fn(n, "else_branch")
            args = data[1:]
            t_out, t_nodes = self._inline(n, then_f, name + "/then/", args, name, 0)
            e_out, e_nodes = self._inline(n, else_f, name + "/else/", args, name, 1)
            ext = list(dict.fromkeys(args + [t for t in t_out + e_out if t not in args and
                                             _parse(t)[0] not in set(t_nodes) | set(e_nodes)]))
            nd = node_def_pb2.NodeDef(name=name, op="If", device=n.device)
            nd.input.extend([data[0]] + ext + ctrls)
            con = _Construct("If", name, [t_nodes, e_nodes])
            con.refs = {"externals": ext, "outputs": (t_out, e_out), "pred": data[0]}
        else:
            cond_f, body_f = self._fn(n, "cond"), self._fn(n, "body")
            nv = len(data)
            cvars = [self.unique(f"{name}/cond/loop_var_{i}") for i in range(nv)]
            bvars = [self.unique(f"{name}/body/loop_var_{i}") for i in range(nv)]
            c_out, c_nodes = self._inline(n, cond_f, name + "/cond/", cvars, name, 0)
            b_out, b_nodes = self._inline(n, body_f, name + "/body/", bvars, name, 1)
            types = list(n.attr["T"].list.type)
            for vs in (cvars, bvars):
                for i, vn in enumerate(vs):
                    v = node_def_pb2.NodeDef(name=vn, op="_LoopVar")
                    v.attr["index"].i = i
                    if i < len(types):
                        v.attr["dtype"].type = types[i]
                    v.attr["shape"].shape.unknown_rank = True
                    v.attr[_MARK].s = b'"LoopVar"'
                    v.attr["_compat_tf_init"].s = json.dumps({"t": data[i]}).encode()
                    self.add_node(v)
                    self.set_owner(vn, name, 0 if vs is cvars else 1)
            if len(c_out) != 1:
                raise _err(name, n.op, "its cond function must return one value", ValueError)
            inside = set(c_nodes) | set(b_nodes) | set(cvars) | set(bvars)
            ext = [t for t in dict.fromkeys(b_out + c_out) if _parse(t)[0] not in inside]
            nd = node_def_pb2.NodeDef(name=name, op="While", device=n.device)
            nd.input.extend(data + ext + ctrls)
            con = _Construct("While", name, [cvars + c_nodes, bvars + b_nodes])
            con.refs = {"n_vars": nv, "vars": cvars + bvars, "pred": c_out[0], "body_out": b_out,
                        "externals": ext}
        self.constructs[name] = con
        self.nodes[name] = nd
        for lst in con.lists:
            for c in list(lst):
                if c in self.nodes and self._is_fn(self.nodes[c]):
                    self._expand(c)

    # -- output -----------------------------------------------------------------------------
    def finish(self):
        nodes = self.nodes
        names = [n for n in self.order if n in nodes]
        names = list(dict.fromkeys(names))
        for name in names:
            n = nodes[name]
            new = []
            for inp in n.input:
                if inp.startswith("^"):
                    src = inp[1:]
                    if src in nodes and inp not in new:
                        new.append(inp)
                    continue
                new.append(self.resolve(inp))
            del n.input[:]
            n.input.extend(new)
            if n.op in _V1:
                raise _err(name, n.op, "this TF1 control-flow node is not part of a cond or while loop "
                                       "compat_tf could rebuild", NotImplementedError)
        for name, (owner, _) in self.owner.items():
            if name in nodes:
                nodes[name].attr[_OWNER].s = owner.encode()
        for vn, init in self._init_refs.items():
            if vn in nodes:
                nodes[vn].attr["_compat_tf_init"].s = json.dumps({"t": self.resolve(init)}).encode()

        # a topological order for the construct lists (members before their owner)
        def deps(name):
            n = nodes[name]
            out = [_parse(i)[0] for i in n.input if _parse(i)[0] in nodes]
            con = self.constructs.get(name)
            if con is not None:
                out.extend(m for lst in con.lists for m in lst if m in nodes)
            return out
        topo = {n: i for i, n in enumerate(self._topo(names, deps))}
        for con in self.constructs.values():
            nd = nodes[con.name]
            lists = [sorted((m for m in lst if m in nodes), key=topo.__getitem__) for lst in con.lists]
            r = {k: v for k, v in con.refs.items()}
            res = self.resolve
            ext = list(dict.fromkeys(res(t) for t in r["externals"]))
            ctrls = [i for i in nd.input if i.startswith("^")]
            del nd.input[:]
            if con.kind == "If":
                nd.input.extend([res(r["pred"])] + ext + ctrls)
                attrs = {"branches": {"T": [{"T": [{"o": m} for m in lst]} for lst in lists]},
                         "externals": {"T": [{"t": t} for t in ext]}, "refs": {"T": []},
                         "outputs": {"T": [{"T": [{"t": res(t)} for t in outs]} for outs in r["outputs"]]},
                         "output_specs": None}
            else:
                nv = r["n_vars"]
                inits = [res(self._loop_init(con, i)) for i in range(nv)]
                nd.input.extend(inits + ext + ctrls)
                attrs = {"n_vars": nv, "cond_ops": {"T": [{"o": m} for m in lists[0]]},
                         "body_ops": {"T": [{"o": m} for m in lists[1]]},
                         "vars": {"T": [{"t": v + ":0"} for v in r["vars"]]}, "pred": {"t": res(r["pred"])},
                         "body_out": {"T": [{"t": res(t)} for t in r["body_out"]]},
                         "externals": {"T": [{"t": t} for t in ext]}, "refs": {"T": []},
                         "output_specs": None}
            for k, v in attrs.items():
                nd.attr["_compat_tf_" + k].s = json.dumps(v, separators=(",", ":")).encode()
            nd.attr[_MARK].s = json.dumps(con.kind).encode()
        for nd in nodes.values():
            for k in list(nd.attr):
                if k == "_output_shapes":
                    del nd.attr[k]          # shapes change (TensorArray flows carry their buffers)
        out = graph_pb2.GraphDef()
        out.versions.CopyFrom(self.gd.versions)
        out.node.extend(nodes[n] for n in names)
        return out

    def _loop_init(self, con, i):
        v = con.refs["vars"][i]
        return json.loads(self.nodes[v].attr["_compat_tf_init"].s.decode())["t"]


def _loop_info(level, ctx):
    return {"kind": "L", "level": level, "ctx": ctx, "enters": [], "exits": [], "merges": [], "switches": [],
            "other": []}


def _show(ctx):
    parts = []
    for f in ctx:
        if f[0] == "L":
            parts.append(f"while frame {f[1]!r}")
        else:
            parts.append(f"{'true' if f[2] else 'false'} branch of cond on {_tname(f[1])}")
    return " > ".join(parts) or "top level"


# Output arg names of multi-output TF ops (for FunctionDef refs "node:arg:index").
_OUT_ARGS = {
    "FusedBatchNorm": ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"],
    "FusedBatchNormV2": ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"],
    "FusedBatchNormV3": ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2",
                         "reserve_space_3"],
    "TopKV2": ["values", "indices"], "Unique": ["y", "idx"], "UniqueWithCounts": ["y", "idx", "count"],
    "Switch": ["output_false", "output_true"], "Merge": ["output", "value_index"],
    "TensorArrayV3": ["handle", "flow"], "TensorArrayConcatV3": ["value", "lengths"],
    "Svd": ["s", "u", "v"], "Qr": ["q", "r"], "SelfAdjointEigV2": ["e", "v"],
    "SoftmaxCrossEntropyWithLogits": ["loss", "backprop"],
    "SparseSoftmaxCrossEntropyWithLogits": ["loss", "backprop"],
    "MaxPoolWithArgmax": ["output", "argmax"], "BroadcastGradientArgs": ["r0", "r1"],
}


def _output_index(node, arg, idx, functions):
    names = _OUT_ARGS.get(node.op)
    if names is None:
        return idx          # one output arg (possibly a list: Split, Unpack, If, While, IdentityN)
    if arg not in names:
        raise _err(node.name, node.op, f"unknown output {arg!r}", ValueError)
    return names.index(arg) + idx


# ----------------------------------------------------------------------------------------------
# import-time completion of the rewritten nodes (called by graph_io with resolved attrs)
# ----------------------------------------------------------------------------------------------

def complete_attrs(op_type, attrs):
    """Fills in what the GraphDef could not say: a _LoopVar's shape/dtype (its initial value's), an
    If's/While's output specs (from its branches' outputs / loop variables)."""
    attrs = dict(attrs)
    attrs.pop("_tf_import", None)
    if op_type == "_LoopVar":
        init = attrs.pop("_init", None)
        if init is not None:
            attrs["shape"] = init.shape
            attrs["dtype"] = init.dtype.base_dtype
    elif op_type == "If" and attrs.get("_output_specs") is None:
        specs = []
        for a, b in zip(*attrs["_outputs"]):
            if a.dtype.base_dtype != b.dtype.base_dtype:
                raise ValueError(f"the branches of an imported cond give {a.name} ({a.dtype.base_dtype.name}) "
                                 f"and {b.name} ({b.dtype.base_dtype.name})")
            specs.append((a.shape.most_specific_compatible_shape(b.shape), a.dtype.base_dtype))
        attrs["_output_specs"] = tuple(specs)
    elif op_type == "While" and attrs.get("_output_specs") is None:
        nv = attrs["_n_vars"]
        attrs["_output_specs"] = tuple((v.shape, v.dtype.base_dtype) for v in attrs["_vars"][:nv])
    return attrs


# ----------------------------------------------------------------------------------------------
# TF1 TensorArray ops (V3) over compat_tf's buffer model
# ----------------------------------------------------------------------------------------------

def _static_int(v, what):
    try:
        return int(np.asarray(v))
    except Exception:   # a traced value
        raise NotImplementedError(f"{what} must be known when the step is compiled (compat_tf's "
                                  "TensorArrays have a fixed size)") from None


@register_op("TensorArrayV3", num_outputs=2)
def _ta_v3(size, dtype=None, element_shape=None, dynamic_size=False, tensor_array_name="", **_):
    if dynamic_size:
        raise NotImplementedError(f"TensorArrayV3 {tensor_array_name!r} with dynamic_size=True is not supported "
                                  "by compat_tf (XLA needs a fixed size)")
    shape = _ts.as_shape(element_shape) if element_shape is not None else _ts.unknown_shape()
    if not shape.is_fully_defined():
        raise NotImplementedError(f"TensorArrayV3 {tensor_array_name!r} has element shape {shape}; compat_tf "
                                  "imports TensorArrays with a fully defined element_shape only")
    n = _static_int(size, "TensorArray size")
    return np.zeros((), np.int32), jnp.zeros((n,) + tuple(shape.as_list()), _dtypes.to_jax_dtype(dtype))


@register_op("TensorArrayWriteV3")
def _ta_write_v3(handle, index, value, flow_in, **_):
    value = jnp.asarray(value, flow_in.dtype)
    if value.shape != flow_in.shape[1:]:
        raise ValueError(f"TensorArray write: value of shape {value.shape} into a TensorArray of element "
                         f"shape {flow_in.shape[1:]}")
    return lax.dynamic_update_index_in_dim(flow_in, value, jnp.asarray(index, jnp.int32), 0)


@register_op("TensorArrayReadV3")
def _ta_read_v3(handle, index, flow_in, **_):
    return lax.dynamic_index_in_dim(flow_in, jnp.asarray(index, jnp.int32), 0, keepdims=False)


@register_op("TensorArrayScatterV3")
def _ta_scatter_v3(handle, indices, value, flow_in, **_):
    return flow_in.at[jnp.asarray(indices, jnp.int32)].set(jnp.asarray(value, flow_in.dtype))


@register_op("TensorArrayGatherV3")
def _ta_gather_v3(handle, indices, flow_in, **_):
    return jnp.take(flow_in, jnp.asarray(indices, jnp.int32), axis=0)


@register_op("TensorArraySizeV3", differentiable=False)
def _ta_size_v3(handle, flow_in, **_):
    return np.int32(flow_in.shape[0])


@register_op("TensorArrayConcatV3", num_outputs=2)
def _ta_concat_v3(handle, flow_in, **_):
    n = flow_in.shape[0]
    lead = flow_in.shape[1] if flow_in.ndim >= 2 else 1
    value = flow_in.reshape((n * lead,) + flow_in.shape[2:]) if flow_in.ndim >= 2 else flow_in
    return value, np.full((n,), lead, np.int64)


@register_op("TensorArraySplitV3")
def _ta_split_v3(handle, value, lengths, flow_in, **_):
    n = flow_in.shape[0]
    lens = np.asarray(lengths)
    if lens.shape != (n,) or (n and not np.all(lens == lens[0])):
        raise NotImplementedError("TensorArray.split with unequal lengths is not supported by compat_tf")
    value = jnp.asarray(value, flow_in.dtype)
    return value.reshape(flow_in.shape)


@register_op("TensorArrayCloseV3", num_outputs=0, shape=lambda op: [])
def _ta_close_v3(handle):
    return ()
