"""TF's graph protos built without protoc: names, field numbers (exact bytes), round trips,
and tf.make_tensor_proto / tf.make_ndarray."""
import os

import numpy as np
import pytest
from google.protobuf import text_format

import compat_tf as tf
from compat_tf._src.protos import (
    attr_value_pb2, checkpoint_state_pb2, config_pb2, function_pb2, graph_pb2, meta_graph_pb2,
    node_def_pb2, op_def_pb2, saver_pb2, tensor_pb2, tensor_shape_pb2, types_pb2, variable_pb2)

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "frozen_cnn")     # written by real TensorFlow
FROZEN = os.path.join(DATA, "frozen_cnn.pb")


def test_full_names_are_tensorflow_package():
    assert tf.GraphDef.DESCRIPTOR.full_name == "tensorflow.GraphDef"
    assert tf.NodeDef.DESCRIPTOR.file.name == "tensorflow/core/framework/node_def.proto"
    assert tf.ConfigProto.DESCRIPTOR.full_name == "tensorflow.ConfigProto"
    assert meta_graph_pb2.CollectionDef.NodeList.DESCRIPTOR.full_name == "tensorflow.CollectionDef.NodeList"
    assert tf.train.SaverDef is saver_pb2.SaverDef


@pytest.mark.parametrize("msg, expected", [
    # NodeDef: name = 1, op = 2, input = 3, device = 4
    (lambda: node_def_pb2.NodeDef(name="a", op="Const", input=["b", "^c"], device="/cpu:0"),
     b"\n\x01a\x12\x05Const\x1a\x01b\x1a\x02^c\"\x06/cpu:0"),
    # AttrValue oneof: type = 6 (DT_FLOAT = 1), i = 3, s = 2, b = 5, f = 4
    (lambda: attr_value_pb2.AttrValue(type=types_pb2.DT_FLOAT), b"0\x01"),
    (lambda: attr_value_pb2.AttrValue(i=7), b"\x18\x07"),
    (lambda: attr_value_pb2.AttrValue(s=b"SAME"), b"\x12\x04SAME"),
    (lambda: attr_value_pb2.AttrValue(b=True), b"(\x01"),
    (lambda: attr_value_pb2.AttrValue(f=1.0), b"%\x00\x00\x80?"),
    # list = 1 { i = 3 packed }
    (lambda: attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(i=[1, 2])),
     b"\n\x04\x1a\x02\x01\x02"),
    # TensorShapeProto: dim = 2 { size = 1 }, unknown_rank = 3
    (lambda: tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=3)]),
     b"\x12\x02\x08\x03"),
    (lambda: tensor_shape_pb2.TensorShapeProto(unknown_rank=True), b"\x18\x01"),
    # TensorProto: dtype = 1, float_val = 5 (packed)
    (lambda: tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1.0]),
     b"\x08\x01*\x04\x00\x00\x80?"),
    (lambda: tensor_pb2.TensorProto(dtype=types_pb2.DT_INT64, int64_val=[5]), b"\x08\tR\x01\x05"),
    # GraphDef: node = 1, versions = 4 { producer = 1 }
    (lambda: graph_pb2.GraphDef(node=[node_def_pb2.NodeDef(name="x")],
                                versions=dict(producer=27)), b"\n\x03\n\x01x\"\x02\x08\x1b"),
    # ConfigProto: device_count = 1 (map), intra = 2, inter = 5, gpu_options = 6 {allow_growth = 4},
    # allow_soft_placement = 7, log_device_placement = 8
    (lambda: config_pb2.ConfigProto(allow_soft_placement=True, log_device_placement=True,
                                    inter_op_parallelism_threads=2, intra_op_parallelism_threads=3,
                                    gpu_options=config_pb2.GPUOptions(allow_growth=True)),
     b"\x10\x03(\x022\x02 \x018\x01@\x01"),
    (lambda: config_pb2.ConfigProto(device_count={"GPU": 0}), b"\n\x07\n\x03GPU\x10\x00"),
    # RunOptions.trace_level = 1
    (lambda: config_pb2.RunOptions(trace_level=config_pb2.RunOptions.FULL_TRACE), b"\x08\x03"),
    # RunMetadata.partition_graphs = 3
    (lambda: config_pb2.RunMetadata(partition_graphs=[graph_pb2.GraphDef()]), b"\x1a\x00"),
    # SaverDef: version = 7 (V2 = 2), max_to_keep = 4
    (lambda: saver_pb2.SaverDef(max_to_keep=5, version=saver_pb2.SaverDef.V2), b" \x058\x02"),
    # CheckpointState: 1, 2 (repeated string), 3 (packed double)
    (lambda: checkpoint_state_pb2.CheckpointState(model_checkpoint_path="m", all_model_checkpoint_paths=["m"],
                                                  all_model_checkpoint_timestamps=[0.0]),
     b"\n\x01m\x12\x01m\x1a\x08" + b"\x00" * 8),
    # VariableDef: variable_name = 1, initial_value_name = 6, trainable = 7
    (lambda: variable_pb2.VariableDef(variable_name="v:0", initial_value_name="i:0", trainable=True),
     b"\n\x03v:02\x03i:08\x01"),
    # MetaGraphDef.collection_def = 4 (map) of CollectionDef.node_list = 1
    (lambda: meta_graph_pb2.MetaGraphDef(collection_def={"c": meta_graph_pb2.CollectionDef(
        node_list=meta_graph_pb2.CollectionDef.NodeList(value=["n"]))}),
     b"\"\n\n\x01c\x12\x05\n\x03\n\x01n"),
    # TensorInfo: name = 1, dtype = 2
    (lambda: meta_graph_pb2.TensorInfo(name="x:0", dtype=types_pb2.DT_FLOAT), b"\n\x03x:0\x10\x01"),
])
def test_known_messages_serialise_to_tf_bytes(msg, expected):
    m = msg()
    assert m.SerializeToString() == expected
    back = type(m).FromString(expected)
    assert back == m


def test_datatype_enum_matches_dtypes():
    for dt in [tf.float32, tf.float64, tf.int32, tf.uint8, tf.int16, tf.int8, tf.string, tf.complex64,
               tf.int64, tf.bool, tf.bfloat16, tf.uint16, tf.complex128, tf.float16, tf.resource,
               tf.variant, tf.uint32, tf.uint64]:
        name = {"float32": "FLOAT", "float64": "DOUBLE", "float16": "HALF"}.get(dt.name, dt.name.upper())
        assert types_pb2.DataType.Value("DT_" + name) == dt.as_datatype_enum
    assert types_pb2.DT_FLOAT_REF == 101
    assert types_pb2.DataType.Name(9) == "DT_INT64"


def test_enums_and_nested_types():
    assert config_pb2.RunOptions.TraceLevel.Name(3) == "FULL_TRACE"
    assert [config_pb2.RunOptions.NO_TRACE, config_pb2.RunOptions.SOFTWARE_TRACE,
            config_pb2.RunOptions.HARDWARE_TRACE] == [0, 1, 2]
    assert config_pb2.OptimizerOptions.L0 == -1 and config_pb2.OptimizerOptions.OFF == -1
    assert saver_pb2.SaverDef.CheckpointFormatVersion.Name(1) == "V1"
    c = tf.ConfigProto()
    c.graph_options.optimizer_options.global_jit_level = tf.OptimizerOptions.ON_1
    c.graph_options.rewrite_options.arithmetic_optimization = 2
    back = tf.ConfigProto.FromString(c.SerializeToString())
    assert back.graph_options.optimizer_options.global_jit_level == 1


def test_frozen_graph_written_by_tf_parses_and_round_trips():
    data = open(FROZEN, "rb").read()
    g = tf.GraphDef()
    g.ParseFromString(data)
    assert len(g.node) == 19
    conv = [n for n in g.node if n.op == "Conv2D"][0]
    assert list(conv.attr["strides"].list.i) == [1, 1, 1, 1]
    assert conv.attr["padding"].s == b"SAME"
    assert conv.attr["T"].type == types_pb2.DT_FLOAT
    w = [n for n in g.node if n.name == "conv1/weights"][0]
    assert tf.make_ndarray(w.attr["value"].tensor).shape == (3, 3, 1, 4)
    again = tf.GraphDef.FromString(g.SerializeToString())
    assert again == g
    # nothing TF wrote was left unparsed
    from google.protobuf import unknown_fields
    assert all(len(unknown_fields.UnknownFieldSet(n)) == 0 for n in g.node)
    assert len(g.SerializeToString()) == len(data)


def test_text_format_round_trip():
    g = tf.GraphDef()
    n = g.node.add(name="c", op="Const")
    n.attr["dtype"].type = types_pb2.DT_INT32
    n.attr["value"].tensor.CopyFrom(tf.make_tensor_proto([1, 2, 3]))
    text = text_format.MessageToString(g)
    assert 'op: "Const"' in text and "type: DT_INT32" in text
    assert text_format.Parse(text, tf.GraphDef()) == g


def test_function_library_and_op_list_round_trip():
    lib = function_pb2.FunctionDefLibrary()
    f = lib.function.add()
    f.signature.name = "f"
    f.signature.input_arg.add(name="x", type=types_pb2.DT_FLOAT)
    f.ret["y"] = "x"
    f.node_def.add(name="n", op="Identity")
    g = graph_pb2.GraphDef(library=lib)
    back = graph_pb2.GraphDef.FromString(g.SerializeToString())
    assert back.library.function[0].signature.input_arg[0].name == "x"
    assert back.library.function[0].ret["y"] == "x"
    ol = op_def_pb2.OpList(op=[op_def_pb2.OpDef(name="Add")])
    assert op_def_pb2.OpList.FromString(ol.SerializeToString()).op[0].name == "Add"


@pytest.mark.parametrize("value, dtype", [
    (np.arange(6, dtype=np.float32).reshape(2, 3), None),
    (np.arange(6, dtype=np.float64).reshape(3, 2), None),
    (np.array([[1, -2], [3, 4]], np.int32), None),
    (np.array([1, 2 ** 40], np.int64), None),
    (np.array([True, False, True]), None),
    (np.array([1.5, -2.25], np.float16), None),
    (np.array([1 + 2j, 3 - 4j], np.complex64), None),
    (np.array([1 + 2j], np.complex128), None),
    (np.array([7], np.uint8), None),
    (np.array([2 ** 63 + 5], np.uint64), None),
    (np.float32(3.5), None),
    ([[1.0, 2.0]], tf.float64),
])
def test_make_tensor_proto_make_ndarray_round_trip(value, dtype):
    proto = tf.make_tensor_proto(value, dtype=dtype)
    out = tf.make_ndarray(proto)
    expected = np.asarray(value, dtype=None if dtype is None else dtype.as_numpy_dtype)
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)
    back = tf.make_ndarray(tensor_pb2.TensorProto.FromString(proto.SerializeToString()))
    np.testing.assert_array_equal(back, expected)


def test_make_tensor_proto_encodings_match_tf():
    p = tf.make_tensor_proto(np.array([1.0, 2.0], np.float32))
    assert p.tensor_content == np.array([1.0, 2.0], "<f4").tobytes() and not p.float_val
    p = tf.make_tensor_proto(5.0)            # scalar: typed field, Python float -> float32
    assert p.dtype == types_pb2.DT_FLOAT and list(p.float_val) == [5.0] and not p.tensor_content
    p = tf.make_tensor_proto(3)               # Python int -> int32
    assert p.dtype == types_pb2.DT_INT32 and list(p.int_val) == [3]
    p = tf.make_tensor_proto(0.5, shape=[2, 3])   # broadcast scalar stored once
    assert list(p.float_val) == [0.5] and [d.size for d in p.tensor_shape.dim] == [2, 3]
    np.testing.assert_array_equal(tf.make_ndarray(p), np.full((2, 3), 0.5, np.float32))
    p = tf.make_tensor_proto([b"ab", "c"])
    assert p.dtype == types_pb2.DT_STRING and list(p.string_val) == [b"ab", b"c"]
    assert list(tf.make_ndarray(p)) == [b"ab", b"c"]
    with pytest.raises(ValueError):
        tf.make_tensor_proto([1, 2, 3], shape=[2])


def test_make_ndarray_pads_short_value_lists_with_the_last_value():
    p = tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, int_val=[1, 2])
    p.tensor_shape.dim.add(size=4)
    np.testing.assert_array_equal(tf.make_ndarray(p), [1, 2, 2, 2])
