"""slim.dataset: Dataset (compat_tf._src.contrib.slim_data.dataset)."""
from compat_tf._src.contrib.slim_data.dataset import Dataset  # noqa: F401
