"""The printable outcome agreement (A 3(c); NCJB 3.6): the document the participants read
and sign, drawn like every export (Markdown, HTML, PDF, with the same escaping).

Names are shown in full: the participants named in it sign it, so roles and initials
would not do. Nothing else of the case is in it: no notes, no risks, no history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rjfacil.export.document import (
    BulletList,
    Document,
    Header,
    KeyValues,
    Paragraph,
    Section,
    Table,
)
from rjfacil.views.agreement import agreement_view
from rjfacil.views.labels import role_label
from rjfacil.views.redaction import redactor_for
from rjfacil.views.supervision import export_facts

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

TITLE = "Outcome agreement"
NOTICE = (
    "Names shown: the participants read and sign this agreement. Keep it as safely as the "
    "case notes, and give a copy only to those named in it."
)
SIGN_HERE = "____________________"


def agreement_document(case: CaseFile) -> Document:
    """The case's outcome agreement as a document to print and sign."""
    redactor = redactor_for(case, "none")
    facts = export_facts(case, redactor)
    view = agreement_view(case, redactor)
    header = Header(
        case_reference=facts.reference,
        exported_by=facts.exported_by,
        exported_at=facts.exported_at,
        redaction="Names shown",
        notice=NOTICE,
    )
    terms: list[Any] = []
    if view.terms:
        terms.append(Paragraph(view.terms))
    terms.append(
        KeyValues(
            (
                ("Voluntary or legally binding", view.binding),
                ("Agreed on", view.agreed_on or "Not recorded"),
            )
        )
    )
    actions = Table(
        header=("What will be done", "By whom", "Supported by", "Supervised by", "By when"),
        rows=tuple(
            (a.description, a.by_whom, a.supported_by, a.supervised_by, a.due) for a in view.actions
        ),
        # At three to one (``wide``), "Supervised by" and the names broke mid-word in a
        # browser; what will be done, the running text, keeps the largest share.
        widths=(3, 2, 2, 2, 2),
        empty="No actions recorded.",
    )
    completion: list[Any] = [
        KeyValues(
            (
                ("How completion will be shown", view.completion_shown_by or "Not recorded"),
                (
                    "How the person harmed asked to be told of completion",
                    view.tell_person_harmed or "Not recorded",
                ),
            )
        )
    ]
    money = Table(
        header=("Amount", "Handed over on", "From", "To", "Witnessed by"),
        rows=tuple((m.amount, m.handed_on, m.from_whom, m.to_whom, m.witness) for m in view.money),
        empty="No money handed over yet.",
    )
    agreed = agreement_signatories(case)
    signatures = Table(
        header=("Name", "Taking part as", "Signature", "Date"),
        rows=tuple((name, role, SIGN_HERE, SIGN_HERE) for name, role in agreed),
        empty="No participants recorded as agreeing.",
    )
    sections = (
        Section(
            "The agreement",
            tuple(terms),
            lead="What the participants agreed, in their own words (A 3(c) 1, 6).",
        ),
        Section(
            "Who agreed",
            (BulletList(view.agreed_by),) if view.agreed_by else (),
            empty="Not recorded.",
        ),
        Section(
            "What will be done, and who helps",
            (actions,),
            lead="Each action, who will do it, who supports it and who supervises it "
            "(A 3(c) 1, 3; A 3(d) 1).",
        ),
        Section("Completion", tuple(completion), lead="A 3(d) 2-4; NCJB 3.6.4-3.6.6."),
        Section(
            "Money handed over",
            (money,),
            lead="Every sum handed over is documented and witnessed (A 3(c) 4).",
        ),
        Section("Signatures", (signatures,)),
    )
    return Document(title=f"{TITLE}: {facts.reference}", header=header, sections=sections)


def agreement_signatories(case: CaseFile) -> list[tuple[str, str]]:
    """Each participant recorded as agreeing, with the role they take part as."""
    agreement = case.agreement
    if agreement is None:
        return []
    people = {p.id: p for p in case.participants}
    return [
        (people[pid].name, role_label(people[pid].role))
        for pid in agreement.agreed_by
        if pid in people
    ]
