"""tf.compat's string helpers and tf.contrib.tensorboard.plugins.projector (TF1 names legacy scripts use)."""
import os
import pathlib

import numpy as np
import pytest
from google.protobuf import text_format

import compat_tf as tf


def test_compat_string_helpers():
    c = tf.compat
    assert c.as_str(b"caf\xc3\xa9") == "café" and c.as_text("x") == "x"
    assert c.as_bytes("café") == b"caf\xc3\xa9" and c.as_bytes(bytearray(b"ab")) == b"ab"
    assert c.as_bytes("é", encoding="latin-1") == b"\xe9"
    assert c.as_str_any(b"ab") == "ab" and c.as_str_any(3) == "3"
    assert c.path_to_str(pathlib.Path("/a/b")) == "/a/b" and c.path_to_str(5) == 5
    for bad in (3, None):
        with pytest.raises(TypeError):
            c.as_bytes(bad)
        with pytest.raises(TypeError):
            c.as_text(bad)
    assert isinstance(np.int32(1), c.integral_types) and not isinstance(1.5, c.integral_types)
    assert isinstance(np.float32(1), c.real_types) and isinstance(1j, c.complex_types)
    assert isinstance(b"", c.bytes_or_text_types) and isinstance("", c.bytes_or_text_types)
    assert tf.compat.v1 is tf


def test_projector_config_and_visualize_embeddings(tmp_path):
    from compat_tf.contrib.tensorboard.plugins import projector
    assert tf.contrib.tensorboard.plugins.projector is projector
    with tf.Graph().as_default():
        emb = tf.Variable(tf.zeros([4, 2]), name="emb")
        writer = tf.summary.FileWriter(str(tmp_path))
        config = projector.ProjectorConfig()
        e = config.embeddings.add()
        e.tensor_name = emb.name
        e.metadata_path = "metadata.tsv"
        e.sprite.image_path = "sprite.png"
        e.sprite.single_image_dim.extend([28, 28])
        projector.visualize_embeddings(writer, config)
        writer.close()
    text = open(os.path.join(str(tmp_path), "projector_config.pbtxt")).read()
    back = text_format.Parse(text, projector.ProjectorConfig())
    assert back == config and back.embeddings[0].tensor_name == "emb:0"
    assert list(back.embeddings[0].sprite.single_image_dim) == [28, 28]
    assert type(config).DESCRIPTOR.full_name == "tensorflow.ProjectorConfig"
    # TF's wire format: field numbers as in projector_config.proto
    assert projector.EmbeddingInfo(tensor_path="p").SerializeToString() == b"\x42\x01p"
