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


def test_the_console_scripts_lint_path_leaves_out_what_only_costs_start_up(tmp_path):
    """`wanspec lint FILE` (the console script, as pre-commit starts it) loads no click, no
    dataclasses (and so no inspect, ast, dis), and not the email.utils that jsonschema-rs
    asks for only to date its build; a later `import email.utils` still gets the real one."""
    payload = tmp_path / "task.json"
    payload.write_text('{"taskType": "videoInference", "model": "alibaba:wan@2.6-flash", "positivePrompt": "a"}')
    code = (
        "import os, sys\n"
        f"sys.argv = ['wanspec', 'lint', {str(payload)!r}]\n"
        "from wanspec.cli.fast import main\n"
        "def leave(code): raise SystemExit(code)\n"
        "os._exit = leave  # main leaves by os._exit: here it returns, to look around\n"
        "try: main()\n"
        "except SystemExit as e: status = e.code\n"
        "costly = ('click', 'dataclasses', 'inspect', 'ast', 'dis', 'email.utils', 'socket', 'datetime')\n"
        "loaded = [n for n in costly if n in sys.modules]\n"
        "import email.utils\n"
        "when = email.utils.parsedate_to_datetime('Tue, 27 Oct 2026 10:17:51 +0000')\n"
        "sys.stderr.write(repr((status, loaded, when.year, type(email.utils).__name__)))\n"
    )
    assert _last_word_on_stderr(code) == "(1, [], 2026, 'module')"


def test_the_engine_import_stand_in_hands_any_other_name_to_the_real_module():
    """Should a jsonschema-rs release ask email.utils for another name while it loads, the
    stand-in loads the real module for it: slower, never wrong."""
    code = (
        "import sys, types\n"
        "from wanspec.cli import fast\n"
        "fake = types.ModuleType('jsonschema_rs')\n"
        "class Finder:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name != 'jsonschema_rs': return None\n"
        "        import importlib.util\n"
        "        class Loader:\n"
        "            def create_module(self, spec): return None\n"
        "            def exec_module(self, module):\n"
        "                from email.utils import format_datetime, parsedate_to_datetime\n"
        "                module.stamp = parsedate_to_datetime('Tue, 27 Oct 2026 10:17:51 +0000')\n"
        "                module.fmt = format_datetime\n"
        "        return importlib.util.spec_from_loader(name, Loader())\n"
        "sys.meta_path.insert(0, Finder())\n"
        "fast.import_engine()\n"
        "import jsonschema_rs, email.utils\n"
        "sys.stderr.write(repr((jsonschema_rs.stamp, jsonschema_rs.fmt is email.utils.format_datetime,"
        " type(sys.modules['email.utils'].parsedate_to_datetime).__name__)))\n"
    )
    assert _last_word_on_stderr(code) == "('Tue, 27 Oct 2026 10:17:51 +0000', True, 'function')"


def _last_word_on_stderr(code: str) -> str:
    """Run ``code`` in a fresh interpreter; the last line it wrote to stderr."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    lines = out.stderr.strip().splitlines()
    return lines[-1] if lines else f"nothing on stderr (exit {out.returncode})"
