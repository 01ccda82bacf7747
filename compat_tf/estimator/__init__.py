"""tf.estimator: TF 1.15's Estimator API on compat_tf Sessions (defined in compat_tf._src.estimator).

Implemented: Estimator (train/evaluate/predict/export_saved_model, checkpoints in model_dir),
EstimatorSpec, ModeKeys, RunConfig, TrainSpec, EvalSpec, train_and_evaluate (local mode),
tf.estimator.inputs.numpy_input_fn / pandas_input_fn, tf.estimator.export.ServingInputReceiver /
PredictOutput / build_raw_serving_input_receiver_fn / build_parsing_serving_input_receiver_fn.
The canned estimators of TF 1.15 (DNN*, Linear*, DNNLinearCombined*, Baseline*; see
compat_tf._src.estimator.canned), WarmStartSettings / VocabInfo, classifier_parse_example_spec /
regressor_parse_example_spec. Exporters, BoostedTrees*, add_metrics, the experimental and tpu
namespaces raise UnimplementedSymbolError (a NotImplementedError naming the symbol).
"""
from compat_tf._src.estimator.estimator import Estimator, NanLossDuringTrainingError  # noqa: F401
from compat_tf._src.estimator.model_fn import EstimatorSpec, ModeKeys  # noqa: F401
from compat_tf._src.estimator.run_config import RunConfig  # noqa: F401
from compat_tf._src.estimator.training import EvalSpec, TrainSpec, train_and_evaluate  # noqa: F401
from compat_tf._src.estimator.canned.baseline import (  # noqa: F401
    BaselineClassifier, BaselineEstimator, BaselineRegressor)
from compat_tf._src.estimator.canned.dnn import DNNClassifier, DNNEstimator, DNNRegressor  # noqa: F401
from compat_tf._src.estimator.canned.dnn_linear_combined import (  # noqa: F401
    DNNLinearCombinedClassifier, DNNLinearCombinedEstimator, DNNLinearCombinedRegressor)
from compat_tf._src.estimator.canned.linear import LinearClassifier, LinearEstimator, LinearRegressor  # noqa: F401
from compat_tf._src.estimator.canned.parsing_utils import (  # noqa: F401
    classifier_parse_example_spec, regressor_parse_example_spec)
from compat_tf._src.train.warm_starting_util import VocabInfo, WarmStartSettings  # noqa: F401
from compat_tf.estimator import export, inputs  # noqa: F401

# TF 1.15 tf.estimator names compat_tf does not implement
_UNIMPLEMENTED = frozenset("""
BestExporter BoostedTreesClassifier BoostedTreesEstimator BoostedTreesRegressor Exporter FinalExporter
LatestExporter add_metrics experimental tpu
""".split())


def __getattr__(name):
    from compat_tf._src.dropin.missing import UnimplementedSymbolError
    if name in _UNIMPLEMENTED:
        raise UnimplementedSymbolError(f"tf.estimator.{name} is not implemented by compat_tf (TensorFlow 1.15 API)")
    raise AttributeError(f"module 'tf.estimator' has no attribute '{name}'")
