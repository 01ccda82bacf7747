"""tf.contrib.learn.preprocessing: VocabularyProcessor and its vocabulary."""
from compat_tf._src.contrib.learn.preprocessing import (  # noqa: F401
    CategoricalVocabulary, VocabularyProcessor, tokenizer)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.learn.preprocessing")
