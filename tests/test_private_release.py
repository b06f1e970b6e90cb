"""Private notes never leave the vault unless the facilitator releases them, one by one.

Before release, a private note is in no export format (md, html, pdf, json; supervisor
summary or participant disclosure) and in no co-worker's case file. Releasing one note
is a recorded action in the case's history, in words; it then goes with the case to
co-workers and supervisors, never to a participant unless shared with them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from rjfacil import clock
from rjfacil.casedoc.bundle import to_json
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import NotFound, RjfacilError
from rjfacil.export.summary import EXPORT_FORMATS, ExportOptions, render_export
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.bundle_helpers import make_vault, send

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
KEPT = "Zqkept: my own worry about the brother."
RELEASED = "Zqreleased: Casey seemed to hold back."


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with clock.frozen(NOW, step=timedelta(seconds=1)):
        yield


@pytest.fixture
def case(vault: Vault) -> CaseFile:
    made = vault.new_case("RJ-PRIV")
    casey = made.add_participant(Role.PERSON_RESPONSIBLE, "Casey Brook")
    made.add_note("Zqordinary: visit arranged.", participant_id=casey.id)
    made.add_note(KEPT, participant_id=casey.id, private=True)
    made.add_note(RELEASED, participant_id=casey.id, private=True)
    return made


def _note(case: CaseFile, text: str):  # -> Note
    return next(n for n in case.notes() if case.note_text(n.id) == text)


def shown(case: CaseFile, fmt: str, **options: object) -> str:
    data = render_export(case, ExportOptions(fmt=fmt, notes="all", **options))  # type: ignore[arg-type]
    if fmt == "pdf":
        return " ".join(
            " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
        )
    return data.decode("utf-8")


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("redaction", ["none", "names"])
def test_an_unreleased_private_note_is_in_no_summary(
    case: CaseFile, fmt: str, redaction: str
) -> None:
    text = shown(case, fmt, redaction=redaction)
    assert "Zqordinary" in text  # the notes are there: the private ones are left out
    assert "Zqkept" not in text and "Zqreleased" not in text


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_an_unreleased_private_note_is_in_no_disclosure(case: CaseFile, fmt: str) -> None:
    casey = case.find_participant("Casey Brook")
    text = shown(case, fmt, redaction="none", for_participant=casey)
    assert "Casey Brook" in text
    assert "Zqkept" not in text and "Zqreleased" not in text


def test_an_unreleased_private_note_is_in_no_co_workers_file(
    case: CaseFile, vault: Vault, tmp_path: Path
) -> None:
    body = to_json(case.document, vault.owner, NOW).decode()
    assert "Zqordinary" in body
    assert "Zqkept" not in body and "Zqreleased" not in body
    other = make_vault(tmp_path / "co-worker", "Priya Shah")
    try:
        send(vault, case.id, other, tmp_path / "case.age")
        theirs = other.open_case(case.id)
        assert "Zqkept" not in json.dumps(theirs.document.tables)
        assert len(theirs.notes()) == 1
    finally:
        other.close()


def test_releasing_one_note_sends_that_note_only_and_says_so_in_the_history(
    case: CaseFile, vault: Vault, tmp_path: Path
) -> None:
    note = _note(case, RELEASED)
    released = case.release_note(note.id)
    assert not released.private
    assert case.note_text(note.id) == RELEASED  # the text and its history are unchanged
    entry = case.audit_log[-1]
    assert entry.action == (
        "released a private note about the person responsible: it now goes with the case "
        "to co-workers and in supervisor summaries"
    )
    assert entry.record_id == note.id and entry.created_by == vault.owner.id
    assert "Casey" not in entry.action  # the history names people by role

    other = make_vault(tmp_path / "co-worker", "Priya Shah")
    try:
        send(vault, case.id, other, tmp_path / "case.age")
        theirs = other.open_case(case.id)
        texts = sorted(theirs.note_texts().values())
        assert texts == sorted(["Zqordinary: visit arranged.", RELEASED])
        assert theirs.chain_problems() == []
    finally:
        other.close()
    for fmt in EXPORT_FORMATS:
        summary = shown(case, fmt, redaction="none")
        assert "Zqreleased" in summary and "Zqkept" not in summary
        # Released is not shared with the participant: the disclosure stays without it.
        disclosure = shown(case, fmt, for_participant=case.find_participant("Casey Brook"))
        assert "Zqreleased" not in disclosure and "Zqkept" not in disclosure


def test_only_a_private_note_can_be_released(case: CaseFile) -> None:
    ordinary = _note(case, "Zqordinary: visit arranged.")
    before = len(case.audit_log)
    with pytest.raises(RjfacilError, match="is not private"):
        case.release_note(ordinary.id)
    assert len(case.audit_log) == before


def test_making_a_note_private_again_and_releasing_it_in_the_editor_are_in_words(
    case: CaseFile,
) -> None:
    note = _note(case, "Zqordinary: visit arranged.")
    case.revise_note(note.id, private=True)
    assert case.audit_log[-1].action == (
        "made a note about the person responsible private: it stays in this vault"
    )
    case.revise_note(note.id, private=False)
    assert case.audit_log[-1].action.startswith("released a private note about the person")


def test_a_note_is_found_by_the_start_of_its_id(case: CaseFile) -> None:
    note = _note(case, KEPT)
    assert case.find_note(str(note.id)[:8]) == note.id
    assert case.find_note(str(note.id).upper()) == note.id
    with pytest.raises(NotFound, match="No note 'zzzz' in case RJ-PRIV"):
        case.find_note("zzzz")
    with pytest.raises(NotFound, match="at least 4 characters"):
        case.find_note(str(note.id)[:3])


def test_note_release_on_the_command_line(
    case: CaseFile, vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rjfacil.cli import main

    note = _note(case, RELEASED)
    vault.close()

    def cli(*argv: str) -> tuple[int, str, str]:
        code = main(["--passphrase-file", str(passphrase_file), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = cli("note", "list", "RJ-PRIV")
    assert code == 0 and f"note {str(note.id)[:8]}" in out  # how to name it
    assert out.count("PRIVATE: only for you") == 2
    assert "rjfacil note release RJ-PRIV" in out
    code, out, err = cli("note", "release", "RJ-PRIV", str(note.id)[:8])
    assert code == 0, err
    assert out.strip() == (
        "Released the private note about Casey Brook (person responsible) in case RJ-PRIV: "
        "it now goes with the case to co-workers and in supervisor summaries."
    )
    code, out, _ = cli("note", "list", "RJ-PRIV")
    assert out.count("PRIVATE: only for you") == 1
    code, out, err = cli("note", "release", "RJ-PRIV", str(note.id)[:8])
    assert code == 1 and out == ""
    assert err.strip() == (
        "rjfacil: That note is not private: it already goes with the case. Nothing was changed."
    )
