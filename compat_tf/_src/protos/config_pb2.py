"""tensorflow/core/protobuf/config.proto: ConfigProto, GPUOptions, OptimizerOptions,
GraphOptions, ThreadPoolOptionProto, RPCOptions, RunOptions, RunMetadata.

TF's field numbers and enum values; compat_tf reads few of these settings (the
session documents which), the rest are accepted and kept so configs written
for TF parse, print and serialise as in TF.
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import (  # noqa: F401 - dependencies
    cluster_pb2, cost_graph_pb2, debug_pb2, graph_pb2, rewriter_config_pb2, step_stats_pb2)


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/config.proto", "ConfigProtos",
                     deps=["tensorflow/core/framework/cost_graph.proto",
                           "tensorflow/core/framework/graph.proto",
                           "tensorflow/core/framework/step_stats.proto",
                           "tensorflow/core/protobuf/cluster.proto",
                           "tensorflow/core/protobuf/debug.proto",
                           "tensorflow/core/protobuf/rewriter_config.proto"])
    g = _b.message(fd, "GPUOptions")
    _b.field(g, "per_process_gpu_memory_fraction", 1, "double")
    _b.field(g, "allow_growth", 4, "bool")
    _b.field(g, "allocator_type", 2, "string")
    _b.field(g, "deferred_deletion_bytes", 3, "int64")
    _b.field(g, "visible_device_list", 5, "string")
    _b.field(g, "polling_active_delay_usecs", 6, "int32")
    _b.field(g, "polling_inactive_delay_msecs", 7, "int32")
    _b.field(g, "force_gpu_compatible", 8, "bool")
    ge = _b.message(g, "Experimental")
    vd = _b.message(ge, "VirtualDevices")
    _b.field(vd, "memory_limit_mb", 1, "float", repeated=True, packed=True)
    _b.field(ge, "virtual_devices", 1, "msg:GPUOptions.Experimental.VirtualDevices", repeated=True)
    _b.field(ge, "use_unified_memory", 2, "bool")
    _b.field(ge, "num_dev_to_dev_copy_streams", 3, "int32")
    _b.field(ge, "collective_ring_order", 4, "string")
    _b.field(ge, "timestamped_allocator", 5, "bool")
    _b.field(ge, "kernel_tracker_max_interval", 7, "int32")
    _b.field(ge, "kernel_tracker_max_bytes", 8, "int32")
    _b.field(ge, "kernel_tracker_max_pending", 9, "int32")
    _b.field(g, "experimental", 9, "msg:GPUOptions.Experimental")

    o = _b.message(fd, "OptimizerOptions")
    _b.field(o, "do_common_subexpression_elimination", 1, "bool")
    _b.field(o, "do_constant_folding", 2, "bool")
    _b.field(o, "max_folded_constant_in_bytes", 6, "int64")
    _b.field(o, "do_function_inlining", 4, "bool")
    _b.enum(o, "Level", [("L1", 0), ("L0", -1)])
    _b.field(o, "opt_level", 3, "enum:OptimizerOptions.Level")
    _b.enum(o, "GlobalJitLevel", [("DEFAULT", 0), ("OFF", -1), ("ON_1", 1), ("ON_2", 2)])
    _b.field(o, "global_jit_level", 5, "enum:OptimizerOptions.GlobalJitLevel")

    go = _b.message(fd, "GraphOptions")
    go.reserved_range.add(start=1, end=2)
    go.reserved_name.append("skip_common_subexpression_elimination")
    _b.field(go, "enable_recv_scheduling", 2, "bool")
    _b.field(go, "optimizer_options", 3, "msg:OptimizerOptions")
    _b.field(go, "build_cost_model", 4, "int64")
    _b.field(go, "build_cost_model_after", 9, "int64")
    _b.field(go, "infer_shapes", 5, "bool")
    _b.field(go, "place_pruned_graph", 6, "bool")
    _b.field(go, "enable_bfloat16_sendrecv", 7, "bool")
    _b.field(go, "timeline_step", 8, "int32")
    _b.field(go, "rewrite_options", 10, "msg:RewriterConfig")

    t = _b.message(fd, "ThreadPoolOptionProto")
    _b.field(t, "num_threads", 1, "int32")
    _b.field(t, "global_name", 2, "string")

    r = _b.message(fd, "RPCOptions")
    _b.field(r, "use_rpc_for_inprocess_master", 1, "bool")
    _b.field(r, "compression_algorithm", 2, "string")
    _b.field(r, "compression_level", 3, "int32")

    c = _b.message(fd, "ConfigProto")
    _b.map_field(c, "device_count", 1, "string", "int32", "tensorflow.ConfigProto")
    _b.field(c, "intra_op_parallelism_threads", 2, "int32")
    _b.field(c, "inter_op_parallelism_threads", 5, "int32")
    _b.field(c, "use_per_session_threads", 9, "bool")
    _b.field(c, "session_inter_op_thread_pool", 12, "msg:ThreadPoolOptionProto", repeated=True)
    _b.field(c, "placement_period", 3, "int32")
    _b.field(c, "device_filters", 4, "string", repeated=True)
    _b.field(c, "gpu_options", 6, "msg:GPUOptions")
    _b.field(c, "allow_soft_placement", 7, "bool")
    _b.field(c, "log_device_placement", 8, "bool")
    _b.field(c, "graph_options", 10, "msg:GraphOptions")
    _b.field(c, "operation_timeout_in_ms", 11, "int64")
    _b.field(c, "rpc_options", 13, "msg:RPCOptions")
    _b.field(c, "cluster_def", 14, "msg:ClusterDef")
    _b.field(c, "isolate_session_state", 15, "bool")
    ce = _b.message(c, "Experimental")
    _b.field(ce, "collective_group_leader", 1, "string")
    _b.field(ce, "executor_type", 3, "string")
    _b.field(ce, "recv_buf_max_chunk", 4, "int32")
    _b.field(ce, "use_numa_affinity", 5, "bool")
    _b.field(ce, "collective_deterministic_sequential_execution", 6, "bool")
    _b.field(ce, "collective_nccl", 7, "bool")
    _b.field(ce, "share_session_state_in_clusterspec_propagation", 8, "bool")
    _b.field(ce, "disable_thread_spinning", 9, "bool")
    _b.field(ce, "share_cluster_devices_in_session", 10, "bool")
    _b.field(c, "experimental", 16, "msg:ConfigProto.Experimental")

    ro = _b.message(fd, "RunOptions")
    _b.enum(ro, "TraceLevel", [("NO_TRACE", 0), ("SOFTWARE_TRACE", 1), ("HARDWARE_TRACE", 2),
                               ("FULL_TRACE", 3)])
    _b.field(ro, "trace_level", 1, "enum:RunOptions.TraceLevel")
    _b.field(ro, "timeout_in_ms", 2, "int64")
    _b.field(ro, "inter_op_thread_pool", 3, "int32")
    _b.field(ro, "output_partition_graphs", 5, "bool")
    _b.field(ro, "debug_options", 6, "msg:DebugOptions")
    _b.field(ro, "report_tensor_allocations_upon_oom", 7, "bool")
    rx = _b.message(ro, "Experimental")
    _b.field(rx, "collective_graph_key", 1, "int64")
    _b.field(rx, "use_run_handler_pool", 2, "bool")
    _b.field(ro, "experimental", 8, "msg:RunOptions.Experimental")
    ro.reserved_range.add(start=4, end=5)

    rm = _b.message(fd, "RunMetadata")
    _b.field(rm, "step_stats", 1, "msg:StepStats")
    _b.field(rm, "cost_graph", 2, "msg:CostGraphDef")
    _b.field(rm, "partition_graphs", 3, "msg:GraphDef", repeated=True)
    fg = _b.message(rm, "FunctionGraphs")
    _b.field(fg, "partition_graphs", 1, "msg:GraphDef", repeated=True)
    _b.field(fg, "pre_optimization_graph", 2, "msg:GraphDef")
    _b.field(fg, "post_optimization_graph", 3, "msg:GraphDef")
    _b.field(rm, "function_graphs", 4, "msg:RunMetadata.FunctionGraphs", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
GPUOptions = _b.message_class(DESCRIPTOR, "GPUOptions")
OptimizerOptions = _b.message_class(DESCRIPTOR, "OptimizerOptions")
GraphOptions = _b.message_class(DESCRIPTOR, "GraphOptions")
ThreadPoolOptionProto = _b.message_class(DESCRIPTOR, "ThreadPoolOptionProto")
RPCOptions = _b.message_class(DESCRIPTOR, "RPCOptions")
ConfigProto = _b.message_class(DESCRIPTOR, "ConfigProto")
RunOptions = _b.message_class(DESCRIPTOR, "RunOptions")
RunMetadata = _b.message_class(DESCRIPTOR, "RunMetadata")
