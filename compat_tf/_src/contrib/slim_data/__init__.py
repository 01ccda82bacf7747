"""TF-Slim's data pipeline (TF 1.15 tensorflow/contrib/slim/python/slim/data/): Dataset, the
DataDecoder / DataProvider interfaces, TFExampleDecoder with its ItemHandlers, the parallel reader
and DatasetDataProvider, built on compat_tf's readers, queues and parsing ops."""
