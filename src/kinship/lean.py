"""What the start-up path uses instead of ``typing`` at run time.

``kinship log`` must start in a few times Python's own start-up, and ``import typing`` alone
costs about half of Python's start-up. Worse, ``typing.NamedTuple`` compiles every field's
annotation (a ``ForwardRef`` per field under ``from __future__ import annotations``): the value
types of ``models.py`` and the command table cost more to define than the rest of ``log`` does.

Regular expressions: ``pattern(SOURCE)`` stands for ``re.compile(SOURCE)`` but compiles (and
imports ``re``) the first time it is used, so a command pays only for the patterns it uses.

So modules on the start-up path write::

    from kinship.lean import TYPE_CHECKING, NamedTuple

    if TYPE_CHECKING:
        from typing import Any  # only for annotations

Type checkers see ``typing.NamedTuple`` itself (mypy treats any ``TYPE_CHECKING`` name as true);
at run time ``NamedTuple`` builds the same class with ``collections.namedtuple`` — fields and
defaults from the annotations, methods, properties and docstrings copied — without ``typing``.
"""

from __future__ import annotations

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    _PROHIBITED = frozenset(
        {
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
            "_source",
        }
    )
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})

    class _NamedTupleMeta(type):
        def __new__(cls, typename, bases, namespace):
            if namespace.get("_lean_root"):
                return super().__new__(cls, typename, bases, namespace)
            if bases != (NamedTuple,):
                raise TypeError("a lean NamedTuple derives from NamedTuple alone")
            fields = dict(namespace.get("__annotations__", {}))
            defaults = []
            for field in fields:
                if field in namespace:
                    defaults.append(namespace[field])
                elif defaults:
                    raise TypeError(f"Non-default namedtuple field {field} cannot follow default field(s)")
            from collections import namedtuple  # not at import: ``kinship --help`` needs none

            made = namedtuple(typename, fields, defaults=defaults, module=namespace["__module__"])
            made.__annotations__ = fields
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
                if key not in _SPECIAL and key not in fields:
                    setattr(made, key, value)
            return made

    class NamedTuple(metaclass=_NamedTupleMeta):
        """Base of a typed named tuple, as ``typing.NamedTuple`` (class syntax only)."""

        _lean_root = True


if TYPE_CHECKING:
    import re

    def pattern(source: str, flags: int = 0) -> re.Pattern[str]:
        """Return ``re.compile(source, flags)``."""
        ...

else:

    class _Pattern:
        """A regular expression compiled (and ``re`` imported) the first time it is used."""

        def __init__(self, source, flags):
            self._lean_source = (source, flags)

        def __getattr__(self, name):
            import re

            compiled = re.compile(*self._lean_source)
            for method in ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"):
                setattr(self, method, getattr(compiled, method))  # later calls skip __getattr__
            return getattr(compiled, name)

        def __repr__(self):
            return f"pattern({self._lean_source[0]!r})"

    def pattern(source, flags=0):
        """Return ``re.compile(source, flags)``, compiled on first use: start-up pays only for
        the patterns a command uses."""
        return _Pattern(source, flags)


if TYPE_CHECKING:
    from dataclasses import FrozenInstanceError as FrozenInstanceError
    from dataclasses import dataclass as dataclass
    from dataclasses import field as field
else:
    _MISSING = object()

    class FrozenInstanceError(AttributeError):
        """Assigning to a field of a frozen dataclass."""

    class _Field:
        __slots__ = ("default", "default_factory")

        def __init__(self, default, default_factory):
            self.default = default
            self.default_factory = default_factory

    def field(*, default=_MISSING, default_factory=_MISSING):
        """Return a field with a default or a default factory, as ``dataclasses.field``."""
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        return _Field(default, default_factory)

    def dataclass(cls=None, /, *, frozen=False, eq=True):
        """Make ``cls`` a data class as ``dataclasses.dataclass`` does (``frozen`` and ``eq`` only).

        ``import dataclasses`` imports ``inspect`` (with ``ast``, ``dis`` and ``tokenize``): more
        than the rest of ``kinship export`` costs. The generated ``__init__``, ``__repr__``,
        ``__eq__`` and ``__hash__`` behave as the standard ones; ``dataclasses.fields()`` and
        ``replace()`` do not apply (use the standard decorator for a class that needs them).
        """

        def wrap(cls):
            return _make_dataclass(cls, frozen, eq)

        return wrap if cls is None else wrap(cls)

    def _make_dataclass(cls, frozen, eq):
        names = []
        namespace = {"_MISSING": _MISSING, "_setattr": object.__setattr__}
        parameters = []
        own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect is what this avoids)
        for name, annotation in own.items():
            if "ClassVar" in str(annotation):
                continue
            value = cls.__dict__.get(name, _MISSING)
            factory = _MISSING
            if isinstance(value, _Field):
                value, factory = value.default, value.default_factory
                if value is _MISSING:
                    delattr(cls, name)  # no class attribute, as dataclasses leaves none
                else:
                    setattr(cls, name, value)
            if factory is not _MISSING:
                namespace[f"_factory_{name}"] = factory
                parameters.append(f"{name}=_MISSING")
            elif value is not _MISSING:
                namespace[f"_default_{name}"] = value
                parameters.append(f"{name}=_default_{name}")
            elif parameters and parameters[-1].count("="):
                raise TypeError(f"non-default argument {name!r} follows default argument")
            else:
                parameters.append(name)
            names.append(name)
        lines = [f"def __init__(self, {', '.join(parameters)}):" if parameters else "def __init__(self):"]
        for name in names:
            value = (
                f"_factory_{name}() if {name} is _MISSING else {name}"
                if f"_factory_{name}" in namespace
                else name
            )
            lines.append(f"    _setattr(self, {name!r}, {value})" if frozen else f"    self.{name} = {value}")
        if "__post_init__" in cls.__dict__:
            lines.append("    self.__post_init__()")
        if len(lines) == 1:
            lines.append("    pass")
        exec("\n".join(lines), namespace)  # one small function: far cheaper than importing inspect
        init = namespace["__init__"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = init
        fields = tuple(names)

        def __repr__(self):
            shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in fields)
            return f"{type(self).__qualname__}({shown})"

        cls.__repr__ = __repr__
        if eq:

            def __eq__(self, other):
                if other.__class__ is not self.__class__:
                    return NotImplemented
                return tuple(getattr(self, name) for name in fields) == tuple(
                    getattr(other, name) for name in fields
                )

            cls.__eq__ = __eq__
            if "__hash__" not in cls.__dict__:
                if frozen:

                    def __hash__(self):
                        return hash(tuple(getattr(self, name) for name in fields))

                    cls.__hash__ = __hash__
                else:
                    cls.__hash__ = None
        if frozen:

            def __setattr__(self, name, value):
                raise FrozenInstanceError(f"cannot assign to field {name!r}")

            def __delattr__(self, name):
                raise FrozenInstanceError(f"cannot delete field {name!r}")

            cls.__setattr__ = __setattr__
            cls.__delattr__ = __delattr__
        cls.__match_args__ = fields
        return cls
