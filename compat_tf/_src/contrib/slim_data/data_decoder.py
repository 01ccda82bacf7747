"""slim.data_decoder (TF 1.15): the DataDecoder interface a DataProvider decodes records with."""
import abc

__all__ = ["DataDecoder"]


class DataDecoder(abc.ABC):
    """Decodes one (possibly encoded) record into the tensors of the requested items."""

    @abc.abstractmethod
    def decode(self, data, items):
        """A list of tensors, one per name in `items`; ValueError for an item it cannot give."""

    @abc.abstractmethod
    def list_items(self):
        """The item names this decoder can decode."""
