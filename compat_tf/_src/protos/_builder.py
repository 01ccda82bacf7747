"""Builds TF's .proto files as real protobuf descriptors without protoc.

Each `*_pb2` module of this package writes its FileDescriptorProto in Python
with this small DSL and registers it in protobuf's default descriptor pool
under TF's own file name and package ("tensorflow"), so the message classes
have TF's full names and wire format (bytes written by TensorFlow parse here
and vice versa, text format included).

    fd = new_file("tensorflow/core/framework/versions.proto", "VersionsProtos",
                  deps=[...])
    m = message(fd, "VersionDef")
    field(m, "producer", 1, "int32")
    field(m, "bad_consumers", 3, "int32", repeated=True)
    field(m, "shape", 7, "msg:TensorShapeProto")      # message type (relative to "tensorflow")
    field(m, "dtype", 1, "enum:DataType")             # enum type
    map_field(m, "attr", 5, "string", "msg:AttrValue")
    desc = register(fd)
    VersionDef = message_class(desc, "VersionDef")

Type names without a leading "." are taken relative to the package; names
with one are absolute (".google.protobuf.Any").
"""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.internal import enum_type_wrapper

_F = descriptor_pb2.FieldDescriptorProto

_SCALARS = {
    "double": _F.TYPE_DOUBLE, "float": _F.TYPE_FLOAT, "int64": _F.TYPE_INT64, "uint64": _F.TYPE_UINT64,
    "int32": _F.TYPE_INT32, "fixed64": _F.TYPE_FIXED64, "fixed32": _F.TYPE_FIXED32, "bool": _F.TYPE_BOOL,
    "string": _F.TYPE_STRING, "bytes": _F.TYPE_BYTES, "uint32": _F.TYPE_UINT32, "sint32": _F.TYPE_SINT32,
    "sint64": _F.TYPE_SINT64, "sfixed32": _F.TYPE_SFIXED32, "sfixed64": _F.TYPE_SFIXED64,
}

POOL = descriptor_pool.Default()


def camel(name):
    """protoc's json_name: lower_snake -> lowerCamel."""
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def new_file(name, java_outer, deps=(), package="tensorflow", java_package="org.tensorflow.framework",
             go_package=None):
    fd = descriptor_pb2.FileDescriptorProto(name=name, package=package, syntax="proto3")
    fd.dependency.extend(deps)
    fd.options.cc_enable_arenas = True
    fd.options.java_outer_classname = java_outer
    fd.options.java_multiple_files = True
    fd.options.java_package = java_package
    if go_package:
        fd.options.go_package = go_package
    return fd


def _package_of(msg):
    return getattr(msg, "_package", "tensorflow")


def _full_type(type_name, package="tensorflow"):
    return type_name if type_name.startswith(".") else f".{package}.{type_name}"


def message(parent, name):
    """Adds a message to a file (FileDescriptorProto) or nested in a message (DescriptorProto)."""
    if isinstance(parent, descriptor_pb2.FileDescriptorProto):
        return parent.message_type.add(name=name)
    return parent.nested_type.add(name=name)


def enum(parent, name, values):
    """Adds an enum (values: [(NAME, number), ...]) to a file or a message."""
    if isinstance(parent, descriptor_pb2.FileDescriptorProto):
        e = parent.enum_type.add(name=name)
    else:
        e = parent.enum_type.add(name=name)
    for vname, number in values:
        e.value.add(name=vname, number=number)
    return e


def oneof(msg, name):
    """Declares a oneof in `msg`; returns its index for field(..., oneof=index)."""
    msg.oneof_decl.add(name=name)
    return len(msg.oneof_decl) - 1


def field(msg, name, number, ftype, repeated=False, oneof=None, packed=None, json_name=None):
    """Adds a field. `ftype`: a scalar type name, "msg:<Type>" or "enum:<Type>"."""
    label = _F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL
    f = msg.field.add(name=name, number=number, label=label)
    if ftype in _SCALARS:
        f.type = _SCALARS[ftype]
    elif ftype.startswith("msg:"):
        f.type = _F.TYPE_MESSAGE
        f.type_name = _full_type(ftype[4:])
    elif ftype.startswith("enum:"):
        f.type = _F.TYPE_ENUM
        f.type_name = _full_type(ftype[5:])
    else:
        raise ValueError(f"unknown field type {ftype!r} for field {name}")
    if packed is not None:
        f.options.packed = packed
    if oneof is not None:
        f.oneof_index = oneof
    f.json_name = json_name or camel(name)
    return f


def map_field(msg, name, number, key_type, value_type, scope):
    """Adds `map<key_type, value_type> name = number;` to `msg`, whose full name is `scope`
    (e.g. "tensorflow.NodeDef"), as protoc does: a nested <Name>Entry message."""
    entry_name = "".join(p[:1].upper() + p[1:] for p in name.split("_")) + "Entry"
    entry = msg.nested_type.add(name=entry_name)
    entry.options.map_entry = True
    field(entry, "key", 1, key_type)
    field(entry, "value", 2, value_type)
    return field(msg, name, number, f"msg:.{scope}.{entry_name}", repeated=True)


def register(fd, pool=POOL):
    """Adds `fd` to the pool (returns the existing FileDescriptor when already there, e.g. real TF's)."""
    try:
        return pool.FindFileByName(fd.name)
    except KeyError:
        return pool.AddSerializedFile(fd.SerializeToString())


def message_class(file_desc, name):
    """The generated message class of `name` ("Outer" or "Outer.Inner") in `file_desc`."""
    full = f"{file_desc.package}.{name}" if file_desc.package else name
    return message_factory.GetMessageClass(file_desc.pool.FindMessageTypeByName(full))


def enum_wrapper(file_desc, name):
    """An EnumTypeWrapper (Name/Value/keys/items), as a pb2 module's top-level enum."""
    full = f"{file_desc.package}.{name}" if file_desc.package else name
    return enum_type_wrapper.EnumTypeWrapper(file_desc.pool.FindEnumTypeByName(full))


def export_enum_values(namespace, wrapper):
    """Puts the enum's value names into `namespace` (module globals), as protoc's pb2 modules do."""
    for vname, number in wrapper.items():
        namespace[vname] = number
