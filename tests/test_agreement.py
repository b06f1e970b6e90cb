"""The outcome agreement as a record and a document (issue 12, "Outcome agreement";
001 A 3(c) 1-7, A 3(d) 1-4; 002 NCJB 3.6): whether one was made, its terms, who agreed and
when, voluntary or legally binding, how completion will be shown, who supports and who
supervises each action, money handed over with a witness; completion marked with its
evidence, and the person harmed told as they asked; a printable agreement."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from rjfacil.casedoc.model import ActionStatus, Bindingness
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import RjfacilError
from rjfacil.export.agreement import agreement_document
from rjfacil.export.summary import ExportOptions, default_file_name, export_case, render_export
from rjfacil.views.agreement import agreement_view, parse_money, show_money
from rjfacil.views.history import case_history
from rjfacil.views.redaction import redactor_for
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

DAY = date(2026, 3, 2)


def _agreed_case(vault: Vault, reference: str = "RJ-AGR-1") -> tuple[CaseFile, Any, Any]:
    case = vault.new_case(reference)
    harmed = case.add_participant(Role.PERSON_HARMED, "Alex Harmed")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Sam Responsible")
    case.record_agreement(
        terms="Sam repairs the fence and pays for the broken window.",
        agreed_by=[harmed.id, responsible.id],
        agreed_on=DAY,
        binding=Bindingness.VOLUNTARY,
        completion_shown_by="Photos of the fence; the receipt for the window.",
        tell_person_harmed="A phone call, weekday evenings.",
    )
    return case, harmed, responsible


def test_recording_the_agreement_reads_back_and_answers_that_one_was_made(vault: Vault) -> None:
    case, _harmed, _responsible = _agreed_case(vault)
    assert case.agreement_made == "yes"
    again = vault.open_case(case.id)
    assert again.agreement_made == "yes"
    view = agreement_view(again, redactor_for(again, "none"))
    assert view.made == "Yes"
    assert view.terms == "Sam repairs the fence and pays for the broken window."
    assert view.agreed_by == ("Alex Harmed", "Sam Responsible")
    assert view.agreed_on == "2 Mar 2026"
    assert view.binding == "Voluntary"
    assert view.completion_shown_by.startswith("Photos of the fence")
    assert view.tell_person_harmed == "A phone call, weekday evenings."
    # Changing it edits the one record, not a second agreement.
    again.record_agreement(binding=Bindingness.LEGALLY_BINDING)
    assert len(again.document.records["agreements"]) == 1
    assert again.agreement is not None
    assert again.agreement.terms.startswith("Sam repairs")
    assert "Recorded the outcome agreement" in {h.what for h in case_history(again)}


def test_only_participants_agree_and_not_on_a_day_to_come(vault: Vault) -> None:
    case = vault.new_case("RJ-AGR-2")
    with pytest.raises(RjfacilError, match="who agreed"):
        case.record_agreement(terms="x", agreed_by=[vault.owner.id])
    case.add_participant(Role.PERSON_HARMED, "Alex")
    with pytest.raises(RjfacilError, match="not a day still to come"):
        case.record_agreement(terms="x", agreed_on=date(2099, 1, 1))
    assert case.agreement is None


def test_actions_name_a_supporter_and_a_supervisor_by_id(vault: Vault) -> None:
    case, _harmed, responsible = _agreed_case(vault)
    case.update_case(co_worker="Jo Coworker")
    action = case.add_action(
        "Repair the fence",
        by_whom=responsible.id,
        supported_by=case.case.co_worker,
        supervised_by=vault.owner.id,
        due=DAY,
    )
    assert action.supported_by == case.case.co_worker
    view = agreement_view(case, redactor_for(case, "none"))
    [line] = view.actions
    assert (line.by_whom, line.supported_by, line.supervised_by) == (
        "Sam Responsible",
        "Jo Coworker",
        vault.owner.name,
    )
    # Nobody outside the case can support an action.
    with pytest.raises(RjfacilError, match="not a participant"):
        case.update_action(action.id, supported_by=case.case.id)


def test_completion_is_marked_with_evidence_and_the_person_harmed_told(vault: Vault) -> None:
    case, _harmed, responsible = _agreed_case(vault)
    action = case.add_action("Repair the fence", by_whom=responsible.id)
    with pytest.raises(RjfacilError, match="evidence"):
        case.complete_action(action.id, "  ", DAY)
    with pytest.raises(RjfacilError, match="completion first"):
        case.record_person_harmed_told(action.id, DAY, "Phone call")
    case.complete_action(action.id, "Photos of the mended fence", DAY)
    done = case.actions[0]
    assert done.status is ActionStatus.DONE
    assert done.evidence_recorded_by == vault.owner.id
    [line] = agreement_view(case, redactor_for(case, "none")).actions
    assert line.completion == (
        f"Completed on 2 Mar 2026: Photos of the mended fence (recorded by {vault.owner.name})"
    )
    assert line.told == "Person harmed not told yet"
    case.record_person_harmed_told(action.id, DAY, "Phone call, as she asked")
    again = vault.open_case(case.id)
    [line] = agreement_view(again, redactor_for(again, "none")).actions
    assert line.told == "Person harmed told on 2 Mar 2026: Phone call, as she asked"


def test_an_action_done_before_evidence_was_recorded_still_shows(vault: Vault) -> None:
    # Existing actions keep working: a status set to done without evidence says so.
    case, _, responsible = _agreed_case(vault)
    action = case.add_action("Write an apology", by_whom=responsible.id)
    case.update_action(action.id, status=ActionStatus.DONE)
    [line] = agreement_view(case, redactor_for(case, "none")).actions
    assert line.completion == "Completed: no evidence recorded"


def test_money_handed_over_needs_a_witness_amount_and_day(vault: Vault) -> None:
    case, harmed, responsible = _agreed_case(vault)
    with pytest.raises(RjfacilError, match="witness"):
        case.record_money_handover(5000, DAY, witness="  ")
    with pytest.raises(RjfacilError, match="amount"):
        case.record_money_handover(0, DAY, witness=vault.owner.id)
    case.record_money_handover(
        5000, DAY, witness="Pat Witness", from_whom=responsible.id, to_whom=harmed.id
    )
    [money] = agreement_view(case, redactor_for(case, "none")).money
    assert (money.amount, money.handed_on, money.from_whom, money.to_whom, money.witness) == (
        "£50.00",
        "2 Mar 2026",
        "Sam Responsible",
        "Alex Harmed",
        "Pat Witness",
    )
    assert "Pat Witness" in {m.name for m in case.team}


@pytest.mark.parametrize(
    ("text", "pence"),
    [("£12.50", 1250), ("12.5", 1250), ("1,250", 125000), ("0", None), ("abc", None)],
)
def test_amounts_are_read_as_people_write_them(text: str, pence: int | None) -> None:
    assert parse_money(text) == pence
    if pence:
        assert parse_money(show_money(pence)) == pence


def _full_case(vault: Vault) -> CaseFile:
    case, _harmed, responsible = _agreed_case(vault)
    action = case.add_action(
        "Repair the fence", by_whom=responsible.id, supervised_by=vault.owner.id, due=DAY
    )
    case.complete_action(action.id, "Photos of the mended fence", DAY)
    case.record_person_harmed_told(action.id, DAY, "Phone call")
    case.record_money_handover(5000, DAY, witness="Pat Witness", from_whom=responsible.id)
    return case


def test_the_supervisor_summary_has_the_agreement_and_each_actions_completion(
    vault: Vault,
) -> None:
    case = _full_case(vault)
    data = json.loads(render_export(case, ExportOptions(fmt="json")))
    agreement = data["agreement"]
    assert agreement["made"] == "Yes"
    assert agreement["binding"] == "Voluntary"
    assert agreement["agreed_by"] == ["Person harmed A.", "Person responsible S."]
    assert agreement["money"][0]["amount"] == "£50.00"
    [action] = data["agreement_actions"]
    assert action["completion"].startswith("Completed on 2 Mar 2026: Photos")
    assert action["person_harmed_told"] == "Person harmed told on 2 Mar 2026: Phone call"
    assert action["supervised_by"] == vault.owner.name
    text = render_export(case, ExportOptions(fmt="md")).decode()
    assert "Voluntary or legally binding" in text
    assert "Photos of the mended fence" in text
    assert "Sam Responsible" not in text  # names redacted in the summary by default


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_printable_agreement_names_the_participants_who_sign_it(vault: Vault, fmt: Any) -> None:
    case = _full_case(vault)
    text = render_export(case, ExportOptions(fmt=fmt, agreement=True)).decode()
    for expected in (
        "Outcome agreement",
        "Sam repairs the fence",
        "Alex Harmed",
        "Sam Responsible",
        "Person responsible",
        "Voluntary",
        "Photos of the fence",
        "A phone call, weekday evenings.",
        "£50.00",
        "Pat Witness",
        "Signature",
    ):
        assert expected in text, expected
    assert "Photos of the mended fence" not in text  # follow-up is not part of the terms


def test_the_printable_agreement_escapes_what_users_typed(vault: Vault) -> None:
    case = vault.new_case("RJ-AGR-9")
    person = case.add_participant(Role.PERSON_HARMED, "<script>x</script>")
    case.record_agreement(terms="[click](javascript:alert(1)) <b>bold</b>", agreed_by=[person.id])
    html = render_export(case, ExportOptions(fmt="html", agreement=True)).decode()
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert "<b>bold" not in html
    md = render_export(case, ExportOptions(fmt="md", agreement=True)).decode()
    assert "](javascript:" not in md


def test_the_printable_agreement_as_a_pdf_is_written_and_recorded(
    vault: Vault, tmp_path: Any
) -> None:
    case = _full_case(vault)
    options = ExportOptions(fmt="pdf", agreement=True)
    assert default_file_name("RJ-AGR-1", options) == "RJ-AGR-1-agreement.pdf"
    written = export_case(case, options, tmp_path / "agreement.pdf")
    assert written.read_bytes().startswith(b"%PDF")
    assert (
        case.audit_log[-1].action == "exported a printable outcome agreement (pdf, redaction none)"
    )
    with pytest.raises(Exception, match="Markdown, HTML or PDF"):
        ExportOptions(fmt="json", agreement=True)


def test_the_agreement_document_has_a_signature_row_per_participant_who_agreed(
    vault: Vault,
) -> None:
    case = _full_case(vault)
    document = agreement_document(case)
    signatures = next(s for s in document.sections if s.heading == "Signatures")
    table = signatures.blocks[0]
    assert [row[:2] for row in table.rows] == [  # type: ignore[union-attr]
        ("Alex Harmed", "Person harmed"),
        ("Sam Responsible", "Person responsible"),
    ]


def test_the_demo_shows_every_agreement_feature(vault: Vault) -> None:
    from rjfacil.demo import fill_demo_vault

    fill_demo_vault(vault)
    case = vault.open_case(vault.find_case("RJ-2026-003"))
    view = agreement_view(case, redactor_for(case, "none"))
    assert view.made == "Yes" and view.binding == "Voluntary"
    assert view.agreed_by == ("Nadia Begum", "Chris Parry")
    assert view.completion_shown_by and view.tell_person_harmed and view.terms
    assert any(
        a.supported_by == "Jo Okoro" and a.supervised_by == vault.owner.name for a in view.actions
    )
    [done] = [a for a in view.actions if a.completion]
    assert done.completion.startswith("Completed on") and "recorded by" in done.completion
    assert done.told.startswith("Person harmed told on")
    [money] = view.money
    assert money.amount == "£30.00" and money.witness == vault.owner.name
