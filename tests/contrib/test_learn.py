"""tf.contrib.learn pieces: VocabularyProcessor (TF 1.15's tokenizer, ids, min_frequency trimming),
the CSV loaders, ModeKeys and RunConfig."""
import numpy as np

import compat_tf as tf

learn = tf.contrib.learn


def test_vocabulary_processor_ids_and_padding():
    vp = learn.preprocessing.VocabularyProcessor(5)
    docs = ["I love TensorFlow", "TensorFlow loves me-too, don't you?", "HTTPServer runs"]
    ids = np.array(list(vp.fit_transform(docs)))
    # TF1's TOKENIZER_RE splits CamelCase ("TensorFlow" -> "Tensor", "Flow"; "HTTPServer" -> "HTTP",
    # "Server") and keeps ' and - inside words
    assert list(learn.preprocessing.tokenizer(docs))[1:] == [["Tensor", "Flow", "loves", "me-too", "don't", "you"],
                                                             ["HTTP", "Server", "runs"]]
    np.testing.assert_array_equal(ids, [[1, 2, 3, 4, 0], [3, 4, 5, 6, 7], [9, 10, 11, 0, 0]])
    assert ids.dtype == np.int64 and len(vp.vocabulary_) == 12
    # frozen after fit: unknown words are 0, long documents are cut
    np.testing.assert_array_equal(list(vp.transform(["love unknown TensorFlow I I I I"])), [[2, 0, 3, 4, 1]])
    assert list(vp.reverse([[1, 2, 0]])) == ["I love <UNK>"]


def test_vocabulary_processor_min_frequency_and_save(tmp_path):
    vp = learn.preprocessing.VocabularyProcessor(3, min_frequency=1)
    vp.fit(["b a c", "a b", "a d"])
    # kept: seen more than once, by descending count then alphabetically: a (3), b (2)
    assert vp.vocabulary_._mapping == {"<UNK>": 0, "a": 1, "b": 2}
    path = str(tmp_path / "vocab")
    vp.save(path)
    again = learn.preprocessing.VocabularyProcessor.restore(path)
    np.testing.assert_array_equal(list(again.transform(["c b a"])), [[0, 2, 1]])


def test_load_csv_with_header(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text("3,2,setosa,versicolor\n5.1,3.5,0\n4.9,3.0,1\n6.2,2.9,2\n")
    ds = learn.datasets.base.load_csv_with_header(str(path), target_dtype=np.int32, features_dtype=np.float32)
    np.testing.assert_allclose(ds.data, [[5.1, 3.5], [4.9, 3.0], [6.2, 2.9]])
    np.testing.assert_array_equal(ds.target, [0, 1, 2])
    assert ds.data.dtype == np.float32 and ds.target.dtype == np.int32
    path2 = tmp_path / "plain.csv"
    path2.write_text("1,1.5,2.5\n0,0.5,0.25\n")
    ds = learn.datasets.base.load_csv_without_header(str(path2), np.int64, np.float64, target_column=0)
    np.testing.assert_allclose(ds.data, [[1.5, 2.5], [0.5, 0.25]])
    np.testing.assert_array_equal(ds.target, [1, 0])


def test_mode_keys_and_run_config():
    assert (learn.ModeKeys.TRAIN, learn.ModeKeys.EVAL, learn.ModeKeys.INFER) == ("train", "eval", "infer")
    cfg = learn.RunConfig(model_dir="/tmp/m", tf_random_seed=3, save_checkpoints_secs=60, num_cores=2)
    assert cfg.model_dir == "/tmp/m" and cfg.tf_random_seed == 3 and cfg.save_checkpoints_secs == 60
    assert cfg.session_config.intra_op_parallelism_threads == 2 and cfg.master == ""
