"""The save/restore sub-graph TF1's Saver adds to the graph (BaseSaverBuilder, V2, bulk restore).

Under the Saver's name scope ("save", "save_1", ...), with TF 1.15's names:

  filename/input  Const "model"                  filename  PlaceholderWithDefault(filename/input)
  Const           PlaceholderWithDefault(filename)   -- SaverDef.filename_tensor_name
  SaveV2/tensor_names, SaveV2/shape_and_slices (Const), SaveV2(Const, names, slices, variables...)
  control_dependency  Identity(Const, ^SaveV2)   -- SaverDef.save_tensor_name
  RestoreV2/tensor_names, RestoreV2/shape_and_slices, RestoreV2(Const, names, slices)
  Assign, Assign_1, ... (AssignVariableOp for resource variables)
  restore_all     NoOp(^Assign...)                -- SaverDef.restore_op_name

so a meta graph or SavedModel compat_tf exports names real save/restore ops that real TF runs,
and `sess.run(saver_def.restore_op_name, {filename_tensor_name: path})` works here too (SaveV2 and
RestoreV2 are host ops, ops/checkpoint_ops). compat_tf's Saver.save/restore do not run these ops:
they snapshot and commit the variables directly (one consistent copy, all-or-nothing restore).
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.ops import checkpoint_ops  # noqa: F401 - registers SaveV2/RestoreV2
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops


def _ref(saveable):
    """The variable tensor a saveable saves from and restores into, or None (not a variable)."""
    var = saveable.var
    ref = var._ref() if hasattr(var, "_ref") else var
    op = getattr(ref, "op", None)
    if op is None or op.name != saveable.key:
        if op is not None and op.type == "Identity" and op.inputs and op.inputs[0].op.name == saveable.key:
            return op.inputs[0]
        return None
    return ref


def build(graph, scope, saveables):
    """Adds the sub-graph under `scope` ("save/"); returns (filename, save tensor, restore op) names, or None
    when a saveable is not a variable (the SaverDef then names ops that do not exist, as before)."""
    refs = [_ref(s) for s in saveables]
    if not saveables or any(r is None for r in refs):
        return None
    from compat_tf._src.ops import resource_variable_ops, state_ops
    names = [s.name for s in saveables]
    with graph.as_default(), graph.control_dependencies(None), graph.name_scope(scope):
        default = _constant.constant("model", name="filename/input")
        filename = _constant.placeholder_with_default(default, [], name="filename")
        filename = _constant.placeholder_with_default(filename, [], name="Const")
        values = []
        with graph.name_scope("Read"):
            for s, r in zip(saveables, refs):
                values.append(resource_variable_ops.read_variable_op(r, s.dtype) if r.op.type == "VarHandleOp"
                              else r)
        with graph.name_scope("SaveV2"):
            tn = _constant.constant(names, dtype=_dtypes.string, name="tensor_names")
            ss = _constant.constant([""] * len(names), dtype=_dtypes.string, name="shape_and_slices")
        save = graph.create_op("SaveV2", [filename, tn, ss] + values,
                               {"dtypes": tuple(s.dtype for s in saveables)}, name=scope + "SaveV2/")
        save_tensor = control_flow_ops.with_dependencies([save], filename, name="control_dependency")
        with graph.name_scope("RestoreV2"):
            rn = _constant.constant(names, dtype=_dtypes.string, name="tensor_names")
            rs = _constant.constant([""] * len(names), dtype=_dtypes.string, name="shape_and_slices")
        restore = graph.create_op("RestoreV2", [filename, rn, rs], {"dtypes": tuple(s.dtype for s in saveables)},
                                  name=scope + "RestoreV2/")
        assigns = []
        for i, (s, r) in enumerate(zip(saveables, refs)):
            value = restore.outputs[i]
            if r.op.type == "VarHandleOp":
                assigns.append(graph.create_op("AssignVariableOp", [r, value], {"dtype": s.dtype},
                                               name="AssignVariableOp"))
            else:
                assigns.append(state_ops.assign(r, value, validate_shape=s.shape.is_fully_defined(),
                                                name="Assign").op)
        restore_all = control_flow_ops.group(*assigns, name="restore_all")
    return filename.name, save_tensor.name, restore_all.name
