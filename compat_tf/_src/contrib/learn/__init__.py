"""tf.contrib.learn pieces TF1 programs still import (TF 1.15): ModeKeys, RunConfig, the text
VocabularyProcessor, the CSV dataset loaders."""
