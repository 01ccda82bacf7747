"""tf.train.SyncReplicasOptimizer and its session hook (TF 1.15's sync_replicas_optimizer.py).

TF1's semantics: every update of the variables averages `replicas_to_aggregate`
(R) gradients computed at the current variable values, applies them once
with the wrapped optimizer, increments `global_step` once, and (optionally)
updates `variable_averages`. In TF1 the gradients come from the workers
through accumulators on the parameter servers and a token queue paces the
workers.

compat_tf computes the same thing without queues. A run of the training op
brings the gradients of W replicas at once: W = the number of workers of the
cluster this process belongs to (each cluster training step averages the
workers' gradients, parallel/replica.py), or 1 in a single process.
- R <= W: every run has the gradients it needs: the average of the W
  gradients is applied in every run (TF1's take_grad averages whatever
  arrived, at least R; with lockstep workers all W arrive);
- R > W: the runs accumulate gradients (local variables
  `sync_replicas/<var>/grad_accum`) until at least R have arrived, and the run
  that completes them applies their average, as TF1's chief does after the
  R-th gradient; the runs in between leave the variables unchanged.
The training op's value is the global step after the run (TF1: the token it
dequeued, the same number when no run gets ahead).

Tokens only pace workers in TF1 (`get_init_tokens_op`, `num_tokens`): they are
checked as TF1 checks them and change nothing, since compat_tf applies an
update within the run that completes it - TF1's outcome when no worker runs
ahead on stale variables (its stale gradients are dropped; compat_tf has none).
`get_chief_queue_runner()` returns a QueueRunner that starts no thread.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, state_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variables as _variables
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train.optimizer import Optimizer
from compat_tf._src.train.queue_runner_impl import QueueRunner
from compat_tf._src.train.session_run_hook import SessionRunHook

__all__ = ["SyncReplicasOptimizer"]


class _ChiefQueueRunner(QueueRunner):
    """TF1's chief queue runner applied the aggregated gradients; compat_tf's step does: no threads."""

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        return []


class SyncReplicasOptimizer(Optimizer):
    """TF1's tf.train.SyncReplicasOptimizer (see the module docstring)."""

    def __init__(self, opt, replicas_to_aggregate, total_num_replicas=None, variable_averages=None,
                 variables_to_average=None, use_locking=False, name="sync_replicas"):
        if total_num_replicas is None:
            total_num_replicas = replicas_to_aggregate
        super().__init__(use_locking, name)
        logging.info("SyncReplicasV2: replicas_to_aggregate=%s; total_num_replicas=%s", replicas_to_aggregate,
                     total_num_replicas)
        self._opt = opt
        self._replicas_to_aggregate = replicas_to_aggregate
        self._gradients_applied = False
        self._variable_averages = variable_averages
        self._variables_to_average = variables_to_average
        self._total_num_replicas = total_num_replicas
        self._tokens_per_step = max(total_num_replicas, replicas_to_aggregate)
        self._global_step = None
        self._sync_token_queue = None
        self._chief_queue_runner = None
        self._accumulators = []

    def compute_gradients(self, *args, **kwargs):
        """The wrapped optimizer's compute_gradients."""
        return self._opt.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Aggregates `replicas_to_aggregate` gradients per update (see the module docstring)."""
        from compat_tf._src.parallel import cluster as _cluster
        if not grads_and_vars:
            raise ValueError("Must supply at least one variable")
        if global_step is None:
            raise ValueError("Global step is required to check staleness")
        grads_and_vars = [(g, v) for g, v in grads_and_vars]
        self._global_step = global_step
        g = _graph.get_default_graph()
        per_run = _cluster.num_replicas()
        if self._replicas_to_aggregate < per_run:
            logging.warning("SyncReplicasOptimizer: replicas_to_aggregate=%d is less than the %d workers of the "
                            "cluster: every step averages all %d workers' gradients (TF1 took the first %d to "
                            "arrive and dropped the others as stale).", self._replicas_to_aggregate, per_run,
                            per_run, self._replicas_to_aggregate)
        with g.control_dependencies(None):
            self._local_step = _variables.Variable(
                0, trainable=False, collections=[GraphKeys.LOCAL_VARIABLES], dtype=global_step.dtype.base_dtype,
                name="sync_rep_local_step")
        self.local_step_init_op = state_ops.assign(self._local_step, global_step)
        chief_init_ops = [self.local_step_init_op]
        self.ready_for_local_init_op = _variables.report_uninitialized_variables(_variables.global_variables())
        with g.name_scope(self._name):
            if self._replicas_to_aggregate <= per_run:
                update_op = self._average(self._apply(grads_and_vars, global_step))
            else:
                update_op, applied = self._accumulate_and_apply(grads_and_vars, global_step, per_run)
                update_op = self._average(update_op, applied)
        with g.control_dependencies([update_op]):
            train_op = state_ops.assign(self._local_step, global_step, name=name)
        with g.name_scope(None):
            from compat_tf._src.ops.data_flow_ops import FIFOQueue
            dummy_queue = FIFOQueue(1, _dtypes.int32, shapes=(), name="dummy_queue", shared_name="dummy_queue")
            self._sync_token_queue = dummy_queue
            self._chief_queue_runner = _ChiefQueueRunner(dummy_queue, [control_flow_ops.no_op(name="sync_op")])
        self.chief_init_op = control_flow_ops.group(*chief_init_ops)
        self._gradients_applied = True
        return train_op

    def _apply(self, grads_and_vars, global_step):
        """The wrapped optimizer's update, as TF1's chief runs it."""
        with _graph.get_default_graph().name_scope(None):
            return self._opt.apply_gradients(grads_and_vars, global_step)

    def _average(self, update_op, applied=None):
        """The moving averages after an update (TF1's sync op); `applied`: whether this run updated.

        A run that did not update leaves the averages as they are (decay 1);
        the averages are taken outside the conditional update, after it, so
        they read the updated variables.
        """
        ema = self._variable_averages
        if ema is None:
            return update_op
        g = _graph.get_default_graph()
        saved = ema._decay, ema._num_updates
        try:
            if applied is not None:
                decay = _constant.convert_to_tensor(ema._decay, dtype=_dtypes.float32)
                if ema._num_updates is not None:
                    n = math_ops.cast(ema._num_updates, _dtypes.float32)
                    decay = math_ops.minimum(decay, (1.0 + n) / (10.0 + n))
                ema._decay = array_ops.where(applied, decay, 1.0)
                ema._num_updates = None
            with g.control_dependencies([update_op]), g.name_scope(None):
                return ema.apply(self._variables_to_average)
        finally:
            ema._decay, ema._num_updates = saved

    def _accumulate_and_apply(self, grads_and_vars, global_step, per_run):
        """R > W: accumulate the runs' gradients; the run reaching R applies their average and resets."""
        g = _graph.get_default_graph()
        pairs = [(grad, var) for grad, var in grads_and_vars if grad is not None]
        with g.control_dependencies(None), g.name_scope(None):
            # the wrapped optimizer's slots are made here, outside the conditional update
            self._opt._create_slots([v for _, v in pairs])
            count = _variables.Variable(0.0, trainable=False, collections=[GraphKeys.LOCAL_VARIABLES],
                                        name=f"{self._name}/grad_count")
            accums = [_variables.Variable(array_ops.zeros(var.shape, var.dtype.base_dtype), trainable=False,
                                          collections=[GraphKeys.LOCAL_VARIABLES],
                                          name=f"{self._name}/{var.op.name}/grad_accum") for _, var in pairs]
        self._accumulators = accums
        # each run brings `per_run` replicas' averaged gradient: it adds their sum
        added = [state_ops.assign_add(acc, grad * per_run) for acc, (grad, _) in zip(accums, pairs)]
        new_count = state_ops.assign_add(count, float(per_run))
        with g.control_dependencies(added + [new_count]):
            ready = math_ops.greater_equal(new_count, float(self._replicas_to_aggregate))

        def apply_average():
            averaged = [(math_ops.div(acc.read_value(), new_count), var) for acc, (_, var) in zip(accums, pairs)]
            update = self._apply(averaged, global_step)
            with g.control_dependencies([update]):
                resets = [state_ops.assign(acc, array_ops.zeros_like(acc)) for acc in accums]
                resets.append(state_ops.assign(count, 0.0))
            return control_flow_ops.group(*resets)

        return control_flow_ops.cond(ready, apply_average, control_flow_ops.no_op), ready

    # -- TF1's chief/worker protocol -----------------------------------------------------------
    def get_chief_queue_runner(self):
        if self._gradients_applied is False:
            raise ValueError("Should be called after apply_gradients().")
        return self._chief_queue_runner

    def get_init_tokens_op(self, num_tokens=-1):
        """TF1's initial tokens: checked as TF1 checks them; a no-op (see the module docstring)."""
        if self._gradients_applied is False:
            raise ValueError("get_init_tokens_op() should be called after apply_gradients().")
        tokens_needed = self._replicas_to_aggregate - self._total_num_replicas
        if num_tokens == -1:
            num_tokens = self._replicas_to_aggregate
        elif num_tokens < tokens_needed:
            raise ValueError(f"Too few tokens to finish the first step: {num_tokens} (given) vs {tokens_needed} "
                             "(needed)")
        return control_flow_ops.no_op(name="no_init_tokens" if num_tokens <= 0 else "init_tokens")

    def make_session_run_hook(self, is_chief, num_tokens=-1):
        return _SyncReplicasOptimizerHook(self, is_chief, num_tokens)

    def get_slot(self, *args, **kwargs):
        return self._opt.get_slot(*args, **kwargs)

    def variables(self):
        return self._opt.variables()

    def get_slot_names(self, *args, **kwargs):
        return self._opt.get_slot_names(*args, **kwargs)


class _SyncReplicasOptimizerHook(SessionRunHook):
    """TF1's hook: runs the chief's or the worker's local init op once the session exists."""

    def __init__(self, sync_optimizer, is_chief, num_tokens):
        self._sync_optimizer = sync_optimizer
        self._is_chief = is_chief
        self._num_tokens = num_tokens

    def begin(self):
        opt = self._sync_optimizer
        if opt._gradients_applied is False:
            raise ValueError("SyncReplicasOptimizer.apply_gradient should be called before using the hook.")
        self._ready_for_local_init_op = opt.ready_for_local_init_op
        if self._is_chief:
            self._local_init_op = opt.chief_init_op
            self._q_runner = opt.get_chief_queue_runner()
            self._init_tokens_op = opt.get_init_tokens_op(self._num_tokens)
        else:
            self._local_init_op = opt.local_step_init_op
            self._q_runner = None
            self._init_tokens_op = None

    def after_create_session(self, session, coord):
        names = session.run(self._ready_for_local_init_op)
        if getattr(names, "size", len(names)):
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in list(names.ravel())]
            raise RuntimeError("Init operations did not make model ready for SyncReplicasOptimizer local_init. "
                               f"Init op: {self._local_init_op.name}, error: Variables not initialized: "
                               + ", ".join(names))
        session.run(self._local_init_op)
        if self._init_tokens_op is not None:
            session.run(self._init_tokens_op)
        if self._q_runner is not None:
            self._q_runner.create_threads(session, coord=coord, daemon=True, start=True)
