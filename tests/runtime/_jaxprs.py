"""Helpers of the runtime tests that look into a run's traced program."""


def walk(jaxpr):
    """Every equation of `jaxpr`, those of its sub-jaxprs (scan and cond bodies, pjit) included."""
    for e in jaxpr.eqns:
        yield e
        for p in e.params.values():
            inner = getattr(p, "jaxpr", None)
            if inner is not None and hasattr(inner, "eqns"):
                yield from walk(inner)
