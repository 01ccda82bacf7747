"""tf.data for TF1 graphs: datasets (dataset_ops, readers), iterators (iterator_ops)."""
