"""TF_CONFIG as TF 1.15's tf.estimator.RunConfig reads it (estimator/run_config.py).

`distributed_settings(tf_config)` returns the cluster properties RunConfig
exposes (cluster_spec, task_type, task_id, master, evaluation_master, is_chief,
num_ps_replicas, num_worker_replicas, global_id_in_cluster, service) with
TF1's validation and errors, and `default_session_config(task_type, task_id)`
the ConfigProto TF1 gives a distributed task (device filters: chief/worker
talk to the ps only). The masters are "grpc://<task address>", which
tf.Session accepts for a tf.train.Server started in the process.
"""
from compat_tf._src.protos import config_pb2, rewriter_config_pb2

TF_CONFIG_ENV = "TF_CONFIG"
_LOCAL_MASTER = ""
_GRPC_SCHEME = "grpc://"


class TaskType:
    MASTER = "master"
    PS = "ps"
    WORKER = "worker"
    CHIEF = "chief"
    EVALUATOR = "evaluator"


def _validate_task(cluster_spec, task_env, chief_task_type):
    if chief_task_type not in cluster_spec.jobs:
        raise ValueError(f'If "cluster" is set in TF_CONFIG, it must have one "{chief_task_type}" node.')
    if len(cluster_spec.job_tasks(chief_task_type)) > 1:
        raise ValueError(f'The "cluster" in TF_CONFIG must have only one "{chief_task_type}" node.')
    task_type = task_env.get("type")
    task_id = task_env.get("index")
    if not task_type:
        raise ValueError('If "cluster" is set in TF_CONFIG, task type must be set.')
    if task_id is None:
        raise ValueError('If "cluster" is set in TF_CONFIG, task index must be set.')
    task_id = int(task_id)
    if task_id < 0:
        raise ValueError("Task index must be non-negative number.")
    if task_type == TaskType.EVALUATOR:       # not part of the training cluster
        return task_type, task_id
    note = "\n\nNote that these values may be coming from the TF_CONFIG environment variable."
    if task_type not in cluster_spec.jobs:
        raise ValueError(f"{task_type} is not a valid task_type in the cluster_spec:\n{cluster_spec}{note}")
    if not 0 <= task_id < len(cluster_spec.job_tasks(task_type)):
        raise ValueError(f"{task_id} is not a valid task_id for task_type {task_type} in the cluster_spec:\n"
                         f"{cluster_spec}{note}")
    return task_type, task_id


def _session_master(cluster_spec, task_type, task_id, tf_config):
    if "session_master" in tf_config:
        return tf_config["session_master"]
    jobs = cluster_spec.jobs
    if len(jobs) == 1 and len(cluster_spec.job_tasks(jobs[0])) == 1:
        return _LOCAL_MASTER          # one node: a direct session, as TF1
    return _GRPC_SCHEME + cluster_spec.job_tasks(task_type)[task_id]


def _eval_master(task_type, tf_config):
    if task_type == TaskType.EVALUATOR:
        return tf_config.get("eval_session_master", _LOCAL_MASTER)
    return _LOCAL_MASTER


def _count_worker(cluster_spec, chief_task_type):
    d = cluster_spec.as_dict()
    return len(d.get(TaskType.WORKER, [])) + len(d.get(chief_task_type, []))


def _global_id(cluster_spec, task_type, task_id, chief_task_type):
    """The chief is 0, then the other jobs by name (tasks in order), the ps last."""
    order = [chief_task_type] + [t for t in sorted(cluster_spec.jobs) if t not in (chief_task_type, TaskType.PS)]
    if TaskType.PS in cluster_spec.jobs:
        order.append(TaskType.PS)
    next_id = 0
    for t in order:
        if t == task_type:
            return next_id + task_id
        next_id += len(cluster_spec.job_tasks(t))
    raise RuntimeError(f"Internal Error: `task_type` ({task_type}) is not in cluster_spec ({cluster_spec}).")


def distributed_settings(tf_config):
    """RunConfig's cluster properties from a parsed TF_CONFIG dict (TF 1.15's rules)."""
    from compat_tf._src.train.server_lib import ClusterSpec
    service = tf_config.get("service")
    if service is not None and not isinstance(service, dict):
        raise TypeError(f'If "service" is set in TF_CONFIG, it must be a dict. Given {type(service)}')
    spec = ClusterSpec(tf_config.get("cluster", {}))
    task_env = tf_config.get("task", {})
    out = {"cluster_spec": spec, "service": service}
    if spec and TaskType.MASTER in spec.jobs:
        if TaskType.CHIEF in spec.jobs:
            raise ValueError("If `master` node exists in `cluster`, job `chief` is not supported.")
        task_type, task_id = _validate_task(spec, task_env, TaskType.MASTER)
        if task_type == TaskType.EVALUATOR:
            raise ValueError("If `master` node exists in `cluster`, task_type `evaluator` is not supported.")
        out.update(task_type=task_type, task_id=task_id,
                   global_id_in_cluster=_global_id(spec, task_type, task_id, TaskType.MASTER),
                   master=_session_master(spec, task_type, task_id, tf_config),
                   evaluation_master=_eval_master(task_type, tf_config),
                   num_ps_replicas=len(spec.as_dict().get(TaskType.PS, [])),
                   num_worker_replicas=_count_worker(spec, TaskType.MASTER),
                   is_chief=task_type == TaskType.MASTER)
    elif spec:
        task_type, task_id = _validate_task(spec, task_env, TaskType.CHIEF)
        out.update(task_type=task_type, task_id=task_id, evaluation_master=_eval_master(task_type, tf_config),
                   is_chief=task_type == TaskType.CHIEF)
        if task_type != TaskType.EVALUATOR:
            out.update(master=_session_master(spec, task_type, task_id, tf_config),
                       num_ps_replicas=len(spec.as_dict().get(TaskType.PS, [])),
                       num_worker_replicas=_count_worker(spec, TaskType.CHIEF),
                       global_id_in_cluster=_global_id(spec, task_type, task_id, TaskType.CHIEF))
        else:       # the evaluator is not part of the training cluster
            out.update(cluster_spec=ClusterSpec({}), master=_LOCAL_MASTER, num_ps_replicas=0,
                       num_worker_replicas=0, global_id_in_cluster=None)
    else:
        task_type = task_env.get("type", TaskType.WORKER)
        task_id = int(task_env.get("index", 0))
        if task_type != TaskType.WORKER:
            raise ValueError('If "cluster" is not set in TF_CONFIG, task type must be WORKER.')
        if task_id != 0:
            raise ValueError('If "cluster" is not set in TF_CONFIG, task index must be 0.')
        out.update(task_type=task_type, task_id=task_id, global_id_in_cluster=0,
                   master=tf_config.get("session_master", _LOCAL_MASTER),
                   evaluation_master=tf_config.get("eval_session_master", _LOCAL_MASTER),
                   is_chief=True, num_ps_replicas=0, num_worker_replicas=1)
    return out


def default_session_config(task_type, task_id):
    """TF1's session config for a between-graph task: device filters so chief/workers see only the ps."""
    filters = {TaskType.MASTER: ["/job:ps", "/job:master"], TaskType.CHIEF: ["/job:ps", "/job:chief"],
               TaskType.WORKER: ["/job:ps", f"/job:worker/task:{task_id}"],
               TaskType.PS: ["/job:ps", "/job:worker", "/job:chief", "/job:master"]}.get(task_type)
    if filters is None:
        return None
    rewrite = rewriter_config_pb2.RewriterConfig(meta_optimizer_iterations=rewriter_config_pb2.RewriterConfig.ONE)
    return config_pb2.ConfigProto(allow_soft_placement=True, device_filters=filters,
                                  graph_options=config_pb2.GraphOptions(rewrite_options=rewrite))
