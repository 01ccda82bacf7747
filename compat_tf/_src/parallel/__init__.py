"""Multi-device and multi-process execution of TF1 graphs.

- data_parallel.py: `compat_tf.parallel.data_parallel(sess)` compiles each run's
  jitted step for a 1-D mesh of devices, state replicated, batch feeds split;
  XLA's SPMD partitioner inserts the gradient all-reduce.
- towers.py: `tf.device('/gpu:i')` towers (TF1's multi-GPU pattern) run each on
  its own device, as one SPMD program that switches on the device index; the
  default plan factory of every Session when JAX sees several devices.
- cluster.py, cluster_session.py, replica.py: TF1 clusters (ClusterSpec,
  Server, replica_device_setter, MonitoredTrainingSession(master=...)) as one
  jax.distributed job: worker sessions run their training steps synchronously
  under shard_map over the workers, gradients averaged in tf.gradients'
  lowering.

Other `tf.device` strings are recorded on ops (`op.device`, merged as TF1's
MergeDevice does, device functions called) and exported in GraphDefs, and
place nothing: XLA places a program's ops on its device(s).
"""
