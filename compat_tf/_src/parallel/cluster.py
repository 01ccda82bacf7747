"""A TF1 cluster (ClusterSpec + one tf.train.Server per task) as one `jax.distributed` job.

TF1 ran a cluster as gRPC servers: parameter-server tasks held the
variables, worker tasks ran their own copy of the graph against them,
asynchronously by default. compat_tf maps the same program onto JAX's
multi-controller runtime instead:

- every task of the ClusterSpec becomes one process of one `jax.distributed`
  job (`Server.start()` calls `jax.distributed.initialize`). Process ids are
  the tasks in a fixed order: the chief job's tasks ("chief", then "master"),
  then "worker", then the other jobs by name ("ps", ...). Process 0 is the
  chief (the first worker when the cluster has no chief job) and hosts JAX's
  coordination service on the chief's own address from the ClusterSpec;
- the *training* tasks (jobs "chief", "master", "worker") form the replicas:
  a training step is one SPMD program over all their devices, in which every
  worker computes its own copy of the graph on its own data and the
  gradients are averaged across workers (see cluster_session.py) - TF1's
  `SyncReplicasOptimizer(replicas_to_aggregate=num_workers)`, for every
  optimizer. This is synchronous training where TF1's default was
  asynchronous; the first start logs it once;
- other tasks (parameter servers) hold nothing: `server.join()` on them
  returns once every other task is done (each task reports done when it calls
  `join()` or when its process exits; a coordination-service barrier, no
  polling);
- collectives run over gloo on CPU (`jax_cpu_collectives_implementation`) and
  NCCL on GPU.

Failures: a process that dies stops sending heartbeats to the coordination
service; after `timeout_secs` (ConfigProto.operation_timeout_in_ms of the
server's config when set, else DEFAULT_TIMEOUT_SECS = 60) JAX terminates
every other process of the job with "Terminating process because the JAX
distributed service detected fatal errors" (exit status 134). A worker that
is inside a training step when a peer dies fails at once with
InternalError naming the cluster (gloo/NCCL report the closed connection),
and its process then exits with status 1 instead of waiting for the others.
"""
import atexit
import multiprocessing.util
import os
import sys
import threading

from compat_tf._src.framework import errors
from compat_tf._src.platform import tf_logging as logging

DEFAULT_TIMEOUT_SECS = 60
CHIEF_JOBS = ("chief", "master")
TRAINING_JOBS = ("chief", "master", "worker")
_DONE_BARRIER = "compat_tf/cluster/done"
_FOREVER_MS = 365 * 24 * 3600 * 1000

_job = None            # the multi-process ClusterJob this process belongs to (one per process, as JAX allows)
_targets = {}          # a started Server's target -> its ClusterJob (one-task clusters included)
_job_lock = threading.Lock()


def task_order(cluster_spec):
    """The cluster's tasks as (job, index) in process-id order (see the module docstring)."""
    jobs = list(cluster_spec.jobs)
    ranked = [j for j in CHIEF_JOBS if j in jobs] + (["worker"] if "worker" in jobs else [])
    ranked += sorted(j for j in jobs if j not in ranked)
    return [(j, i) for j in ranked for i in cluster_spec.task_indices(j)]


class ClusterJob:
    """This process's place in the cluster and the jax.distributed job behind it."""

    def __init__(self, cluster_spec, job_name, task_index, timeout_secs=None):
        self.cluster_spec = cluster_spec
        self.job_name = job_name
        self.task_index = task_index
        self.tasks = task_order(cluster_spec)
        self.process_id = self.tasks.index((job_name, task_index))
        self.num_processes = len(self.tasks)
        self.training_tasks = [t for t in self.tasks if t[0] in TRAINING_JOBS]
        self.num_replicas = max(1, len(self.training_tasks))
        self.is_training_task = job_name in TRAINING_JOBS
        self.coordinator_address = cluster_spec.task_address(*self.tasks[0])
        self.timeout_secs = timeout_secs or DEFAULT_TIMEOUT_SECS
        self.started = False
        self.broken = None          # the error that broke the job (a peer died), once seen
        self._done = False
        self._lock = threading.Lock()

    @property
    def distributed(self):
        """True when the job spans several processes (a one-task cluster needs no jax.distributed)."""
        return self.num_processes > 1

    @property
    def is_chief(self):
        return self.process_id == 0

    def start(self):
        """jax.distributed.initialize for this task (once); every process then brings up its backend."""
        with self._lock:
            if self.started:
                return
            if self.distributed:
                _initialize_jax(self)
                atexit.register(self.exit)
                # multiprocessing children leave through os._exit (no atexit): finalise there too
                multiprocessing.util.Finalize(None, self.exit, exitpriority=1000)
                if self.is_training_task and self.num_replicas > 1 and self.process_id == 0:
                    logging.warning(
                        "compat_tf runs this TF1 cluster as one jax.distributed job of %d processes: its %d "
                        "worker tasks train synchronously (every step averages their gradients, as "
                        "SyncReplicasOptimizer(replicas_to_aggregate=%d) does), where TF1's default was "
                        "asynchronous updates through parameter servers; ps tasks hold no variables.",
                        self.num_processes, self.num_replicas, self.num_replicas)
            self.started = True

    # -- the end of the job -------------------------------------------------------------------
    def join(self):
        """Reports this task done and waits until every task of the job is done (Server.join)."""
        if not self.distributed:
            return
        self._arrive_done()

    def _arrive_done(self):
        with self._lock:
            if self._done:
                return
            self._done = True
        client = _client()
        if client is None:
            return
        try:
            client.wait_at_barrier(_DONE_BARRIER, _FOREVER_MS)
        except Exception as e:  # noqa: BLE001 - the coordination service's error, made TF1's
            raise self.fail(e, "while waiting for the other tasks to finish") from None

    def exit(self):
        """At process exit: report done, wait for the others, shut jax.distributed down cleanly."""
        if not self.started or not self.distributed:
            return
        if self.broken is not None:
            # the job cannot finish together: leave now rather than at the heartbeat timeout
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(1)
        try:
            self._arrive_done()
            import jax
            jax.distributed.shutdown()
        except Exception as e:  # noqa: BLE001 - nothing to raise to at exit
            logging.error("compat_tf cluster: %s", e)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(1)
        finally:
            self.started = False

    def fail(self, error, doing):
        """The InternalError for a broken job (a peer died or is unreachable); remembered for exit."""
        err = errors.InternalError(
            None, None, f"compat_tf cluster ({self.job_name} task {self.task_index}, process {self.process_id} "
            f"of {self.num_processes}): another task of the cluster died or became unreachable {doing}; a "
            f"synchronous compat_tf cluster cannot continue without it. Original error: {error}")
        self.broken = err
        return err


def _client():
    from jax._src import distributed
    return distributed.global_state.client


def _initialize_jax(job):
    import jax
    from jax._src import xla_bridge
    if xla_bridge.backends_are_initialized():
        raise errors.FailedPreconditionError(
            None, None, f"tf.train.Server for {job.job_name} task {job.task_index} was created after this "
            "process had already run a computation: compat_tf makes a cluster one jax.distributed job, and "
            "JAX can only join one before its first computation. Create the Server at the start of the "
            "program (before any Session.run), as TF1's distributed examples do.")
    if jax.config.jax_cpu_collectives_implementation is None:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    # JAX's preemption service catches SIGTERM; a TF1 task is stopped by SIGTERM as any process is
    jax.config.update("jax_enable_preemption_service", False)
    timeout = int(max(1, round(job.timeout_secs)))
    try:
        jax.distributed.initialize(coordinator_address=job.coordinator_address,
                                   num_processes=job.num_processes, process_id=job.process_id,
                                   heartbeat_timeout_seconds=timeout,
                                   shutdown_timeout_seconds=max(timeout, 30))
        jax.devices()   # every process must bring its backend up: the job exchanges its topology now
    except RuntimeError as e:
        raise errors.UnavailableError(
            None, None, f"could not start {job.job_name} task {job.task_index} of the cluster (jax.distributed "
            f"coordinator {job.coordinator_address}, process {job.process_id} of {job.num_processes}): {e}") from e


def current():
    """The ClusterJob of this process (a started tf.train.Server), or None."""
    return _job


def register(job):
    """Makes `job` this process's cluster job; a second, different cluster is an error (one per process)."""
    global _job
    with _job_lock:
        if _job is not None and _job is not job:
            same = (_job.cluster_spec == job.cluster_spec.as_dict() and _job.job_name == job.job_name
                    and _job.task_index == job.task_index)
            if not same:
                raise errors.FailedPreconditionError(
                    None, None, f"this process is already {_job.job_name} task {_job.task_index} of a cluster; "
                    "compat_tf runs one cluster task per process (one jax.distributed job)")
            return _job
        _job = job
        return job


def unregister(job):
    """Forgets `job` (its start failed), so that the process can still join a cluster."""
    global _job
    with _job_lock:
        if _job is job and not job.started:
            _job = None


def add_target(target, job):
    with _job_lock:
        _targets[target] = job


def job_for_target(target):
    """The ClusterJob of the started Server whose `target` this is, or None."""
    return _targets.get(target)


def _distributed_process_id():
    """This process's id in a multi-process jax.distributed job, or None (no backend brought up)."""
    from jax._src import distributed
    if distributed.global_state.client is None:
        return None
    return distributed.global_state.process_id


def orbax_checkpointer(ocp):
    """An orbax checkpointer for this process alone in a multi-process job (None otherwise).

    orbax's defaults make a save a collective of every process of the job; a
    TF1 chief saves alone (the other tasks never call save), so the chief
    (process 0, where orbax writes host arrays) saves with itself as the
    only active process.
    """
    pid = _distributed_process_id()
    if pid is None:
        return None
    opts = ocp.options.MultiprocessingOptions(primary_host=pid, active_processes={pid})
    return ocp.Checkpointer(ocp.PyTreeCheckpointHandler(multiprocessing_options=opts),
                            multiprocessing_options=opts)


def check_checkpoint_writer(prefix):
    """FailedPreconditionError for a checkpoint written by a process other than the chief's."""
    pid = _distributed_process_id()
    if pid:
        job = _job
        who = f"{job.job_name} task {job.task_index}" if job is not None else f"process {pid}"
        raise errors.FailedPreconditionError(
            None, None, f"compat_tf cluster: only the chief writes checkpoints; {who} tried to write {prefix}. "
            "Every worker holds the same variables, so save on the chief (is_chief=True, as "
            "MonitoredTrainingSession does).")


def num_replicas():
    """How many workers a training step of this process's cluster session runs on (1 without a cluster)."""
    job = _job
    if job is None or not job.distributed:
        return 1
    return job.num_replicas
