"""The console-script entry point: whole output and the right exit code, without teardown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_optout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "optout", *args]
    return subprocess.run(command, cwd=cwd, env=os.environ.copy(), capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_a_command_prints_all_of_its_output_and_exits_0(tmp_path: Path) -> None:
    done = run_optout("policy", "show", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["policy"]["scope"]["min_age"] == 18


def test_bad_input_still_exits_2_with_its_error(tmp_path: Path) -> None:
    done = run_optout("build", str(tmp_path / "missing"), "--out", str(tmp_path / "d"),
                      "--json", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "does not exist" in json.loads(done.stdout)["error"]


def test_exit_handlers_run_before_the_process_ends(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').write('yes'))\n"
        "sys.argv = ['optout', 'policy', 'show', '--json']\n"
        "from optout.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "yes"
