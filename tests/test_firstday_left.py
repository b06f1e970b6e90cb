"""What was left of a facilitator's first day (issue 13), in the core: an item left
unanswered with a note saying why; the facilitator's name changed after init; a supporter
linked to the person they support."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

import pytest

from rjfacil.casedoc.model import TeamMember
from rjfacil.cli import main
from rjfacil.errors import RjfacilError
from rjfacil.export.markdown import render_markdown
from rjfacil.export.summary import summary_document, summary_json
from rjfacil.views.history import case_history
from rjfacil.views.people import role_words
from rjfacil.views.progress import case_progress, unanswered_note, unanswered_notes
from rjfacil.views.supervision import supervisor_summary
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE
from tests.pilot_helpers import reopen, two_people


def test_an_unanswered_item_can_carry_a_note_and_stays_unanswered(vault: Vault) -> None:
    case = vault.new_case("RJ-301")
    two_people(case)
    before = case_progress(case).answered
    why = "I could not ask this today because her daughter was in the room."
    case.answer("risk", "initial_assessment", None, note=why)

    assert ("risk", "initial_assessment", None) not in case.answers()
    assert case_progress(case).answered == before
    left = unanswered_note(case, "risk", "initial_assessment")
    assert left is not None and left.note == why
    [shown] = unanswered_notes(case)
    assert shown.note == why and shown.checklist == case.catalogue.checklist("risk").title
    assert shown.ask == case.catalogue.item("risk", "initial_assessment").ask
    [entry, *_] = case_history(case, you=True)
    assert entry.what.startswith("Left “") and entry.what.endswith(f"because: {why}")

    # Answering it later: the note no longer stands for the item.
    case.answer("risk", "initial_assessment", "yes")
    assert unanswered_note(case, "risk", "initial_assessment") is None
    assert unanswered_notes(case) == []


# -- the facilitator's name changes after init -----------------------------------------------


def test_a_rename_changes_the_profile_alone_and_shows_everywhere(vault: Vault) -> None:
    case = vault.new_case("RJ-302", co_worker="Priya Shah")
    case.add_note("First visit went well.")
    path = vault.cases_dir / f"{case.id}.rjv"
    stored = path.read_bytes()

    vault.rename_owner("  Sam   Okafor-Reid ")

    assert path.read_bytes() == stored  # one record changes: the profile
    assert vault.owner.name == "Sam Okafor-Reid"
    [note] = case.notes()
    assert case.author(note.created_by) == "Sam Okafor-Reid"
    assert case_history(case)[0].who == "Sam Okafor-Reid"
    assert "Sam Okafor-Reid" in {m.name for m in case.team}
    shown = json.dumps(summary_json(supervisor_summary(case, "none")))
    assert "Sam Okafor-Reid" in shown and '"Sam Okafor"' not in shown
    # The case's own copy of the name follows at its next change; reopened, all agree.
    case.add_note("Second visit.")
    again = reopen(vault)
    assert again.owner.name == "Sam Okafor-Reid"
    reopened = again.open_case(case.id)
    [me] = [m for m in reopened.document.records["team"].values() if m.id == again.owner.id]
    assert isinstance(me, TeamMember) and me.name == "Sam Okafor-Reid"
    again.close()


def test_a_rename_needs_a_name(vault: Vault) -> None:
    with pytest.raises(RjfacilError, match="give the name"):
        vault.rename_owner("   ")
    assert vault.owner.name == OWNER


def test_whoami_name_renames_from_the_command_line(
    capsys: pytest.CaptureFixture[str], vault: Vault, passphrase_file: Path
) -> None:
    home = vault.home
    vault.close()
    pf = ["--data-dir", str(home), "--passphrase-file", str(passphrase_file)]
    assert main([*pf, "whoami", "--name", "Sam O."]) == 0
    out = capsys.readouterr().out
    assert f"Renamed: {OWNER} is now Sam O. in every case." in out
    with Vault.open(home).unlock(PASSPHRASE) as again:
        assert again.owner.name == "Sam O."


# -- a supporter linked to the person they support ---------------------------------------------


def test_a_supporter_is_linked_to_the_person_they_support(vault: Vault) -> None:
    case = vault.new_case("RJ-303")
    harmed, _ = two_people(case)
    supporter = case.add_participant(Role.SUPPORTER, "Morgan Silva", supports=harmed)
    assert role_words(case, supporter) == "Supporter of Ana Silva"
    # Kept across a save, and in the supervisor's summary, with the export's redaction.
    again = reopen(vault).open_case(case.id)
    [kept] = [p for p in again.participants if p.id == supporter.id]
    assert kept.supports == harmed
    named = render_markdown(summary_document(supervisor_summary(again, "none")))
    assert "Supporter of Ana Silva" in named
    coded = render_markdown(summary_document(supervisor_summary(again, "names")))
    assert "Supporter of Person harmed A." in coded and "Ana Silva" not in coded


def test_only_a_supporter_supports_someone_else_in_the_case(vault: Vault) -> None:
    case = vault.new_case("RJ-304")
    harmed, responsible = two_people(case)
    supporter = case.add_participant(Role.SUPPORTER, "Morgan Silva", supports=harmed)
    with pytest.raises(RjfacilError, match="supports someone else"):
        case.update_participant(supporter.id, supports=supporter.id)
    with pytest.raises(RjfacilError, match="only name participants"):
        case.update_participant(supporter.id, supports=uuid4())
    moved = case.update_participant(supporter.id, role=Role.OBSERVER)
    assert moved.supports is None and role_words(case, moved) == "Observer"
    not_a_supporter = case.add_participant(Role.OBSERVER, "Kim Lee", supports=responsible)
    assert not_a_supporter.supports is None


def test_a_case_file_for_co_workers_carries_the_new_name(vault: Vault, tmp_path: Path) -> None:
    case = vault.new_case("RJ-305")
    vault.rename_owner("Sam O.")
    out = tmp_path / "case.age"
    vault.export_bundle(case.id, out, recipients=[vault.recipient])
    bundle = vault.read_bundle(out)
    [me] = [m for m in bundle.document.records["team"].values() if m.id == vault.owner.id]
    assert isinstance(me, TeamMember) and me.name == "Sam O."
    assert "Changed the facilitator's name in the case to Sam O." in [
        entry.what for entry in case_history(case)
    ]
