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
