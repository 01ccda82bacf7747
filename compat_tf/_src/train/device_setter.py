"""tf.train.replica_device_setter (TF 1.15's python/training/device_setter.py).

The device function places the parameter-server op types (variables, hash
tables) round-robin on the ps tasks and every other op on `worker_device`,
merged with the devices the op already has, exactly as TF1 does, so
`op.device` strings, exported graphs and device-function chains match TF1.

What the placement means in compat_tf: the cluster runs synchronously as one
jax.distributed job in which every worker holds a copy of every variable
(compat_tf/_src/parallel/cluster.py); "/job:ps/task:k" on a variable is
recorded, and the variables are not fetched from a parameter server.
"""
from compat_tf._src.framework.device_spec import DeviceSpec
from compat_tf._src.platform import tf_logging as logging

__all__ = ["replica_device_setter"]

STANDARD_PS_OPS = ("Variable", "VariableV2", "AutoReloadVariable", "MutableHashTable", "MutableHashTableV2",
                   "MutableHashTableOfTensors", "MutableHashTableOfTensorsV2", "MutableDenseHashTable",
                   "MutableDenseHashTableV2", "VarHandleOp", "BoostedTreesEnsembleResource",
                   "BoostedTreesQuantileStreamResource")


class _RoundRobinStrategy:
    """The ps task for each ps op in turn: 0, 1, ..., num_tasks - 1, 0, ..."""

    def __init__(self, num_tasks):
        self._num_tasks = num_tasks
        self._next_task = 0

    def __call__(self, unused_op):
        task = self._next_task
        self._next_task = (self._next_task + 1) % self._num_tasks
        return task


class _ReplicaDeviceChooser:
    def __init__(self, ps_tasks, ps_device, worker_device, merge_devices, ps_ops, ps_strategy):
        self._ps_tasks = ps_tasks
        self._ps_device = ps_device
        self._worker_device = worker_device
        self._merge_devices = merge_devices
        self._ps_ops = ps_ops
        self._ps_strategy = ps_strategy

    def device_function(self, op):
        """The device of `op` (an Operation or a NodeDef), as TF1's _ReplicaDeviceChooser chooses it."""
        if not self._merge_devices and op.device:
            return op.device
        current = DeviceSpec.from_string(op.device or "")
        op_type = op.type if hasattr(op, "type") else op.op
        if self._ps_tasks and self._ps_device and op_type in self._ps_ops:
            ps_device = DeviceSpec.from_string(self._ps_device)
            # the task is chosen only when the op's own job (if any) is the ps job
            if ps_device.job and (not current.job or current.job == ps_device.job):
                ps_device = ps_device.replace(task=self._ps_strategy(op))
            return ps_device.make_merged_spec(current).to_string()
        worker = DeviceSpec.from_string(self._worker_device or "")
        return worker.make_merged_spec(current).to_string()


def replica_device_setter(ps_tasks=0, ps_device="/job:ps", worker_device="/job:worker", merge_devices=True,
                          cluster=None, ps_ops=None, ps_strategy=None):
    """A device function for `tf.device`: variables on the ps tasks, other ops on the worker.

    Returns None (no placement) when there are no ps tasks, as TF1 does. With
    `cluster` (a ClusterSpec or what it accepts) the number of ps tasks is the
    size of the ps job named in `ps_device`.
    """
    if cluster is not None:
        from compat_tf._src.train.server_lib import ClusterSpec
        cluster_spec = (cluster if isinstance(cluster, ClusterSpec) else ClusterSpec(cluster)).as_dict()
        ps_job_name = DeviceSpec.from_string(ps_device).job
        if ps_job_name not in cluster_spec or cluster_spec[ps_job_name] is None:
            return None
        ps_tasks = len(cluster_spec[ps_job_name])
    if ps_tasks == 0:
        return None
    if ps_ops is None:
        ps_ops = list(STANDARD_PS_OPS)
    if not merge_devices:
        logging.warning("DEPRECATION: It is recommended to set merge_devices=true in replica_device_setter")
    if ps_strategy is None:
        ps_strategy = _RoundRobinStrategy(ps_tasks)
    if not callable(ps_strategy):
        raise TypeError("ps_strategy must be callable")
    chooser = _ReplicaDeviceChooser(ps_tasks, ps_device, worker_device, merge_devices, ps_ops, ps_strategy)
    return chooser.device_function
