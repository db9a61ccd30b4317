"""One real process: the installed console script on the bundled examples."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wanspec() -> list[str]:
    exe = shutil.which("wanspec", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "wanspec"]


def test_console_script_lints_the_examples():
    out = subprocess.run(
        [*_wanspec(), "lint", "--format", "json", str(ROOT / "examples")], capture_output=True, text=True, check=False
    )
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert doc["summary"]["errors"] > 0 and doc["summary"]["files"] >= 5
    assert "Traceback" not in out.stderr


def test_python_dash_m_version():
    out = subprocess.run([sys.executable, "-m", "wanspec", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("wanspec, version ")
    assert "JSON reader and checker: " in out.stdout  # compiled or pure Python: bug reports say which
