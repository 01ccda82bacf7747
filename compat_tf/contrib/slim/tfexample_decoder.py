"""slim.tfexample_decoder: TFExampleDecoder and its ItemHandlers; the sequence-example handlers
raise UnimplementedSymbolError."""
from compat_tf._src.contrib.slim_data.tfexample_decoder import (  # noqa: F401
    BackupHandler, BoundingBox, Image, ItemHandler, ItemHandlerCallback, LookupTensor, SparseTensor,
    TFExampleDecoder, Tensor)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.slim.tfexample_decoder")
