"""The bundle commands from the command line, and the age tool reading what they write."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.age_cli import AGE
from tests.bundle_helpers import PASSPHRASE, make_vault

DOCUMENTED_KEYS = {
    "schema",
    "exported_by",
    "exported_at",
    "case_format",
    "readable_by",
    "case_id",
    "audit_heads",
    "made_by_migration",
    "tables",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two vault folders (Alex's with a case RJ-1), and a passphrase file for both."""
    for name, who in (("a", "Alex Rivera"), ("b", "Blessing Adeyemi")):
        vault = make_vault(tmp_path / name, who)
        if name == "a":
            case = vault.new_case("RJ-1")
            ana = case.add_participant(Role.PERSON_HARMED, "Ana")
            case.add_note("Ana wants to meet.", participant_id=ana.id)
            case.add_note("private worry", private=True)
        vault.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    return tmp_path / "a", tmp_path / "b", secret


def test_whoami_export_to_a_recipient_and_import(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, b, secret = two
    code, out, _ = run(capsys, "--data-dir", str(b), "--passphrase-file", str(secret), "whoami")
    assert code == 0 and "Blessing Adeyemi" in out
    recipient = re.search(r"age1[0-9a-z]{58}", out)
    assert recipient is not None
    bundle = tmp_path / "rj1.age"
    common_a = ["--data-dir", str(a), "--passphrase-file", str(secret)]
    code, out, err = run(
        capsys, *common_a, "bundle", "export", "RJ-1", "--out", str(bundle), "--to", recipient[0]
    )
    assert code == 0, err
    assert "1 private note(s) stayed in this vault" in out
    assert bundle.stat().st_mode & 0o777 == 0o600
    common_b = ["--data-dir", str(b), "--passphrase-file", str(secret)]
    code, out, err = run(capsys, *common_b, "bundle", "import", str(bundle))
    assert code == 0, err
    assert out.splitlines()[0] == "Case RJ-1 is new to this vault: it comes from Alex Rivera."
    assert "2 notes" not in out and "1 note" in out
    # No ids in what it says.
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", out)
    code, out, _ = run(capsys, *common_b, "bundle", "import", str(bundle))
    assert code == 0 and "nothing new" in out
    assert run(capsys, *common_b, "verify")[0] == 0


def test_export_to_a_share_passphrase_and_import_with_it(
    capsys: pytest.CaptureFixture[str],
    two: tuple[Path, Path, Path],
    tmp_path: Path,
    cheap_share_passphrase: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b, secret = two
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # someone is waiting at it
    share = tmp_path / "share.txt"
    share.write_text("a long share passphrase\n")
    bundle = tmp_path / "rj1.age"
    code, _, err = run(
        capsys,
        *("--data-dir", str(a), "--passphrase-file", str(secret)),
        *("bundle", "export", "RJ-1", "--out", str(bundle), "--share-passphrase-file", str(share)),
    )
    assert code == 0, err
    # The deliberate few seconds of the passphrase's key derivation are not silent.
    assert err.startswith("Encrypting with the share passphrase (a few seconds")
    common_b = ["--data-dir", str(b), "--passphrase-file", str(secret)]
    code, _, err = run(capsys, *common_b, "bundle", "import", str(bundle))
    assert code != 0 and "share passphrase" in err and len(err.strip().splitlines()) == 1
    assert "Decrypting" not in err  # no passphrase given: nothing was tried
    code, out, err = run(
        capsys, *common_b, "bundle", "import", str(bundle), "--share-passphrase-file", str(share)
    )
    assert code == 0, err
    assert "RJ-1" in out
    assert err.startswith("Decrypting with the share passphrase (a few seconds")


@pytest.mark.skipif(AGE is None, reason="the age command-line tool is not installed")
def test_the_age_tool_decrypts_a_bundle_to_the_documented_schema(
    two: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, _b, _secret = two
    keygen = subprocess.run(["age-keygen"], capture_output=True, check=True)
    identity = tmp_path / "identity.txt"
    identity.write_bytes(keygen.stdout)
    recipient = re.search(rb"age1[0-9a-z]{58}", keygen.stdout + keygen.stderr)
    assert recipient is not None

    vault = Vault.open(a).unlock(PASSPHRASE)
    try:
        case_id = vault.find_case("RJ-1")
        vault.export_bundle(case_id, tmp_path / "x.age", recipients=[recipient[0].decode()])
    finally:
        vault.close()
    plain = subprocess.run(
        [str(AGE), "-d", "-i", str(identity), str(tmp_path / "x.age")],
        capture_output=True,
        check=True,
    ).stdout
    body = json.loads(plain)
    assert set(body) == DOCUMENTED_KEYS
    assert body["schema"] == "rjfacil-bundle/1"
    assert body["exported_by"]["name"] == "Alex Rivera"
    assert body["case_id"] == str(case_id)
    assert [n for n in body["tables"]["notes"] if n["private"]] == []
    texts = [r["text"] for r in body["tables"]["note_revisions"]]
    assert texts == ["Ana wants to meet."]
    for table, rows in body["tables"].items():
        for row in rows:
            assert {"id", "created_at", "created_by"} <= set(row), table


def test_a_script_gets_no_progress_line_only_the_result(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, _b, secret = two
    share = tmp_path / "share.txt"
    share.write_text("a long share passphrase\n")
    code, _, err = run(
        capsys,
        *("--data-dir", str(a), "--passphrase-file", str(secret)),
        *("bundle", "export", "RJ-1", "--out", str(tmp_path / "x.age")),
        *("--share-passphrase-file", str(share)),
    )
    assert code == 0 and err == ""


def test_conflicts_are_listed_in_words_and_resolved_from_the_command_line(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A co-worker who works from the command line reviews what a merge set aside: both
    values in words, numbered; keeping or taking one is one change in the history."""
    a_home, b_home, secret = two
    a, b = Vault.open(a_home).unlock(PASSPHRASE), Vault.open(b_home).unlock(PASSPHRASE)
    case_id = a.find_case("RJ-1")
    a.export_bundle(case_id, tmp_path / "1.age", recipients=[b.recipient])
    b.import_bundle(b.preview_import(b.read_bundle(tmp_path / "1.age")))
    b.open_case(case_id).update_case(meeting_venue="Library")
    a.open_case(case_id).update_case(meeting_venue="Community centre")  # later: wins
    a.export_bundle(case_id, tmp_path / "2.age", recipients=[b.recipient])
    b.import_bundle(b.preview_import(b.read_bundle(tmp_path / "2.age")))
    a.close()
    b.close()
    common = ("--data-dir", str(b_home), "--passphrase-file", str(secret))
    code, out, _ = run(capsys, *common, "conflicts", "list", "RJ-1")
    assert code == 0
    assert out.splitlines()[1:] == [
        "Conflict 1: The case's details",
        out.splitlines()[2],  # who and when: Alex Rivera, now
        "    Meeting venue: Community centre",
        out.splitlines()[4],
        "    Meeting venue: Library",
    ]
    assert out.splitlines()[2].startswith("  Current — Alex Rivera, ")
    assert out.splitlines()[4].startswith("  Other — Blessing Adeyemi, ")
    code, _, err = run(capsys, *common, "conflicts", "resolve", "RJ-1", "2", "--keep")
    assert code != 0 and "has 1 conflict(s) to review" in err
    code, out, _ = run(capsys, *common, "conflicts", "resolve", "RJ-1", "1", "--take-other")
    assert code == 0
    assert out.strip() == (
        "Took Blessing Adeyemi's value of the case's details: it is now the current one."
    )
    code, out, _ = run(capsys, *common, "conflicts", "list", "RJ-1")
    assert out.strip() == "No conflicts to review in case RJ-1."
    with Vault.open(b_home).unlock(PASSPHRASE) as vault:
        assert vault.open_case(case_id).case.meeting_venue == "Library"
