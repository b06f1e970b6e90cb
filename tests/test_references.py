"""Case references: one short line that can never be taken for a case id.

A reference is how a facilitator names a case (``rjfacil show REF``), so a reference that
looks like another case's id would open the wrong case, and one with a line break or an
escape would garble the case list.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

import rjfacil.workspace as workspace
from rjfacil.cli import main
from rjfacil.errors import InvalidReference
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

OTHER_ID = UUID("c0ffee00-1234-4abc-8def-0123456789ab")

BAD = [
    ("x" * 81, "at most 80 characters; this one has 81"),
    ("RJ-1\nRJ-2", "one line of plain text"),
    ("RJ\t1", "one line of plain text"),
    ("RJ-\x1b[31m1", "one line of plain text"),
    ("RJ-\u202e1", "one line of plain text"),
    ("RJ-\x851", "one line of plain text"),
    (str(UUID(int=7)), "cannot look like a case id"),
    ("{" + str(OTHER_ID).upper() + "}", "cannot look like a case id"),
    (OTHER_ID.hex, "cannot look like a case id"),
]


@pytest.fixture
def other(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> UUID:
    """A case with a known id, and the id of the next case made (never the same)."""
    ids = iter([OTHER_ID, *(UUID(f"aaaaaaaa-0000-4000-8000-{n:012d}") for n in range(99))])
    monkeypatch.setattr(workspace, "uuid4", lambda: next(ids))
    return vault.new_case("RJ-OTHER").id


def _cases(vault: Vault) -> list[str]:
    return sorted(row.reference for row in vault.list_cases())


@pytest.mark.parametrize(("reference", "said"), BAD)
def test_a_bad_reference_makes_no_case(
    vault: Vault, other: UUID, reference: str, said: str
) -> None:
    with pytest.raises(InvalidReference, match=said):
        vault.new_case(reference)
    assert _cases(vault) == ["RJ-OTHER"]
    assert len(list((vault.home / "cases").glob("*.rjv"))) == 1


@pytest.mark.parametrize("taken", [str(OTHER_ID)[:4], str(OTHER_ID)[:8], "C0FFEE00-12"])
def test_the_start_of_another_case_s_id_is_refused(vault: Vault, other: UUID, taken: str) -> None:
    with pytest.raises(InvalidReference, match="cannot be the start of a case id"):
        vault.new_case(taken)
    assert vault.find_case(taken) == other


def test_ordinary_references_still_work(vault: Vault, other: UUID) -> None:
    for reference in ["RJ-2026-015", "2026", "café 7", "x" * 80, "  RJ-9  "]:
        vault.new_case(reference)
    assert "RJ-9" in _cases(vault) and "x" * 80 in _cases(vault)


def test_a_full_id_always_opens_its_own_case(vault: Vault, other: UUID) -> None:
    """Even a reference stored before the rules (a case file from an older rjfacil)
    cannot take a full id away from its case."""
    hijacker = vault.new_case("RJ-NEW")
    vault._index[hijacker.case.id] = vault._index[hijacker.case.id].model_copy(
        update={"reference": str(OTHER_ID)}
    )
    assert vault.find_case(str(OTHER_ID)) == other
    assert vault.find_case(str(OTHER_ID).upper()) == other


@pytest.mark.parametrize(
    ("reference", "said"),
    [*BAD[:3], (str(OTHER_ID)[:6], "start of a case id"), ("RJ-OTHER", "already exists")],
)
def test_changing_a_reference_follows_the_same_rules(
    vault: Vault, other: UUID, reference: str, said: str
) -> None:
    case = vault.new_case("RJ-MINE")
    with pytest.raises(InvalidReference, match=said):
        case.update_case(reference=reference)
    vault.close()
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        assert _cases(again) == ["RJ-MINE", "RJ-OTHER"]


def test_a_case_keeps_its_own_reference_when_other_fields_change(vault: Vault, other: UUID) -> None:
    case = vault.new_case("RJ-MINE")
    case.update_case(reference="RJ-MINE", summary="first visit")
    case.update_case(reference="  RJ-RENAMED ")
    assert case.case.reference == "RJ-RENAMED"


# -- the command line ------------------------------------------------------------------------


def _cli(
    capsys: pytest.CaptureFixture[str], home: Path, passphrase_file: Path, *argv: str
) -> tuple[int, str, str]:
    """The command line's exit code, output and errors (in this process: the real
    process's one-line errors are tested in tests/test_cli.py)."""
    code = main(["--data-dir", str(home), "--passphrase-file", str(passphrase_file), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_refuses_in_one_line_and_keeps_the_vault(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = vault.new_case("RJ-1")
    home = vault.home
    vault.close()
    for reference, said in [
        ("x" * 81, "at most 80 characters"),
        ("RJ\n2", "one line of plain text"),
        (str(first.case.id), "cannot look like a case id"),
        (str(first.case.id)[:5], "cannot be the start of a case id"),
    ]:
        code, out, err = _cli(capsys, home, passphrase_file, "case", "new", "--ref", reference)
        assert code == 1, err
        assert "Traceback" not in err and out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], err
    code, out, _err = _cli(capsys, home, passphrase_file, "show", str(first.case.id))
    assert code == 0 and "RJ-1" in out
    _code, out, _err = _cli(capsys, home, passphrase_file, "cases")
    assert out.count("RJ-") == 1
