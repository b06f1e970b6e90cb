"""Supervisor summaries and participant disclosures: a case's read model
(:mod:`rjfacil.views.supervision`, :mod:`rjfacil.views.disclosure`) as a
:class:`~rjfacil.export.document.Document` for Markdown, HTML and PDF, or as JSON in the
documented schema (docs/export-schema.md).

:func:`export_case` is the one door the command line and the screens use: it builds,
renders, writes the file (0600, never over an existing one unless asked) and records the
export in the case's audit log.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeAlias
from uuid import UUID

from rjfacil.commands.casefile import CaseFile
from rjfacil.export.agreement import agreement_document
from rjfacil.export.document import (
    BulletList,
    Document,
    Flag,
    Header,
    KeyValues,
    Note,
    Paragraph,
    Section,
    Table,
)
from rjfacil.export.errors import ExportFailed
from rjfacil.export.render import render
from rjfacil.export.write import write_export
from rjfacil.views.agreement import AgreementView
from rjfacil.views.disclosure import ParticipantDisclosure, participant_disclosure
from rjfacil.views.letters import LetterLine
from rjfacil.views.redaction import REDACTIONS, Redaction
from rjfacil.views.supervision import (
    NOTES_LEVELS,
    ExportFacts,
    NoteLine,
    NotesLevel,
    SupervisorSummary,
    notes_label,
    supervisor_summary,
)

ExportFormat: TypeAlias = Literal["md", "html", "pdf", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("md", "html", "pdf", "json")
SUMMARY_SCHEMA = "rjfacil-summary/1"
DISCLOSURE_SCHEMA = "rjfacil-disclosure/1"

__all__ = [
    "DISCLOSURE_SCHEMA",
    "EXPORT_FORMATS",
    "NOTES_LEVELS",
    "REDACTIONS",
    "SUMMARY_SCHEMA",
    "ExportFormat",
    "ExportOptions",
    "build",
    "default_file_name",
    "disclosure_document",
    "disclosure_json",
    "export_case",
    "render_export",
    "summary_document",
    "summary_json",
]


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how.

    Attributes:
        fmt: md, html, pdf or json.
        redaction: none, names (the default) or full.
        notes: none, excerpts or all (for a disclosure, the participant's notes).
        for_participant: A participant's id: their own-information disclosure instead of
            the supervisor summary.
        password: For a PDF: protect it with this password (AES-256).
    """

    fmt: ExportFormat = "md"
    redaction: Redaction = "names"
    notes: NotesLevel = "excerpts"
    for_participant: UUID | None = None
    password: str | None = None
    agreement: bool = False

    def __post_init__(self) -> None:
        if self.agreement and self.fmt == "json":
            raise ExportFailed("The printable agreement is Markdown, HTML or PDF.")
        if self.agreement and self.for_participant is not None:
            raise ExportFailed("The printable agreement is for every participant named in it.")
        if self.fmt not in EXPORT_FORMATS:
            raise ExportFailed(f"Unknown format {self.fmt!r}: use {', '.join(EXPORT_FORMATS)}.")
        if self.redaction not in REDACTIONS:
            raise ExportFailed(f"Unknown redaction {self.redaction!r}: use none, names or full.")
        if self.notes not in NOTES_LEVELS:
            raise ExportFailed(f"Unknown notes {self.notes!r}: use none, excerpts or all.")
        if self.password is not None and self.fmt != "pdf":
            raise ExportFailed("Only a PDF export can be protected with a password.")

    @property
    def kind(self) -> str:
        """The export's kind, in words (as the audit log records it)."""
        if self.agreement:
            return "printable outcome agreement"
        return "participant disclosure" if self.for_participant else "supervisor summary"


# -- documents ------------------------------------------------------------------------------


def _header(facts: ExportFacts, notes: NotesLevel) -> Header:
    return Header(
        case_reference=facts.reference,
        exported_by=facts.exported_by,
        exported_at=facts.exported_at,
        redaction=facts.redaction_label,
        notice=facts.notice,
        extra=(("Notes", notes_label(notes, facts.redaction)),),
    )


def _note(line: NoteLine, about: bool = True) -> Note:
    tags = [f"About: {line.about}"] if about else []
    tags += [line.source, line.sharing]
    if line.shortened:
        tags.append("Shortened")
    return Note(author=line.author, when=line.when, text=line.text, tags=tuple(tags))


def _agreement_blocks(view: AgreementView | None) -> list[Any]:
    """The agreement's own facts, and the money handed over, in the summary."""
    if view is None:
        return []
    blocks: list[Any] = [
        KeyValues(
            (
                ("Agreement made", view.made),
                ("Terms", view.terms or "Not recorded"),
                ("Who agreed", ", ".join(view.agreed_by) or "Not recorded"),
                ("Agreed on", view.agreed_on or "Not recorded"),
                ("Voluntary or legally binding", view.binding),
                ("How completion will be shown", view.completion_shown_by or "Not recorded"),
                (
                    "How the person harmed asked to be told",
                    view.tell_person_harmed or "Not recorded",
                ),
            )
        )
    ]
    if view.money:
        blocks.append(
            Table(
                header=("Money handed over", "When", "From and to", "Witnessed by"),
                rows=tuple(
                    (m.amount, m.handed_on, f"{m.from_whom} to {m.to_whom}", m.witness)
                    for m in view.money
                ),
            )
        )
    return blocks


def _agreement_json(view: AgreementView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "made": view.made,
        "recorded": view.recorded,
        "terms": view.terms,
        "agreed_by": list(view.agreed_by),
        "agreed_on": view.agreed_on,
        "binding": view.binding,
        "completion_shown_by": view.completion_shown_by,
        "tell_person_harmed": view.tell_person_harmed,
        "money": [
            {
                "amount": m.amount,
                "handed_on": m.handed_on,
                "from_whom": m.from_whom,
                "to_whom": m.to_whom,
                "witness": m.witness,
                "note": m.note,
            }
            for m in view.money
        ],
    }


def summary_document(summary: SupervisorSummary) -> Document:
    """The supervisor summary as a document, in the order a case supervisor checks."""
    s = summary
    progress_blocks: list[Any] = [KeyValues(s.progressing)]
    if s.case_summary:
        progress_blocks.insert(0, Paragraph(s.case_summary))
    flags = [
        Flag(
            statement=f.title + ("" if f.raised else " (cleared)"),
            reasons=(*f.reasons, f"What the guidance says ({f.reference}): {f.meaning}"),
            tone="attention" if f.raised else "info",
        )
        for f in s.flags
    ]
    risks = Table(
        header=("Risk", "Rating", "About", "Mitigation", "Review"),
        rows=tuple(
            (
                r.description,
                r.rating,
                r.about,
                r.mitigation,
                f"{r.review} ({r.review_status})" if r.review_status else r.review,
            )
            for r in s.risks
        ),
        wide=(0, 3),
        empty="No risks recorded.",
    )
    process: list[Any] = [
        KeyValues((("Process", s.process), ("Why", s.process_why or "Not recorded")))
    ]
    if s.communication:
        process.append(BulletList(s.communication))
    people: list[Any] = [
        Table(
            header=("Role", "Name", "Taking part", "Consents"),
            rows=tuple(
                (p.role, p.name, p.take_part, "\n".join(p.consents) or "None recorded")
                for p in s.people
            ),
            wide=(3,),
            empty="No participants recorded.",
        )
    ]
    if s.not_involved:
        people.append(Paragraph("Who is not involved, or not yet:"))
        people.append(BulletList(s.not_involved))
    items: list[Any] = [
        Table(
            header=("Checklist", "Question", "Guidance", "State"),
            rows=tuple(
                (i.checklist, i.ask, i.reference, f"{i.state}: {i.answer}" if i.answer else i.state)
                for i in s.items
            ),
            wide=(1,),
            empty="Every question so far is answered and none needs attention.",
        )
    ]
    if s.items_more:
        items.append(Paragraph(f"And {s.items_more} more unanswered questions."))
    actions = Table(
        header=("Action, and who does, supports and supervises it", "Due", "Status and completion"),
        rows=tuple(
            (
                f"{a.description}\nBy: {a.by_whom}\nSupported by: {a.supported_by}"
                f"\nSupervised by: {a.supervised_by}",
                a.due,
                "\n".join(
                    part
                    for part in (
                        f"{a.status} ({a.follow_up})"
                        if a.follow_up and a.follow_up != "done"
                        else a.status,
                        a.completion,
                        a.told,
                    )
                    if part
                ),
            )
            for a in s.actions
        ),
        wide=(0, 2),
        empty="No outcome agreement actions recorded.",
    )
    agreement_blocks: list[Any] = [*_agreement_blocks(s.agreement), actions]
    decisions: list[Any] = [
        Table(
            header=("Decision", "Who and when", "Why", "Manager's oversight"),
            rows=tuple(
                (
                    f"{d.point}: {d.outcome}" + ("" if d.current else " (superseded)"),
                    f"{d.decided_by}, {d.decided_on}",
                    d.reason,
                    d.oversight[:1].upper() + d.oversight[1:] if d.oversight else "Not recorded",
                )
                for d in s.decisions
            ),
            # At three to one (``wide``), the names and "Manager's oversight" broke
            # mid-word; the reason, the running text, keeps the largest share.
            widths=(2, 2, 3, 2),
            empty="No decisions recorded.",
        )
    ]
    if s.decisions_waiting:
        decisions.append(Paragraph("No decision recorded yet:"))
        decisions.append(BulletList(s.decisions_waiting))
    deadlines = Table(
        header=("What", "Guidance", "Date", "Status"),
        rows=tuple((d.label, d.reference, d.due, d.status) for d in s.deadlines),
        empty="No dates due.",
    )
    sections = [
        Section(
            "Is the case progressing?",
            tuple(progress_blocks),
            lead="Guidance E 1: whether the case is progressing satisfactorily.",
        ),
        Section(
            "Is risk assessment adequate?",
            (KeyValues(s.risk_assessment),),
            lead="Guidance E 1 and A 2(a) 6: measures in place for every important risk.",
        ),
        Section("Flags", tuple(flags), empty="No flags raised."),
        Section(
            "Decisions",
            tuple(decisions),
            lead="Suitability and go/no-go decisions: before first contact, before any direct "
            "communication, before a meeting (A 2(a) 2, 6-8); on the HMPPS route, with the "
            "manager's oversight (HMPPS 4.4, 4.21, 4.22).",
        ),
        Section("Risks and how they are managed", (risks,)),
        Section("The process chosen, and why", tuple(process)),
        Section("Who is involved, and who is not", tuple(people)),
        Section("Checklist questions to look at", tuple(items)),
        Section("Co-working", (KeyValues(s.coworking),)),
        Section(
            "Outcome agreement and follow-up",
            tuple(agreement_blocks),
            lead="A 3(c), A 3(d); NCJB 3.6: is the agreement realistic, is its completion "
            "supported, supervised and shown, and was the person harmed told as they asked?",
        ),
        Section(
            "Letters and their vetting",
            tuple(block for letter in s.letters for block in _letter_blocks(letter)),
            lead="Guidance A 3(a) 11-12: each version vetted before it is handed over.",
            empty="No letters.",
        ),
        Section(
            "Participants' feedback",
            (
                Paragraph(s.feedback_received),
                *(
                    [
                        Table(
                            header=("Shared by", "When and how", "What they said"),
                            rows=tuple(
                                (f.participant, f"{f.given_on}, {f.how.lower()}", f.said)
                                for f in s.feedback_shared
                            ),
                            wide=(2,),
                        )
                    ]
                    if s.feedback_shared
                    else []
                ),
            ),
            lead="NCJB 3.7.5: feedback at the end of a case is confidential; only what a "
            "participant agreed to share is shown here.",
        ),
        Section("Deadlines, met and due", (deadlines,)),
    ]
    if s.notes_level != "none":
        sections.append(
            Section(
                "Notes",
                tuple(_note(n) for n in s.notes),
                lead="Newest first. Private notes are never included.",
                empty="No notes.",
            )
        )
    sections.append(
        Section(
            "Recent history",
            (
                Table(
                    header=("When", "Who", "What"),
                    rows=tuple((h.when, h.who, h.what) for h in s.history),
                    wide=(2,),
                ),
            ),
        )
    )
    return Document(
        title=f"Supervisor summary: {s.facts.reference}",
        header=_header(s.facts, s.notes_level),
        sections=tuple(sections),
        language="en-GB",
    )


def disclosure_document(disclosure: ParticipantDisclosure) -> Document:
    """A participant's own information as a document."""
    d = disclosure
    sections = [
        Section(
            "Your details",
            (KeyValues(d.record),),
        ),
        Section(
            "Your consent decisions",
            (BulletList(d.consents),) if d.consents else (),
            empty="None recorded.",
        ),
        Section(
            "What you told us",
            tuple(_note(n, about=False) for n in d.own_notes),
            empty="No notes.",
        ),
        Section(
            "What others agreed may be shared with you",
            tuple(_note(n) for n in d.shared_notes),
            empty="Nothing.",
        ),
    ]
    return Document(
        title=f"Your information: {d.facts.reference}",
        header=_header(d.facts, d.notes_level),
        sections=tuple(sections),
        language="en-GB",
    )


# -- JSON ------------------------------------------------------------------------------------


def _facts_json(facts: ExportFacts) -> dict[str, Any]:
    return {
        "case_reference": facts.reference,
        "exported_by": facts.exported_by,
        "exported_at": facts.exported_at_iso,
        "redaction": facts.redaction,
        "notice": facts.notice,
    }


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for label, value in pairs]


def _notes_json(notes: tuple[NoteLine, ...]) -> list[dict[str, Any]]:
    return [
        {
            "written": n.when,
            "author": n.author,
            "about": n.about,
            "source": n.source,
            "sharing": n.sharing,
            "text": n.text,
            "shortened": n.shortened,
        }
        for n in notes
    ]


def summary_json(summary: SupervisorSummary) -> dict[str, Any]:
    """The supervisor summary in the ``rjfacil-summary/1`` schema (docs/export-schema.md)."""
    s = summary
    return {
        "schema": SUMMARY_SCHEMA,
        "export": {**_facts_json(s.facts), "notes": s.notes_level},
        "stage": s.stage,
        "case_summary": s.case_summary,
        "progress": _pairs(s.progressing),
        "risk_assessment": _pairs(s.risk_assessment),
        "flags": [
            {
                "title": f.title,
                "reference": f.reference,
                "raised": f.raised,
                "meaning": f.meaning,
                "reasons": list(f.reasons),
            }
            for f in s.flags
        ],
        "risks": [
            {
                "description": r.description,
                "rating": r.rating,
                "about": r.about,
                "mitigation": r.mitigation,
                "review": r.review,
                "review_status": r.review_status,
                "resolved": r.resolved,
            }
            for r in s.risks
        ],
        "process": {
            "chosen": s.process,
            "why": s.process_why,
            "communication": list(s.communication),
        },
        "people": [
            {
                "role": p.role,
                "name": p.name,
                "taking_part": p.take_part,
                "consents": list(p.consents),
            }
            for p in s.people
        ],
        "not_involved": list(s.not_involved),
        "checklist_items": [
            {
                "checklist": i.checklist,
                "question": i.ask,
                "reference": i.reference,
                "state": i.state,
                "answer": i.answer,
            }
            for i in s.items
        ],
        "checklist_items_more": s.items_more,
        "coworking": _pairs(s.coworking),
        "agreement_actions": [
            {
                "description": a.description,
                "by_whom": a.by_whom,
                "due": a.due,
                "status": a.status,
                "follow_up": a.follow_up,
                "supported_by": a.supported_by,
                "supervised_by": a.supervised_by,
                "completion": a.completion,
                "person_harmed_told": a.told,
            }
            for a in s.actions
        ],
        "agreement": _agreement_json(s.agreement),
        "deadlines": [
            {"what": d.label, "reference": d.reference, "due": d.due, "status": d.status}
            for d in s.deadlines
        ],
        "notes": _notes_json(s.notes),
        "history": [{"when": h.when, "who": h.who, "what": h.what} for h in s.history],
        "decisions": [
            {
                "point": d.point,
                "reference": d.reference,
                "outcome": d.outcome,
                "decided_by": d.decided_by,
                "decided_on": d.decided_on,
                "reason": d.reason,
                "oversight": d.oversight,
                "current": d.current,
            }
            for d in s.decisions
        ],
        "decisions_waiting": list(s.decisions_waiting),
        "feedback_received": s.feedback_received,
        "feedback_shared": [
            {"participant": f.participant, "given_on": f.given_on, "how": f.how, "said": f.said}
            for f in s.feedback_shared
        ],
        "letters": _letters_json(s.letters),
    }


def _letter_blocks(letter: LetterLine) -> tuple[KeyValues, Table]:
    pairs = [("Letter", letter.title), ("Status", letter.status)]
    if letter.reply_to:
        pairs.append(("Answers", letter.reply_to))
    pairs.append(("Recipient agreed to receive it", letter.recipient_agreed))
    if letter.handover_blocked:
        pairs.append(("Not yet to be handed over", "; ".join(letter.handover_blocked)))
    versions = Table(
        header=("Version", "Vetting", "Vetted by", "Reasons", "Reviews"),
        rows=tuple(
            (
                f"{v.number} ({v.written})" + (", handed over" if v.handed_over else ""),
                v.status,
                f"{v.vetted_by}, {v.vetted_at}" if v.vetted_by else "",
                v.reasons,
                "; ".join(f"{r.who} ({r.role}), {r.given_on}: {r.view}" for r in v.reviews),
            )
            for v in letter.versions
        ),
        wide=(3, 4),
    )
    return KeyValues(tuple(pairs)), versions


def _letters_json(letters: tuple[LetterLine, ...]) -> list[dict[str, Any]]:
    return [
        {
            "title": letter.title,
            "status": letter.status,
            "reply_to": letter.reply_to,
            "recipient_agreed": letter.recipient_agreed,
            "handover_blocked": list(letter.handover_blocked),
            "versions": [
                {
                    "number": v.number,
                    "written": v.written,
                    "vetting": v.status,
                    "vetted_by": v.vetted_by,
                    "vetted_at": v.vetted_at,
                    "answers": [{"question": q, "answer": a} for q, a in v.answers],
                    "reasons": v.reasons,
                    "handed_over": v.handed_over,
                    "reviews": [
                        {"who": r.who, "role": r.role, "given_on": r.given_on, "view": r.view}
                        for r in v.reviews
                    ],
                }
                for v in letter.versions
            ],
        }
        for letter in letters
    ]


def disclosure_json(disclosure: ParticipantDisclosure) -> dict[str, Any]:
    """A participant's own information in the ``rjfacil-disclosure/1`` schema."""
    d = disclosure
    return {
        "schema": DISCLOSURE_SCHEMA,
        "export": {**_facts_json(d.facts), "notes": d.notes_level},
        "participant": {"name": d.name, "role": d.role, "details": _pairs(d.record)},
        "consents": list(d.consents),
        "own_notes": _notes_json(d.own_notes),
        "shared_notes": _notes_json(d.shared_notes),
    }


# -- the door ----------------------------------------------------------------------------------


def build(case: CaseFile, options: ExportOptions) -> SupervisorSummary | ParticipantDisclosure:
    """The read model an export of ``case`` renders."""
    if options.for_participant is not None:
        return participant_disclosure(
            case, options.for_participant, options.redaction, options.notes
        )
    return supervisor_summary(case, options.redaction, options.notes)


def render_export(case: CaseFile, options: ExportOptions) -> bytes:
    """The bytes of an export of ``case`` (nothing written, nothing recorded)."""
    if options.agreement and options.fmt != "json":
        return render(agreement_document(case), options.fmt, password=options.password)
    model = build(case, options)
    if options.fmt == "json":
        data = (
            disclosure_json(model)
            if isinstance(model, ParticipantDisclosure)
            else summary_json(model)
        )
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    document = (
        disclosure_document(model)
        if isinstance(model, ParticipantDisclosure)
        else summary_document(model)
    )
    return render(document, options.fmt, password=options.password)


def preview_markdown(case: CaseFile, options: ExportOptions) -> str:
    """The Markdown rendering of an export, for a preview on screen."""
    from dataclasses import replace

    return render_export(case, replace(options, fmt="md", password=None)).decode("utf-8")


def export_case(
    case: CaseFile,
    options: ExportOptions,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """Render an export of ``case``, write it to ``path`` (0600; an existing file is kept
    unless ``overwrite``) and record it in the case's audit log (unless the vault is
    read-only, ``case.read_only``: then it cannot be recorded, and the caller says so).

    Raises:
        ExportFailed: The options or the file are wrong; nothing was written or recorded.
        NotFound: ``options.for_participant`` is not in the case.
    """
    data = render_export(case, options)
    written = write_export(path, data, overwrite=overwrite)
    if case.read_only:
        return written
    case.record_export(
        options.kind,
        options.fmt,
        "none" if options.agreement else options.redaction,
        for_participant=options.for_participant,
        notes="" if options.agreement else options.notes,
        protected=options.password is not None,
    )
    return written


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def default_file_name(reference: str, options: ExportOptions) -> str:
    """A safe file name for an export: ``RJ-2026-014-summary.pdf``."""
    stem = _UNSAFE.sub("-", reference).strip("-.") or "case"
    kind = "disclosure" if options.for_participant else "summary"
    if options.agreement:
        kind = "agreement"
    return f"{stem[:60]}-{kind}.{options.fmt}"
