"""Letters vetted per version, reviewed by the team, handed over only when vetted and agreed
to (Best Practice Guidance A 3(a) 11-12)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from rjfacil import clock
from rjfacil.casedoc.bundle import BundleRefused, from_json, to_json
from rjfacil.casedoc.model import LetterStatus, VettingDecision
from rjfacil.commands.casefile import CaseFile
from rjfacil.demo import fill_demo_vault
from rjfacil.errors import RjfacilError
from rjfacil.export.summary import ExportOptions, render_export
from rjfacil.views.flags import raised_flags
from rjfacil.views.letters import letter_line, letter_passages
from rjfacil.views.reading_aid import PassageKind
from rjfacil.views.supervision import supervisor_summary
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.bundle_helpers import make_vault, send

VETTED_AT = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _letter_case(vault: Vault) -> tuple[CaseFile, object, object]:
    case = vault.new_case("LET-1")
    harmed = case.add_participant(Role.PERSON_HARMED, "Hana Gold", address_as="Hana")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Rory Gold")
    return case, harmed, responsible


def test_a_changed_text_cannot_be_handed_over_on_an_earlier_approval(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    letter = case.add_letter(responsible.id, "Dear Hana, I am sorry.", to_participant=harmed.id)
    case.record_recipient_agreement(letter.id, date(2026, 11, 2))
    # Before format 4 this was set_letter_status(APPROVED); now approval is a vetting.
    _vetted(case, letter.id)
    case.revise_letter(letter.id, "Dear Hana, I am sorry. I know where you live now.")
    with pytest.raises(RjfacilError, match="its text changed after it was vetted"):
        case.set_letter_status(letter.id, LetterStatus.DELIVERED)
    with pytest.raises(RjfacilError, match="vet its current version first"):
        case.set_letter_status(letter.id, LetterStatus.APPROVED)
    assert case.letters[0].status is LetterStatus.UNDER_REVIEW


def _vetted(
    case: CaseFile, letter_id: object, reasons: str = "Read it with Hana's worries."
) -> None:
    case.vet_letter(
        letter_id,
        {"letter_own_views": "yes", "letter_hidden_messages": "no", "letter_checked": "yes"},
        VettingDecision.VETTED,
        reasons,
    )


def test_each_version_is_vetted_on_its_own_and_records_who_and_when(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    letter = case.add_letter(responsible.id, "Dear Hana, I am sorry.", to_participant=harmed.id)
    with clock.frozen(VETTED_AT):
        _vetted(case, letter.id)
    records = case.letter_records(letter.id)
    [first] = records.versions
    vetting = records.vetting_of(first)
    assert vetting is not None
    assert (vetting.created_by, vetting.created_at) == (vault.owner.id, VETTED_AT)
    assert vetting.answers["letter_hidden_messages"] == "no"
    assert case.letters[0].status is LetterStatus.APPROVED
    second = case.revise_letter(letter.id, "Dear Hana, I am so sorry.")
    records = case.letter_records(letter.id)
    assert records.vetting_of(second) is None and not records.current_vetted
    assert case.letters[0].status is LetterStatus.UNDER_REVIEW
    # The case's own walk no longer asks the letter items: they belong to each version.
    with pytest.raises(RjfacilError, match="each version of a letter"):
        case.answer("letters", "letter_checked", "yes")


def test_a_hidden_message_found_in_a_version_raises_its_flag(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
    other = case.add_letter(harmed.id, "Dear Rory.", to_participant=responsible.id)
    case.vet_letter(letter.id, {"letter_hidden_messages": "yes"}, VettingDecision.WITHHOLD)
    case.vet_letter(other.id, {"letter_hidden_messages": "no"}, VettingDecision.VETTED)
    assert "risk_to_manage" in raised_flags(case)


def test_a_co_worker_reviews_a_version_in_their_own_words(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    case.update_case(co_worker="Priya Shah")
    letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
    review = case.review_letter(
        letter.id, case.case.co_worker, "Reads as his own words.", date(2026, 11, 4)
    )
    records = case.letter_records(letter.id)
    assert records.reviews_of(records.versions[0]) == [review]
    assert case.person_name(review.reviewer) == "Priya Shah"
    with pytest.raises(RjfacilError, match="member of the case's team"):
        case.review_letter(letter.id, harmed.id, "I like it.")


def test_a_letter_goes_between_any_two_different_participants(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    supporter = case.add_participant(Role.SUPPORTER, "Sam Gold")
    letter = case.add_letter(harmed.id, "Dear Rory.", to_participant=responsible.id)
    assert (letter.from_participant, letter.to_participant) == (harmed.id, responsible.id)
    moved = case.address_letter(letter.id, supporter.id, harmed.id)
    assert (moved.from_participant, moved.to_participant) == (supporter.id, harmed.id)
    with pytest.raises(RjfacilError, match="choose someone else"):
        case.address_letter(letter.id, harmed.id, harmed.id)
    assert case.letters[0].to_participant == harmed.id


def test_a_reply_links_to_the_letter_it_answers(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
    reply = case.add_letter(harmed.id, "Rory, thank you.", responsible.id, in_reply_to=letter.id)
    assert case.letter_records(reply.id).letter.in_reply_to == letter.id


def test_a_letter_is_handed_over_only_vetted_and_agreed_to(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    letter = case.add_letter(responsible.id, "Dear Hana.")
    with pytest.raises(RjfacilError) as refused:
        case.set_letter_status(letter.id, LetterStatus.DELIVERED)
    message = str(refused.value)
    assert "not addressed to anyone" in message and "not vetted" in message
    assert "agreement to receive it is not recorded" in message
    case.address_letter(letter.id, responsible.id, harmed.id)
    _vetted(case, letter.id)
    with pytest.raises(RjfacilError, match="agreement to receive it is not recorded"):
        case.set_letter_status(letter.id, LetterStatus.DELIVERED)
    case.record_recipient_agreement(letter.id, date(2026, 11, 5))
    handed = case.set_letter_status(letter.id, LetterStatus.DELIVERED, "In person at her home.")
    assert handed.status is LetterStatus.DELIVERED
    assert handed.handed_over_version == case.letter_versions(letter.id)[-1].id


def test_the_supervisor_summary_shows_each_versions_vetting_and_reviews(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    case.update_case(case_supervisor="Dana Whitfield")
    letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
    _vetted(case, letter.id, reasons="Rory Gold wrote it himself.")
    case.revise_letter(letter.id, "Dear Hana, again.")
    case.review_letter(letter.id, case.case.case_supervisor, "Fine, but ask Rory Gold why.")
    summary = supervisor_summary(case, redaction="names")
    [line] = summary.letters
    assert line.title == "From Person responsible R. to Person harmed H."
    assert line.status == "Changed since it was vetted: vet the new version"
    second, first = line.versions
    assert (second.status, second.vetted_by) == ("Not vetted", "")
    assert first.status == "Vetted: fit to hand over"
    assert first.vetted_by == case.owner.name and first.vetted_at
    assert first.reasons == "Person responsible R. wrote it himself."
    [review] = second.reviews
    assert (review.role, review.view) == (
        "Case supervisor",
        "Fine, but ask Person responsible R. why.",
    )
    data = json.loads(render_export(case, ExportOptions(fmt="json")))
    assert data["letters"][0]["versions"][1]["vetting"] == "Vetted: fit to hand over"
    markdown = render_export(case, ExportOptions(fmt="md")).decode()
    assert "Letters and their vetting" in markdown and "Case supervisor" in markdown


def test_a_co_workers_review_comes_back_in_their_file(tmp_path: Path) -> None:
    """The co-worker reviews the version in their own vault; their file brings the review,
    with the vetting, back to the facilitator's (bundle tables letter_vettings and
    letter_reviews)."""
    mine, theirs = make_vault(tmp_path / "a", "Alex Rivera"), make_vault(tmp_path / "b", "Sam Ng")
    try:
        case, harmed, responsible = _letter_case(mine)
        letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
        _vetted(case, letter.id)
        send(mine, case.id, theirs, tmp_path / "to-sam.age")
        copy = theirs.open_case(case.id)
        copy.review_letter(letter.id, theirs.owner.id, "His own words; fine to hand over.")
        lines = send(theirs, case.id, mine, tmp_path / "to-alex.age")
        assert any("review of a letter" in line for line in lines), lines
        back = mine.open_case(case.id)
        records = back.letter_records(letter.id)
        [review] = records.reviews_of(records.versions[0])
        assert back.person_name(review.reviewer) == "Sam Ng"
        assert records.current_vetted
        assert mine.verify().ok
    finally:
        mine.close()
        theirs.close()


def test_the_demo_shows_every_letter_feature(vault: Vault) -> None:
    fill_demo_vault(vault)
    case = vault.open_case(vault.find_case("RJ-2026-011"))
    lines = {line.status: line for line in (letter_line(case, each) for each in case.letters)}
    handed = lines["Handed over (version 1)"]
    changed = lines["Changed since it was vetted: vet the new version"]
    second, first = changed.versions
    assert first.status == "Vetted: fit to hand over" and first.vetted_by
    assert second.status == "Not vetted" and second.reviews[0].role == "Co-worker"
    assert any(line.reply_to for line in lines.values())
    assert handed.versions[0].handed_over
    rewritten = next(each for each in case.letters if len(case.letter_versions(each.id)) == 2)
    _, passages = letter_passages(case, rewritten)
    assert {p.kind for p in passages} >= {PassageKind.MINIMISING, PassageKind.PRESSURE}


def test_search_finds_a_vettings_reasons_and_a_review(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
    _vetted(case, letter.id, reasons="Checked the lighthouse reference.")
    case.review_letter(letter.id, vault.owner.id, "The harbour line worries me.")
    assert [h.where for h in vault.search("lighthouse")] == ["letter"]
    assert [h.where for h in vault.search("harbour")] == ["letter"]


@pytest.mark.parametrize(
    ("table", "field", "refusal"),
    [
        ("letter_reviews", "reviewer", "names a team member the file does not hold"),
        ("letter_vettings", "letter_id", "names a letter the file does not hold"),
        ("letters", "in_reply_to", "names a letter the file does not hold"),
    ],
)
def test_a_co_workers_file_naming_a_letter_or_reviewer_it_lacks_is_refused(
    vault: Vault, table: str, field: str, refusal: str
) -> None:
    case, harmed, responsible = _letter_case(vault)
    letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
    case.add_letter(harmed.id, "Dear Rory.", responsible.id, in_reply_to=letter.id)
    _vetted(case, letter.id)
    case.review_letter(letter.id, vault.owner.id, "Fine.")
    body = json.loads(to_json(case.document, vault.owner, clock.now()))
    row = next(r for r in body["tables"][table] if r.get(field))
    row[field] = str(uuid4())
    with pytest.raises(BundleRefused, match=refusal):
        from_json(json.dumps(body).encode(), "the file", clock.now())


def test_a_new_recipient_has_not_agreed_to_receive_it(vault: Vault) -> None:
    case, harmed, responsible = _letter_case(vault)
    supporter = case.add_participant(Role.SUPPORTER, "Sam Gold")
    letter = case.add_letter(responsible.id, "Dear Hana.", to_participant=harmed.id)
    case.record_recipient_agreement(letter.id, date(2026, 11, 2))
    moved = case.address_letter(letter.id, responsible.id, supporter.id)
    assert moved.recipient_agreed_on is None
