"""TF1 SavedModel (tf.saved_model, TF 1.15's v1 API): the directory format, loader and builder.

A SavedModel directory holds `saved_model.pb` (or `saved_model.pbtxt`): a SavedModel proto with
one MetaGraphDef per tag set; `variables/variables.{index,data-*}`: the variables' checkpoint;
`assets/`: files the graph reads (their paths are fed to the asset tensors when the init op runs).
"""
