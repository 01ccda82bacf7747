"""tensorflow/core/protobuf/rewriter_config.proto: RewriterConfig (grappler switches; compat_tf
accepts and ignores them, XLA optimises the lowered program)."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/rewriter_config.proto", "RewriterConfigProtos")
    a = _b.message(fd, "AutoParallelOptions")
    _b.field(a, "enable", 1, "bool")
    _b.field(a, "num_replicas", 2, "int32")
    s = _b.message(fd, "ScopedAllocatorOptions")
    _b.field(s, "enable_op", 1, "string", repeated=True)
    m = _b.message(fd, "RewriterConfig")
    _b.enum(m, "Toggle", [("DEFAULT", 0), ("ON", 1), ("OFF", 2), ("AGGRESSIVE", 3)])
    _b.enum(m, "NumIterationsType", [("DEFAULT_NUM_ITERS", 0), ("ONE", 1), ("TWO", 2)])
    _b.enum(m, "MemOptType", [("DEFAULT_MEM_OPT", 0), ("NO_MEM_OPT", 1), ("MANUAL", 2),
                              ("SWAPPING_HEURISTICS", 4), ("RECOMPUTATION_HEURISTICS", 5),
                              ("SCHEDULING_HEURISTICS", 6), ("HEURISTICS", 3)])
    toggle = "enum:RewriterConfig.Toggle"
    for name, num in [("layout_optimizer", 1), ("constant_folding", 3), ("shape_optimization", 13),
                      ("remapping", 14), ("arithmetic_optimization", 7), ("dependency_optimization", 8),
                      ("loop_optimization", 9), ("function_optimization", 10), ("debug_stripper", 11),
                      ("scoped_allocator_optimization", 15), ("pin_to_host_optimization", 18),
                      ("implementation_selector", 22), ("auto_mixed_precision", 23)]:
        _b.field(m, name, num, toggle)
    _b.field(m, "disable_model_pruning", 2, "bool")
    _b.field(m, "disable_meta_optimizer", 19, "bool")
    _b.field(m, "meta_optimizer_iterations", 12, "enum:RewriterConfig.NumIterationsType")
    _b.field(m, "min_graph_nodes", 17, "int32")
    _b.field(m, "memory_optimization", 4, "enum:RewriterConfig.MemOptType")
    _b.field(m, "memory_optimizer_target_node_name_scope", 6, "string")
    _b.field(m, "meta_optimizer_timeout_ms", 20, "int64")
    _b.field(m, "auto_parallel", 5, "msg:AutoParallelOptions")
    _b.field(m, "fail_on_optimizer_errors", 21, "bool")
    _b.field(m, "scoped_allocator_opts", 16, "msg:ScopedAllocatorOptions")
    _b.field(m, "optimizers", 100, "string", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
AutoParallelOptions = _b.message_class(DESCRIPTOR, "AutoParallelOptions")
ScopedAllocatorOptions = _b.message_class(DESCRIPTOR, "ScopedAllocatorOptions")
RewriterConfig = _b.message_class(DESCRIPTOR, "RewriterConfig")
