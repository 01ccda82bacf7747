"""tf.keras.utils.HDF5Matrix (TF 1.15's io_utils): a read-only slice view of an HDF5 dataset
usable as model input (fit with shuffle='batch')."""
import numpy as np


class HDF5Matrix:
    """HDF5Matrix(datapath, dataset, start=0, end=None, normalizer=None)."""
    refs = {}

    def __init__(self, datapath, dataset, start=0, end=None, normalizer=None):
        import h5py
        if datapath not in self.refs:
            self.refs[datapath] = h5py.File(datapath, "r")
        self.data = self.refs[datapath][dataset]
        self.start = start
        self.end = self.data.shape[0] if end is None else end
        self.normalizer = normalizer

    def __len__(self):
        return self.end - self.start

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop = key.start or 0, key.stop if key.stop is not None else len(self)
            out = self.data[start + self.start:stop + self.start]
        elif isinstance(key, (int, np.integer)):
            out = self.data[key + self.start]
        else:
            idx = np.asarray(key) + self.start
            out = self.data[np.sort(idx).tolist()]
            out = out[np.argsort(np.argsort(idx))]
        return self.normalizer(out) if self.normalizer is not None else out

    @property
    def shape(self):
        return (self.end - self.start,) + self.data.shape[1:]

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return int(np.prod(self.shape))
