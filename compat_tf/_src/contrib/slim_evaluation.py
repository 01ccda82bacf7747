"""slim.evaluation (TF 1.15 contrib/slim/python/slim/evaluation.py): evaluate_once and
evaluation_loop, TF-Slim's wrappers of tf.contrib.training's evaluate_once / evaluate_repeatedly.

As TF 1.15: the hooks are StopAfterNEvalsHook(num_evals), then a SummaryAtEndHook writing
`summary_op` (default tf.summary.merge_all(), taken when the function is called) to `logdir`, then
the caller's `hooks`; `variables_to_restore` makes the Scaffold's Saver (else the default Saver of
all saveable variables); `initial_op` / `init_fn` go to the Scaffold (they run only when no
checkpoint is restored, as a SessionManager does). Each returns the value of `final_op`.
"""
from compat_tf._src.contrib import training_evaluation as _evaluation
from compat_tf._src.train import monitored_session
from compat_tf._src.train.saver import Saver

__all__ = ["StopAfterNEvalsHook", "SummaryAtEndHook", "checkpoints_iterator", "evaluate_once",
           "evaluation_loop", "get_or_create_eval_step", "wait_for_new_checkpoint"]

StopAfterNEvalsHook = _evaluation.StopAfterNEvalsHook
SummaryAtEndHook = _evaluation.SummaryAtEndHook
checkpoints_iterator = _evaluation.checkpoints_iterator
get_or_create_eval_step = _evaluation.get_or_create_eval_step
wait_for_new_checkpoint = _evaluation.wait_for_new_checkpoint

_USE_DEFAULT = 0


def _hooks(num_evals, logdir, summary_op, summary_op_feed_dict, hooks):
    from compat_tf._src.summary import summary_ops
    if isinstance(summary_op, int) and summary_op == _USE_DEFAULT:
        summary_op = summary_ops.merge_all()
    all_hooks = [_evaluation.StopAfterNEvalsHook(num_evals)]
    if summary_op is not None:
        all_hooks.append(_evaluation.SummaryAtEndHook(log_dir=logdir, summary_op=summary_op,
                                                      feed_dict=summary_op_feed_dict))
    if hooks is not None:
        all_hooks.extend(hooks)
    return all_hooks


def evaluate_once(master, checkpoint_path, logdir, num_evals=1, initial_op=None, initial_op_feed_dict=None,
                  eval_op=None, eval_op_feed_dict=None, final_op=None, final_op_feed_dict=None,
                  summary_op=_USE_DEFAULT, summary_op_feed_dict=None, variables_to_restore=None,
                  session_config=None, hooks=None):
    """Evaluates the model of `checkpoint_path`: `eval_op` num_evals times, then summaries to
    `logdir`; returns the value of `final_op` (None without one)."""
    all_hooks = _hooks(num_evals, logdir, summary_op, summary_op_feed_dict, hooks)
    saver = Saver(variables_to_restore) if variables_to_restore is not None else None
    return _evaluation.evaluate_once(
        checkpoint_path, master=master,
        scaffold=monitored_session.Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                                            saver=saver),
        eval_ops=eval_op, feed_dict=eval_op_feed_dict, final_ops=final_op,
        final_ops_feed_dict=final_op_feed_dict, hooks=all_hooks, config=session_config)


def evaluation_loop(master, checkpoint_dir, logdir, num_evals=1, initial_op=None, initial_op_feed_dict=None,
                    init_fn=None, eval_op=None, eval_op_feed_dict=None, final_op=None, final_op_feed_dict=None,
                    summary_op=_USE_DEFAULT, summary_op_feed_dict=None, variables_to_restore=None,
                    eval_interval_secs=60, max_number_of_evaluations=None, session_config=None, timeout=None,
                    timeout_fn=None, hooks=None):
    """Evaluates each new checkpoint of `checkpoint_dir` (every eval_interval_secs at most) until
    max_number_of_evaluations or a `timeout` without a new checkpoint; returns the last final_op
    value."""
    all_hooks = _hooks(num_evals, logdir, summary_op, summary_op_feed_dict, hooks)
    saver = Saver(variables_to_restore) if variables_to_restore is not None else None
    return _evaluation.evaluate_repeatedly(
        checkpoint_dir, master=master,
        scaffold=monitored_session.Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                                            init_fn=init_fn, saver=saver),
        eval_ops=eval_op, feed_dict=eval_op_feed_dict, final_ops=final_op,
        final_ops_feed_dict=final_op_feed_dict, eval_interval_secs=eval_interval_secs, hooks=all_hooks,
        config=session_config, max_number_of_evaluations=max_number_of_evaluations, timeout=timeout,
        timeout_fn=timeout_fn)
