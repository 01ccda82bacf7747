"""tf.train: optimizers, global step, schedules, savers (names defined in compat_tf._src.train)."""
from compat_tf._src.train.adadelta import AdadeltaOptimizer  # noqa: F401
from compat_tf._src.train.adagrad import AdagradOptimizer  # noqa: F401
from compat_tf._src.train.adam import AdamOptimizer  # noqa: F401
from compat_tf._src.train.ftrl import FtrlOptimizer  # noqa: F401
from compat_tf._src.train.gradient_descent import GradientDescentOptimizer  # noqa: F401
from compat_tf._src.train.learning_rate_decay import (  # noqa: F401
    cosine_decay, cosine_decay_restarts, exponential_decay, inverse_time_decay, linear_cosine_decay,
    natural_exp_decay, noisy_linear_cosine_decay, piecewise_constant, piecewise_constant_decay,
    polynomial_decay)
from compat_tf._src.train.monitored_session import *  # noqa: F401,F403 - MonitoredSession, hooks, Scaffold
from compat_tf._src.train.momentum import MomentumOptimizer  # noqa: F401
from compat_tf._src.train.moving_averages import ExponentialMovingAverage  # noqa: F401
from compat_tf._src.train.optimizer import Optimizer  # noqa: F401
from compat_tf._src.train.object_checkpoint import Checkpoint  # noqa: F401
from compat_tf._src.train.queue_api import *  # noqa: F401,F403 - queues, threads, input pipelines
from compat_tf._src.train.proximal_adagrad import ProximalAdagradOptimizer  # noqa: F401
from compat_tf._src.train.proximal_gradient_descent import ProximalGradientDescentOptimizer  # noqa: F401
from compat_tf._src.train.rmsprop import RMSPropOptimizer  # noqa: F401
from compat_tf._src.train.session_manager import SessionManager  # noqa: F401
from compat_tf._src.train.supervisor import Supervisor  # noqa: F401
from compat_tf._src.train.saver_api import *  # noqa: F401,F403 - Saver, checkpoints, meta graphs
from compat_tf._src.train.server_lib import ClusterSpec, Server, ServerDef  # noqa: F401
from compat_tf._src.train.device_setter import replica_device_setter  # noqa: F401
from compat_tf._src.train.sync_replicas_optimizer import SyncReplicasOptimizer  # noqa: F401
from compat_tf._src.protos.example_pb2 import (  # noqa: F401
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List, SequenceExample)
from compat_tf._src.protos.cluster_pb2 import ClusterDef, JobDef  # noqa: F401
from compat_tf._src.protos.saver_pb2 import SaverDef  # noqa: F401
from compat_tf._src.framework.graph_util import write_graph  # noqa: F401
from compat_tf._src.train.warm_starting_util import VocabInfo, warm_start  # noqa: F401
from compat_tf._src.train.training_util import (  # noqa: F401
    assert_global_step, create_global_step, get_global_step, get_or_create_global_step, global_step)

from compat_tf._src.summary.writer import summary_iterator  # noqa: E402,F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.train")
