"""The import directions of STYLE.md: a functional core in an imperative shell."""

from __future__ import annotations

import ast
from pathlib import Path

import kinship

PACKAGE = Path(kinship.__file__).parent
PURE = {"models", "errors", "dates", "keys", "engine", "review", "demo"}
SHELL_ONLY = {
    "sqlite3",
    "kinship.store",
    "kinship.actions",
    "kinship.transfer",
    "kinship.cli",
    "typer",
    "rich",
}


def _modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        imports: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imports.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imports.add(node.module)
                imports.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[name] = imports
    return found


def _uses(imports: set[str], prefix: str) -> bool:
    return any(item == prefix or item.startswith(prefix + ".") for item in imports)


def test_libraries_stay_in_their_layers() -> None:
    allowed = {
        "typer": lambda m: m.startswith("kinship.cli"),
        "rich": lambda m: m.startswith(("kinship.cli", "kinship.render")),
        "sqlite_utils": lambda m: m in ("kinship.store", "kinship.migrations"),
        "dateutil": lambda m: m == "kinship.dates" or m.startswith("kinship.importers"),
        "icalendar": lambda m: m.startswith("kinship.importers"),
        "vobject": lambda m: m.startswith("kinship.importers"),
    }
    for module, imports in _modules().items():
        for library, may in allowed.items():
            if _uses(imports, library):
                assert may(module), f"{module} imports {library}"


def test_the_core_never_reaches_for_the_shell() -> None:
    for module, imports in _modules().items():
        short = module.removeprefix("kinship.")
        if short in PURE or short.startswith("importers"):
            for shell in SHELL_ONLY:
                assert not _uses(imports, shell), f"{module} imports {shell}"


def test_models_and_errors_import_nothing_from_kinship() -> None:
    modules = _modules()
    lean = {"kinship.lean", "kinship.lean.NamedTuple", "kinship.lean.TYPE_CHECKING"}  # typing's stand-in
    assert not any(item.startswith("kinship") for item in modules["kinship.lean"])
    assert not any(item.startswith("kinship") for item in modules["kinship.errors"])
    assert not any(item.startswith("kinship") for item in modules["kinship.models"] - lean)


def test_only_the_cli_imports_the_cli_and_the_store_knows_no_actions() -> None:
    for module, imports in _modules().items():
        if not module.startswith("kinship.cli") and module != "kinship.__main__":
            assert not _uses(imports, "kinship.cli"), f"{module} imports the CLI"
    store_imports = _modules()["kinship.store"]
    for layer in ("kinship.actions", "kinship.engine", "kinship.review", "kinship.transfer"):
        assert not _uses(store_imports, layer)


def test_only_the_cli_reads_the_environment_or_the_clock() -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("cli/"):
            continue
        text = path.read_text(encoding="utf-8")
        for forbidden in ("os.environ", "os.getenv", "datetime.now(", "date.today(", "time.time("):
            assert forbidden not in text, f"{relative} uses {forbidden}"
