"""tf.keras.metrics (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.metrics import (  # noqa: F401
    Accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy, CategoricalCrossentropy,
    CategoricalHinge, CosineSimilarity, FalseNegatives, FalsePositives, Hinge, KLD, KLDivergence,
    LogCoshError, MAE, MAPE, MSE, MSLE, Mean, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredError, MeanSquaredLogarithmicError, Metric, Poisson, Precision, Recall, RootMeanSquaredError,
    SparseCategoricalAccuracy, SparseCategoricalCrossentropy, SparseTopKCategoricalAccuracy, SquaredHinge,
    Sum, TopKCategoricalAccuracy, TrueNegatives, TruePositives, binary_accuracy, binary_crossentropy,
    categorical_accuracy, categorical_crossentropy, cosine, cosine_proximity, deserialize, get, hinge, kld,
    kullback_leibler_divergence, mae, mape, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_error, mean_squared_logarithmic_error, mse, msle, poisson, serialize,
    sparse_categorical_accuracy, sparse_categorical_crossentropy, sparse_top_k_categorical_accuracy,
    squared_hinge, top_k_categorical_accuracy,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.metrics")
