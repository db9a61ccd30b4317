"""The core never imports click, never prints, never exits (CONVENTIONS.md, "Layers")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "wanspec"
CORE = [p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py"]


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_core_module_stays_out_of_the_terminal(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "click" for a in node.names), path
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "click", path
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("print", "exit", "quit"), (path, node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exit":
            assert not (isinstance(node.func.value, ast.Name) and node.func.value.id == "sys"), (path, node.lineno)


def test_lint_path_does_not_import_heavy_modules():
    """Start-up matters in pre-commit: linting imports neither pydantic nor python-jsonschema."""
    code = (
        "import sys, wanspec.cli.main as m\n"
        "sys.argv=['wanspec','lint','--format','json','-']\n"
        'import io; sys.stdin=io.TextIOWrapper(io.BytesIO(b\'{"model":"alibaba:wan@2.6"}\'))\n'
        "try: m.main()\n"
        "except SystemExit: pass\n"
        "heavy=('pydantic','jsonschema','requests','httpx','hypothesis','yaml','vcr','wanspec.cli.contract')\n"
        "bad=[n for n in heavy if n in sys.modules]\n"
        "sys.stderr.write(repr(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stderr.strip().endswith("[]"), out.stderr
