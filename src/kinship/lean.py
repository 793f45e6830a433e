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
    from sys import intern as _sys_intern

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

    _tuple_new = tuple.__new__

    def _field_getter(index, doc):
        """Return the accessor of field ``index``, as collections.namedtuple makes it."""
        try:
            from _collections import _tuplegetter  # not at import: ``kinship --help`` needs none
        except ImportError:  # as collections.namedtuple falls back
            from operator import itemgetter

            return property(itemgetter(index), doc=doc)
        return _tuplegetter(index, doc)

    # ``collections.namedtuple`` compiles each class's ``__new__`` from source with ``eval``: half
    # of its cost. These are compiled once, into this module's .pyc; a class takes the one of its
    # arity and renames its parameters (``CodeType.replace``), so keywords and defaults work alike.
    def _new_0(_cls):
        return _tuple_new(_cls, ())

    def _new_1(_cls, a):
        return _tuple_new(_cls, (a,))

    def _new_2(_cls, a, b):
        return _tuple_new(_cls, (a, b))

    def _new_3(_cls, a, b, c):
        return _tuple_new(_cls, (a, b, c))

    def _new_4(_cls, a, b, c, d):
        return _tuple_new(_cls, (a, b, c, d))

    def _new_5(_cls, a, b, c, d, e):
        return _tuple_new(_cls, (a, b, c, d, e))

    def _new_6(_cls, a, b, c, d, e, f):
        return _tuple_new(_cls, (a, b, c, d, e, f))

    def _new_7(_cls, a, b, c, d, e, f, g):
        return _tuple_new(_cls, (a, b, c, d, e, f, g))

    def _new_8(_cls, a, b, c, d, e, f, g, h):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h))

    def _new_9(_cls, a, b, c, d, e, f, g, h, i):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i))

    def _new_10(_cls, a, b, c, d, e, f, g, h, i, j):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j))

    def _new_11(_cls, a, b, c, d, e, f, g, h, i, j, k):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k))

    def _new_12(_cls, a, b, c, d, e, f, g, h, i, j, k, m):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m))

    def _new_13(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n))

    def _new_14(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p))

    def _new_15(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q))

    def _new_16(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r))

    def _new_17(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s))

    def _new_18(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t))

    def _new_19(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u))

    def _new_20(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v))

    def _new_21(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w))

    def _new_22(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w, x):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w, x))

    def _new_23(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w, x, y):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w, x, y))

    def _new_24(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w, x, y, z):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, p, q, r, s, t, u, v, w, x, y, z))

    _NEW_BY_ARITY = tuple(globals()[f"_new_{arity}"] for arity in range(25))

    def _namedtuple(typename, field_names, defaults, module):
        """Return ``collections.namedtuple(typename, field_names, defaults=..., module=...)``."""
        if len(field_names) >= len(_NEW_BY_ARITY):
            from collections import namedtuple

            return namedtuple(typename, field_names, defaults=defaults, module=module)
        for name in field_names:
            if name.startswith("_"):
                raise ValueError(f"Field names cannot start with an underscore: {name!r}")
        field_names = tuple(map(_sys_intern, field_names))
        count = len(field_names)
        defaults = tuple(defaults)
        field_defaults = (
            dict(zip(field_names[count - len(defaults) :], defaults, strict=True)) if defaults else {}
        )
        arguments = ", ".join(field_names) + ("," if count == 1 else "")
        repr_format = "(" + ", ".join(f"{name}=%r" for name in field_names) + ")"
        template = _NEW_BY_ARITY[count]
        code = template.__code__.replace(
            co_varnames=("_cls", *field_names, *template.__code__.co_varnames[count + 1 :]),
            co_name="__new__",
            co_qualname=f"{typename}.__new__",
        )
        __new__ = type(template)(code, template.__globals__, "__new__")
        __new__.__defaults__ = defaults
        __new__.__doc__ = f"Create new instance of {typename}({arguments})"

        @classmethod
        def _make(cls, iterable):
            result = _tuple_new(cls, iterable)
            if len(result) != count:
                raise TypeError(f"Expected {count} arguments, got {len(result)}")
            return result

        _make.__func__.__doc__ = f"Make a new {typename} object from a sequence or iterable"

        def _replace(self, /, **kwds):
            result = self._make(map(kwds.pop, field_names, self))
            if kwds:
                raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
            return result

        _replace.__doc__ = f"Return a new {typename} object replacing specified fields with new values"

        def __repr__(self):
            "Return a nicely formatted representation string"
            return self.__class__.__name__ + repr_format % self

        def _asdict(self):
            "Return a new dict which maps field names to their values."
            return dict(zip(self._fields, self, strict=True))

        def __getnewargs__(self):
            "Return self as a plain tuple.  Used by copy and pickle."
            return tuple(self)

        for method in (__new__, _make.__func__, _replace, __repr__, _asdict, __getnewargs__):
            method.__qualname__ = f"{typename}.{method.__name__}"
        namespace = {
            "__doc__": f"{typename}({arguments})",
            "__slots__": (),
            "_fields": field_names,
            "_field_defaults": field_defaults,
            "__new__": __new__,
            "_make": _make,
            "_replace": _replace,
            "__repr__": __repr__,
            "_asdict": _asdict,
            "__getnewargs__": __getnewargs__,
            "__match_args__": field_names,
        }
        for index, name in enumerate(field_names):
            namespace[name] = _field_getter(index, _sys_intern(f"Alias for field number {index}"))
        made = type(typename, (tuple,), namespace)
        made.__module__ = module
        return made

    class _NamedTupleMeta(type):
        def __new__(cls, typename, bases, namespace):
            if namespace.get("_lean_root"):
                return super().__new__(cls, typename, bases, namespace)
            if bases != (NamedTuple,):
                raise TypeError("a lean NamedTuple derives from NamedTuple alone")
            if "__annotations__" not in namespace and "__annotate__" in namespace:
                raise TypeError(f"{typename}: a module using lean needs `from __future__ import annotations`")
            fields = dict(namespace.get("__annotations__", {}))
            defaults = []
            for field in fields:
                if field in namespace:
                    defaults.append(namespace[field])
                elif defaults:
                    raise TypeError(f"Non-default namedtuple field {field} cannot follow default field(s)")
            made = _namedtuple(typename, tuple(fields), defaults, namespace["__module__"])
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
        own_methods = [name for name in ("__init__", "__repr__", "__eq__") if name in cls.__dict__]
        if own_methods:  # dataclasses keeps a class's own; this small one would overwrite them
            raise TypeError(f"{cls.__qualname__}: lean.dataclass cannot keep {', '.join(own_methods)}")
        if any(
            "_lean_fields" in base.__dict__ or "__dataclass_fields__" in base.__dict__
            for base in cls.__mro__[1:]
        ):
            raise TypeError(f"{cls.__qualname__}: lean.dataclass takes no fields from a base class")
        if "__annotations__" not in cls.__dict__ and "__annotate__" in cls.__dict__:
            raise TypeError(
                f"{cls.__qualname__}: a module using lean needs `from __future__ import annotations`"
            )
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
            if isinstance(value, (list, dict, set)):
                raise ValueError(
                    f"mutable default {type(value)} for field {name} is not allowed: use default_factory"
                )
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
        cls._lean_fields = fields
        return cls
