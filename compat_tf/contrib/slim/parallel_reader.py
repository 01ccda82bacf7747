"""slim.parallel_reader: ParallelReader, parallel_read, single_pass_read, get_data_files."""
from compat_tf._src.contrib.slim_data.parallel_reader import (  # noqa: F401
    ParallelReader, get_data_files, parallel_read, single_pass_read)
