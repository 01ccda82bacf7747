"""slim.learning and tf.contrib.training.create_train_op (TF 1.15): a train op that returns the
total loss, and the Supervisor-driven training loop of TF-Slim.

`create_train_op` runs the UPDATE_OPS (batch-norm moving averages) before the loss, computes and
optionally transforms the gradients (slim: multipliers, then per-gradient norm clipping),
applies them (incrementing the global step) and returns `check_numerics(total_loss)` depending
on the update, added to GraphKeys.TRAIN_OP. `train` builds a Supervisor over `logdir` (default
init/ready/summary ops, a Saver saving every save_interval_secs and at the end), runs
`train_step_fn` until `number_of_steps` global steps (or an OutOfRangeError from the input) and
returns the last total loss. Distributed pieces (sync_optimizer, master, tracing) are not
supported: sync_optimizer raises NotImplementedError.
"""
import time

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import errors
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.framework.indexed_slices import IndexedSlices
from compat_tf._src.ops import check_ops, clip_ops, control_flow_ops, math_ops, variables
from compat_tf._src.ops import constant as _constant
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train import training_util

__all__ = ["add_gradients_summaries", "clip_gradient_norms", "create_train_op", "multiply_gradients", "train",
           "train_step", "training_create_train_op"]

_USE_GLOBAL_STEP = 0
_USE_DEFAULT = 0


def _g():
    return _graph.get_default_graph()


def clip_gradient_norms(gradients_to_variables, max_norm):
    """Each gradient clipped to norm max_norm (tf.clip_by_norm; IndexedSlices by their values)."""
    out = []
    for grad, var in gradients_to_variables:
        if grad is not None:
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(clip_ops.clip_by_norm(grad.values, max_norm), grad.indices,
                                     grad.dense_shape)
            else:
                grad = clip_ops.clip_by_norm(grad, max_norm)
        out.append((grad, var))
    return out


def multiply_gradients(grads_and_vars, gradient_multipliers):
    """Scales the gradients of the variables named (by Variable or op name) in the dict."""
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    if not isinstance(gradient_multipliers, dict):
        raise ValueError("`gradient_multipliers` must be a dict.")
    out = []
    for grad, var in grads_and_vars:
        key = var if var in gradient_multipliers else var.op.name
        if key in gradient_multipliers:
            if grad is None:
                raise ValueError(f"Requested multiple of `None` gradient for {var.op.name}.")
            multiplier = gradient_multipliers[key]
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * multiplier, grad.indices, grad.dense_shape)
            else:
                grad = grad * _constant.constant(multiplier, dtype=grad.dtype)
        out.append((grad, var))
    return out


def add_gradients_summaries(grads_and_vars):
    """A histogram "<var>/gradient" and a scalar "<var>/gradient_norm" per gradient."""
    from compat_tf._src.summary import summary_ops
    summaries = []
    for grad, var in grads_and_vars:
        if grad is None:
            logging.info("Var %s has no gradient", var.op.name)
            continue
        values = grad.values if isinstance(grad, IndexedSlices) else grad
        summaries.append(summary_ops.histogram(var.op.name + "/gradient", values))
        summaries.append(summary_ops.scalar(var.op.name + "/gradient_norm", clip_ops.global_norm([values])))
    return summaries


def training_create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                             variables_to_train=None, transform_grads_fn=None, summarize_gradients=False,
                             gate_gradients=1, aggregation_method=None, colocate_gradients_with_ops=False,
                             check_numerics=True):
    """tf.contrib.training.create_train_op."""
    if global_step is _USE_GLOBAL_STEP:
        global_step = training_util.get_or_create_global_step()
    global_update_ops = list(_graph.get_collection(GraphKeys.UPDATE_OPS))
    update_ops = global_update_ops if update_ops is None else list(update_ops)
    if not {id(o) for o in global_update_ops} <= {id(o) for o in update_ops}:
        logging.warning("update_ops in create_train_op does not contain all the update_ops in "
                        "GraphKeys.UPDATE_OPS")
    if update_ops:
        with _g().control_dependencies(update_ops):
            barrier = control_flow_ops.no_op(name="update_barrier")
        total_loss = control_flow_ops.with_dependencies([barrier], total_loss)
    if variables_to_train is None:
        variables_to_train = variables.trainable_variables()
    if not variables_to_train:
        raise ValueError("No variables to train.")
    grads = optimizer.compute_gradients(total_loss, variables_to_train, gate_gradients=gate_gradients,
                                        aggregation_method=aggregation_method,
                                        colocate_gradients_with_ops=colocate_gradients_with_ops)
    if transform_grads_fn:
        grads = transform_grads_fn(grads)
    if summarize_gradients:
        with _g().name_scope("summarize_grads"):
            add_gradients_summaries(grads)
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with _g().name_scope("train_op"):
        if check_numerics:
            total_loss = check_ops.check_numerics(total_loss, "LossTensor is inf or nan")
        train_op = control_flow_ops.with_dependencies([grad_updates], total_loss)
    train_ops = _g().get_collection_ref(GraphKeys.TRAIN_OP)
    if not any(t is train_op for t in train_ops):
        train_ops.append(train_op)
    return train_op


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, clip_gradient_norm=0, summarize_gradients=False, gate_gradients=1,
                    aggregation_method=None, colocate_gradients_with_ops=False, gradient_multipliers=None,
                    check_numerics=True):
    """slim.learning.create_train_op: gradient multipliers, then clipping to clip_gradient_norm."""
    def transform_grads_fn(grads):
        if gradient_multipliers:
            with _g().name_scope("multiply_grads"):
                grads = multiply_gradients(grads, gradient_multipliers)
        if clip_gradient_norm > 0:
            with _g().name_scope("clip_grads"):
                grads = clip_gradient_norms(grads, clip_gradient_norm)
        return grads
    return training_create_train_op(total_loss, optimizer, global_step=global_step, update_ops=update_ops,
                                    variables_to_train=variables_to_train, transform_grads_fn=transform_grads_fn,
                                    summarize_gradients=summarize_gradients, gate_gradients=gate_gradients,
                                    aggregation_method=aggregation_method,
                                    colocate_gradients_with_ops=colocate_gradients_with_ops,
                                    check_numerics=check_numerics)


def train_step(sess, train_op, global_step, train_step_kwargs):
    """One step: runs train_op and the global step, logs every log_every_n_steps; returns
    (total_loss, should_stop)."""
    start = time.time()
    total_loss, np_global_step = sess.run([train_op, global_step])
    elapsed = time.time() - start
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        logging.info("global step %d: loss = %.4f (%.3f sec/step)", np_global_step, total_loss, elapsed)
    should_stop = bool(sess.run(train_step_kwargs["should_stop"])) if "should_stop" in train_step_kwargs \
        else False
    return total_loss, should_stop


def train(train_op, logdir, train_step_fn=train_step, train_step_kwargs=_USE_DEFAULT, log_every_n_steps=1,
          graph=None, master="", is_chief=True, global_step=None, number_of_steps=None, init_op=_USE_DEFAULT,
          init_feed_dict=None, local_init_op=_USE_DEFAULT, init_fn=None, ready_op=_USE_DEFAULT,
          summary_op=_USE_DEFAULT, save_summaries_secs=600, summary_writer=_USE_DEFAULT, startup_delay_steps=0,
          saver=None, save_interval_secs=600, sync_optimizer=None, session_config=None, session_wrapper=None,
          trace_every_n_steps=None, ignore_live_threads=False):
    """slim.learning.train: the training loop under a tf.train.Supervisor; returns the last loss."""
    from compat_tf._src.summary import summary_ops
    from compat_tf._src.train.saver import Saver
    from compat_tf._src.train.supervisor import Supervisor
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if logdir is None:
        if summary_op != _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
        if trace_every_n_steps is not None:
            raise ValueError("Cannot provide trace_every_n_steps because logdir=None")
    if sync_optimizer is not None:
        raise NotImplementedError("slim.learning.train(sync_optimizer=...) is not implemented by compat_tf")
    graph = graph or _graph.get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = training_util.get_or_create_global_step()
        saver = saver or Saver()
        with graph.name_scope("init_ops"):
            if init_op == _USE_DEFAULT:
                init_op = variables.global_variables_initializer()
            if ready_op == _USE_DEFAULT:
                ready_op = variables.report_uninitialized_variables()
            if local_init_op == _USE_DEFAULT:
                local_init_op = control_flow_ops.group(variables.local_variables_initializer(),
                                                       *graph.get_collection(GraphKeys.TABLE_INITIALIZERS))
        if summary_op == _USE_DEFAULT:
            summary_op = summary_ops.merge_all()
        if summary_writer == _USE_DEFAULT:
            summary_writer = Supervisor.USE_DEFAULT
        if train_step_kwargs == _USE_DEFAULT:
            with graph.name_scope("train_step"):
                train_step_kwargs = {}
                if number_of_steps:
                    should_stop_op = math_ops.greater_equal(global_step, number_of_steps)
                else:
                    should_stop_op = _constant.constant(False)
                train_step_kwargs["should_stop"] = should_stop_op
                if log_every_n_steps > 0:
                    train_step_kwargs["should_log"] = math_ops.equal(math_ops.mod(global_step, log_every_n_steps),
                                                                     0)
    sv = Supervisor(graph=graph, is_chief=is_chief, logdir=logdir, init_op=init_op, init_feed_dict=init_feed_dict,
                    local_init_op=local_init_op, ready_op=ready_op, summary_op=summary_op,
                    summary_writer=summary_writer, global_step=global_step, saver=saver,
                    save_summaries_secs=save_summaries_secs, save_model_secs=save_interval_secs, init_fn=init_fn)
    if summary_writer is not None:
        train_step_kwargs["summary_writer"] = sv.summary_writer
    total_loss = None
    should_retry = True
    while should_retry:
        try:
            should_retry = False
            with sv.managed_session(master, start_standard_services=False, config=session_config) as sess:
                logging.info("Starting Session.")
                if session_wrapper is not None:
                    sess = session_wrapper(sess)
                if is_chief and logdir:
                    sv.start_standard_services(sess)
                threads = sv.start_queue_runners(sess)
                logging.info("Starting Queues.")
                try:
                    while not sv.should_stop():
                        total_loss, should_stop = train_step_fn(sess, train_op, global_step, train_step_kwargs)
                        if should_stop:
                            logging.info("Stopping Training.")
                            sv.request_stop()
                            break
                except errors.OutOfRangeError as e:
                    logging.info("Caught OutOfRangeError. Stopping Training. %s", e)
                if logdir and sv.is_chief:
                    logging.info("Finished training! Saving model to disk.")
                    sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
                    sv.stop(threads, close_summary_writer=True, ignore_live_threads=ignore_live_threads)
        except errors.AbortedError:
            logging.info("Retrying training!")
            should_retry = True
    return total_loss
