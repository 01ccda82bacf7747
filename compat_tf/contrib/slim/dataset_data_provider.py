"""slim.dataset_data_provider: DatasetDataProvider (compat_tf._src.contrib.slim_data)."""
from compat_tf._src.contrib.slim_data.dataset_data_provider import DatasetDataProvider  # noqa: F401
from compat_tf._src.contrib.slim_data import data_provider, parallel_reader  # noqa: F401 - as in TF-Slim
