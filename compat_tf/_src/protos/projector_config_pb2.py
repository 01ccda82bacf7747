"""tensorflow/contrib/tensorboard/plugins/projector/projector_config.proto: the embedding projector's
ProjectorConfig (EmbeddingInfo, SpriteMetadata), package "tensorflow" as in TF 1.15's contrib copy."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/contrib/tensorboard/plugins/projector/projector_config.proto",
                     "ProjectorConfigProtos")
    sprite = _b.message(fd, "SpriteMetadata")
    _b.field(sprite, "image_path", 1, "string")
    _b.field(sprite, "single_image_dim", 2, "uint32", repeated=True)
    info = _b.message(fd, "EmbeddingInfo")
    _b.field(info, "tensor_name", 1, "string")
    _b.field(info, "metadata_path", 2, "string")
    _b.field(info, "bookmarks_path", 3, "string")
    _b.field(info, "tensor_shape", 4, "uint32", repeated=True)
    _b.field(info, "sprite", 5, "msg:SpriteMetadata")
    _b.field(info, "tensor_path", 8, "string")
    cfg = _b.message(fd, "ProjectorConfig")
    _b.field(cfg, "model_checkpoint_path", 1, "string")
    _b.field(cfg, "embeddings", 2, "msg:EmbeddingInfo", repeated=True)
    _b.field(cfg, "model_checkpoint_dir", 3, "string")
    return fd


DESCRIPTOR = _b.register(_file())
SpriteMetadata = _b.message_class(DESCRIPTOR, "SpriteMetadata")
EmbeddingInfo = _b.message_class(DESCRIPTOR, "EmbeddingInfo")
ProjectorConfig = _b.message_class(DESCRIPTOR, "ProjectorConfig")
