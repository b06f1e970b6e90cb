"""Participants' feedback at the end of a case (issue 12; NCJB 3.7.5): a record per
participant, confidential unless they agreed to share it; the supervisor is told only how
many gave feedback, and the words of those who agreed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from rjfacil import clock
from rjfacil.casedoc.model import FeedbackHow
from rjfacil.errors import RjfacilError
from rjfacil.export.summary import ExportOptions, render_export
from rjfacil.views.feedback import feedback_lines
from rjfacil.views.history import case_history
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.bundle_helpers import make_vault, send

DAY = date(2026, 3, 2)
CONFIDENTIAL = "Zqconfidential: the facilitator rushed the last visit."
SHARED = "Zqshared: being listened to mattered most."


def _with_feedback(vault: Vault):  # -> CaseFile
    case = vault.new_case("RJ-FB-1")
    harmed = case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Cole")
    case.add_participant(Role.SUPPORTER, "Cara Silva")
    case.record_feedback(harmed.id, DAY, FeedbackHow.PHONE, SHARED, may_share=True)
    case.record_feedback(responsible.id, DAY, "form", CONFIDENTIAL)
    return case


def test_feedback_is_recorded_per_participant_and_confidential_by_default(vault: Vault) -> None:
    case = _with_feedback(vault)
    shared, confidential = case.feedback
    assert shared.may_share and not confidential.may_share
    assert [(f.participant, f.how, f.shared) for f in feedback_lines(case)] == [
        ("Ben Cole (person responsible)", "On a feedback form", False),
        ("Ana Silva (person harmed)", "By phone", True),
    ]
    ana = case.participants[0].id
    with pytest.raises(RjfacilError, match="what they said"):
        case.record_feedback(ana, DAY, "phone", "  ")
    with pytest.raises(RjfacilError, match="not a day still to come"):
        case.record_feedback(ana, clock.today() + timedelta(days=1), "phone", "Later.")
    with pytest.raises(RjfacilError, match="participants of this case"):
        case.record_feedback(vault.owner.id, DAY, "phone", "Not a participant.")
    assert len(case.feedback) == 2
    assert case.chain_problems() == []


def test_the_history_says_who_gave_feedback_how_and_when_never_what(vault: Vault) -> None:
    case = _with_feedback(vault)
    newest, older = [entry.what for entry in case_history(case)[:2]]
    assert newest == (
        "Recorded feedback from Ben Cole (person responsible), given on a feedback form "
        "on 2 Mar 2026 (kept confidential)"
    )
    assert older == (
        "Recorded feedback from Ana Silva (person harmed), given by phone on 2 Mar 2026 "
        "(they agreed it may be shared)"
    )
    assert "Zq" not in " ".join(e.what for e in case_history(case))


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_the_supervisor_reads_how_many_gave_feedback_and_only_what_was_shared(
    vault: Vault, fmt: str
) -> None:
    case = _with_feedback(vault)
    shown = render_export(case, ExportOptions(fmt=fmt, redaction="names", notes="all")).decode()
    assert "Feedback received from 2 participants." in shown
    assert "Zqshared: being listened to mattered most." in shown
    assert "Zqconfidential" not in shown
    assert "Ana" not in shown  # names redacted in the shared feedback's row too
    if fmt == "json":
        data = json.loads(shown)
        assert data["feedback_received"] == "Feedback received from 2 participants."
        assert [f["participant"] for f in data["feedback_shared"]] == ["Person harmed A."]


def test_feedback_is_found_by_search_and_goes_to_the_co_worker(
    vault: Vault, tmp_path: Path
) -> None:
    case = _with_feedback(vault)
    hits = list(vault.search("being listened to"))
    assert [hit.where for hit in hits] == ["feedback"]
    other = make_vault(tmp_path / "b", "Blessing Adeyemi")
    try:
        lines = send(vault, case.id, other, tmp_path / "fb.age")
        assert "2 participants' feedback" in " ".join(lines)
        got = other.open_case(case.id)
        assert [f.said for f in got.feedback] == [SHARED, CONFIDENTIAL]
        assert got.chain_problems() == []
        # The co-worker takes the supporter's feedback; merged back, every record is kept.
        supporter = next(p for p in got.participants if p.role is Role.SUPPORTER)
        got.record_feedback(supporter.id, DAY, "in_person", "Zqsupporter: glad I came.")
        send(other, case.id, vault, tmp_path / "back.age")
        send(other, case.id, vault, tmp_path / "again.age")  # twice: nothing changes
        merged = vault.open_case(case.id)
        assert sorted(f.said[:12] for f in merged.feedback) == [
            "Zqconfidenti",
            "Zqshared: be",
            "Zqsupporter:",
        ]
    finally:
        other.close()


async def test_feedback_is_entered_and_shown_on_the_people_tab(vault: Vault) -> None:
    """f on a participant (shown in the footer) opens the form; the feedback is saved
    confidential unless the box is ticked, and shown under the participant."""
    from textual.widgets import Checkbox, TextArea

    from screens.feedback import FeedbackEditor
    from tests.pilot_helpers import case_screen, open_with, paste, press, screen_text, squashed

    case = vault.new_case("RJ-FB-UI")
    harmed = case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    async with case_screen(vault, case.id, "participants", size=(100, 40)) as (app, pilot):
        assert "f Feedback" in squashed(screen_text(app))
        assert "None recorded yet (f records it)." in screen_text(app)
        editor = await open_with(pilot, "f", FeedbackEditor)
        assert "Feedback from Ana Silva (person harmed)" in screen_text(app)
        editor.query_one("#fb-said", TextArea).focus()
        await paste(pilot, "Being listened to mattered most.")
        editor.query_one("#fb-share", Checkbox).value = True
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, FeedbackEditor)
        shown = squashed(screen_text(app))
        assert "(may be shared): Being listened to mattered most." in shown
    [saved] = case.feedback
    assert (saved.participant_id, saved.may_share) == (harmed.id, True)


def test_the_demo_shows_feedback_from_two_participants_one_shared_one_confidential(
    vault: Vault,
) -> None:
    from rjfacil.demo import fill_demo_vault
    from rjfacil.views.supervision import supervisor_summary

    fill_demo_vault(vault)
    rows = {row.reference: row for row in vault.list_cases()}
    case = vault.open_case(rows["RJ-2025-087"].id)
    assert [(f.participant, f.shared) for f in feedback_lines(case)] == [
        ("Robin Hale (person responsible)", False),
        ("Jamie Fox (person harmed)", True),
    ]
    summary = supervisor_summary(case)
    assert summary.feedback_received == "Feedback received from 2 participants."
    assert [f.said[:7] for f in summary.feedback_shared] == ["Hearing"]
