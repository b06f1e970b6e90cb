"""What was left of a facilitator's first day (issue 13), in the core: an item left
unanswered with a note saying why; the facilitator's name changed after init."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rjfacil.casedoc.model import TeamMember
from rjfacil.cli import main
from rjfacil.errors import RjfacilError
from rjfacil.export.summary import summary_json
from rjfacil.views.history import case_history
from rjfacil.views.progress import case_progress, unanswered_note, unanswered_notes
from rjfacil.views.supervision import supervisor_summary
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
