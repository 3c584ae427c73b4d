"""Read and write the wire dataclasses: request bodies parsed by their types, and the TypeScript
interfaces the panel compiles against, both from the one definition in :mod:`chatbi_jupyterlab.wire`.

Types map as ``str`` → ``string``, ``int``/``float`` → ``number``, ``bool`` → ``boolean``, ``None`` →
``null``, ``list[X]`` → ``X[]``, ``dict[str, X]`` → ``Record<string, X>``, ``Literal["a", "b"]`` →
``'a' | 'b'``, ``Any`` → ``unknown``, ``datetime.date`` → ``string`` (``YYYY-MM-DD``), a dataclass → its
interface. A field with a default is optional. A field whose metadata holds ``"typescript"`` is written with
that type (a union declared by :func:`typescript_union`), and read as its annotation says.

Example:
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Point:
    ...     x: int
    ...     label: str | None = None
    >>> from_json(Point, {"x": 1})
    Point(x=1, label=None)
    >>> from_json(Point, {"x": "1"})
    Traceback (most recent call last):
    ...
    chatbi_jupyterlab.codegen.WireError: x: expected a whole number, got a string
    >>> print(typescript_interface(Point))
    export interface Point {
      x: number;
      label?: string | null;
    }
"""

from __future__ import annotations

import ast
import dataclasses
import datetime
import inspect
import sys
import textwrap
import types
from collections.abc import Iterable
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints


class WireError(ValueError):
    """A value that does not have the type its field declares; the message names the field."""


def from_json(cls: type, data: Any, where: str = "") -> Any:
    """``data`` (parsed JSON) as an instance of the dataclass ``cls``, checked field by field.

    Raises:
        WireError: a field is missing, unknown or of the wrong type.
    """
    return _convert(cls, data, where)


def _convert(kind: Any, value: Any, where: str) -> Any:
    origin, args = get_origin(kind), get_args(kind)
    if kind is Any:
        return value
    if kind is type(None):
        return _expect(value is None, value, where, "null")
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _convert(options[0], value, where)
        for option in options:
            try:
                return _convert(option, value, where)
            except WireError:
                continue
        raise WireError(f"{_name(where)}: expected {typescript_type(kind)}, got {_json_kind(value)}")
    if origin is Literal:
        if value in args and type(value) in {type(a) for a in args}:
            return value
        choices = ", ".join(repr(a) for a in args)
        raise WireError(f"{_name(where)}: expected one of {choices}, got {value!r}"[:300])
    if origin in (list, tuple):
        _expect(isinstance(value, list), value, where, "a list")
        item = args[0] if args else Any
        return [_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _expect(isinstance(value, dict), value, where, "an object")
        item = args[1] if len(args) > 1 else Any
        return {str(k): _convert(item, v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if dataclasses.is_dataclass(kind):
        return _dataclass(kind, value, where)
    if kind is bool:
        return _expect(isinstance(value, bool), value, where, "true or false")
    if kind is int:
        return _expect(isinstance(value, int) and not isinstance(value, bool), value, where, "a whole number")
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return float(_expect(ok, value, where, "a number"))
    if kind is str:
        return _expect(isinstance(value, str), value, where, "a string")
    raise TypeError(f"no wire mapping for {kind!r}")


def _dataclass(cls: Any, value: Any, where: str) -> Any:
    _expect(isinstance(value, dict), value, where, "an object")
    hints, known = get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise WireError(f"{_name(where)}: unknown field {unknown[0]!r}")
    values = {}
    for name, item in known.items():
        path = f"{where}.{name}" if where else name
        if name in value:
            values[name] = _convert(hints[name], value[name], path)
        elif item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING:
            raise WireError(f"{path}: missing")
    return cls(**values)


def _expect(ok: bool, value: Any, where: str, expected: str) -> Any:
    if not ok:
        raise WireError(f"{_name(where)}: expected {expected}, got {_json_kind(value)}")
    return value


def _name(where: str) -> str:
    return where or "the request body"


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def typescript_type(kind: Any) -> str:
    """The TypeScript spelling of a Python type annotation.

    Example:
        >>> typescript_type(dict[str, list[int | None]])
        'Record<string, (number | null)[]>'
        >>> typescript_type(Literal["accept", "reject"])
        "'accept' | 'reject'"
    """
    origin, args = get_origin(kind), get_args(kind)
    if kind is Any:
        return "unknown"
    if kind is type(None):
        return "null"
    if origin in (Union, types.UnionType):
        parts = list(dict.fromkeys(typescript_type(a) for a in args if a is not type(None)))
        return " | ".join(parts + (["null"] if type(None) in args else []))
    if origin is Literal:
        return " | ".join(f"'{a}'" if isinstance(a, str) else str(a).lower() for a in args)
    if origin in (list, tuple):
        item = typescript_type(args[0]) if args else "unknown"
        return f"({item})[]" if " " in item else f"{item}[]"
    if origin is dict:
        return f"Record<string, {typescript_type(args[1]) if len(args) > 1 else 'unknown'}>"
    if dataclasses.is_dataclass(kind):
        return kind.__name__
    names = {str: "string", int: "number", float: "number", bool: "boolean", datetime.date: "string"}
    if kind in names:
        return names[kind]
    raise TypeError(f"no TypeScript mapping for {kind!r}")


def typescript_interface(cls: type, *, tagged: bool = False) -> str:
    """``cls`` as an exported TypeScript interface, with its docstrings as comments; ``tagged`` adds the
    field ``type``, the class's name, that tells the members of a :func:`typescript_union` apart."""
    hints = get_type_hints(cls)
    docs = field_docs(cls)
    doc = inspect.getdoc(cls) or ""
    if doc.startswith(f"{cls.__name__}("):  # the signature dataclasses write when there is no docstring
        doc = ""
    lines = [*_comment(doc, ""), f"export interface {cls.__name__} {{"]
    if tagged:
        lines.append(f"  type: '{cls.__name__}';")
    for item in dataclasses.fields(cls):  # type: ignore[arg-type]
        optional = item.default is not dataclasses.MISSING or item.default_factory is not dataclasses.MISSING
        lines += _comment(docs.get(item.name, ""), "  ")
        spelled = item.metadata.get("typescript") or typescript_type(hints[item.name])
        lines.append(f"  {item.name}{'?' if optional else ''}: {spelled};")
    lines.append("}")
    return "\n".join(lines)


def typescript_union(name: str, classes: Iterable[type]) -> str:
    """An exported union type ``name`` of the tagged interfaces of ``classes`` (objects whose field
    ``type`` names their class, as ``{"type": "SetLimit", "n": 5}``).

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass
        ... class Stop:
        ...     pass
        >>> @dataclass
        ... class Go:
        ...     speed: int
        >>> print(typescript_union("Move", (Stop, Go)))
        export type Move = Stop | Go;
    """
    return f"export type {name} = {' | '.join(cls.__name__ for cls in classes)};"


def typescript_module(
    classes: Iterable[type], header: str, unions: dict[str, tuple[type, ...]] | None = None
) -> str:
    """A TypeScript file: ``header`` as line comments, then one interface per class, in order, then per
    union its members' tagged interfaces and the union type (:func:`typescript_union`)."""
    head = [f"// {line}".rstrip() for line in header.strip().splitlines()]
    parts = ["\n".join(head), *(typescript_interface(cls) for cls in classes)]
    for name, members in (unions or {}).items():
        parts += [typescript_interface(cls, tagged=True) for cls in members]
        parts.append(typescript_union(name, members))
    return "\n\n".join(parts) + "\n"


def field_docs(cls: type) -> dict[str, str]:
    """The docstrings written under the fields of dataclass ``cls`` (attribute docstrings), by name.

    Example:
        >>> from chatbi_jupyterlab.wire import Table
        >>> field_docs(Table)["truncated"].startswith("True when the database had more rows")
        True
    """
    module = sys.modules[cls.__module__]
    tree = ast.parse(textwrap.dedent(inspect.getsource(module)))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            docs: dict[str, str] = {}
            for before, after in zip(node.body, node.body[1:], strict=False):
                if (
                    isinstance(before, ast.AnnAssign)
                    and isinstance(before.target, ast.Name)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                ):
                    docs[before.target.id] = inspect.cleandoc(after.value.value)
            return docs
    return {}


def _comment(text: str, indent: str) -> list[str]:
    if not text:
        return []
    lines = text.strip().splitlines()
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


__all__ = [
    "WireError",
    "field_docs",
    "from_json",
    "typescript_interface",
    "typescript_module",
    "typescript_type",
    "typescript_union",
]
