"""tf.keras.estimator.model_to_estimator (TF 1.15): a tf.estimator.Estimator around a compiled Keras
model. Its model_fn rebuilds the model (from its config) on the `features` tensors, compiles the
copy with the model's loss, metrics and a fresh optimizer of the same config, and trains with
`labels` as targets; the Keras model's current weights are written once to
<model_dir>/keras/keras_model.ckpt and loaded into the copy's variables when no Estimator
checkpoint exists yet (TF 1.15 warm-starts the same way). Predictions are {output name: tensor};
evaluation reports the loss and the compiled metrics.
"""
import os

from compat_tf._src.keras import backend as K


def _features_list(features, model):
    if isinstance(features, dict):
        return [features[n] for n in model.input_names]
    return features if isinstance(features, (list, tuple)) else [features]


def model_to_estimator(keras_model=None, keras_model_path=None, custom_objects=None, model_dir=None, config=None,
                       checkpoint_format="saver"):
    """An Estimator training/evaluating/predicting with `keras_model` (or the HDF5 at keras_model_path)."""
    from compat_tf._src.estimator import estimator as _estimator
    from compat_tf._src.estimator import model_fn as _model_fn
    from compat_tf._src.estimator import run_config as _run_config
    from compat_tf._src.keras import models, optimizers
    from compat_tf._src.train import checkpoint_io, checkpoint_utils, training_util
    if not (keras_model or keras_model_path):
        raise ValueError("Either `keras_model` or `keras_model_path` needs to be provided.")
    if keras_model and keras_model_path:
        raise ValueError("Please specity either `keras_model` or `keras_model_path`, but not both.")
    if keras_model_path:
        keras_model = models.load_model(keras_model_path, custom_objects=custom_objects)
    if not keras_model._is_compiled:
        raise ValueError("The given keras model has not been compiled yet. Please compile the model with "
                         "`model.compile()` before calling `model_to_estimator()`.")
    if model_dir is None:
        model_dir = (config.model_dir if config is not None and getattr(config, "model_dir", None) else None)
    if model_dir is None:
        import tempfile
        model_dir = tempfile.mkdtemp()
    config = config or _run_config.RunConfig(model_dir=model_dir)
    warm = os.path.join(model_dir, "keras", "keras_model.ckpt")
    weights = keras_model.weights
    checkpoint_io.write_checkpoint(warm, dict(zip([w.op.name for w in weights], K.batch_get_value(weights))))
    args = dict(keras_model._compile_args or {})
    tf_optimizer = keras_model.optimizer.optimizer if isinstance(keras_model.optimizer, optimizers.TFOptimizer) \
        else None
    opt_config = None if tf_optimizer is not None else \
        {"class_name": type(keras_model.optimizer).__name__, "config": keras_model.optimizer.get_config()}

    def new_optimizer():
        if tf_optimizer is not None:     # a tf.train optimizer is reused, counting the global step
            return optimizers.TFOptimizer(tf_optimizer, iterations=training_util.get_or_create_global_step())
        return optimizers.deserialize(opt_config)

    def model_fn(features, labels, mode):
        from compat_tf._src.keras.engine.input_layer import Input
        from compat_tf._src.ops import control_flow_ops
        K.set_learning_phase(1 if mode == _model_fn.ModeKeys.TRAIN else 0)
        inputs = [Input(tensor=x) for x in _features_list(features, keras_model)]
        clone = models.clone_model(keras_model, input_tensors=inputs)
        outputs = dict(zip(clone.output_names, clone.outputs))
        if mode == _model_fn.ModeKeys.PREDICT:
            _restore(clone)
            return _model_fn.EstimatorSpec(mode, predictions=outputs)
        targets = labels if isinstance(labels, (list, tuple)) else \
            ([labels[n] for n in clone.output_names] if isinstance(labels, dict) else [labels])
        clone.compile(optimizer=new_optimizer(), loss=args.get("loss"),
                      metrics=args.get("metrics"), loss_weights=args.get("loss_weights"),
                      target_tensors=targets)
        _restore(clone)
        loss = clone.total_loss
        if mode == _model_fn.ModeKeys.TRAIN:
            updates = clone.optimizer.get_updates(params=clone._collected_trainable_weights, loss=loss)
            updates += clone.get_updates_for(None) + clone.get_updates_for(clone.inputs)
            step = training_util.get_or_create_global_step()
            if tf_optimizer is not None:        # apply_gradients already counts the step
                train_op = control_flow_ops.group(*updates)
            else:
                with step.graph.control_dependencies(updates):
                    train_op = step.assign_add(1).op
            return _model_fn.EstimatorSpec(mode, loss=loss, train_op=control_flow_ops.group(train_op))
        from compat_tf._src.framework import graph as _graph
        for obj in clone._compile_metric_objects:      # Keras metric state: local, like tf.metrics'
            for v in obj.variables:
                _graph.add_to_collection(_graph.GraphKeys.LOCAL_VARIABLES, v)
        metrics = {}
        for name, obj in zip(clone.metrics_names[1:], clone._compile_metric_objects):
            metrics[name] = (obj.result(), obj.updates[0] if obj.updates else obj._call_result)
        return _model_fn.EstimatorSpec(mode, loss=loss, eval_metric_ops=metrics, predictions=outputs)

    def _restore(clone):
        from compat_tf._src.train import checkpoint_management
        if checkpoint_management.latest_checkpoint(model_dir) is None:
            checkpoint_utils.init_from_checkpoint(warm, {w.op.name: w for w in clone.weights})

    return _estimator.Estimator(model_fn=model_fn, model_dir=model_dir, config=config)
