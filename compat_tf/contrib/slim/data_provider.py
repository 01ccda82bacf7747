"""slim.data_provider: DataProvider (compat_tf._src.contrib.slim_data.data_provider)."""
from compat_tf._src.contrib.slim_data.data_provider import DataProvider  # noqa: F401
