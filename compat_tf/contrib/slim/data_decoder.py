"""slim.data_decoder: DataDecoder (compat_tf._src.contrib.slim_data.data_decoder)."""
from compat_tf._src.contrib.slim_data.data_decoder import DataDecoder  # noqa: F401
