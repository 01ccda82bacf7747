"""The way out of TF1: a graph's computation as a plain JAX function (see jax_function.py)."""
