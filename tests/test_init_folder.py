"""Where ``rjfacil init`` makes a vault: a new or empty folder, never one holding other files.

A facilitator who types ``init --data-dir ~/Documents`` must not find rjfacil's files
mixed into their documents, nor the folder's permissions changed under them.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.errors import FolderNotEmpty
from rjfacil.vault import door as door_module
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE


def _listing(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under ``folder`` with its mode and (for files) its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        found[str(path.relative_to(folder))] = (mode, path.read_bytes() if path.is_file() else None)
    return found


def _init(capsys: pytest.CaptureFixture[str], folder: Path, passphrase_file: Path):
    code = main(
        [
            "--passphrase-file",
            str(passphrase_file),
            "--data-dir",
            str(folder),
            "init",
            "--name",
            OWNER,
        ]
    )
    out, err = capsys.readouterr()
    return code, out, err


def test_init_refuses_a_folder_holding_other_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], passphrase_file: Path
) -> None:
    folder = tmp_path / "Documents"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "minutes.txt").write_text("the team meeting")
    (folder / "old").mkdir()
    before = _listing(folder)
    folder_mode = stat.S_IMODE(folder.stat().st_mode)

    code, out, err = _init(capsys, folder, passphrase_file)

    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(folder) in lines[0]
    assert "not empty" in lines[0] and "nothing was written" in lines[0]
    assert _listing(folder) == before
    assert stat.S_IMODE(folder.stat().st_mode) == folder_mode
    assert not Vault.exists(folder)


def test_the_refusal_comes_before_the_key_derivation_is_tuned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")

    def never(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("tuned the key derivation for a folder that is refused")

    monkeypatch.setattr(door_module.kdf, "calibrate", never)
    with pytest.raises(FolderNotEmpty, match=r"notes\.md"):
        Vault.create(folder, PASSPHRASE, OWNER)


def test_an_empty_existing_folder_is_used_and_keeps_its_permissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], passphrase_file: Path
) -> None:
    # A folder shared with others (0755 here) stays as its owner set it: rjfacil's own
    # files and folders inside it are private (0600 and 0700) whatever the folder is.
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)

    code, _out, err = _init(capsys, folder, passphrase_file)

    assert code == 0, err
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    for path in folder.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"
    with Vault.open(folder).unlock(PASSPHRASE) as vault:
        assert vault.owner.name == OWNER


def test_a_folder_init_makes_is_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], passphrase_file: Path
) -> None:
    folder = tmp_path / "new" / "vault"
    code, _out, err = _init(capsys, folder, passphrase_file)
    assert code == 0, err
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_what_an_interrupted_init_left_does_not_block_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "vault"

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # the facilitator pressed ctrl+c before vault.json

    with monkeypatch.context() as patch:
        patch.setattr(door_module, "write_header", killed)
        with pytest.raises(KeyboardInterrupt):
            Vault.create(folder, PASSPHRASE, OWNER)
    assert (folder / "profile.rjv").exists() and not Vault.exists(folder)

    vault, _code = Vault.create(folder, PASSPHRASE, OWNER)
    with vault:
        report = vault.verify()
    # The first attempt's profile (under a key that was never stored) is not kept as a
    # backup that would never decrypt.
    assert report.ok and report.backup_faults == []


def test_a_vault_that_lost_its_header_is_not_overwritten(
    vault: Vault, capsys: pytest.CaptureFixture[str], passphrase_file: Path
) -> None:
    vault.new_case("RJ-1").add_note("the first visit")
    vault.close()
    (vault.home / "vault.json").unlink()
    before = _listing(vault.home)

    code, _out, err = _init(capsys, vault.home, passphrase_file)

    assert code == 1
    assert "rjfacil restore-file vault.json" in err and len(err.strip().splitlines()) == 1
    assert _listing(vault.home) == before


async def test_the_app_says_at_once_why_it_cannot_make_a_vault_in_a_busy_folder(
    tmp_path: Path,
) -> None:
    from screens.app import RjfacilApp
    from screens.unlock import CreateVaultScreen
    from tests.pilot_helpers import screen_text, squashed

    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "report.odt").write_bytes(b"not rjfacil's")
    app = RjfacilApp(home=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):  # the check runs in a worker, before anything is typed
            if "not empty" in squashed(screen_text(app)):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, CreateVaultScreen)
        text = squashed(screen_text(app))
        assert "not empty" in text and "report.odt" in text
        assert app.screen.query_one("#create").disabled
    assert sorted(p.name for p in folder.iterdir()) == ["report.odt"]
