"""tf.contrib.learn: ModeKeys, RunConfig, preprocessing, datasets; the rest (its Estimator and canned
estimators, learn_runner, Experiment) raise UnimplementedSymbolError."""
from compat_tf._src.contrib.learn.run_config import ModeKeys, RunConfig  # noqa: F401
from compat_tf.contrib.learn import datasets, preprocessing  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.learn", package=__name__)
