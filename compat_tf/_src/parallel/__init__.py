"""Multi-device execution of TF1 graphs.

Data parallelism (data_parallel.py): `compat_tf.parallel.data_parallel(sess)`
compiles each run's jitted step for a 1-D mesh of devices, state replicated,
batch feeds split; XLA's SPMD partitioner inserts the gradient all-reduce.

What `tf.device` does in compat_tf: the device string is recorded on every
op (`op.device`, merged as TF1's MergeDevice does, device functions called),
exported in GraphDefs and visible to programs that print it, but it does not
place anything. A Session.run is lowered to one XLA program, and one XLA
program runs on one device (a plain Session) or on the whole mesh
(data-parallel mode); there is no per-op placement inside it, which is what
TF1's `allow_soft_placement=True` on a machine without those GPUs gives too.
So multi-tower graphs (`with tf.device('/gpu:%d' % i)` towers, averaged
gradients) run correctly, all towers in one program.

Could towers map to devices? Not without changing what the program means:
placing tower i's ops on device i would need either one XLA program per
device (MPMD, with transfers the graph does not spell out) or sharding
annotations that tie a sub-graph to a device, which XLA's SPMD partitioner
does not offer (it partitions each op's data, not sub-graphs). The tower
pattern splits the batch by hand (`tf.split`) and averages gradients by hand,
which is exactly what data-parallel sharding does automatically; a tower
graph run under `data_parallel` still gives the same numbers, and a one-tower
graph under `data_parallel` is the modern way to get the speed-up.
"""
