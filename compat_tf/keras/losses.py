"""tf.keras.losses (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.losses import (  # noqa: F401
    BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, Huber, KLD,
    KLDivergence, LogCosh, Loss, MAE, MAPE, MSE, MSLE, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredError, MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge,
    binary_crossentropy, categorical_crossentropy, categorical_hinge, cosine, cosine_proximity,
    cosine_similarity, deserialize, get, hinge, kld, kullback_leibler_divergence, logcosh, mae, mape,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
    mse, msle, poisson, serialize, sparse_categorical_crossentropy, squared_hinge,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.losses")
