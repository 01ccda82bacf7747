"""tf.contrib.tensorboard.plugins.projector: TF 1.15's embedding projector configuration.

`ProjectorConfig` / `EmbeddingInfo` / `SpriteMetadata` are the protocol buffer messages (same
fields and text format as TF's); `visualize_embeddings(summary_writer, config)` writes the config
as text to `<logdir>/projector_config.pbtxt`, the file TensorBoard's projector plugin reads.
"""
import os

from google.protobuf import text_format

from compat_tf._src.dropin.missing import missing_attr_hook
from compat_tf._src.protos.projector_config_pb2 import EmbeddingInfo, ProjectorConfig, SpriteMetadata  # noqa: F401

PROJECTOR_FILENAME = "projector_config.pbtxt"


def visualize_embeddings(summary_writer, config):
    """Stores `config` (a ProjectorConfig) in the log directory of `summary_writer` (a FileWriter)."""
    logdir = summary_writer.get_logdir()
    if logdir is None:
        raise ValueError("Summary writer must have a logdir")
    from compat_tf._src.platform import gfile
    with gfile.GFile(os.path.join(logdir, PROJECTOR_FILENAME), "w") as f:
        f.write(text_format.MessageToString(config))


__getattr__ = missing_attr_hook("tf.contrib.tensorboard.plugins.projector")
