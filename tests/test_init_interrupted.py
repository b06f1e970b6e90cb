"""An ``init`` killed after it made the vault, before it showed the recovery code.

The vault opens with its passphrase, but its recovery code never reached the facilitator:
running ``init`` again, or opening the vault, says so and points to ``rjfacil
recovery-code``, until a code has been shown.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.vault.door import CODE_UNSEEN_NAME
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE

ROOT = Path(__file__).resolve().parents[1]

# A real `rjfacil init`, with the test's cheap key derivation, that SIGKILLs itself the
# moment vault.json is in place (test code only: rjfacil has no kill switch).
KILLED_INIT = """
import os, signal, sys
from rjfacil.store import kdf
from tests.conftest import FAST_KDF
kdf.calibrate = lambda *args, **kwargs: FAST_KDF
from rjfacil.vault import door
real = door.write_header
def write_then_die(*args, **kwargs):
    real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
door.write_header = write_then_die
from rjfacil.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def killed_init(vault_home: Path, passphrase_file: Path) -> Path:
    env = {**os.environ, "RJFACIL_HOME": str(vault_home)}
    argv = ["--passphrase-file", str(passphrase_file), "init", "--name", OWNER]
    result = subprocess.run(
        [sys.executable, "-c", KILLED_INIT, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "recovery code" not in result.stdout  # it never reached the facilitator
    assert Vault.exists(vault_home)
    return vault_home


def test_init_again_says_how_to_get_a_recovery_code_and_changes_nothing(
    killed_init: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _listing(killed_init)
    code = main(["--passphrase-file", str(passphrase_file), "init", "--name", OWNER])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "A vault already exists" in err
    assert "recovery code was shown" in err and "run 'rjfacil recovery-code'" in err
    assert _listing(killed_init) == before


def test_opening_says_the_code_was_never_shown_until_a_new_one_is(
    killed_init: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = ["--passphrase-file", str(passphrase_file)]
    assert main([*pf, "cases"]) == 0
    err = capsys.readouterr().err
    assert "recovery code was never shown" in err and "run 'rjfacil recovery-code'" in err
    assert main([*pf, "recovery-code"]) == 0
    out = capsys.readouterr().out
    new_code = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    with Vault.open(killed_init).unlock_with_recovery(new_code) as vault:
        assert vault.owner.name == OWNER
    assert main([*pf, "cases"]) == 0
    assert "never shown" not in capsys.readouterr().err


def test_a_new_passphrase_with_its_code_shown_also_ends_the_warning(
    killed_init: Path, passphrase_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.txt"
    new.write_text("another passphrase entirely\n")
    pf = ["--passphrase-file", str(passphrase_file)]
    assert main([*pf, "passwd", "--new-passphrase-file", str(new)]) == 0
    capsys.readouterr()
    assert main(["--passphrase-file", str(new), "cases"]) == 0
    assert "never shown" not in capsys.readouterr().err


def test_a_whole_init_shows_its_code_and_leaves_no_warning(
    vault_home: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--passphrase-file", str(passphrase_file), "init", "--name", OWNER]) == 0
    assert "keep it somewhere safe" in capsys.readouterr().out
    assert not (vault_home / CODE_UNSEEN_NAME).exists()
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        assert vault.rotation_notice == ""


def test_an_init_stopped_before_the_vault_was_made_leaves_nothing_in_the_way(
    vault_home: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_home.mkdir(parents=True)
    (vault_home / CODE_UNSEEN_NAME).write_text("left by an init killed before vault.json\n")
    assert main(["--passphrase-file", str(passphrase_file), "init", "--name", OWNER]) == 0
    capsys.readouterr()
    assert not (vault_home / CODE_UNSEEN_NAME).exists()
