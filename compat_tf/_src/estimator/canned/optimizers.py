"""The optimizer argument of the canned estimators (TF 1.15's canned/optimizers.py).

A name ('Adagrad', 'Adam', 'Ftrl', 'RMSProp', 'SGD') makes that tf.train optimizer with the
estimator's default learning rate; an Optimizer instance is used as it is; a callable is called
(so each graph gets its own optimizer) and must return an Optimizer.
"""


def _classes():
    from compat_tf._src.train.adagrad import AdagradOptimizer
    from compat_tf._src.train.adam import AdamOptimizer
    from compat_tf._src.train.ftrl import FtrlOptimizer
    from compat_tf._src.train.gradient_descent import GradientDescentOptimizer
    from compat_tf._src.train.rmsprop import RMSPropOptimizer
    return {"Adagrad": AdagradOptimizer, "Adam": AdamOptimizer, "Ftrl": FtrlOptimizer,
            "RMSProp": RMSPropOptimizer, "SGD": GradientDescentOptimizer}


def get_optimizer_instance(opt, learning_rate=None):
    """TF 1.15's optimizers.get_optimizer_instance (same errors)."""
    from compat_tf._src.train.optimizer import Optimizer
    if isinstance(opt, str):
        classes = _classes()
        if opt in classes:
            if not learning_rate:
                raise ValueError("learning_rate must be specified when opt is string.")
            return classes[opt](learning_rate=learning_rate)
        raise ValueError(f"Unsupported optimizer name: {opt}. Supported names are: {tuple(sorted(classes))}")
    if callable(opt) and not isinstance(opt, Optimizer):
        opt = opt()
    if not isinstance(opt, Optimizer):
        raise ValueError(f"The given object is not an Optimizer instance. Given: {opt}")
    return opt
