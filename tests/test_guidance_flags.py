"""Flags that match the guidance: each test names the checklist item and the paragraph
of the guidance (seeds 000-004) that its flag rule follows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.evaluate import AnswerFact, OverrideFact, evaluate_flags
from rjfacil.checklists.load import load_catalogue
from rjfacil.checklists.locate import builtin_dir
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import BlockingFlagsRaised, RjfacilError
from rjfacil.views.flags import blocking_flags, explanation_lines, explanations
from rjfacil.views.history import case_history
from rjfacil.views.labels import flag_label
from rjfacil.vocab import ClosureReason, Role, Stage
from rjfacil.workspace import Vault

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(builtin_dir(), builtin_dir() / "no-organisation-folder")


def raised(
    catalogue: Catalogue, *answers: tuple[str, str, str | None, str], overrides: tuple = ()
) -> list[str]:
    """The flags raised by answers given one minute apart, in flags.toml order."""
    facts = [
        AnswerFact(checklist, item, who, value, "Sam", T0 + timedelta(minutes=n))
        for n, (checklist, item, who, value) in enumerate(answers)
    ]
    return [s.flag.id for s in evaluate_flags(catalogue, facts, overrides) if s.raised]


SCC = ("sensitive", "motivation_ability_to_harm", None, "yes")
"""An answer that makes the case sensitive and complex (B: the first of its two tests)."""


# -- 1. intimidation and hidden messages are risks to manage, not SCC categories ------------


def test_risk_intimidation_yes_raises_a_risk_to_manage_not_sensitive_and_complex(
    catalogue: Catalogue,
) -> None:
    # risk.intimidation: A 2(a) 3 lists intimidation among the risks to assess; it is not
    # a sensitive and complex category (001 B, 003 HMPPS 4.4, 000 APPG WS1).
    flags = raised(catalogue, ("risk", "intimidation", "pr", "yes"))
    assert flags == ["risk_to_manage"]
    assert catalogue.flags["risk_to_manage"].title.startswith("Review before going on")
    assert not catalogue.flags["risk_to_manage"].blocking


def test_letters_hidden_messages_yes_raises_a_risk_to_manage_not_sensitive_and_complex(
    catalogue: Catalogue,
) -> None:
    # letters.letter_hidden_messages: A 3(a) 11 (risk assess letters for hidden
    # messages), handed over only once checked (A 3(a) 12); not an SCC category (B).
    assert raised(catalogue, ("letters", "letter_hidden_messages", None, "yes")) == [
        "risk_to_manage"
    ]


def test_complex_intimidation_still_makes_the_case_sensitive_and_complex(
    catalogue: Catalogue,
) -> None:
    # risk.complex_intimidation: A 2(a) 4, complex issues of intimidation (footnote 8:
    # see Section B).
    assert "sensitive_complex" in raised(catalogue, ("risk", "complex_intimidation", None, "yes"))


# -- 2. routine referrals need no specialist ------------------------------------------------


def test_needs_other_professionals_yes_raises_no_specialist_referral(
    catalogue: Catalogue,
) -> None:
    # risk.needs_other_professionals: routine referrals (A 2(a) 5, A 2(b) 9) need no
    # specialist; A 2(a) 4 ties specialist referral to complex intimidation and
    # vulnerability.
    assert raised(catalogue, ("risk", "needs_other_professionals", None, "yes")) == []
    item = catalogue.item("risk", "needs_other_professionals")
    assert item.reference == "A 2(a) 5"


# -- 3 and 6. specialist referral only without the Section B competencies -------------------


@pytest.mark.parametrize(
    "item",
    ["complex_intimidation", "complex_vulnerability"],
)
def test_complex_issues_raise_specialist_referral_only_without_section_b(
    catalogue: Catalogue, item: str
) -> None:
    # risk.complex_intimidation / complex_vulnerability with sensitive.own_competence:
    # A 2(a) 4 refers such cases to a senior practitioner with the Section B
    # competencies; a practitioner who has them works the case (001 B; NCJB 3.5.5).
    issue = ("risk", item, None, "yes")
    assert "specialist_referral" not in raised(catalogue, issue)
    competent = ("sensitive", "own_competence", None, "yes")
    assert "specialist_referral" not in raised(catalogue, issue, competent)
    not_competent = ("sensitive", "own_competence", None, "no")
    assert "specialist_referral" in raised(catalogue, issue, not_competent)


def test_scc_factors_raise_specialist_referral_only_when_the_facilitator_lacks_section_b(
    catalogue: Catalogue,
) -> None:
    # sensitive.factor_* (HMPPS 4.4) and the two tests of B with sensitive.own_competence:
    # 001 Part 2 para 7 and B: without the Section B competencies, refer; NCJB 3.5.5: more
    # experienced practitioners.
    factors = [i.id for i in catalogue.checklist("sensitive").items if i.id.startswith("factor_")]
    tests = ["motivation_ability_to_harm", "particular_vulnerability"]
    for item in [*factors, *tests]:
        scc = ("sensitive", item, None, "yes")
        assert "specialist_referral" not in raised(catalogue, scc), item
        has_b = ("sensitive", "own_competence", None, "yes")
        assert "specialist_referral" not in raised(catalogue, scc, has_b), item
        lacks_b = ("sensitive", "own_competence", None, "no")
        assert "specialist_referral" in raised(catalogue, scc, lacks_b), item


def test_own_competence_no_raises_nothing_on_a_case_that_is_not_sensitive_and_complex(
    catalogue: Catalogue,
) -> None:
    # sensitive.own_competence, "If this case is sensitive and complex: do I have the
    # Section B competencies?": the condition is part of the question (B).
    assert raised(catalogue, ("sensitive", "own_competence", None, "no")) == []


def test_clearing_sensitive_and_complex_drops_the_referral_that_depends_on_it(
    catalogue: Catalogue,
) -> None:
    # sensitive.own_competence (B): a case supervisor's recorded decision that the case is
    # not sensitive and complex takes the condition away.
    lacks_b = ("sensitive", "own_competence", None, "no")
    cleared = OverrideFact(
        "sensitive_complex", True, "Supervisor: not SCC", "Eve", T0 + timedelta(hours=1)
    )
    assert "specialist_referral" not in raised(catalogue, SCC, lacks_b, overrides=(cleared,))


# -- 4. re:hub's approval panel is not a specialist referral --------------------------------


def test_hmpps_factors_raise_rehub_panel_not_specialist_referral(catalogue: Catalogue) -> None:
    # sensitive.factor_sexual_violence: HMPPS 4.5, 6.16, 6.17 (re:hub and the suitability
    # panel) is a different thing from A 2(a) 4 (referral to a specialist).
    flags = raised(catalogue, ("sensitive", "factor_sexual_violence", None, "yes"))
    assert "rehub_panel" in flags
    assert "specialist_referral" not in flags
    rehub = catalogue.flags["rehub_panel"]
    specialist = catalogue.flags["specialist_referral"]
    assert rehub.reference == "HMPPS 4.5" and "approval panel" in rehub.meaning
    assert specialist.reference == "A 2(a) 4" and "re:hub" not in specialist.meaning


# -- 5. the case supervisor of a sensitive and complex case -----------------------------------


def test_supervisor_competent_no_raises_a_flag_only_on_a_sensitive_and_complex_case(
    catalogue: Catalogue,
) -> None:
    # supervision.supervisor_competent: 001 E, case supervisors need the Section B
    # competencies when supervising sensitive and complex cases, and not otherwise.
    answer = ("supervision", "supervisor_competent", None, "no")
    assert raised(catalogue, answer) == []
    assert "supervisor_section_b" in raised(catalogue, SCC, answer)
    assert "supervisor_section_b" not in raised(
        catalogue, SCC, ("supervision", "supervisor_competent", None, "yes")
    )


# -- 7. managerial oversight: HMPPS 4.21 or 4.22, and whose duty it is --------------------------


def test_line_manager_endorsement_no_raises_the_4_21_flag_unless_the_case_is_scc(
    catalogue: Catalogue,
) -> None:
    # referral.line_manager_endorsed: HMPPS 4.21 (not sensitive or complex: the line
    # manager endorses and keeps oversight); on a sensitive and complex case HMPPS 4.22
    # applies instead (re:hub), through the managerial oversight flag.
    endorsed_no = ("referral", "line_manager_endorsed", None, "no")
    assert raised(catalogue, endorsed_no) == ["line_manager_oversight"]
    assert catalogue.flags["line_manager_oversight"].reference == "HMPPS 4.21"
    with_scc = raised(catalogue, SCC, endorsed_no)
    assert "line_manager_oversight" not in with_scc
    assert "managerial_oversight" in with_scc
    assert catalogue.flags["managerial_oversight"].reference == "HMPPS 4.22"


def test_oversight_is_worded_as_what_the_facilitator_checks_has_happened(
    catalogue: Catalogue,
) -> None:
    # HMPPS 4.4 and 4.15 give the duty to the offender manager and the victim liaison
    # officer; the facilitator is the provider (HMPPS 6.38).
    for flag_id in ("managerial_oversight", "line_manager_oversight", "rehub_panel"):
        flag = catalogue.flags[flag_id]
        assert all(
            step.startswith(("Check", "Find out", "If", "A case", "Keep"))
            for step in flag.next_steps
        ), flag_id
        assert not any("Tell your line manager" in step for step in flag.next_steps)
    oversight = catalogue.flags["managerial_oversight"]
    assert "offender manager" in oversight.meaning and "victim liaison officer" in oversight.meaning
    assert "HMPPS 6.38" in oversight.meaning


# -- 8. absolute limits are blocking ----------------------------------------------------------

BLOCKING = [
    # (checklist, item, answer, flag, paragraph)
    ("process", "no_one_against_wishes", "no", "not_by_choice", "A 2(c) 7"),
    ("process", "against_anyones_wishes", "yes", "not_by_choice", "A 2(c) 19"),
    ("informing", "decision_free", "no", "not_by_choice", "HMPPS 6.1"),
    ("risk", "still_appropriate", "no", "stop_reassess", "A 2(a) 8"),
    ("supervision", "safety_concerns", "yes", "stop_reassess", "E 6"),
    ("meeting", "harm_signs", "yes", "stop_reassess", "A 3(b) 12"),
    ("sensitive", "harm_in_process", "yes", "stop_reassess", "B 1"),
    ("risk", "child_protection", "yes", "child_protection", "A 2(a) 5"),
]


@pytest.mark.parametrize(("checklist", "item", "value", "flag", "paragraph"), BLOCKING)
def test_an_absolute_limit_raises_a_blocking_flag(
    catalogue: Catalogue, checklist: str, item: str, value: str, flag: str, paragraph: str
) -> None:
    found = catalogue.item(checklist, item)
    assert found.reference == paragraph
    who = "pr" if found.scope == "participant" else None
    assert raised(catalogue, (checklist, item, who, value)) == [flag]
    assert catalogue.flags[flag].blocking
    assert catalogue.flags[flag].heading.startswith("Stop: ")
    assert flag_label(flag).startswith("Stop:")
    other = "yes" if value == "no" else "no"
    assert raised(catalogue, (checklist, item, who, other)) == []


@pytest.fixture
def case(vault: Vault) -> Iterator[CaseFile]:
    made = vault.new_case("RJ-STOP")
    made.add_participant(Role.PERSON_HARMED, "Ana Silva")
    # The go-ahead before first contact (A 2(a) 2), so a stage move is held only by flags.
    made.record_decision("first_contact", "go", vault.owner.id, T0.date(), "Safe to contact.")
    yield made


def test_a_blocking_flag_is_shown_as_stop_in_words(case: CaseFile) -> None:
    # process.no_one_against_wishes (A 2(c) 7): shown prominently, "Stop: ...".
    case.answer("process", "no_one_against_wishes", "no")
    [explained] = [e for e in explanations(case) if e.raised]
    assert explained.blocking
    assert explained.title == "Stop: Someone may be taking part against their wishes"
    assert [s.flag.id for s in blocking_flags(case)] == ["not_by_choice"]
    assert explanation_lines(explained)[0] == "Raised by these answers:"


def test_moving_on_past_a_blocking_flag_needs_a_reason_and_the_history_says_it(
    case: CaseFile,
) -> None:
    # risk.child_protection (A 2(a) 5): the stage does not move without a reason.
    case.answer("risk", "child_protection", "yes")
    with pytest.raises(BlockingFlagsRaised) as refused:
        case.update_case(stage=Stage.ASSESSMENT)
    assert "Stop: Child protection concern" in str(refused.value)
    assert case.case.stage is Stage.REFERRAL
    case.update_case(
        stage=Stage.ASSESSMENT, going_on_because="Referred to children's services on 2 March"
    )
    assert case.case.stage is Stage.ASSESSMENT
    said = case_history(case)[0].what
    assert said == (
        "Changed the stage from Referral to Assessment, although “Stop: Child protection "
        "concern” was raised; the reason given: Referred to children's services on 2 March"
    )
    assert case.chain_problems() == []


def test_closing_a_case_or_moving_back_is_never_held_by_a_blocking_flag(
    case: CaseFile,
) -> None:
    # risk.still_appropriate = no (A 2(a) 8, 10): ending the process safely is what the
    # guidance asks, so closing needs no reason.
    case.update_case(stage=Stage.PREPARATION)
    case.answer("risk", "still_appropriate", "no")
    case.update_case(stage=Stage.ASSESSMENT)
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.ASSESSED_UNSUITABLE)
    assert case.case.stage is Stage.CLOSED


def test_a_cleared_blocking_flag_no_longer_holds_the_case(case: CaseFile) -> None:
    # informing.decision_free = no (HMPPS 6.1), resolved with a recorded reason.
    participant = case.participants[0].id
    case.answer("informing", "decision_free", "no", participant_id=UUID(str(participant)))
    case.override_flag(
        "not_by_choice", "Spoke with her alone: her own decision", True, "Lee Manager", T0.date()
    )
    case.update_case(stage=Stage.ASSESSMENT)
    assert case.case.stage is Stage.ASSESSMENT


def test_a_blocking_flag_reads_stop_in_the_case_list_and_the_supervisor_export(
    case: CaseFile,
) -> None:
    # supervision.safety_concerns = yes (E 6): the case list and the supervisor's summary
    # say "Stop" in words, not only in colour.
    from rjfacil.export.markdown import render_markdown
    from rjfacil.export.summary import summary_document
    from rjfacil.views.labels import row_flag_labels
    from rjfacil.views.summary import summarise
    from rjfacil.views.supervision import supervisor_summary

    case.answer("supervision", "safety_concerns", "yes")
    assert row_flag_labels(summarise(case)) == ["Stop: reassess"]
    summary = supervisor_summary(case)
    assert [f.title for f in summary.flags] == ["Stop: Reassess before going on"]
    assert "Stop: Reassess before going on" in render_markdown(summary_document(summary))


# -- 10. help texts cite the paragraph that says it --------------------------------------------


def test_closure_help_cites_follow_up_for_evaluation_not_the_targets_paragraph(
    catalogue: Catalogue,
) -> None:
    # closure (A 3(d)): NCJB 3.7.3 is about performance targets, not closure; follow-up
    # contact for evaluation is A 3(d) 12.
    closure = catalogue.checklist("closure")
    assert "NCJB 3.7.3" not in closure.help
    assert "A 3(d) 12" in closure.help


def test_risk_review_help_says_only_what_a_2a_7_says(catalogue: Catalogue) -> None:
    # risk.last_reviewed (A 2(a) 7: "Continue risk assessment throughout the process"):
    # "after each contact" is not in the paragraph.
    item = catalogue.item("risk", "last_reviewed")
    assert item.reference == "A 2(a) 7"
    assert "after each contact" not in item.help
    assert "throughout the process (A 2(a) 7)" in item.help


# -- 11. the demo shows both ------------------------------------------------------------------


def test_the_demo_has_a_case_with_a_stop_flag_a_manager_decision_and_a_met_deadline(
    vault: Vault,
) -> None:
    # risk.child_protection (A 2(a) 5) and referral.referral_made (HMPPS 4.3).
    from rjfacil.demo import fill_demo_vault
    from rjfacil.views.deadlines import met_timescales

    fill_demo_vault(vault)
    rows = {row.reference: row for row in vault.list_cases()}
    case = vault.open_case(rows["RJ-2026-014"].id)
    assert [s.flag.id for s in blocking_flags(case)] == ["child_protection"]
    # One label (issue 11): the case list says what the flag's own title says.
    heading = case.catalogue.flags["child_protection"].heading
    assert heading == "Stop: Child protection concern"
    assert row_labels(rows["RJ-2026-014"])[0] == heading
    [met] = met_timescales(case)
    assert met.reference == "HMPPS 4.3"
    assert met.status().phrase.startswith("met on ")
    # Issue 11: a recorded manager decision (HMPPS 4.4: oversight, with who and when).
    from rjfacil.views.decisions import decision_lines

    decisions = decision_lines(case)
    assert [(d.point, d.outcome) for d in decisions] == [
        ("Before any direct communication", "Wait"),
        ("Before first contact", "Go ahead"),
    ]
    assert all(d.oversight.startswith("oversight given by Rowan Hale on ") for d in decisions)
    assert case.person_label(case.decisions[0].oversight_by) == "Rowan Hale (line manager)"
    others = [r for ref, r in rows.items() if ref != "RJ-2026-014"]
    assert not any(flag_label(f).startswith("Stop:") for r in others for f in r.flags)


def row_labels(row: object) -> list[str]:
    from rjfacil.views.labels import row_flag_labels
    from rjfacil.views.summary import CaseSummary

    assert isinstance(row, CaseSummary)
    return row_flag_labels(row)


# -- a flag that needs a manager is cleared only with who, when and why (issue 11) ----------


@pytest.mark.parametrize(
    "flag",
    ["managerial_oversight", "line_manager_oversight", "child_protection", "not_by_choice"],
)
def test_a_flag_that_needs_a_manager_is_not_cleared_without_who_and_when(
    case: CaseFile, flag: str
) -> None:
    # HMPPS 4.4, 4.21, 4.22: oversight is the manager's; A 2(a) 5, A 2(c) 7: the absolute
    # limits. Clearing records the manager who cleared it, the day and the reason.
    assert case.catalogue.flags[flag].needs_manager
    with pytest.raises(RjfacilError, match="manager's decision"):
        case.override_flag(flag, "Discussed")
    assert case.overrides == []


def test_a_manager_clearing_a_flag_is_said_in_words_in_the_history(case: CaseFile) -> None:
    # A 2(a) 5: a child protection concern, referred; the manager clears the Stop flag.
    case.answer("risk", "child_protection", "yes")
    case.override_flag(
        "child_protection",
        "Referred to children's services on 2 March; safe to go on",
        cleared_by="Lee Manager",
        cleared_on=T0.date(),
    )
    what = case_history(case)[0].what
    assert what == (
        "Cleared the flag “Stop: Child protection concern”, cleared by Lee Manager on "
        "2 Mar 2026: Referred to children's services on 2 March; safe to go on"
    )
    assert "child_protection" not in what and "cleared_by" not in what
    assert not blocking_flags(case)


def test_other_flags_are_cleared_with_a_reason_alone(case: CaseFile) -> None:
    assert not case.catalogue.flags["co_working_advised"].needs_manager
    case.override_flag("co_working_advised", "One facilitator is enough here")
    assert len(case.overrides) == 1
