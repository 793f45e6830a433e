"""kinship.lean's stand-ins behave as the standard library they replace on the start-up path."""

from __future__ import annotations

import collections
import copy
import dataclasses
import importlib
import pickle
import pkgutil
import re
from typing import Any

import pytest

import kinship
from kinship import lean


def _every_named_tuple() -> list[type[tuple[Any, ...]]]:
    """Return every lean NamedTuple class kinship defines (importing every module)."""
    for module in pkgutil.walk_packages(kinship.__path__, "kinship."):
        importlib.import_module(module.name)
    found: list[type[tuple[Any, ...]]] = []
    for name, module in list(__import__("sys").modules.items()):
        if not name.startswith("kinship"):
            continue
        for value in vars(module).values():
            named_tuple = isinstance(value, type) and issubclass(value, tuple) and hasattr(value, "_fields")
            if named_tuple and value.__module__ == name:
                found.append(value)
    return found


def test_every_named_tuple_is_the_one_collections_would_make() -> None:
    classes = _every_named_tuple()
    assert len(classes) > 30
    for made in classes:
        fields = made._fields  # type: ignore[attr-defined]
        defaults = tuple(made._field_defaults.values())  # type: ignore[attr-defined]
        reference = collections.namedtuple(made.__name__, fields, defaults=defaults, module=made.__module__)  # type: ignore[misc]
        assert made._field_defaults == reference._field_defaults  # type: ignore[attr-defined]
        assert made.__match_args__ == reference.__match_args__  # type: ignore[attr-defined]
        assert made.__new__.__defaults__ == reference.__new__.__defaults__
        assert made.__new__.__qualname__ == reference.__new__.__qualname__
        for field in fields:
            assert getattr(made, field).__doc__ == getattr(reference, field).__doc__
        values = [f"v{index}" for index in range(len(fields))]
        ours, theirs = made(*values), reference(*values)
        assert repr(ours) == repr(theirs) and tuple(ours) == tuple(theirs)
        assert made(**dict(zip(fields, values, strict=True))) == ours
        assert ours._asdict() == theirs._asdict()  # type: ignore[attr-defined]
        assert tuple(ours._replace(**{fields[0]: "new"})) == tuple(theirs._replace(**{fields[0]: "new"}))  # type: ignore[attr-defined]
        assert made._make(values) == ours  # type: ignore[attr-defined]
        assert pickle.loads(pickle.dumps(ours)) == ours and copy.deepcopy(ours) == ours
        required = len(fields) - len(defaults)
        if required:
            with pytest.raises(TypeError) as ours_error:
                made()
            with pytest.raises(TypeError) as theirs_error:
                reference()
            assert str(ours_error.value) == str(theirs_error.value)
        with pytest.raises(ValueError, match="unexpected field names"):
            ours._replace(nonsense=1)  # type: ignore[attr-defined]


def test_a_named_tuple_keeps_its_methods_properties_and_docs() -> None:
    class Pair(lean.NamedTuple):
        """Two things."""

        left: int
        right: int = 2

        @property
        def total(self) -> int:
            return self.left + self.right

    assert Pair.__doc__ == "Two things." and Pair.__qualname__.endswith("Pair")
    assert Pair(1).total == 3 and Pair(1, right=5) == (1, 5)
    with pytest.raises(AttributeError):
        Pair(1).left = 3  # type: ignore[misc]


def test_a_pattern_matches_as_re_compile_does() -> None:
    source = r"(?i)^(?P<n>\d+)\s*(?P<unit>[a-z]+)$"
    lazy, compiled = lean.pattern(source), re.compile(source)
    for text in ("3 weeks", "12D", "x", ""):
        ours, theirs = lazy.match(text), compiled.match(text)
        assert (ours and ours.groupdict()) == (theirs and theirs.groupdict())
    assert lazy.sub("#", "3 weeks") == compiled.sub("#", "3 weeks")
    assert lazy.pattern == source and lazy.flags == compiled.flags


def _both_dataclasses() -> list[tuple[type[Any], type[Any]]]:
    made = []
    for decorate, field in ((dataclasses.dataclass, dataclasses.field), (lean.dataclass, lean.field)):

        @decorate(frozen=True)
        class Summary:
            files: tuple[str, ...]
            added: int = 0
            nothing: str | None = None

        @decorate
        class Read:
            label: str
            contacts: list[Any] = field(default_factory=list)

        made.append((Summary, Read))
    return made


def test_a_lean_dataclass_behaves_as_the_standard_one() -> None:
    (summary, read), (lean_summary, lean_read) = _both_dataclasses()
    for make_summary, make_read in ((summary, read), (lean_summary, lean_read)):
        one = make_summary(("a",), added=2)
        assert repr(one).endswith("Summary(files=('a',), added=2, nothing=None)")
        assert one == make_summary(("a",), 2) and hash(one) == hash(make_summary(("a",), 2))
        assert one != make_summary(("b",))
        with pytest.raises(AttributeError):
            one.added = 3
        first, second = make_read("x"), make_read("x")
        first.contacts.append(1)
        assert second.contacts == [] and first != second and make_read("x") == second
        first.label = "y"  # not frozen
        assert first.label == "y"
        assert make_read.__hash__ is None
        with pytest.raises(TypeError, match="missing 1 required positional argument: 'files'"):
            make_summary()
        with pytest.raises(TypeError, match="unexpected keyword argument"):
            make_summary(("a",), bogus=1)
        assert make_summary.__match_args__ == ("files", "added", "nothing")
    assert repr(summary(("a",))) == repr(lean_summary(("a",)))
    assert repr(read("x")) == repr(lean_read("x"))


def test_a_lean_dataclass_refuses_what_it_would_get_wrong() -> None:
    """Where the small dataclass would silently differ from the standard one, it says so."""
    with pytest.raises(TypeError, match="cannot keep __repr__"):

        @lean.dataclass
        class Shown:
            name: str

            def __repr__(self) -> str:
                return self.name

    @lean.dataclass
    class Base:
        name: str

    with pytest.raises(TypeError, match="no fields from a base class"):

        @lean.dataclass
        class Derived(Base):
            age: int

    with pytest.raises(ValueError, match="mutable default"):

        @lean.dataclass
        class Listed:
            items: list[int] = []  # noqa: RUF012 (the mistake under test)

    with pytest.raises(ValueError, match="mutable default"):  # the standard one refuses it too

        @dataclasses.dataclass
        class StandardListed:
            items: list[int] = []  # noqa: RUF008
