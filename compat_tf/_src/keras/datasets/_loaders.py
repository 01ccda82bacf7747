"""The tf.keras.datasets loaders (TF 1.15): files from the Keras cache (~/.keras/datasets), fetched
by get_file from Keras' public origins when missing (a clear error offline)."""
import gzip
import json
import os
import pickle

import numpy as np

from compat_tf._src.keras import backend as K
from compat_tf._src.keras.utils.data_utils import get_file

_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def mnist(path="mnist.npz"):
    """((x_train, y_train), (x_test, y_test)) uint8 images [N, 28, 28] and labels."""
    path = get_file(path, origin=_BASE + "mnist.npz",
                    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")
    with np.load(path, allow_pickle=True) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def fashion_mnist():
    """Fashion-MNIST from the four idx gz files in datasets/fashion-mnist."""
    origin = _BASE
    files = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz"]
    paths = [get_file(f, origin=origin + f, cache_subdir=os.path.join("datasets", "fashion-mnist")) for f in files]
    with gzip.open(paths[0], "rb") as lbpath:
        y_train = np.frombuffer(lbpath.read(), np.uint8, offset=8)
    with gzip.open(paths[1], "rb") as imgpath:
        x_train = np.frombuffer(imgpath.read(), np.uint8, offset=16).reshape(len(y_train), 28, 28)
    with gzip.open(paths[2], "rb") as lbpath:
        y_test = np.frombuffer(lbpath.read(), np.uint8, offset=8)
    with gzip.open(paths[3], "rb") as imgpath:
        x_test = np.frombuffer(imgpath.read(), np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


def _cifar_batch(fpath, label_key="labels"):
    with open(fpath, "rb") as f:
        d = pickle.load(f, encoding="bytes")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    return d["data"].reshape(d["data"].shape[0], 3, 32, 32), d[label_key]


def _channels(x):
    return x.transpose(0, 2, 3, 1) if K.image_data_format() == "channels_last" else x


def cifar10():
    """CIFAR-10: uint8 [N, 32, 32, 3] (channels_last) and labels [N, 1]."""
    path = get_file("cifar-10-batches-py", origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                    untar=True, file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce")
    x_train = np.empty((50000, 3, 32, 32), dtype="uint8")
    y_train = np.empty((50000,), dtype="uint8")
    for i in range(1, 6):
        x, y = _cifar_batch(os.path.join(path, "data_batch_" + str(i)))
        x_train[(i - 1) * 10000:i * 10000], y_train[(i - 1) * 10000:i * 10000] = x, y
    x_test, y_test = _cifar_batch(os.path.join(path, "test_batch"))
    return (_channels(x_train), np.reshape(y_train, (-1, 1))), \
        (_channels(x_test), np.reshape(np.asarray(y_test, dtype="uint8"), (-1, 1)))


def cifar100(label_mode="fine"):
    if label_mode not in ("fine", "coarse"):
        raise ValueError("`label_mode` must be one of `\"fine\"`, `\"coarse\"`.")
    path = get_file("cifar-100-python", origin="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                    untar=True, file_hash="85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7")
    x_train, y_train = _cifar_batch(os.path.join(path, "train"), label_mode + "_labels")
    x_test, y_test = _cifar_batch(os.path.join(path, "test"), label_mode + "_labels")
    return (_channels(x_train), np.reshape(y_train, (-1, 1))), (_channels(x_test), np.reshape(y_test, (-1, 1)))


def imdb(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
         index_from=3, **kwargs):
    """IMDB reviews as word-index lists (Keras' index_from/start/oov conventions) and 0/1 labels."""
    path = get_file(path, origin=_BASE + "imdb.npz",
                    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f")
    with np.load(path, allow_pickle=True) as f:
        x_train, labels_train = f["x_train"], f["y_train"]
        x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    idx_train, idx_test = np.arange(len(x_train)), np.arange(len(x_test))
    rng.shuffle(idx_train)
    rng.shuffle(idx_test)
    x_train, labels_train = x_train[idx_train], labels_train[idx_train]
    x_test, labels_test = x_test[idx_test], labels_test[idx_test]
    xs, labels = np.concatenate([x_train, x_test]), np.concatenate([labels_train, labels_test])
    seqs, labels = _post(xs, labels, num_words, skip_top, maxlen, start_char, oov_char, index_from)
    n = len(x_train)
    return (np.array(seqs[:n], dtype=object), labels[:n]), (np.array(seqs[n:], dtype=object), labels[n:])


def _post(xs, labels, num_words, skip_top, maxlen, start_char, oov_char, index_from):
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
        xs, labels = [xs[i] for i in keep], labels[keep]
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    return xs, labels


def imdb_word_index(path="imdb_word_index.json"):
    path = get_file(path, origin=_BASE + "imdb_word_index.json", file_hash="bfafd718b763782e994055a2d397834f")
    with open(path) as f:
        return json.load(f)


def reuters(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
            oov_char=2, index_from=3, **kwargs):
    path = get_file(path, origin=_BASE + "reuters.npz",
                    file_hash="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")
    with np.load(path, allow_pickle=True) as f:
        xs, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    idx = np.arange(len(xs))
    rng.shuffle(idx)
    xs, labels = xs[idx], labels[idx]
    seqs, labels = _post(xs, labels, num_words, skip_top, maxlen, start_char, oov_char, index_from)
    n = int(len(seqs) * (1 - test_split))
    return (np.array(seqs[:n], dtype=object), np.array(labels[:n])), \
        (np.array(seqs[n:], dtype=object), np.array(labels[n:]))


def reuters_word_index(path="reuters_word_index.json"):
    path = get_file(path, origin=_BASE + "reuters_word_index.json", file_hash="4d44cc38712099c9e383dc6e5f11a921")
    with open(path) as f:
        return json.load(f)


def boston_housing(path="boston_housing.npz", test_split=0.2, seed=113):
    path = get_file(path, origin=_BASE + "boston_housing.npz",
                    file_hash="f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5")
    with np.load(path, allow_pickle=True) as f:
        x, y = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x))
    rng.shuffle(idx)
    x, y = x[idx], y[idx]
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])
