"""What was left of a facilitator's first day (issue 13), in the core: an item left
unanswered with a note saying why."""

from __future__ import annotations

from rjfacil.views.history import case_history
from rjfacil.views.progress import case_progress, unanswered_note, unanswered_notes
from rjfacil.workspace import Vault
from tests.pilot_helpers import two_people


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
