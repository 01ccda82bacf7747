"""Graph, Operation and Tensor: TF1's symbolic front end.

Mirrors tensorflow/python/framework/ops.py of TF 1.15 for what programs use:
op and tensor naming (`scope/add:0`, `_1` suffixes, case-insensitive
uniquification), name scopes, control dependencies, device scopes recorded on
ops, collections, `Graph.finalize`, and the thread-local default graph.

Deviations: there are no NodeDefs or C++ graph; an Operation keeps its attrs
as Python values. Static output shapes and dtypes come from the op's shape
rule, or from running its JAX lowering under `jax.eval_shape` (see
`shape_inference.py`).
"""
import contextlib
import re
import threading

from compat_tf._src.framework import registry
from compat_tf._src.framework import tensor_shape as _ts


_VALID_OP_NAME_REGEX = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")
_VALID_SCOPE_NAME_REGEX = re.compile(r"^[A-Za-z0-9_.\-/>]*$")

_DEVICE_TYPES = ("CPU", "GPU", "TPU", "XLA_CPU", "XLA_GPU", "XLA_TPU_JIT", "TPU_SYSTEM")


def _parse_device(spec):
    """TF1's DeviceSpec.from_string: (job, replica, task, device_type, device_index)."""
    job = replica = task = device_type = device_index = None
    for part in spec.split("/"):
        y = part.split(":")
        n = len(y)
        if not part:
            continue
        if n == 2 and y[0] == "job":
            job = y[1]
        elif n == 2 and y[0] == "replica":
            replica = int(y[1])
        elif n == 2 and y[0] == "task":
            task = int(y[1])
        elif n in (1, 2) and y[0].upper() in _DEVICE_TYPES:
            if device_type is not None:
                raise ValueError(f"Cannot specify multiple device types: {spec}")
            device_type = y[0].upper()
            if n == 2 and y[1] != "*":
                device_index = int(y[1])
        elif n == 3 and y[0] == "device":
            if device_type is not None:
                raise ValueError(f"Cannot specify multiple device types: {spec}")
            device_type = y[1]
            if y[2] != "*":
                device_index = int(y[2])
        else:
            raise ValueError(f"Unknown attribute: '{y[0]}' in '{spec}'")
    return job, replica, task, device_type, device_index


def _device_to_string(job, replica, task, device_type, device_index):
    out = []
    if job is not None:
        out.append("/job:" + job)
    if replica is not None:
        out.append(f"/replica:{replica}")
    if task is not None:
        out.append(f"/task:{task}")
    if device_type is not None:
        out.append(f"/device:{device_type}:{'*' if device_index is None else device_index}")
    return "".join(out)


_merge_cache = {}


def _merge_device(spec, current):
    """TF1's MergeDevice: the fields set in `current` (the op's device so far) win over `spec`'s."""
    key = (spec, current)
    out = _merge_cache.get(key)
    if out is None:
        base = list(_parse_device(spec))
        for i, v in enumerate(_parse_device(current)):
            if v is not None:
                base[i] = v
        out = _merge_cache[key] = _device_to_string(*base)
    return out


class GraphKeys:
    """Standard collection names (TF1's tf.GraphKeys)."""
    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


# Operator overloads are filled in by the op modules (math, array) so that
# this module does not import them: name -> function(x, y) building the op.
OVERLOADS = {}


class Tensor:
    """A symbolic output of an Operation (TF1's tf.Tensor in graph mode)."""

    __array_priority__ = 100

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._consumers = []

    @property
    def op(self):
        return self._op

    @property
    def graph(self):
        return self._op.graph

    @property
    def value_index(self):
        return self._value_index

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return f"{self._op.name}:{self._value_index}"

    @property
    def device(self):
        return self._op.device

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Merges `shape` into the static shape (ValueError if incompatible)."""
        self._shape = self._shape.merge_with(_ts.as_shape(shape))

    def consumers(self):
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        from compat_tf._src.runtime import session as _session
        return _session.eval_in_session(self, feed_dict, session)

    def _as_graph_element(self):
        return self

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    def __str__(self):
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self._dtype.name})'

    __hash__ = object.__hash__

    def __eq__(self, other):  # TF1 graph tensors compare by identity
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
                        "instead of `if t:` to test if a tensor is defined, and use TensorFlow ops such as "
                        "tf.cond to execute subgraphs conditioned on the value of a tensor.")

    def __iter__(self):
        raise TypeError("Tensor objects are only iterable when eager execution is enabled. "
                        "To iterate over this tensor use tf.map_fn or tf.unstack.")

    def __len__(self):
        raise TypeError(f"len is not well defined for symbolic Tensors ({self.name}). "
                        "Use tf.shape(t)[0] or t.get_shape()[0].")

    def __index__(self):
        raise TypeError(f"Tensor {self.name} cannot be used as a Python index")

    # Operators: the builders live in the op modules and register themselves.
    def _binary(name, reverse=False):
        def method(self, other):
            fn = OVERLOADS[name]
            return fn(other, self) if reverse else fn(self, other)
        method.__name__ = name
        return method

    __add__ = _binary("add")
    __radd__ = _binary("add", True)
    __sub__ = _binary("sub")
    __rsub__ = _binary("sub", True)
    __mul__ = _binary("mul")
    __rmul__ = _binary("mul", True)
    __truediv__ = _binary("truediv")
    __rtruediv__ = _binary("truediv", True)
    __div__ = __truediv__
    __floordiv__ = _binary("floordiv")
    __rfloordiv__ = _binary("floordiv", True)
    __mod__ = _binary("mod")
    __rmod__ = _binary("mod", True)
    __pow__ = _binary("pow")
    __rpow__ = _binary("pow", True)
    __matmul__ = _binary("matmul")
    __rmatmul__ = _binary("matmul", True)
    __lt__ = _binary("less")
    __le__ = _binary("less_equal")
    __gt__ = _binary("greater")
    __ge__ = _binary("greater_equal")
    __and__ = _binary("logical_and")
    __rand__ = _binary("logical_and", True)
    __or__ = _binary("logical_or")
    __ror__ = _binary("logical_or", True)
    __xor__ = _binary("logical_xor")
    __rxor__ = _binary("logical_xor", True)
    del _binary

    def __neg__(self):
        return OVERLOADS["neg"](self)

    def __abs__(self):
        return OVERLOADS["abs"](self)

    def __invert__(self):
        return OVERLOADS["logical_not"](self)

    def __getitem__(self, key):
        return OVERLOADS["getitem"](self, key)


class Operation:
    """A node of the graph (TF1's tf.Operation)."""

    def __init__(self, graph, op_type, name, inputs, attrs, control_inputs, device):
        self._graph = graph
        self._type = op_type
        self._name = name
        self._inputs = list(inputs)
        self._attrs = dict(attrs or {})
        self._control_inputs = list(control_inputs)
        self._device = device or ""
        self._outputs = []
        graph._id_counter += 1
        self._id = graph._id_counter
        # Ops created inside a tf.cond branch or tf.while_loop body belong to
        # that function: they run only inside their owner's lowering.
        fs = graph._function_stack
        self._func_owner = fs[-1] if fs else None

    @property
    def graph(self):
        return self._graph

    @property
    def type(self):
        return self._type

    @property
    def name(self):
        return self._name

    @property
    def inputs(self):
        return tuple(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def control_inputs(self):
        return list(self._control_inputs)

    @property
    def device(self):
        return self._device

    @property
    def node_def(self):
        """This op's NodeDef proto, as written by Graph.as_graph_def."""
        from compat_tf._src.framework import graph_io
        return graph_io.op_to_node_def(self)

    @property
    def attrs(self):
        return self._attrs

    def get_attr(self, name):
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.") from None

    def values(self):
        return tuple(self._outputs)

    def _add_control_input(self, op):
        if op not in self._control_inputs:
            self._control_inputs.append(op)

    def _add_control_inputs(self, ops):
        for op in ops:
            self._add_control_input(op)

    def run(self, feed_dict=None, session=None):
        from compat_tf._src.runtime import session as _session
        return _session.eval_in_session(self, feed_dict, session)

    def _as_graph_element(self):
        return self

    def __repr__(self):
        return f"<tf.Operation '{self._name}' type={self._type}>"

    __hash__ = object.__hash__


_valid_scope_names = (set(), set())    # names checked by (_VALID_OP_NAME_REGEX, _VALID_SCOPE_NAME_REGEX)


def _check_name(name, nested, what):
    """ValueError unless `name` may start a node name (at the root) or continue one (nested), as
    TF1's name_scope and Operation check them; valid names are remembered."""
    checked = _valid_scope_names[nested]
    if name not in checked:
        regex = _VALID_SCOPE_NAME_REGEX if nested else _VALID_OP_NAME_REGEX
        if not regex.match(name):
            raise ValueError(f"'{name}' is not a valid {what} name")
        if len(checked) < 65536:
            checked.add(name)


class _NameScope(contextlib.ContextDecorator):
    """Graph.name_scope's context manager (a class: cheaper to enter than a generator)."""
    __slots__ = ("_graph", "_name", "_saved")

    def __init__(self, graph, name):
        self._graph = graph
        self._name = name
        self._saved = []

    def __enter__(self):
        g, name = self._graph, self._name
        if isinstance(name, bytes):
            name = name.decode()
        if name:
            _check_name(name, bool(g._name_stack), "scope")
        old = g._name_stack
        if name is None or name == "":
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = g.unique_name(name)
        self._saved.append(old)
        g._name_stack = new
        return (new + "/") if new else ""

    def __exit__(self, exc_type, exc, tb):
        self._graph._name_stack = self._saved.pop()
        return False

    def __del__(self):
        # entered, then dropped without __exit__: restore as the generator-based context manager
        # did (its `finally` ran when the generator was collected)
        saved = self._saved
        if saved:
            self._graph._name_stack = saved[0]


class _ControlDependencies:
    """One `control_dependencies` block: its control inputs and the ops created inside it."""
    __slots__ = ("control_inputs", "seen")

    def __init__(self, control_inputs):
        self.control_inputs = control_inputs
        self.seen = set()


_shape_inference_module = None


def _shape_inference():
    # imported on first use: shape_inference imports jax, which graph.py itself does not need
    global _shape_inference_module
    if _shape_inference_module is None:
        from compat_tf._src.framework import shape_inference
        _shape_inference_module = shape_inference
    return _shape_inference_module


class _GraphState(threading.local):
    def __init__(self):
        super().__init__()
        self.stack = []


_default_graph_state = _GraphState()
_global_default_graph = None
# The EagerGraph while TF1 eager mode is on (set by compat_tf._src.eager.context): the default
# graph outside `as_default` blocks, whose create_op runs each op at once.
_eager_graph = None


class Graph:
    """A TF1 dataflow graph."""

    def __init__(self):
        self._lock = threading.RLock()
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._id_counter = 0
        self._collections = {}
        self._finalized = False
        self._seed = None
        self._name_stack = ""
        self._control_stack = []       # _ControlDependencies controllers, outermost first
        self._device_stack = []        # device strings, callables, or None (clears)
        self._function_stack = []      # owners of ops being built (cond branches, loop bodies)
        self._attr_scope = {}
        self._version = 0
        # Per-graph stores other modules hang off the graph.
        self._variable_store = None
        self._variable_scope_stack = None
        self._unfeedable_tensors = set()
        self._unfetchable_ops = set()

    # -- ids, versions -----------------------------------------------------
    def _next_id(self):
        self._id_counter += 1
        return self._id_counter

    @property
    def _last_id(self):
        return self._id_counter

    @property
    def version(self):
        return self._version

    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, value):
        self._seed = value

    @property
    def finalized(self):
        return self._finalized

    def finalize(self):
        """After this, adding an op raises RuntimeError (TF1 Graph.finalize)."""
        self._finalized = True

    def _unsafe_unfinalize(self):
        self._finalized = False

    # -- default graph -----------------------------------------------------
    @contextlib.contextmanager
    def as_default(self):
        _default_graph_state.stack.append(self)
        try:
            yield self
        finally:
            _default_graph_state.stack.pop()

    # -- names ---------------------------------------------------------------
    def get_name_scope(self):
        return self._name_stack

    def unique_name(self, name, mark_as_used=True):
        """TF1's uniquification: `name`, then `name_1`, `name_2`, ... (keys are lowercased)."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        count = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = count + 1
        if count > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{count}"
                count += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = f"{name}_{count - 1}"
        return name

    def name_scope(self, name):
        """Opens a name scope; yields its string ending in '/' (or '' at the root).

        A name ending in '/' is re-entered as is; None or '' resets to the root.
        The name is checked and uniquified when the block is entered.
        """
        return _NameScope(self, name)

    # -- control dependencies, devices ----------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run after `control_inputs`; None clears the enclosing ones.

        As in TF1, None also leaves the enclosing tf.cond branch / loop body
        (TF1 clears the control-flow context), which is how variables created
        under `init_scope` are hoisted out. An op gets no control input on an op
        it already has as a data input, nor from a block that one of its inputs
        was created in (TF1's "dominated" rule).
        """
        if control_inputs is None:
            saved, saved_fn = self._control_stack, self._function_stack
            self._control_stack, self._function_stack = [_ControlDependencies([])], []
            try:
                yield
            finally:
                self._control_stack, self._function_stack = saved, saved_fn
            return
        current = set(self._current_control_inputs())
        ops = []
        for c in control_inputs:
            el = self.as_graph_element(c, allow_tensor=True, allow_operation=True)
            op = el.op if isinstance(el, Tensor) else el
            if op not in current:
                ops.append(op)
                current.add(op)
        self._control_stack.append(_ControlDependencies(ops))
        try:
            yield
        finally:
            self._control_stack.pop()

    def _current_control_inputs(self):
        out = []
        for level in self._control_stack:
            for op in level.control_inputs:
                if op not in out:
                    out.append(op)
        return out

    def _control_inputs_for(self, input_ops):
        """TF1's _control_dependencies_for_inputs."""
        out = []
        for level in self._control_stack:
            if not level.seen.isdisjoint(input_ops):
                continue
            for c in level.control_inputs:
                if c not in input_ops and c not in out:
                    out.append(c)
        return out

    @contextlib.contextmanager
    def device(self, spec):
        """Records `spec` on ops created inside (placement is XLA's; see parallel/).

        Mirrors TF1: a string is merged with the enclosing scopes and stored
        canonically ("/cpu:0" -> "/device:CPU:0"); a function is called with
        each new op and its result recorded; None clears the device; "" keeps
        the enclosing one.
        """
        if spec is not None and not callable(spec):
            to_string = getattr(spec, "to_string", None)
            spec = to_string() if callable(to_string) else str(spec)
            _parse_device(spec)   # ValueError now for a malformed spec, as TF1
        self._device_stack.append(spec)
        try:
            yield
        finally:
            self._device_stack.pop()

    def _apply_device_functions(self, op):
        """TF1's Graph._apply_device_functions: innermost first, enclosing ones fill in the rest."""
        for spec in reversed(self._device_stack):
            if spec is None:
                break
            if callable(spec):
                dev = spec(op)
                to_string = getattr(dev, "to_string", None)
                op._device = (to_string() if callable(to_string) else dev) or ""
            elif spec:
                op._device = _merge_device(spec, op._device)
        return op._device

    def _current_device(self):
        """The device an op created now would get from the string scopes (functions not applied)."""
        dev = ""
        for spec in reversed(self._device_stack):
            if spec is None:
                break
            if isinstance(spec, str) and spec:
                dev = _merge_device(spec, dev)
        return dev

    @contextlib.contextmanager
    def colocate_with(self, op, ignore_existing=False):
        yield

    _container = ""               # Graph.container's name (recorded; resources are per Session)

    @contextlib.contextmanager
    def container(self, container_name):
        """TF1's Graph.container: stateful ops built inside belong to resource container
        `container_name`; compat_tf's resources belong to their Session, so it is only recorded."""
        if not isinstance(container_name, str):
            raise TypeError(f"container_name must be a string, got {type(container_name).__name__}")
        saved = self._container
        self._container = container_name
        try:
            yield container_name
        finally:
            self._container = saved

    _gradient_override_map = {}   # op type -> gradient op type (per graph once set)

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """TF1's Graph.gradient_override_map: ops of a mapped type built inside take their gradient
        from the mapped type's gradient (tf.RegisterGradient; see ops/gradient_registry.py)."""
        if not isinstance(op_type_map, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        for k, v in op_type_map.items():
            if not (isinstance(k, str) and isinstance(v, str)):
                raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        saved = self._gradient_override_map
        self._gradient_override_map = {**saved, **op_type_map}
        try:
            yield
        finally:
            self._gradient_override_map = saved

    # -- functions (cond branches, loop bodies) --------------------------------
    @contextlib.contextmanager
    def _building_function(self, owner):
        """Ops created inside belong to `owner` (a list receiving them)."""
        self._function_stack.append(owner)
        try:
            yield owner
        finally:
            self._function_stack.pop()

    def _current_function(self):
        return self._function_stack[-1] if self._function_stack else None

    # -- ops ------------------------------------------------------------------
    def create_op(self, op_type, inputs, attrs=None, name=None, output_specs=None, control_inputs=()):
        """Adds an op of registered type `op_type` and returns it.

        `name` is uniquified under the current name scope (a name ending in
        '/' is taken as an already-unique scope name). Output dtypes and
        static shapes come from `output_specs` when given, else from the op's
        shape rule or its JAX lowering (shape_inference.infer).
        """
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        for t in inputs:
            if not isinstance(t, Tensor):
                raise TypeError(f"input to {op_type} must be a Tensor, got {type(t).__name__}")
            if t._op is None or t._op._graph is not self:
                inputs = self._foreign_inputs(inputs, op_type)
                break
        opdef = registry.get(op_type)
        with self._lock:
            if name is None:            # the op type (compat_tf's own types may start with "_")
                name = self.unique_name(op_type)
            elif name.endswith("/"):    # an already unique scope name, e.g. from name_scope
                name = name[:-1]
                if name in self._ops_by_name:
                    raise ValueError(f"Duplicate node name in graph: '{name}'")
            else:
                _check_name(name, bool(self._name_stack), "node")
                name = self.unique_name(name)
            control_stack = self._control_stack
            controls = self._control_inputs_for({t._op for t in inputs}) if control_stack else []
            for c in control_inputs:
                if c not in controls:
                    controls.append(c)
            op = Operation(self, op_type, name, inputs, attrs, controls, "")
            if op_type in self._gradient_override_map:
                op._gradient_op_type = self._gradient_override_map[op_type]
                self.__dict__.setdefault("_overridden_ops", []).append(op)
            if self._device_stack:
                self._apply_device_functions(op)
            if output_specs is None:
                output_specs = _shape_inference().infer(op, opdef)
            if len(output_specs) == 1:
                shp, dt = output_specs[0]
                op._outputs = [Tensor(op, 0, dt, shp)]
            else:
                op._outputs = [Tensor(op, i, dt, shp) for i, (shp, dt) in enumerate(output_specs)]
            for t in inputs:
                t._consumers.append(op)
            self._ops.append(op)
            self._ops_by_name[name] = op
            for level in control_stack:
                level.seen.add(op)
            self._version += 1
            if self._function_stack:
                self._function_stack[-1].append(op)
        return op

    def _foreign_inputs(self, inputs, op_type):
        """Inputs from elsewhere: an eager tensor or variable read is captured into this graph
        (its `_capture_into`, see compat_tf._src.eager); another graph's tensor is an error."""
        out = []
        for t in inputs:
            if t._op is None or t._op._graph is not self:
                capture = getattr(t, "_capture_into", None)
                if capture is None:
                    raise ValueError(f"Tensor {t.name} must be from the same graph as the op being "
                                     f"created ({op_type}); it belongs to another tf.Graph.")
                t = capture(self)
            out.append(t)
        return out

    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def _get_operation_or_none(self, name):
        return self._ops_by_name.get(name)

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolves a Tensor, Operation, Variable or name string to this graph's element."""
        if hasattr(obj, "_as_graph_element") and not isinstance(obj, (Tensor, Operation)):
            obj = obj._as_graph_element()
        kinds = " or ".join(k for k, ok in (("Tensor", allow_tensor), ("Operation", allow_operation)) if ok)
        if isinstance(obj, bytes):
            obj = obj.decode()
        if isinstance(obj, str):
            name = obj
            if ":" in name and allow_tensor:
                try:
                    op_name, out_n = name.split(":")
                    out_n = int(out_n)
                except ValueError:
                    raise ValueError(f"The name {name!r} looks a like a Tensor name, but is not a valid "
                                     "one. Tensor names must be of the form \"<op_name>:<output_index>\".") \
                        from None
                op = self._ops_by_name.get(op_name)
                if op is None:
                    raise KeyError(f"The name {name!r} refers to a Tensor which does not exist. "
                                   f"The operation, {op_name!r}, does not exist in the graph.")
                if not 0 <= out_n < len(op._outputs):
                    raise KeyError(f"The name {name!r} refers to a Tensor which does not exist. The "
                                   f"operation, {op_name!r}, exists but only has {len(op._outputs)} outputs.")
                return op._outputs[out_n]
            if ":" in name:
                raise ValueError(f"Name {name!r} appears to refer to a Tensor, not a {kinds}.")
            if allow_operation:
                op = self._ops_by_name.get(name)
                if op is None:
                    raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")
                return op
            if name in self._ops_by_name:
                msg = f"The name {name!r} refers to an Operation, not a {kinds}."
            else:
                msg = f"The name {name!r} looks like an (invalid) Operation name, not a {kinds}."
            raise ValueError(msg + " Tensor names must be of the form \"<op_name>:<output_index>\".")
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError(f"Tensor {obj.name} is not an element of this graph.")
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError(f"Operation {obj.name} is not an element of this graph.")
            return obj
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {kinds}.")

    # -- collections ----------------------------------------------------------
    def add_to_collection(self, name, value):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        with self._lock:
            self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for n in names:
            self.add_to_collection(n, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [i for i in items if hasattr(i, "name") and pattern.match(i.name)]

    def get_all_collection_keys(self):
        """The string keys of the collections (empty ones created by get_collection_ref too, as TF1)."""
        return [k for k in self._collections if isinstance(k, str)]

    def clear_collection(self, name):
        self._collections.pop(name, None)

    def is_feedable(self, tensor):
        """False for a tensor passed to prevent_feeding (Session.run then refuses to feed it)."""
        return tensor not in self._unfeedable_tensors

    def is_fetchable(self, tensor_or_op):
        """False for an op passed to prevent_fetching, or a tensor of one."""
        op = tensor_or_op.op if isinstance(tensor_or_op, Tensor) else tensor_or_op
        return op not in self._unfetchable_ops

    def prevent_feeding(self, tensor):
        """Marks `tensor` as not feedable: feeding it to Session.run raises ValueError (TF1).

        Checked when a Session first resolves a feed set (TF1 checks every run: a session that
        already ran with this very feed set before the tensor was marked does not check again).
        """
        self._unfeedable_tensors.add(tensor)

    def prevent_fetching(self, op):
        """Marks `op` as not fetchable: fetching it or its outputs raises ValueError (TF1)."""
        self._unfetchable_ops.add(op)

    def as_graph_def(self, from_version=None, add_shapes=False):
        """The GraphDef proto of this graph (see graph_io.py)."""
        from compat_tf._src.framework import graph_io
        return graph_io.graph_to_graph_def(self, from_version, add_shapes)

    @property
    def graph_def_versions(self):
        from compat_tf._src.framework import graph_io
        return graph_io.graph_def_versions()


def get_default_graph():
    """The innermost `as_default` graph of this thread, else the global default graph."""
    global _global_default_graph
    if _default_graph_state.stack:
        return _default_graph_state.stack[-1]
    if _eager_graph is not None:
        return _eager_graph
    if _global_default_graph is None:
        _global_default_graph = Graph()
    return _global_default_graph


def get_default_graph_for_session():
    """The graph a new tf.Session runs: the default graph, or, while executing eagerly, the global
    default graph (TF 1.15: a Session made in eager mode works on graph-mode ops)."""
    global _global_default_graph
    if _default_graph_state.stack:
        return _default_graph_state.stack[-1]
    if _global_default_graph is None:
        _global_default_graph = Graph()
    return _global_default_graph


def reset_default_graph():
    """Replaces the global default graph (AssertionError inside `as_default`, like TF1)."""
    global _global_default_graph
    if _default_graph_state.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you need a "
                             "cleared graph, exit the nesting and create a new graph.")
    _global_default_graph = Graph()


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """TF1's tf.name_scope(name, default_name, values).

    The scope opens in the graph of `values` (else the default graph), which
    is the default graph inside it, as in TF1.
    """
    n = name if name is not None else default_name
    if n is None and values is not None:
        raise ValueError(f"At least one of name ({name}) and default_name ({default_name}) must be provided.")
    graph = _graph_of(values) if values else get_default_graph()
    with graph.as_default(), graph.name_scope(n) as scope:
        yield scope


def _graph_of(values):
    for v in values:
        if isinstance(v, (Tensor, Operation)):
            return v.graph
        g = getattr(v, "graph", None)
        if isinstance(g, Graph):
            return g
    return get_default_graph()


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def device(spec):
    return get_default_graph().device(spec)


def colocate_with(op, ignore_existing=False):
    return get_default_graph().colocate_with(op, ignore_existing)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def get_name_scope():
    return get_default_graph().get_name_scope()
