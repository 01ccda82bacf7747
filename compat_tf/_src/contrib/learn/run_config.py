"""tf.contrib.learn.RunConfig and ModeKeys (TF 1.15)."""
from compat_tf._src.estimator.run_config import _USE_DEFAULT
from compat_tf._src.estimator.run_config import RunConfig as _CoreRunConfig

__all__ = ["ModeKeys", "RunConfig"]


class ModeKeys:
    """tf.contrib.learn.ModeKeys (INFER, not tf.estimator's PREDICT)."""
    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"


class RunConfig(_CoreRunConfig):
    """tf.contrib.learn.RunConfig: tf.estimator.RunConfig with the older arguments (num_cores,
    gpu_memory_fraction, log_device_placement, master, evaluation_master), which shape the
    session config as TF1 (device placement logging is ignored by compat_tf)."""

    def __init__(self, master=None, num_cores=0, log_device_placement=False, gpu_memory_fraction=1,
                 tf_random_seed=None, save_summary_steps=100, save_checkpoints_secs=_USE_DEFAULT,
                 save_checkpoints_steps=None, keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000,
                 log_step_count_steps=100, protocol=None, evaluation_master="", model_dir=None,
                 session_config=None, session_creation_timeout_secs=7200):
        if session_config is None:
            from compat_tf._src.protos.config_pb2 import ConfigProto, GPUOptions
            session_config = ConfigProto(log_device_placement=log_device_placement,
                                         inter_op_parallelism_threads=num_cores,
                                         intra_op_parallelism_threads=num_cores,
                                         gpu_options=GPUOptions(per_process_gpu_memory_fraction=gpu_memory_fraction))
        super().__init__(model_dir=model_dir, tf_random_seed=tf_random_seed, save_summary_steps=save_summary_steps,
                         save_checkpoints_steps=save_checkpoints_steps, save_checkpoints_secs=save_checkpoints_secs,
                         session_config=session_config, keep_checkpoint_max=keep_checkpoint_max,
                         keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                         log_step_count_steps=log_step_count_steps, protocol=protocol,
                         session_creation_timeout_secs=session_creation_timeout_secs)
        self._learn_master = master or ""
        self._learn_evaluation_master = evaluation_master
        self.num_cores = num_cores
        self.gpu_memory_fraction = gpu_memory_fraction

    master = property(lambda self: self._learn_master)
    evaluation_master = property(lambda self: self._learn_evaluation_master)
