"""The package layout is the architecture (docs/architecture.md): imports point down only.

core/ is pure (no database, no terminal, no CLI), formats/ turns text into records and back
without a database, storage/ is the only layer that touches one, views.py builds what read
commands show as plain data, and cli/ is the only layer that knows a terminal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "ties"
TERMINAL = {"rich", "typer", "click"}
DATABASE = {"sqlalchemy", "sqlmodel", "psycopg", "sqlite3"}
# what each layer may import from ties, and which libraries it may not import
RULES = {
    "core": ({"core"}, TERMINAL | DATABASE),
    "formats": ({"core", "formats"}, TERMINAL | DATABASE),
    "storage": ({"core", "formats", "storage"}, TERMINAL),
    "views": ({"core", "storage"}, TERMINAL),
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imports(source: str) -> list[tuple[int, str, bool]]:
    """(line, module, at module level) for every import in the source."""
    tree = ast.parse(source)
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "ties":
                out += [(node.lineno, f"{node.module}.{a.name}", id(node) in top)
                        for a in node.names]
            else:
                out.append((node.lineno, node.module, id(node) in top))
    return out


def violations(layer: str, source: str) -> list[str]:
    allowed, banned = RULES[layer]
    wrong = []
    for line, module, top in imports(source):
        parts = module.split(".")
        if parts[0] == "ties" and len(parts) > 1 and parts[1] not in allowed:
            wrong.append(f"{line}: {module}")
        if parts[0] in banned:
            wrong.append(f"{line}: {module}")
        if layer == "views" and top and parts[0] in DATABASE:
            wrong.append(f"{line}: {module} at module level")
    return wrong


def modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if layer_of(p) in RULES)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_imports_point_down_the_layers(path):
    layer = layer_of(path)
    allowed, banned = RULES[layer]
    assert violations(layer, path.read_text()) == [], \
        f"{layer} may import ties.{sorted(allowed)} only, and none of {sorted(banned)}"


@pytest.mark.parametrize(("layer", "source", "found"), [
    ("core", "from ties.storage import queries\nimport rich\n",
     ["1: ties.storage.queries", "2: rich"]),
    ("core", "def f():\n    from sqlalchemy import select\n", ["2: sqlalchemy"]),
    ("formats", "from ties import storage\n", ["1: ties.storage"]),
    ("storage", "from ties.cli import app\n", ["1: ties.cli.app"]),
    ("views", "import sqlalchemy\ndef f():\n    import sqlmodel\n",
     ["1: sqlalchemy at module level"]),
    ("core", "from ties.core import dates\nfrom dateutil import parser\n", []),
])
def test_the_rules_catch_an_upward_import(layer, source, found):
    assert violations(layer, source) == found


def test_nothing_below_the_cli_imports_it():
    wrong = [f"{p.relative_to(PKG)}:{line}" for p in PKG.rglob("*.py")
             if layer_of(p) not in ("cli", "__main__")
             for line, module, _ in imports(p.read_text())
             if module.split(".")[:2] == ["ties", "cli"]]
    assert wrong == []


def test_every_module_is_in_a_layer():
    """A module added beside the layers (not in core/, formats/, storage/ or cli/) would
    escape these rules."""
    loose = sorted(p.name for p in PKG.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "views.py"]
    assert sorted(p.name for p in PKG.iterdir() if p.is_dir() and p.name != "__pycache__") \
        == ["cli", "core", "formats", "storage"]
