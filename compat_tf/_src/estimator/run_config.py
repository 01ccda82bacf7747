"""tf.estimator.RunConfig (TF 1.15's estimator/run_config.py).

The cluster properties (cluster_spec, task_type, task_id, master, is_chief,
num_ps_replicas, ...) come from the TF_CONFIG environment variable, read when
the RunConfig is made, with TF1's rules (tf_config.py); a distributed task
without a session_config gets TF1's default one (device filters).
"""
import copy
import json
import os

from compat_tf._src.estimator import tf_config as _tf_config

_DEFAULTS = dict(
    model_dir=None, tf_random_seed=None, save_summary_steps=100, save_checkpoints_steps=None,
    save_checkpoints_secs=None, session_config=None, keep_checkpoint_max=5,
    keep_checkpoint_every_n_hours=10000, log_step_count_steps=100, train_distribute=None, device_fn=None,
    protocol=None, eval_distribute=None, experimental_distribute=None, experimental_max_worker_delay_secs=None,
    session_creation_timeout_secs=7200)

_USE_DEFAULT = object()


class RunConfig:
    """Configuration of an Estimator run. As in TF 1.15, when neither save_checkpoints_steps nor
    save_checkpoints_secs is given, checkpoints are saved every 600 seconds (and at the end of train()).
    The cluster properties are read from TF_CONFIG; distribution strategies (train_distribute,
    eval_distribute, experimental_distribute) are not supported by compat_tf."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_USE_DEFAULT, save_checkpoints_secs=_USE_DEFAULT, session_config=None,
                 keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None, eval_distribute=None,
                 experimental_distribute=None, experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200):
        if save_checkpoints_steps is not _USE_DEFAULT and save_checkpoints_secs is not _USE_DEFAULT \
                and save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError("Can not provide both save_checkpoints_secs and save_checkpoints_steps.")
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        if save_checkpoints_steps is _USE_DEFAULT:
            save_checkpoints_steps = None
        if save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_secs = None
        for what, v in (("train_distribute", train_distribute), ("eval_distribute", eval_distribute),
                        ("experimental_distribute", experimental_distribute)):
            if v is not None:
                raise NotImplementedError(f"tf.estimator.RunConfig({what}=...) is not supported by compat_tf")
        for what, v in (("save_summary_steps", save_summary_steps), ("save_checkpoints_steps",
                        save_checkpoints_steps), ("save_checkpoints_secs", save_checkpoints_secs),
                        ("keep_checkpoint_max", keep_checkpoint_max), ("log_step_count_steps",
                        log_step_count_steps)):
            if v is not None and v < 0:
                raise ValueError(f"{what} should be >= 0, given {v}")
        self._model_dir = model_dir
        self._tf_random_seed = tf_random_seed
        self._save_summary_steps = save_summary_steps
        self._save_checkpoints_steps = save_checkpoints_steps
        self._save_checkpoints_secs = save_checkpoints_secs
        self._session_config = session_config
        self._keep_checkpoint_max = keep_checkpoint_max
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._log_step_count_steps = log_step_count_steps
        self._train_distribute = train_distribute
        self._device_fn = device_fn
        self._protocol = protocol
        self._eval_distribute = eval_distribute
        self._experimental_distribute = experimental_distribute
        self._experimental_max_worker_delay_secs = experimental_max_worker_delay_secs
        self._session_creation_timeout_secs = session_creation_timeout_secs
        self._cluster = _tf_config.distributed_settings(
            json.loads(os.environ.get(_tf_config.TF_CONFIG_ENV) or "{}"))
        if self._session_config is None and self._cluster["cluster_spec"]:
            self._session_config = _tf_config.default_session_config(self._cluster["task_type"],
                                                                     self._cluster["task_id"])

    def replace(self, **kwargs):
        """A copy with the given properties replaced (ValueError for an unknown property)."""
        for k in kwargs:
            if k not in _DEFAULTS:
                raise ValueError(f"{k} is not a valid property.")
        new = copy.copy(self)
        if kwargs.get("save_checkpoints_steps") is not None and "save_checkpoints_secs" not in kwargs:
            kwargs["save_checkpoints_secs"] = None
        if kwargs.get("save_checkpoints_secs") is not None and "save_checkpoints_steps" not in kwargs:
            kwargs["save_checkpoints_steps"] = None
        if kwargs.get("save_checkpoints_secs") is not None and kwargs.get("save_checkpoints_steps") is not None:
            raise ValueError("Can not provide both save_checkpoints_secs and save_checkpoints_steps.")
        for k, v in kwargs.items():
            setattr(new, "_" + k, v)
        return new

    # the cluster properties, from TF_CONFIG (tf_config.py)
    cluster_spec = property(lambda self: self._cluster["cluster_spec"])
    evaluation_master = property(lambda self: self._cluster["evaluation_master"])
    global_id_in_cluster = property(lambda self: self._cluster["global_id_in_cluster"])
    is_chief = property(lambda self: self._cluster["is_chief"])
    master = property(lambda self: self._cluster["master"])
    num_ps_replicas = property(lambda self: self._cluster["num_ps_replicas"])
    num_worker_replicas = property(lambda self: self._cluster["num_worker_replicas"])
    task_id = property(lambda self: self._cluster["task_id"])
    task_type = property(lambda self: self._cluster["task_type"])
    service = property(lambda self: self._cluster["service"])


for _name in _DEFAULTS:
    setattr(RunConfig, _name, property(lambda self, _n=_name: getattr(self, "_" + _n)))
del _name
