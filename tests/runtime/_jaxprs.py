"""Helpers of the runtime tests that look into a run's traced program."""


def walk(jaxpr):
    """Every equation of `jaxpr`, those of its sub-jaxprs (scan and cond bodies, pjit) included."""
    for e in jaxpr.eqns:
        yield e
        for p in e.params.values():
            inner = getattr(p, "jaxpr", None)
            if inner is not None and hasattr(inner, "eqns"):
                yield from walk(inner)


def step_jaxpr(sess, fetches, feed):
    """The jaxpr of the step that `sess.run(fetches, feed)` runs (run once here; its latest trace)."""
    sess.run(fetches, feed)
    plan = sess._plans[next(reversed(sess._plans))]
    progs = [p for fn in plan._flat_fns.values() for p in fn._programs.values() if p.traced is not None]
    return progs[-1].traced.jaxpr.jaxpr
