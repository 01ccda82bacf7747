"""Unimplemented TF1 names raise NotImplementedError naming the symbol, also through imports."""
import subprocess
import sys

import pytest

import compat_tf as tf
from compat_tf._src.dropin.missing import UnimplementedImportError, UnimplementedSymbolError

_SCRIPT = """
import compat_tf; compat_tf.install()
for stmt in ["from tensorflow.contrib import nccl", "from tensorflow.contrib.rnn import NoSuchCell",
             "import tensorflow.contrib.nccl"]:
    try:
        exec(stmt)
    except ImportError as e:   # still an ImportError for feature tests
        print(type(e).__name__, isinstance(e, NotImplementedError), e)
"""


def test_attribute_access_raises_unimplemented_symbol_error():
    with pytest.raises(UnimplementedSymbolError, match=r"tf\.contrib\.nccl is not implemented by compat_tf"):
        tf.contrib.nccl  # noqa: B018
    assert not hasattr(tf.contrib, "nccl")


def test_from_import_keeps_the_message():
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True).stdout
    lines = out.strip().splitlines()
    assert lines[0] == ("UnimplementedImportError True tf.contrib.nccl is not implemented by compat_tf "
                        "(TensorFlow 1.15 API)")
    assert lines[1].startswith("UnimplementedImportError True tf.contrib.rnn.NoSuchCell is not implemented")
    assert lines[2].startswith("ModuleNotFoundError False No module named 'tensorflow.contrib.nccl': "
                               "tf.contrib.nccl is not implemented by compat_tf")
    assert issubclass(UnimplementedImportError, ImportError)
