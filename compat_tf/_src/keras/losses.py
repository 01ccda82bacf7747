"""tf.keras.losses (TF 1.15): loss functions (per-sample values, mean over the last axis) and the
Loss classes, which weight (`sample_weight`) and reduce them: SUM_OVER_BATCH_SIZE (the default
and AUTO) = sum / number of elements, SUM, NONE.

The crossentropies are K.*_crossentropy (probabilities clipped to [1e-7, 1 - 1e-7] unless the
prediction is a Softmax/Sigmoid op); labels are cast to the prediction's dtype; a prediction
and label whose ranks differ by one with a trailing 1 are squeezed to match first.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import backend_ops
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, nn_impl, nn_ops
from compat_tf._src.ops import constant as _constant


class ReductionV2:
    """tf.keras.losses.Reduction: AUTO, NONE, SUM, SUM_OVER_BATCH_SIZE."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s." % key)


def squeeze_or_expand_dimensions(y_pred, y_true=None, sample_weight=None):
    """Squeezes a trailing 1 so that y_pred/y_true (and sample_weight) ranks match (TF's losses_utils)."""
    if y_true is not None:
        pr, tr = y_pred.shape.ndims, y_true.shape.ndims
        if pr is not None and tr is not None:
            if pr - tr == 1 and y_pred.shape[-1].value == 1:
                y_pred = array_ops.squeeze(y_pred, [-1])
            elif tr - pr == 1 and y_true.shape[-1].value == 1:
                y_true = array_ops.squeeze(y_true, [-1])
    if sample_weight is None:
        return y_pred, y_true, None
    sample_weight = _constant.convert_to_tensor(sample_weight)
    wr, pr = sample_weight.shape.ndims, y_pred.shape.ndims
    if wr is not None and pr is not None:
        if wr - pr == 1:
            sample_weight = array_ops.squeeze(sample_weight, [-1])
        elif pr - wr == 1:
            sample_weight = array_ops.expand_dims(sample_weight, [-1])
    return y_pred, y_true, sample_weight


def reduce_weighted_loss(weighted_losses, reduction=ReductionV2.SUM_OVER_BATCH_SIZE):
    if reduction == ReductionV2.NONE:
        return weighted_losses
    loss = math_ops.reduce_sum(weighted_losses)
    if reduction == ReductionV2.SUM_OVER_BATCH_SIZE:
        n = math_ops.cast(array_ops.size(weighted_losses, name="num_elements"), loss.dtype)
        loss = math_ops.div_no_nan(loss, n, name="value")
    return loss


def compute_weighted_loss(losses, sample_weight=None, reduction=ReductionV2.SUM_OVER_BATCH_SIZE, name=None):
    """losses * sample_weight (broadcast), then reduced; computed in float32, returned in the loss dtype."""
    ReductionV2.validate(reduction)
    if reduction == ReductionV2.AUTO:
        reduction = ReductionV2.SUM_OVER_BATCH_SIZE
    if sample_weight is None:
        sample_weight = 1.0
    with K.name_scope(name or "weighted_loss"):
        losses = _constant.convert_to_tensor(losses)
        input_dtype = losses.dtype.base_dtype
        losses = math_ops.cast(losses, _dtypes.float32)
        sample_weight = math_ops.cast(_constant.convert_to_tensor(sample_weight), _dtypes.float32)
        losses, _, sample_weight = squeeze_or_expand_dimensions(losses, None, sample_weight)
        weighted = math_ops.multiply(losses, sample_weight)
        loss = reduce_weighted_loss(weighted, reduction)
        return math_ops.cast(loss, input_dtype)


def _pred_true(y_true, y_pred):
    y_pred = _constant.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    return y_true, y_pred


# -- functions ---------------------------------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    return backend_ops.mean(math_ops.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    return backend_ops.mean(math_ops.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    diff = math_ops.abs((y_true - y_pred) / math_ops.maximum(math_ops.abs(y_true), K.epsilon()))
    return 100. * backend_ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    first = math_ops.log(math_ops.maximum(y_pred, K.epsilon()) + 1.)
    second = math_ops.log(math_ops.maximum(y_true, K.epsilon()) + 1.)
    return backend_ops.mean(math_ops.squared_difference(first, second), axis=-1)


def _maybe_convert_labels(y_true):
    """{0, 1} labels -> {-1, 1} (hinge losses)."""
    are_zeros = math_ops.equal(y_true, 0)
    are_ones = math_ops.equal(y_true, 1)
    is_binary = math_ops.reduce_all(math_ops.logical_or(are_zeros, are_ones))
    return control_flow_ops.cond(is_binary, lambda: 2. * y_true - 1., lambda: y_true)


def squared_hinge(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return backend_ops.mean(math_ops.square(math_ops.maximum(1. - y_true * y_pred, 0.)), axis=-1)


def hinge(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return backend_ops.mean(math_ops.maximum(1. - y_true * y_pred, 0.), axis=-1)


def categorical_hinge(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    pos = math_ops.reduce_sum(y_true * y_pred, axis=-1)
    neg = math_ops.reduce_max((1. - y_true) * y_pred, axis=-1)
    return math_ops.maximum(0., neg - pos + 1.)


def huber_loss(y_true, y_pred, delta=1.0):
    y_true, y_pred = _pred_true(y_true, y_pred)
    error = y_pred - y_true
    abs_error = math_ops.abs(error)
    quadratic = math_ops.minimum(abs_error, delta)
    linear = abs_error - quadratic
    return backend_ops.mean(0.5 * quadratic * quadratic + delta * linear, axis=-1)


def logcosh(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    x = y_pred - y_true
    return backend_ops.mean(x + nn_ops.softplus(-2. * x) - math_ops.cast(math_ops.log(2.), x.dtype), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    y_true, y_pred = _pred_true(y_true, y_pred)
    if label_smoothing:
        num_classes = math_ops.cast(array_ops.shape(y_true)[1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)
    return backend_ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    return backend_ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    y_true, y_pred = _pred_true(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return backend_ops.mean(backend_ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=-1)


def kullback_leibler_divergence(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = math_ops.clip_by_value(y_true, K.epsilon(), 1)
    y_pred = math_ops.clip_by_value(y_pred, K.epsilon(), 1)
    return math_ops.reduce_sum(y_true * math_ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    return backend_ops.mean(y_pred - y_true * math_ops.log(y_pred + K.epsilon()), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred)) (a loss: -1 for identical directions)."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = nn_impl.l2_normalize(y_true, axis=axis)
    y_pred = nn_impl.l2_normalize(y_pred, axis=axis)
    return -math_ops.reduce_sum(y_true * y_pred, axis=axis)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_proximity = cosine_similarity


# -- classes -----------------------------------------------------------------------------------

class Loss:
    """tf.keras.losses.Loss(reduction=AUTO, name=None): `loss(y_true, y_pred, sample_weight=None)`."""

    def __init__(self, reduction=ReductionV2.AUTO, name=None):
        ReductionV2.validate(reduction)
        self.reduction = reduction
        self.name = name

    def __call__(self, y_true, y_pred, sample_weight=None):
        scope = "lambda" if self.name == "<lambda>" else self.name
        with K.name_scope(scope or type(self).__name__):
            losses = self.call(y_true, y_pred)
            return compute_weighted_loss(losses, sample_weight, reduction=self._get_reduction())

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    def call(self, y_true, y_pred):
        raise NotImplementedError("Must be implemented in subclasses.")

    def _get_reduction(self):
        return ReductionV2.SUM_OVER_BATCH_SIZE if self.reduction == ReductionV2.AUTO else self.reduction


class LossFunctionWrapper(Loss):
    """A Loss calling `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction=ReductionV2.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if _is_tensor(y_pred) and _is_tensor(y_true):
            y_pred, y_true, _ = squeeze_or_expand_dimensions(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = dict(self._fn_kwargs)
        config.update(super().get_config())
        return config


def _is_tensor(x):
    return hasattr(x, "op") and hasattr(x, "shape")


def _loss_class(name, fn, default_name, doc, **defaults):
    def __init__(self, reduction=ReductionV2.AUTO, name=default_name, **kwargs):
        args = dict(defaults)
        for k, v in kwargs.items():
            if k not in args:
                raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument '{k}'")
            args[k] = v
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, **args)
    return type(name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                               "tf.keras.losses.MeanSquaredError: mean of squares of errors.")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                "tf.keras.losses.MeanAbsoluteError.")
MeanAbsolutePercentageError = _loss_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                          "mean_absolute_percentage_error",
                                          "tf.keras.losses.MeanAbsolutePercentageError.")
MeanSquaredLogarithmicError = _loss_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                          "mean_squared_logarithmic_error",
                                          "tf.keras.losses.MeanSquaredLogarithmicError.")
BinaryCrossentropy = _loss_class("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                 "tf.keras.losses.BinaryCrossentropy(from_logits=False, label_smoothing=0).",
                                 from_logits=False, label_smoothing=0)
CategoricalCrossentropy = _loss_class("CategoricalCrossentropy", categorical_crossentropy,
                                      "categorical_crossentropy",
                                      "tf.keras.losses.CategoricalCrossentropy(from_logits=False, "
                                      "label_smoothing=0).", from_logits=False, label_smoothing=0)
SparseCategoricalCrossentropy = _loss_class("SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
                                            "sparse_categorical_crossentropy",
                                            "tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False).",
                                            from_logits=False)
Hinge = _loss_class("Hinge", hinge, "hinge", "tf.keras.losses.Hinge.")
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge", "tf.keras.losses.SquaredHinge.")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                               "tf.keras.losses.CategoricalHinge.")
Poisson = _loss_class("Poisson", poisson, "poisson", "tf.keras.losses.Poisson.")
LogCosh = _loss_class("LogCosh", logcosh, "logcosh", "tf.keras.losses.LogCosh.")
KLDivergence = _loss_class("KLDivergence", kullback_leibler_divergence, "kullback_leibler_divergence",
                           "tf.keras.losses.KLDivergence.")
Huber = _loss_class("Huber", huber_loss, "huber_loss", "tf.keras.losses.Huber(delta=1.0).", delta=1.0)
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                               "tf.keras.losses.CosineSimilarity(axis=-1).", axis=-1)

_MODULE_OBJECTS = {k: v for k, v in dict(globals()).items()
                   if not k.startswith("_") and (callable(v) and getattr(v, "__module__", "") == __name__)}


def serialize(loss):
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    return deserialize_keras_object(name, module_objects=_MODULE_OBJECTS, custom_objects=custom_objects,
                                    printable_module_name="loss function")


def get(identifier):
    """None, a name ('mse', 'categorical_crossentropy', ...), a config dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return deserialize(str(identifier))
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss function identifier:", identifier)
