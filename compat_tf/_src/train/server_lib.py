"""tf.train.ClusterSpec and tf.train.Server (TF 1.15's python/training/server_lib.py).

`ClusterSpec` is TF1's, whole: built from a dict of job -> list or
{index: address}, a ClusterDef or another ClusterSpec; `as_dict`,
`as_cluster_def`, `jobs`, `num_tasks`, `task_indices`, `task_address`,
`job_tasks`, equality and the same errors.

`Server` keeps TF1's interface (`server_def`, `target`, `start`, `join`,
`create_local_server`) over a different engine: the cluster becomes one
`jax.distributed` job (compat_tf/_src/parallel/cluster.py), started by
`start()`. `target` is TF1's "grpc://localhost:<port>" string; a
`tf.Session(server.target)` on a worker task runs its training steps
synchronously over every worker of the cluster (parallel/cluster_session.py).
`join()` returns once every other task of the cluster is done (TF1's blocks
forever); on a one-process cluster (`create_local_server`) it returns at once.
Only the "grpc" protocol exists (others: NotFoundError, as TF1 without that
server factory).
"""
import re
import socket

from compat_tf._src.framework import errors
from compat_tf._src.protos import cluster_pb2
from compat_tf._src.protos.tensorflow_server_pb2 import ServerDef

__all__ = ["ClusterSpec", "Server", "ServerDef"]


class ClusterSpec:
    """TF1's tf.train.ClusterSpec: job names -> task indices -> network addresses."""

    def __init__(self, cluster):
        if isinstance(cluster, dict):
            self._cluster_spec = {}
            for job_name, tasks in cluster.items():
                if isinstance(tasks, (list, tuple)):
                    job_tasks = dict(enumerate(tasks))
                elif isinstance(tasks, dict):
                    job_tasks = dict(tasks.items())
                else:
                    raise TypeError(f"The tasks for job {job_name!r} must be a list or a dictionary from "
                                    "integers to strings.")
                self._cluster_spec[job_name] = job_tasks
            self._make_cluster_def()
        elif isinstance(cluster, (cluster_pb2.ClusterDef, ClusterSpec)):
            source = cluster if isinstance(cluster, cluster_pb2.ClusterDef) else cluster.as_cluster_def()
            self._cluster_def = cluster_pb2.ClusterDef()
            self._cluster_def.MergeFrom(source)
            self._cluster_spec = {job.name: dict(job.tasks.items()) for job in self._cluster_def.job}
        else:
            raise TypeError("`cluster` must be a dictionary mapping one or more job names to lists of network "
                            "addresses, or a `ClusterDef` protocol buffer")

    def __bool__(self):
        return bool(self._cluster_spec)

    def __eq__(self, other):
        return self._cluster_spec == other

    def __ne__(self, other):
        return self._cluster_spec != other

    __hash__ = None

    def __str__(self):
        d = self.as_dict()
        return "ClusterSpec({" + ", ".join(repr(k) + ": " + repr(d[k]) for k in sorted(d)) + "})"

    __repr__ = __str__

    def as_dict(self):
        """{job: [addresses]} for jobs whose task indices are 0..n-1, else {job: {index: address}}."""
        out = {}
        for job in self.jobs:
            indices = self.task_indices(job)
            if not indices:
                out[job] = {}
            elif max(indices) + 1 == len(indices):
                out[job] = self.job_tasks(job)
            else:
                out[job] = {i: self.task_address(job, i) for i in indices}
        return out

    def as_cluster_def(self):
        return self._cluster_def

    @property
    def jobs(self):
        return list(self._cluster_spec.keys())

    def _job(self, job_name):
        try:
            return self._cluster_spec[job_name]
        except KeyError:
            raise ValueError(f"No such job in cluster: {job_name!r}") from None

    def num_tasks(self, job_name):
        return len(self._job(job_name))

    def task_indices(self, job_name):
        return sorted(self._job(job_name).keys())

    def task_address(self, job_name, task_index):
        job = self._job(job_name)
        try:
            return job[task_index]
        except KeyError:
            raise ValueError(f"No task with index {task_index!r} in job {job_name!r}") from None

    def job_tasks(self, job_name):
        """The addresses of the job's tasks by index (None where an index has no task)."""
        job = self._job(job_name)
        out = [None] * (max(job.keys()) + 1 if job else 0)
        for i, task in job.items():
            out[i] = task
        return out

    def _make_cluster_def(self):
        self._cluster_def = cluster_pb2.ClusterDef()
        for job_name, tasks in sorted(self._cluster_spec.items()):    # sorted: deterministic protos, as TF1
            if not isinstance(job_name, (str, bytes)):
                raise TypeError(f"Job name {job_name!r} must be bytes or unicode")
            job_def = self._cluster_def.job.add()
            job_def.name = job_name.decode() if isinstance(job_name, bytes) else job_name
            for i, address in sorted(tasks.items()):
                if not isinstance(address, (str, bytes)):
                    raise TypeError(f"Task address {address!r} must be bytes or unicode")
                job_def.tasks[i] = address.decode() if isinstance(address, bytes) else address


def _make_server_def(server_or_cluster_def, job_name, task_index, protocol, config):
    """TF1's server_lib._make_server_def."""
    server_def = ServerDef()
    if isinstance(server_or_cluster_def, ServerDef):
        server_def.MergeFrom(server_or_cluster_def)
        if job_name is not None:
            server_def.job_name = job_name
        if task_index is not None:
            server_def.task_index = task_index
        if protocol is not None:
            server_def.protocol = protocol
    else:
        try:
            cluster_spec = ClusterSpec(server_or_cluster_def)
        except TypeError:
            raise TypeError("Could not convert `server_or_cluster_def` to a `tf.train.ServerDef` or "
                            "`tf.train.ClusterSpec`.") from None
        if job_name is None:
            if len(cluster_spec.jobs) != 1:
                raise ValueError("Must specify an explicit `job_name`.")
            job_name = cluster_spec.jobs[0]
        if task_index is None:
            indices = cluster_spec.task_indices(job_name)
            if len(indices) != 1:
                raise ValueError("Must specify an explicit `task_index`.")
            task_index = indices[0]
        server_def = ServerDef(cluster=cluster_spec.as_cluster_def(), job_name=job_name, task_index=task_index,
                               protocol=protocol or "grpc")
    if config is not None:
        server_def.default_session_config.MergeFrom(config)
    return server_def


_PORT = re.compile(r"^(.*):(\d+)$")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


class Server:
    """TF1's tf.train.Server: one task of a cluster (see the module docstring for what it runs on)."""

    def __init__(self, server_or_cluster_def, job_name=None, task_index=None, protocol=None, config=None,
                 start=True):
        from compat_tf._src.parallel import cluster as _cluster
        self._server_def = _make_server_def(server_or_cluster_def, job_name, task_index, protocol, config)
        sd = self._server_def
        if sd.protocol != "grpc":
            raise errors.NotFoundError(None, None, f"No server factory registered for the given ServerDef: "
                                       f"{str(sd).strip()}\nThe available server factories are: [ GRPC_SERVER ]")
        spec = ClusterSpec(sd.cluster)
        if sd.job_name not in spec.jobs:
            raise errors.InternalError(None, None, f'Job "{sd.job_name}" was not defined in cluster')
        if sd.task_index not in spec.task_indices(sd.job_name):
            raise errors.InvalidArgumentError(
                None, None, f'Task {sd.task_index} was not defined in job "{sd.job_name}"')
        address = spec.task_address(sd.job_name, sd.task_index)
        m = _PORT.match(address)
        if m is None:
            raise errors.InvalidArgumentError(None, None, f'Could not parse port for local server from "{address}".')
        port = sd.port or int(m.group(2))
        if port == 0:
            if len(spec.jobs) > 1 or spec.num_tasks(sd.job_name) > 1:
                raise errors.InvalidArgumentError(
                    None, None, f'compat_tf needs a fixed port for "{address}" ({sd.job_name} task '
                    f'{sd.task_index}) in a cluster of several tasks: the other tasks reach it there')
            port = _free_port()      # a one-task cluster (create_local_server): any free port
        self._port = port
        self._target = f"grpc://localhost:{port}"
        timeout_ms = sd.default_session_config.operation_timeout_in_ms
        self._job = _cluster.ClusterJob(spec, sd.job_name, sd.task_index,
                                        timeout_secs=timeout_ms / 1000.0 if timeout_ms > 0 else None)
        self._started = False
        if start:
            self.start()

    def start(self):
        """Starts this task: joins the cluster's jax.distributed job (once; later calls do nothing)."""
        from compat_tf._src.parallel import cluster as _cluster
        if self._started:
            return
        if self._job.distributed:
            self._job = _cluster.register(self._job)
        try:
            self._job.start()
        except Exception:
            _cluster.unregister(self._job)
            raise
        _cluster.add_target(self._target, self._job)
        address = self._job.cluster_spec.task_address(self._job.job_name, self._job.task_index)
        if not address.endswith(":0"):     # the task's address: RunConfig's master from TF_CONFIG
            _cluster.add_target("grpc://" + address, self._job)
        self._started = True

    def join(self):
        """Blocks until every other task of the cluster is done (TF1's join blocks forever).

        A parameter-server task has nothing to serve in compat_tf: its join
        returns when the workers have finished (their processes exited or
        joined). InternalError if a task of the cluster died meanwhile.
        """
        if not self._started:
            self.start()
        self._job.join()

    @property
    def server_def(self):
        return self._server_def

    @property
    def target(self):
        """TF1's session target for this server: "grpc://localhost:<port>"."""
        return self._target

    @staticmethod
    def create_local_server(config=None, start=True):
        """A one-task cluster ({"localhost": ["localhost:0"]}) in this process, as TF1's."""
        return Server({"localhost": ["localhost:0"]}, protocol="grpc", config=config, start=start)

    # compat_tf: the cluster this server belongs to (for sessions created with its target)
    @property
    def _cluster_job(self):
        return self._job
