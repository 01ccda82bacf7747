"""The Saver of a canned estimator: TF 1.15's checkpoint keys for compat_tf's variables.

TF 1.15's canned DNN and linear models create their variables under a variable partitioner (one
partition when there are no parameter servers: `dnn/logits/kernel/part_0`) and call
`optimizer.minimize` inside the model's variable scope ('dnn', 'linear'). The slot variables are
then created as `<scope>/<primary>/part_0/<slot>` and saved under the key
`<primary>/` + that name with its first len(`<primary>/part_0/`) characters cut
(slot_creator's `real_slot_name`), which gives the keys real checkpoints hold:
`dnn/hiddenlayer_0/kernel/t_0/Adagrad`, `linear/linear_model/x/weights/part_0/Ftrl`. The
combined model calls minimize outside any scope: plain `<primary>/<slot>`. compat_tf has no
partitioned variables; this Saver maps those keys to its variables, so checkpoints restore both
ways.
"""


def _tf():
    import compat_tf
    return compat_tf


def slot_checkpoint_key(primary_key, slot_name, minimize_scope):
    """The checkpoint key of slot `slot_name` ('Adagrad', 'Adam_1') of a partitioned primary whose
    optimizer ran in variable scope `minimize_scope` ('' for none)."""
    if not minimize_scope:
        return f"{primary_key}/{slot_name}"
    graph_name = f"{minimize_scope}/{primary_key}/part_0/{slot_name}"
    return f"{primary_key}/{graph_name[len(primary_key) + len('/part_0/'):]}"


def register_saver(config, optimizers=(), minimize_scope=""):
    """Adds to the SAVERS collection a Saver keyed by TF 1.15's checkpoint names (see module doc)."""
    tf = _tf()
    slots = {}
    for opt in optimizers:
        for var in tf.global_variables():
            for name in opt.get_slot_names():
                slot = opt.get_slot(var, name)
                if slot is not None:
                    slots[slot] = (var.op.name, slot.op.name.rsplit("/", 1)[-1])
    var_list = {}
    for v in tf.global_variables():
        if v in slots:
            primary, slot_name = slots[v]
            key = slot_checkpoint_key(primary, slot_name, minimize_scope)
        else:
            key = v.op.name
        var_list[key] = v
    saver = tf.train.Saver(var_list, sharded=True, allow_empty=True,
                           max_to_keep=config.keep_checkpoint_max if config is not None else 5,
                           keep_checkpoint_every_n_hours=config.keep_checkpoint_every_n_hours
                           if config is not None else 10000.0)
    tf.add_to_collection(tf.GraphKeys.SAVERS, saver)
    return saver
