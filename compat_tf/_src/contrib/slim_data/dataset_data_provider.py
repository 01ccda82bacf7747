"""slim.dataset_data_provider (TF 1.15): DatasetDataProvider, a DataProvider reading a slim
Dataset through parallel_reader.parallel_read and decoding each record with its decoder.

As TF 1.15: the items are the decoder's items plus `record_key` (the reader's key of the record,
"file:offset" for TFRecordReader); num_epochs creates parallel_read's local "epochs" counter
(run tf.local_variables_initializer()), and shuffle shuffles the files and the common queue.
"""
from compat_tf._src.contrib.slim_data import data_provider, parallel_reader

__all__ = ["DatasetDataProvider"]


class DatasetDataProvider(data_provider.DataProvider):
    """Reads `dataset.data_sources` with `num_readers` readers of `dataset.reader`."""

    def __init__(self, dataset, num_readers=1, reader_kwargs=None, shuffle=True, num_epochs=None,
                 common_queue_capacity=256, common_queue_min=128, record_key="record_key", seed=None,
                 scope=None):
        key, data = parallel_reader.parallel_read(
            dataset.data_sources, reader_class=dataset.reader, num_epochs=num_epochs,
            num_readers=num_readers, reader_kwargs=reader_kwargs, shuffle=shuffle,
            capacity=common_queue_capacity, min_after_dequeue=common_queue_min, seed=seed, scope=scope)
        items = dataset.decoder.list_items()
        tensors = dataset.decoder.decode(data, items)
        items_to_tensors = dict(zip(items, tensors))
        if record_key in items_to_tensors:
            raise ValueError(f"The item name used for `record_key` cannot also be used for a dataset item: "
                             f"{record_key}")
        items_to_tensors[record_key] = key
        super().__init__(items_to_tensors=items_to_tensors, num_samples=dataset.num_samples)
