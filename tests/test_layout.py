"""The architecture holds: the core never imports the UI, and the wheel carries the checklists."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_core_import_does_not_load_textual() -> None:
    code = (
        "import sys, rjfacil, rjfacil.cli, rjfacil.workspace, rjfacil.commands.casefile, "
        "rjfacil.checklists.load, rjfacil.demo\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'screens')]\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""


def test_import_linter_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.slow
def test_wheel_installs_and_loads_checklists_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("rjfacil-*.whl"))
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False, system_site_packages=False)
    python = env_dir / "bin" / "python"
    # Install the wheel without touching the network: its dependencies come from this
    # environment's site-packages through a .pth file.
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    ours = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(ours) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "RJFACIL_HOME": str(tmp_path / "home"), "PYTHONPATH": ""}
    result = subprocess.run(
        [str(python), "-m", "rjfacil", "checklists", "validate"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "checklists valid" in result.stdout
    located = subprocess.run(
        [
            str(python),
            "-c",
            "from rjfacil.checklists.locate import builtin_dir; print(builtin_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    assert str(site) in located.stdout, "checklists must load from the installed wheel"
