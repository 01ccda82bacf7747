"""slim.dataset (TF 1.15): Dataset, a plain record of how to read a data set (data_sources, reader
class, decoder, num_samples, items_to_descriptions) plus any extra fields as attributes."""

__all__ = ["Dataset"]


class Dataset:
    """A data set specification: every keyword (num_classes, labels_to_names, ...) becomes an
    attribute, as in TF-Slim."""

    def __init__(self, data_sources, reader, decoder, num_samples, items_to_descriptions, **kwargs):
        kwargs["data_sources"] = data_sources
        kwargs["reader"] = reader
        kwargs["decoder"] = decoder
        kwargs["num_samples"] = num_samples
        kwargs["items_to_descriptions"] = items_to_descriptions
        self.__dict__.update(kwargs)
