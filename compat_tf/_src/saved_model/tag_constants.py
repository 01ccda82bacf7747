"""tf.saved_model.tag_constants (TF 1.15's saved_model/tag_constants.py)."""

SERVING = "serve"
TRAINING = "train"
EVAL = "eval"
GPU = "gpu"
TPU = "tpu"

__all__ = ["GPU", "SERVING", "TPU", "TRAINING"]
