"""Supervisor summaries and participant disclosures, as a supervisor or a participant
would read them: what is in them, what redaction hides, what never leaks, in every format."""

from __future__ import annotations

import io
import json
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from rjfacil import clock
from rjfacil.casedoc.model import ConsentPurpose, NoteSource, RiskRating, ShareHow
from rjfacil.commands.casefile import CaseFile
from rjfacil.export.errors import ExportExists
from rjfacil.export.summary import (
    EXPORT_FORMATS,
    ExportOptions,
    default_file_name,
    export_case,
    render_export,
)
from rjfacil.views.redaction import redactor_for
from rjfacil.views.supervision import supervisor_summary
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with clock.frozen(NOW, step=timedelta(seconds=1)):
        yield


class Case:
    """Two sides, each holding notes not to be shared with the other."""

    def __init__(self, vault: Vault) -> None:
        case = vault.new_case("RJ-LEAK-1", summary="Zqcasesummary: burglary at a flat.")
        self.case: CaseFile = case
        self.harmed = case.add_participant(
            Role.PERSON_HARMED, "Alice Harbottle", address_as="Ally", access_needs="Zqaccess"
        )
        self.responsible = case.add_participant(
            Role.PERSON_RESPONSIBLE, "Bertram Quist", address_as="Bert"
        )
        h, r = self.harmed.id, self.responsible.id
        case.record_consent(h, ConsentPurpose.TAKE_PART, form="written")
        case.record_consent(r, ConsentPurpose.TAKE_PART)
        case.record_consent(
            h, ConsentPurpose.SHARING, information="Zqharmedconsentinfo", share_with=[r]
        )
        case.record_consent(r, ConsentPurpose.SHARING, information="Zqrespconsentinfo")

        def note(text: str, about: Any, **fields: Any) -> None:
            case.add_note(text, participant_id=about, **fields)

        src = NoteSource.FROM_PARTICIPANT
        note("Zqharmedsecret: Ally is afraid of Bertram Quist.", h, source=src)
        note(
            "Zqharmedshared: Alice asks whether Bert meant it.",
            h,
            source=src,
            share_with=[r],
            share_how=ShareHow.AS_WRITTEN,
        )
        note("Zqrespsecret: Bert says Alice Harbottle knew him.", r, source=src)
        note(
            "Zqrespshared: Bertram wants to say sorry to Ally.",
            r,
            source=src,
            share_with=[h],
            share_how=ShareHow.SUMMARY,
        )
        note("Zqprivate: check on Alice next week.", h, private=True)
        note("Zqassessharmed: Alice seemed tired.", h)
        note("Zqassessresp: Bertram was calm.", r)
        item = next(
            i
            for i in case.catalogue.checklist("sensitive").items
            if any(rule.flag == "sensitive_complex" for rule in i.flags)
            and i.kind == "yes_no_unknown"
        )
        case.answer("sensitive", item.id, "yes", note="Zqanswernote about Alice")
        case.add_risk(
            "Zqrisk: Bert may contact Alice.",
            rating=RiskRating.HIGH,
            mitigation="Zqmitigation: messages through the facilitator.",
            review_date=NOW.date() + timedelta(days=7),
            participant_id=h,
        )


@pytest.fixture
def two_sides(vault: Vault) -> Case:
    return Case(vault)


def text_of(data: bytes, fmt: str) -> str:
    """What a reader of the file sees: the PDF's text, else the file's own characters."""
    if fmt == "pdf":
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() for page in reader.pages)
        return " ".join(text.split())
    return data.decode("utf-8")


def export_text(case: CaseFile, fmt: str, **options: Any) -> str:
    return text_of(render_export(case, ExportOptions(fmt=fmt, **options)), fmt)  # type: ignore[arg-type]


# -- participant disclosure: nothing of the other side leaks ---------------------------------

SHARED_IN_SUMMARY = "the facilitator gives you its summary"
NEVER_IN_ANY_DISCLOSURE = (
    *("Zqanswernote", "Zqprivate", "Zqassessharmed", "Zqassessresp"),
    *("Zqrisk", "Zqmitigation", "Zqcasesummary"),
)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_person_harmed_gets_their_own_information_and_nothing_of_the_other_side(
    two_sides: Case, fmt: str
) -> None:
    shown = export_text(two_sides.case, fmt, for_participant=two_sides.harmed.id, notes="all")
    for own in ("Alice Harbottle", "Zqharmedsecret", "Zqharmedshared", "Zqharmedconsentinfo"):
        assert own in shown
    # The person responsible agreed it may be shared with her in summary: the facilitator
    # gives the summary, so the note is listed, dated, without its words.
    assert SHARED_IN_SUMMARY in shown and "3 Mar 2026" in shown
    for leak in ("Zqrespshared", "Zqrespsecret", "Zqrespconsentinfo", *NEVER_IN_ANY_DISCLOSURE):
        assert leak not in shown
    for name in ("Bertram", "Quist", "Bert"):
        assert re.search(rf"\b{name}\b", shown) is None, name
    assert "the person responsible" in shown


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_person_responsible_gets_their_own_information_and_nothing_of_the_other_side(
    two_sides: Case, fmt: str
) -> None:
    shown = export_text(two_sides.case, fmt, for_participant=two_sides.responsible.id)
    for own in ("Bertram Quist", "Zqrespsecret", "Zqrespshared", "Zqrespconsentinfo"):
        assert own in shown
    assert "Zqharmedshared" in shown
    for leak in ("Zqharmedsecret", "Zqharmedconsentinfo", "Zqaccess", *NEVER_IN_ANY_DISCLOSURE):
        assert leak not in shown
    for name in ("Alice", "Harbottle", "Ally"):
        assert re.search(rf"\b{name}\b", shown) is None, name


@pytest.mark.parametrize("notes", ["all", "excerpts"])
@pytest.mark.parametrize("redaction", ["none", "names", "full"])
def test_a_note_shared_in_summary_is_listed_without_its_words(
    two_sides: Case, notes: str, redaction: str
) -> None:
    from rjfacil.views.disclosure import participant_disclosure

    disclosure = participant_disclosure(
        two_sides.case,
        two_sides.harmed.id,
        redaction=redaction,
        notes=notes,  # type: ignore[arg-type]
    )
    [line] = [n for n in disclosure.shared_notes if n.sharing == "May be shared in summary"]
    assert line.text == (
        "A note shared in summary: the facilitator gives you its summary; "
        "its words are not copied here."
    )
    assert line.when.startswith("3 Mar 2026") and line.about == "the person responsible"
    assert all("Zqrespshared" not in n.text for n in disclosure.shared_notes)


def test_with_redaction_none_a_shared_note_keeps_the_names_it_was_written_with(
    two_sides: Case,
) -> None:
    shown = export_text(
        two_sides.case, "md", for_participant=two_sides.responsible.id, redaction="none"
    )
    assert "Alice asks whether Bert meant it." in shown
    assert "Harbottle" not in shown  # her own notes and her record stay hers


# -- supervisor summary ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_names_redaction_replaces_every_participant_name_with_role_and_initial(
    two_sides: Case, fmt: str
) -> None:
    shown = export_text(two_sides.case, fmt, notes="all")
    for name in ("Alice", "Harbottle", "Ally", "Bertram", "Quist", "Bert"):
        assert re.search(rf"\b{name}\b", shown) is None, name
    assert "Person harmed A." in shown and "Person responsible B." in shown
    assert "Zqharmedsecret: Person harmed A. is afraid of Person responsible B." in shown
    assert "Zqprivate" not in shown
    assert "RJ-LEAK-1" in shown and "Sam Okafor" in shown and "3 Mar 2026 10:" in shown
    assert ('"redaction": "names"' if fmt == "json" else "Names replaced by roles") in shown


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_full_redaction_removes_free_text_and_none_says_so_at_the_top(
    two_sides: Case, fmt: str
) -> None:
    full = export_text(two_sides.case, fmt, redaction="full", notes="all")
    for text in ("Zqharmed", "Zqresp", "Zqrisk", "Zqmitigation", "Zqcasesummary", "Sam Okafor"):
        assert text not in full
    assert "[removed]" in full.replace("\\[", "[").replace("\\]", "]")  # md escapes [ ]
    none = export_text(two_sides.case, fmt, redaction="none", notes="all")
    assert "Alice Harbottle" in none and "Zqassessresp" in none
    assert "Zqprivate" not in none
    assert none.index("Names shown") < none.index("Alice Harbottle")  # said at the top


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_under_full_redaction_the_header_says_the_notes_are_removed(
    two_sides: Case, fmt: str
) -> None:
    for notes in ("all", "excerpts"):
        full = export_text(two_sides.case, fmt, redaction="full", notes=notes)
        assert "Removed (full redaction)" in full
        assert "In full" not in full and "First lines only" not in full
    assert "In full" in export_text(two_sides.case, fmt, redaction="names", notes="all")
    assert "Not included" in export_text(two_sides.case, fmt, redaction="full", notes="none")


def test_the_summary_answers_what_a_case_supervisor_checks(two_sides: Case) -> None:
    summary = supervisor_summary(two_sides.case, notes="excerpts")
    assert dict(summary.risk_assessment)["Open risks"] == "1"
    assert summary.risks[0].review_status == "in 7 days"
    assert [p.take_part for p in summary.people] == [
        "Given (written, 3 Mar 2026)",
        "Given (verbal, 3 Mar 2026)",
    ]
    assert summary.deadlines[0].label == "Risk review"
    assert summary.process == "Not chosen yet"
    assert all("Zqprivate" not in n.text for n in summary.notes)
    assert len(summary.notes) == 6
    assert summary.history[0].what == "Added a risk"
    assert summary.flags[0].title == "Sensitive and complex case"
    assert dict(summary.coworking)["Co-worker"] == "None"


def test_the_html_page_title_names_the_case_once(two_sides: Case) -> None:
    page = export_text(two_sides.case, "html")
    assert re.findall(r"<title>(.*?)</title>", page) == ["Supervisor summary: RJ-LEAK-1"]
    own = export_text(two_sides.case, "html", for_participant=two_sides.harmed.id)
    assert re.findall(r"<title>(.*?)</title>", own) == ["Your information: RJ-LEAK-1"]


def test_the_summary_history_says_nothing_of_a_private_note_until_it_is_released(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-PRIVATE")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
    secret = case.add_note("Zqprivate: my own worry.", participant_id=ann.id, private=True)
    case.revise_note(secret.id, "Zqprivate: my own worry, revised.")
    case.add_note("Visit arranged.")
    for fmt in EXPORT_FORMATS:
        shown = export_text(case, fmt, notes="all", redaction="none")
        assert "note about Ann Ode" not in shown and "Revised a note" not in shown, fmt
        assert "Zqprivate" not in shown
    history = [h.what for h in supervisor_summary(case, history=3).history]
    assert history == ["Added a note", "Added Person harmed A. (person harmed)", "Opened the case"]
    case.release_note(secret.id)
    history = [h.what for h in supervisor_summary(case).history]
    assert "Added a note about Person harmed A." in history
    assert any(line.startswith("Released a private note") for line in history)


def test_excerpts_are_cut_at_about_200_characters(vault: Vault) -> None:
    case = vault.new_case("RJ-LONG")
    case.add_note("word " * 100)
    line = supervisor_summary(case, notes="excerpts").notes[0]
    assert line.shortened and len(line.text) <= 201 and line.text.endswith("…")
    assert supervisor_summary(case, notes="none").notes == ()


def test_export_case_writes_0600_never_overwrites_and_is_in_the_audit_log(
    two_sides: Case, tmp_path: Path
) -> None:
    case = two_sides.case
    target = tmp_path / default_file_name(case.case.reference, ExportOptions(fmt="html"))
    assert target.name == "RJ-LEAK-1-summary.html"
    export_case(case, ExportOptions(fmt="html"), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(ExportExists):
        export_case(case, ExportOptions(fmt="html"), target)
    export_case(
        case, ExportOptions(fmt="md", for_participant=two_sides.harmed.id), tmp_path / "d.md"
    )
    actions = [e.action for e in case.audit_log[-2:]]
    assert actions == [
        "exported a supervisor summary (html, redaction names, notes excerpts)",
        "exported a participant disclosure for a participant (person harmed) "
        "(md, redaction names, notes excerpts)",
    ]
    assert "Alice" not in actions[1]
    assert case.chain_problems() == []


# -- the JSON schema as documented ----------------------------------------------------------

_TYPES = {"string": str, "boolean": bool, "integer": int, "object": dict}


def documented(section: str) -> dict[str, str]:
    """The fields of one table of docs/export-schema.md, by the heading above it."""
    text = (ROOT / "docs" / "export-schema.md").read_text()
    part = text.split(section, 1)[1]
    part = re.split(r"\n## |\nA `", part, maxsplit=1)[0]
    fields: dict[str, str] = {}
    for row in re.findall(r"^\| (\w+) \| ([\w ]+?) \|", part, re.M):
        if row[0] != "field":
            fields[row[0]] = row[1]
    return fields


def documented_objects(section: str) -> dict[str, set[str]]:
    text = (ROOT / "docs" / "export-schema.md").read_text()
    part = re.split(r"\n## ", text.split(section, 1)[1], maxsplit=1)[0]
    return {
        name: set(re.findall(r"`(\w+)`", rest))
        for name, rest in re.findall(r"^- (\w+): (.*)$", part, re.M)
    }


def check(value: Any, kind: str) -> None:
    if kind.startswith("array"):
        assert isinstance(value, list)
    else:
        assert isinstance(value, _TYPES[kind]), (value, kind)


@pytest.mark.parametrize("for_harmed", [False, True])
def test_the_json_has_exactly_the_documented_fields(two_sides: Case, for_harmed: bool) -> None:
    who = two_sides.harmed.id if for_harmed else None
    data = json.loads(render_export(two_sides.case, ExportOptions(fmt="json", for_participant=who)))
    heading = "`rjfacil-disclosure/1`" if for_harmed else "`rjfacil-summary/1`"
    top = documented(heading)
    assert set(data) == set(top)
    for name, kind in top.items():
        check(data[name], kind)
    assert data["schema"] == heading.strip("`")
    export = documented("## Common: `export`")
    assert set(data["export"]) == set(export)
    for name, kind in export.items():
        check(data["export"][name], kind)
    note_fields = documented("A `note` is an object:")
    notes = data["own_notes"] + data["shared_notes"] if for_harmed else data["notes"]
    assert notes
    for note in notes:
        assert set(note) == set(note_fields)
    if not for_harmed:
        objects = documented_objects(heading)
        for field, kind in (
            ("flags", "flag"), ("risks", "risk"), ("people", "person"),
            ("checklist_items", "item"), ("deadlines", "deadline"), ("history", "history"),
        ):  # fmt: skip
            assert data[field], field
            for each in data[field]:
                assert set(each) == objects[kind], field
        assert set(data["process"]) == {"chosen", "why", "communication"}
        assert set(data["agreement"]) == objects["agreement"]
        for action in data["agreement_actions"]:
            assert set(action) == objects["action"]


def test_single_words_of_a_name_are_redacted_only_where_they_are_used_as_a_name(
    vault: Vault,
) -> None:
    # Issue 11: the demo group "Riverside Garden Group" turned "the garden" in exported
    # reasons into "the Person harmed R.".
    case = vault.new_case("RJ-RD1")
    case.add_participant(Role.PERSON_HARMED, "Riverside Garden Group (Lee Ann Cho)")
    case.add_participant(Role.PERSON_RESPONSIBLE, "Dale Brook", address_as="Dale")
    redactor = redactor_for(case, "names")
    text = (
        "The damage to the garden and the group's shed was seen from the brook. "
        "Riverside Garden Group wrote; Garden volunteers met Lee. riverside garden group "
        "agreed. Dale and Brook came; DALE spoke."
    )
    assert redactor.names(text) == (
        "The damage to the garden and the group's shed was seen from the brook. "
        "Person harmed R. wrote; Person harmed R. volunteers met Person harmed R. "
        "Person harmed R. agreed. Person responsible D. and Person responsible D. came; "
        "Person responsible D. spoke."
    )


def test_a_free_text_ending_in_a_name_ends_with_one_full_stop(vault: Vault) -> None:
    # "I met Ann Ode." read "I met Person harmed A.." (the initial's stop, then the text's).
    case = vault.new_case("RJ-LEAK-9")
    case.add_participant(Role.PERSON_HARMED, "Ann Ode")
    redactor = redactor_for(case, "names")
    assert redactor.text("I met Ann Ode.") == "I met Person harmed A."
    assert redactor.text("Ann. Then Ode... and Ann Ode!") == (
        "Person harmed A. Then Person harmed A... and Person harmed A.!"
    )
