"""tf.train.import_meta_graph on damaged .meta files (compat_tf/_src/train/meta_graph.py), found by
tests/fuzz/test_fuzz_meta_graph_import.py: TF1's errors, collections it cannot use skipped."""
import numpy as np
import pytest
from google.protobuf import text_format

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _meta_graph():
    with tf.Graph().as_default():
        tf.Variable(np.ones(2, np.float32), name="v")
        return tf.train.Saver().export_meta_graph()


def test_a_file_that_parses_neither_way_is_an_io_error(tmp_path):
    path = tmp_path / "bad.meta"
    # (a field compat_tf's protos do not know is skipped: TF 2.x writes newer fields)
    path.write_text('graph_def { node { name: "x" op: "NoOp" } } meta_info_def {\n')
    with pytest.raises(IOError, match="Cannot parse file .*bad.meta"):
        tf.train.import_meta_graph(str(path))
    path.write_bytes(b"\xff\xfe\x00binary garbage")
    with pytest.raises(UnicodeDecodeError):     # TF1 decodes the bytes as UTF-8 for the text parser
        tf.train.import_meta_graph(str(path))
    assert tf.get_default_graph().get_operations() == []


def test_text_meta_graph_still_imports(tmp_path):
    path = tmp_path / "ok.meta"
    path.write_text(text_format.MessageToString(_meta_graph()))
    tf.train.import_meta_graph(str(path))
    assert [v.op.name for v in tf.global_variables()] == ["v"]


def test_a_variable_collection_of_another_kind_is_skipped():
    mgd = _meta_graph()
    mgd.collection_def[tf.GraphKeys.GLOBAL_VARIABLES].Clear()
    mgd.collection_def[tf.GraphKeys.GLOBAL_VARIABLES].int64_list.value.extend([1, 2])
    mgd.ClearField("saver_def")
    tf.train.import_meta_graph(mgd)
    assert tf.global_variables() == []
    assert tf.get_default_graph().get_operation_by_name("v").type == "VariableV2"
