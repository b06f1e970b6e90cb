"""The guidance applied to each case: the case facts decide which questions are asked.

A facilitator on a letter-only case between two adults, outside HMPPS, was asked 328
items (the HMPPS referral checklist and co-working, outcome agreement and follow-up items
among them); with the case facts answered they are asked 248, and every "Skip if..."
became a condition (checklists/README.md, "When a checklist or item applies").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rjfacil import clock
from rjfacil.checklists.load import load_catalogue, validate_files
from rjfacil.checklists.locate import builtin_dir
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import ChecklistError
from rjfacil.views.deadlines import due_dates
from rjfacil.views.earlier import answered_earlier
from rjfacil.views.flags import flags as case_flags
from rjfacil.views.next_steps import next_steps
from rjfacil.views.progress import case_progress, first_unanswered, walk_target
from rjfacil.vocab import ProcessType, Role
from rjfacil.workspace import Vault

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with clock.frozen(NOW, zone=UTC, step=timedelta(seconds=1)):
        yield


def letter_case(vault: Vault, reference: str) -> CaseFile:
    """Two adults, letters only: the case of the issue."""
    case = vault.new_case(reference)
    case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Cole")
    case.update_case(process=ProcessType.LETTER)
    return case


def asked(case: CaseFile) -> set[tuple[str, str]]:
    """Every (checklist, item) the case asks, for the case or any participant."""
    return {
        (row.target.checklist.id, item.id)
        for row in case_progress(case).targets
        for item in row.target.items
    }


def test_a_letter_only_adult_case_outside_hmpps_is_asked_only_what_applies(
    vault: Vault,
) -> None:
    """Letter-only, two adults, another service, not co-worked, no agreement (facts.route,
    coworking.co_worked D, facts.agreement_made A 3(c) 1, facts.child_or_adult_at_risk
    A 2(c) 15): 328 items asked before the case facts, 295 with the facts not yet known
    (the HMPPS referral checklist is left out until the route is HMPPS), 248 with them
    answered. The missing content added since (issue 11: E 5, E 7, NCJB 3.6.4 while the
    agreement is not known, NCJB 3.7.5) makes them 299 and 251;
    9 fewer of each since the letter items (A 3(a) 11-12) are asked for each version of
    each letter, in its vetting, not once for the case."""
    case = letter_case(vault, "RJ-F1")
    unknown = case_progress(case).total
    assert unknown == 299 - 9
    assert not any(checklist == "referral" for checklist, _ in asked(case))
    # Not known yet: ask rather than hide (co-working D, outcome agreement A 3(c)).
    assert ("coworking", "reasons") in asked(case)
    assert ("agreement", "schedule") in asked(case)
    case.answer("facts", "route", "other_service")
    case.answer("coworking", "co_worked", "no")
    case.answer("facts", "agreement_made", "no")
    case.answer("facts", "child_or_adult_at_risk", "no")
    report = case_progress(case)
    # 251 since the missing content of issue 11 (supervision E 5 and E 7, closure
    # NCJB 3.7.5): 248 before it.
    assert report.total == 251 - 9  # the letter items: asked per letter version
    # Section B's motivation test (B) reads the risk assessment's motivation answers
    # (A 2(a) 3): once no one's motivation raises concern, it is not asked (241).
    harmed, responsible = case.participants
    case.answer("risk", "motivation", "no", harmed.id)
    case.answer("risk", "motivation", "no", responsible.id)
    assert case_progress(case).total == 251 - 9 - 1
    now = asked(case)
    assert ("coworking", "reasons") not in now  # D: working alone
    assert ("meeting", "cofacilitator_protocol") not in now
    assert not any(checklist == "agreement" for checklist, _ in now)  # A 3(c)
    assert ("followup", "completion") not in now  # A 3(d) 2
    assert ("followup", "hmpps_outcomes_recorded") not in now  # HMPPS only
    # HMPPS 4.4's screening factor; vulnerability is the risk assessment's (A 2(a) 4).
    assert ("sensitive", "factor_specific_vulnerability") not in now
    assert ("risk", "complex_vulnerability") in now
    assert ("fgc", "child_protection_known") not in now
    assert ("letters", "relayed_as_asked") in now  # A 3(a): the process is letters
    assert ("coworking", "co_worked") in now  # the fact itself stays asked
    assert ("supervision", "line_manager_relationship") in now  # E 5
    assert ("supervision", "restorative_supervision") in now  # E 7
    assert ("closure", "confidential_feedback") in now  # NCJB 3.7.5
    assert ("followup", "completion_noted") not in now  # NCJB 3.6.4: no agreement
    assert ("meeting", "communication") not in now  # A 3(b) 6: no meeting
    assert not any(checklist == "safeguarding" for checklist, _ in now)  # two adults
    # Stages that could never honestly be complete can now be: none asks what does not apply.
    assert not any(
        "Skip if" in item.help or "Skip if" in item.ask
        for row in report.targets
        for item in row.target.items
    )


def test_an_hmpps_case_still_gets_the_hmpps_referral_items(vault: Vault) -> None:
    """referral (HMPPS 4.3) and followup.hmpps_outcomes_recorded: asked on the HMPPS route."""
    case = letter_case(vault, "RJ-F2")
    case.answer("facts", "route", "hmpps")
    now = asked(case)
    assert ("referral", "referral_requested") in now  # HMPPS 4.3
    assert ("referral", "understands_voluntary") in now  # HMPPS 6.19, per participant
    assert ("followup", "hmpps_outcomes_recorded") in now
    assert ("sensitive", "factor_specific_vulnerability") in now  # HMPPS 4.4 screening
    # The Victim Contact Scheme items (HMPPS 4.6) are asked until it is known not to apply.
    assert ("referral", "vlo_notified") in now
    assert ("referral", "rehub_applied") in now  # HMPPS 4.5
    assert ("referral", "panel_decision") in now  # HMPPS 6.17, 6.18
    assert ("referral", "routed_through_pom") in now  # HMPPS 4.12, 4.13
    assert ("referral", "victim_request_recorded") in now  # HMPPS 4.18
    case.answer("referral", "person_harmed_in_vcs", "no")
    assert ("referral", "vlo_notified") not in asked(case)
    case.answer("facts", "route", "other_service")
    assert not any(checklist == "referral" for checklist, _ in asked(case))


def test_hmpps_timescales_run_on_the_hmpps_route_only(vault: Vault) -> None:
    """referral.referral_requested starts the HMPPS 4.3 timescale; once the route is known
    to be another service it is not due (and while it is not known, it still is)."""
    case = letter_case(vault, "RJ-F3")
    case.answer("referral", "referral_requested", "2025-03-03")
    assert [d.reference for d in due_dates(case)] == ["HMPPS 4.3"]
    case.answer("facts", "route", "hmpps")
    assert [d.reference for d in due_dates(case)] == ["HMPPS 4.3"]
    case.answer("facts", "route", "other_service")
    assert due_dates(case) == []


def test_items_that_do_not_apply_are_not_next_steps_nor_walked(vault: Vault) -> None:
    """coworking.coworker (D: "Skip if working alone" became a condition): once the case
    is known not to be co-worked, the walker and the next steps pass it by."""
    case = letter_case(vault, "RJ-F4")
    for item in ("needs_specialist_knowledge", "different_backgrounds", "learning"):
        case.answer("coworking", item, "no")
    case.answer("coworking", "practical_reasons", "no")
    target = walk_target(case, "coworking", None)
    first = first_unanswered(case, target)
    assert first is not None and target.items[first].id == "co_worked"
    case.answer("coworking", "co_worked", "no")
    target = walk_target(case, "coworking", None)
    assert [item.id for item in target.items] == [
        "needs_specialist_knowledge",
        "different_backgrounds",
        "learning",
        "practical_reasons",
        "co_worked",
    ]
    assert first_unanswered(case, target) is None
    assert not [step for step in next_steps(case, limit=50) if step.checklist_id == "coworking"]
    # The answer stays: saying yes again brings the co-working questions back.
    case.answer("coworking", "co_worked", "yes")
    step = next(s for s in next_steps(case, limit=50) if s.checklist_id == "coworking")
    assert step.item_id == "coworker"


def test_a_participants_own_answer_decides_their_items(vault: Vault) -> None:
    """informing.if_not_proceeding (A 2(b) 10) is asked of the participant who declined,
    not of the one taking part."""
    case = letter_case(vault, "RJ-F5")
    harmed, responsible = case.participants
    case.answer("informing", "decision", "declined", harmed.id)
    case.answer("informing", "decision", "take_part", responsible.id)
    mine = walk_target(case, "informing", harmed.id)
    theirs = walk_target(case, "informing", responsible.id)
    assert "if_not_proceeding" in [item.id for item in mine.items]
    assert "if_not_proceeding" not in [item.id for item in theirs.items]


def test_answers_to_items_that_no_longer_apply_are_kept(vault: Vault) -> None:
    """An answer to coworking.coworker given before co_worked = no stays readable."""
    case = letter_case(vault, "RJ-F6")
    case.answer("coworking", "one_fully_competent", "yes")
    case.answer("coworking", "co_worked", "no")
    assert case.answers()[("coworking", "one_fully_competent", None)].value == "yes"


def copy_shipped(tmp_path: Path) -> Path:
    folder = tmp_path / "shipped"
    folder.mkdir()
    for path in builtin_dir().glob("*.toml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            'applies_when = { item = "facts.road", any_of = ["hmpps"] }',
            "facts.toml: item 'child_or_adult_at_risk': applies_when: "
            "the checklist 'facts' has no item 'road'",
        ),
        (
            'applies_when = { item = "facts.route", any_of = ["police"] }',
            "facts.toml: item 'child_or_adult_at_risk': applies_when: 'police' is not an "
            "answer to 'facts.route'",
        ),
        (
            'applies_when = { item = "facts.route", any_of = ["hmpps"], if_not_known = "hide" }',
            "facts.toml: item 'child_or_adult_at_risk': if_not_known must be \"ask\" or "
            "\"skip\", not 'hide'",
        ),
        (
            'applies_when = { item = "facts.child_or_adult_at_risk", any_of = ["yes"] }',
            "facts.toml: item 'child_or_adult_at_risk': applies_when names the item itself",
        ),
    ],
)
def test_a_wrong_item_condition_is_refused_with_the_file_and_item(
    tmp_path: Path, condition: str, message: str
) -> None:
    """The loader names the file, the item and what is wrong with its applies_when."""
    folder = copy_shipped(tmp_path)
    facts = folder / "facts.toml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace(
        'id = "child_or_adult_at_risk"\n', f'id = "child_or_adult_at_risk"\n{condition}\n'
    )
    facts.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as error:
        load_catalogue(folder)
    assert str(error.value).startswith(message)


def test_the_shipped_files_stay_valid() -> None:
    assert validate_files([]) == []


def test_re_hub_is_raised_on_the_hmpps_route_only(vault: Vault) -> None:
    """sensitive.factor_sexual_violence (HMPPS 4.4) raises 're:hub and the approval panel'
    (HMPPS 4.5, 6.16) while the route is HMPPS or not known yet, never once the case is
    known to come through another service; the sensitive-and-complex flag (B) stays."""
    case = letter_case(vault, "RJ-F7")
    case.answer("sensitive", "factor_sexual_violence", "yes")
    raised = {state.flag.id for state in case_flags(case) if state.raised}
    assert {"rehub_panel", "sensitive_complex"} <= raised
    case.answer("facts", "route", "other_service")
    raised = {state.flag.id for state in case_flags(case) if state.raised}
    assert "rehub_panel" not in raised and "sensitive_complex" in raised
    case.answer("facts", "route", "hmpps")
    assert "rehub_panel" in {state.flag.id for state in case_flags(case) if state.raised}
    help_text = case.catalogue.item("sensitive", "factor_sexual_violence").help
    assert "on the HMPPS route only" in help_text


def test_a_wrong_flag_condition_is_refused_with_the_file_item_and_flag(tmp_path: Path) -> None:
    folder = copy_shipped(tmp_path)
    sensitive = folder / "sensitive.toml"
    text = sensitive.read_text(encoding="utf-8")
    text = text.replace('any_of = ["hmpps"], if_not_known', 'any_of = ["prison"], if_not_known', 1)
    sensitive.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as error:
        load_catalogue(folder)
    assert str(error.value).startswith(
        "sensitive.toml: item 'factor_sexual_violence': flag 'rehub_panel': applies_when: "
        "'prison' is not an answer to 'facts.route'"
    )


def test_a_fact_asked_twice_has_one_home(vault: Vault) -> None:
    """risk.complex_vulnerability (A 2(a) 4) is the home of sensitive.particular_vulnerability
    (B), risk.complex_intimidation (A 2(a) 4) of sensitive.manipulation (B 2): once the risk
    assessment answers, Section B does not ask again, and an answer already given there is
    kept and still raises its flag."""
    case = letter_case(vault, "RJ-F8")
    assert {("sensitive", "particular_vulnerability"), ("sensitive", "manipulation")} <= asked(case)
    case.answer("sensitive", "manipulation", "yes")
    case.answer("risk", "complex_vulnerability", "yes")
    case.answer("risk", "complex_intimidation", "no")
    now = asked(case)
    assert ("sensitive", "particular_vulnerability") not in now
    assert ("sensitive", "manipulation") not in now
    assert case.answers()[("sensitive", "manipulation", None)].value == "yes"
    reasons = {
        (reason.checklist_id, reason.item_id)
        for state in case_flags(case)
        if state.flag.id == "sensitive_complex"
        for reason in state.reasons
    }
    assert reasons == {("risk", "complex_vulnerability"), ("sensitive", "manipulation")}
    # "Unknown" in the risk assessment: Section B asks again.
    case.answer("risk", "complex_vulnerability", "unknown")
    assert ("sensitive", "particular_vulnerability") in asked(case)


def test_no_shipped_item_says_skip_if() -> None:
    """Every "Skip if..." of the shipped checklists became a condition or was reworded."""
    catalogue = load_catalogue()
    found = [
        f"{checklist.id}.{item.id}"
        for checklist in catalogue.checklists
        for item in checklist.items
        if "skip if" in (item.ask + " " + item.help).lower()
    ]
    assert found == []


@pytest.mark.parametrize(
    ("process", "asked_in"),
    [
        (None, "letters"),
        (ProcessType.LETTER, "letters"),
        (ProcessType.SHUTTLE, "letters"),
        (ProcessType.FACE_TO_FACE, "meeting"),
        (ProcessType.FAMILY_GROUP_CONFERENCE, "meeting"),
    ],
)
def test_changed_mind_is_asked_once_for_the_process(
    vault: Vault, process: ProcessType | None, asked_in: str
) -> None:
    """letters.changed_mind (A 3(a) 2) and meeting.changed_mind (A 3(b) 1): the letters
    checklist applies to an indirect process (and while the process is not known), the
    direct meeting's to a meeting, so a participant is asked once."""
    case = vault.new_case(f"RJ-G{process.value if process else 'none'}")
    case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    if process is not None:
        case.update_case(process=process)
    where = {checklist for checklist, item in asked(case) if item == "changed_mind"}
    assert where == {asked_in}


def test_safeguarding_items_apply_only_where_a_participant_is_a_child_or_adult_at_risk(
    vault: Vault,
) -> None:
    """safeguarding (A 2(c) 15: legal requirements, involving parents; A 2(a) 5: refer
    every child protection concern): referral made, to whom and when; a parent's or
    carer's consent; an appropriate adult. Asked only when facts.child_or_adult_at_risk
    is yes."""
    case = letter_case(vault, "RJ-F9")
    assert not any(checklist == "safeguarding" for checklist, _ in asked(case))
    case.answer("facts", "child_or_adult_at_risk", "no")
    assert not any(checklist == "safeguarding" for checklist, _ in asked(case))
    case.answer("facts", "child_or_adult_at_risk", "yes")
    now = asked(case)
    assert {("safeguarding", "parent_consent"), ("safeguarding", "appropriate_adult")} <= now
    assert ("safeguarding", "referral_made") in now  # the concern is not known yet: ask
    assert ("safeguarding", "referral_to") not in now
    case.answer("safeguarding", "concern", "yes")
    case.answer("safeguarding", "referral_made", "yes")
    now = asked(case)
    assert {("safeguarding", "referral_to"), ("safeguarding", "referral_on")} <= now
    case.answer("safeguarding", "concern", "no")
    assert ("safeguarding", "referral_made") not in asked(case)


def test_competence_is_asked_once_the_practitioners_answer_serves_the_supervisor(
    vault: Vault,
) -> None:
    """sensitive.own_competence (B) and supervision.skills_sufficient (E 2: the supervisor
    identifies it with the practitioner) were the same fact asked twice: the supervision
    question is asked only until the practitioner's answer is given."""
    case = letter_case(vault, "RJ-F10")
    assert ("supervision", "skills_sufficient") in asked(case)
    case.answer("sensitive", "own_competence", "no")
    assert ("supervision", "skills_sufficient") not in asked(case)
    # E 2's support for a sensitive and complex case follows from the one answer.
    case.answer("sensitive", "motivation_ability_to_harm", "yes")
    raised = {s.flag.id for s in case_flags(case) if s.raised}
    assert {"specialist_referral", "co_working_advised"} <= raised
    assert ("supervision", "support_secured") in asked(case)  # E 2: help secure support
    case.answer("sensitive", "own_competence", "yes")
    assert ("supervision", "support_secured") not in asked(case)


def test_the_motivation_test_of_section_b_reads_the_risk_assessment(vault: Vault) -> None:
    """risk.motivation (A 2(a) 3: each participant's motivation for being involved) and
    sensitive.motivation_ability_to_harm (B: risk assessment gives good reason to believe
    someone has the motivation and ability to cause significant further harm) are two
    duties: Section B asks only about the ability and the harm, shows the risk
    assessment's answers, and is not asked once no one's motivation raises concern."""
    case = letter_case(vault, "RJ-F11")
    harmed, responsible = case.participants
    item = case.catalogue.item("sensitive", "motivation_ability_to_harm")
    assert ("sensitive", "motivation_ability_to_harm") in asked(case)  # not known yet: asked
    assert answered_earlier(case, item) == (
        'Not answered yet in Risk assessment, "Does their motivation for taking part raise '
        'any concern?"'
    )
    before = case_progress(case).total
    case.answer("risk", "motivation", "no", harmed.id)
    case.answer("risk", "motivation", "no", responsible.id)
    assert ("sensitive", "motivation_ability_to_harm") not in asked(case)
    assert case_progress(case).total == before - 1  # counted once, where it is asked
    case.answer("risk", "motivation", "yes", responsible.id)
    assert ("sensitive", "motivation_ability_to_harm") in asked(case)
    assert answered_earlier(case, item).endswith(
        ": Ana Silva (person harmed): no; Ben Cole (person responsible): yes"
    )
    # A concern about motivation is a risk to assess, not yet a sensitive and complex case.
    assert "sensitive_complex" not in {s.flag.id for s in case_flags(case) if s.raised}
    case.answer("sensitive", "motivation_ability_to_harm", "yes")
    assert "sensitive_complex" in {s.flag.id for s in case_flags(case) if s.raised}
    # An answer given before the risk assessment said "no" is kept and still counts.
    case.answer("risk", "motivation", "no", responsible.id)
    assert ("sensitive", "motivation_ability_to_harm") not in asked(case)
    assert case.answers()[("sensitive", "motivation_ability_to_harm", None)].value == "yes"
    assert "sensitive_complex" in {s.flag.id for s in case_flags(case) if s.raised}


def test_section_b_motivation_stays_asked_until_everyone_s_motivation_is_known(
    vault: Vault,
) -> None:
    """Section B's motivation question is skipped only once the risk assessment finds
    that no one's motivation raises concern: one "no" while another participant's
    motivation is not assessed yet (unanswered, or "don't know") leaves it asked, in the
    walker and in the progress count, for the case and for a supporter added later."""
    case = letter_case(vault, "RJ-F13")
    harmed, responsible = case.participants
    walked = {item.id for item in walk_target(case, "sensitive", None).items}
    assert "motivation_ability_to_harm" in walked
    case.answer("risk", "motivation", "no", harmed.id)
    assert ("sensitive", "motivation_ability_to_harm") in asked(case)
    assert "motivation_ability_to_harm" in {
        item.id for item in walk_target(case, "sensitive", None).items
    }
    case.answer("risk", "motivation", "no", responsible.id)
    assert ("sensitive", "motivation_ability_to_harm") not in asked(case)
    # Someone new whose motivation the risk assessment has not looked at yet.
    supporter = case.add_participant(Role.SUPPORTER, "Cara Lowe")
    assert ("sensitive", "motivation_ability_to_harm") in asked(case)
    case.answer("risk", "motivation", "no", supporter.id)
    assert ("sensitive", "motivation_ability_to_harm") not in asked(case)
    # An observer is not asked about motivation: nothing is waiting on them.
    case.add_participant(Role.OBSERVER, "Dev Patel")
    assert ("sensitive", "motivation_ability_to_harm") not in asked(case)


def test_a_free_decision_reads_the_intimidation_answer(vault: Vault) -> None:
    """risk.intimidation (A 2(a) 3: a risk to manage) and informing.decision_free (HMPPS
    6.1, A 2(c) 7: a decision not freely made is a limit) are two duties: the later asks
    whether the intimidation the risk assessment found, or anyone else's pressure, bears
    on the decision, and shows that participant's answer there."""
    case = letter_case(vault, "RJ-F12")
    harmed, responsible = case.participants
    item = case.catalogue.item("informing", "decision_free")
    assert "intimidation the risk assessment found" in item.ask
    case.answer("risk", "intimidation", "yes", harmed.id)
    assert answered_earlier(case, item, harmed.id) == (
        'Already answered in Risk assessment, "Is this participant being intimidated, or at '
        'risk of intimidation?": yes'
    )
    assert answered_earlier(case, item, responsible.id).startswith("Not answered yet in Risk")
    raised = {s.flag.id for s in case_flags(case) if s.raised}
    assert "risk_to_manage" in raised and "not_by_choice" not in raised
    case.answer("informing", "decision_free", "no", harmed.id)
    assert "not_by_choice" in {s.flag.id for s in case_flags(case) if s.raised}


def test_information_for_a_person_harmed_who_declined_reads_what_they_asked_for(
    vault: Vault,
) -> None:
    """informing.if_not_proceeding (A 2(b) 10: find out what they want to hear) and
    closure.non_participant_information (A 2(b) 10: a person harmed who declined is given,
    if they wish, basic information on the outcome) are two duties: closure asks only
    whether it was given, and shows what was found out when they decided."""
    case = letter_case(vault, "RJ-F13")
    harmed, _ = case.participants
    item = case.catalogue.item("closure", "non_participant_information")
    assert "if they wish" not in item.ask  # asked when they decided
    case.answer("informing", "decision", "declined", harmed.id)
    assert answered_earlier(case, item, harmed.id).startswith(
        'Not answered yet in Informing participants, "As they are not going on'
    )
    case.answer("informing", "if_not_proceeding", True, harmed.id)
    assert answered_earlier(case, item, harmed.id).endswith('with the others?": ticked')
    assert ("closure", "non_participant_information") in asked(case)


def test_an_item_reading_an_unknown_item_is_refused(tmp_path: Path) -> None:
    folder = copy_shipped(tmp_path)
    closure = folder / "closure.toml"
    text = closure.read_text(encoding="utf-8")
    text = text.replace('reads = "informing.if_not_proceeding"', 'reads = "informing.gone"')
    closure.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as error:
        load_catalogue(folder)
    assert str(error.value).startswith(
        "closure.toml: item 'non_participant_information': reads: the checklist 'informing' "
        "has no item 'gone'"
    )


def test_the_demo_letter_case_shows_the_earlier_answers_and_the_meeting_gate(
    vault: Vault,
) -> None:
    """RJ-2026-011: Section B's motivation test (B) shows the risk assessment's answers
    (A 2(a) 3), the free decision (HMPPS 6.1) the intimidation answer; and turning its
    letters into a meeting (A 3(a) 13) without the go-aheads asks for a reason."""
    from rjfacil.demo import fill_demo_vault
    from rjfacil.errors import BlockingFlagsRaised

    fill_demo_vault(vault)
    case = vault.open_case(vault.find_case("RJ-2026-011"))
    harmed, _ = case.participants
    motivation = case.catalogue.item("sensitive", "motivation_ability_to_harm")
    assert answered_earlier(case, motivation).endswith(
        ": Riverside Garden Group (Lee Ann Cho) (person harmed): no; "
        "Taylor Quinn (person responsible): yes"
    )
    free = case.catalogue.item("informing", "decision_free")
    assert answered_earlier(case, free, harmed.id).endswith('risk of intimidation?": no')
    with pytest.raises(BlockingFlagsRaised):
        case.update_case(process="face_to_face")
