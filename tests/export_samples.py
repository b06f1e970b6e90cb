"""Documents for the export tests and bench/export_budgets.py: a hostile one, a builder that
puts one text everywhere, and a long, realistic supervisor summary."""

from __future__ import annotations

import random

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

TEXTUAL = "[@click=app.quit]quit[/] [bold red]loud[/]"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
MD_LINK = "[click me](javascript:alert(3)) ![img](http://evil.example/x.png) <http://evil.example>"
ESCAPES = "\x1b[31mred\x1b[0m\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \x07\x00\x9b1m"
BIDI = "\u202egnp.exe\u202c \u2066isolate\u2069 \u202dLRO\u202c"
MD_SYNTAX = (
    "*em* _em_ **strong** __strong__ `code` ~~gone~~ | pipe | $x$ &amp; &#60;b&#62; a@b.example"
)
LINE_STARTS = (
    "# heading\n> quote\n- item\n+ item\n* item\n1. one\n2) two\n    code\n---\n===\n```\nfence"
)
URLS = "https://evil.example/path www.evil.example mailto:x@evil.example"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 40
NAMES = "Zażółć Gęślą Jaźń · Ёжик Иванов · Ελένη · محمد عبد الله · שרה · नमस्ते · 张伟 · 김민준"

HOSTILE = " ".join((TEXTUAL, SCRIPT, IMG, MD_LINK, ESCAPES, BIDI, MD_SYNTAX, URLS))


def hostile_document() -> Document:
    """Every field holds markup, script, escapes and overrides; some blocks are huge."""
    ten_k = ("A long note. " + HOSTILE + "\n") * 30
    ten_k = (ten_k * (10_000 // len(ten_k) + 1))[:10_000]
    return Document(
        title=f"Supervisor summary {HOSTILE}",
        header=Header(
            case_reference=f"RJ-2025-017 {SCRIPT} {ESCAPES} {BIDI}",
            exported_by=f"Sam Okafor {TEXTUAL} {IMG}",
            exported_at="4 December 2025, 16:40 UTC",
            redaction=f"None: names shown {MD_SYNTAX}",
            notice=f"Names shown: this export contains personal data {SCRIPT}",
            extra=((f"Notes {MD_LINK}", f"All {BIDI}"),),
        ),
        sections=(
            Section(
                f"Risk {HOSTILE}",
                lead=f"Is the risk assessment adequate? {HOSTILE}\n{LINE_STARTS}",
                blocks=(
                    Flag(
                        f"Sensitive and complex {HOSTILE}",
                        (NAMES, HOSTILE, LINE_STARTS),
                        "blocking",
                    ),
                    Flag(HOSTILE, (), "attention"),
                    Flag("", (HOSTILE,), "info"),
                    Paragraph(f"{HOSTILE}\n{LINE_STARTS}\n{URLS}\n{LONG_WORD}"),
                    BulletList((HOSTILE, LINE_STARTS, "", LONG_WORD)),
                    KeyValues(((HOSTILE, HOSTILE), (LINE_STARTS, LINE_STARTS), ("", ""))),
                    Table(
                        (f"When {SCRIPT}", f"Risk | {MD_LINK}", "Mitigation"),
                        (
                            ("1 Dec", HOSTILE, LINE_STARTS),
                            (LONG_WORD, "", ten_k),
                            ("", "", ""),
                        ),
                        wide=(1, 2),
                    ),
                    Table((HOSTILE,), ()),
                    Note(f"Sam {HOSTILE}", f"3 Dec {SCRIPT}", ten_k, (HOSTILE, NAMES)),
                    Note("", "", "", ()),
                    Note(NAMES, "today", f"{LINE_STARTS}\n\n\n{HOSTILE}\r\nCRLF line\rCR line"),
                ),
            ),
            Section(f"Empty {HOSTILE}", empty=f"Nothing {SCRIPT}"),
            Section("Names", lead=None, blocks=(Paragraph(NAMES), BulletList(()))),
        ),
    )


def everywhere(text: str) -> Document:
    """A document of every block type with ``text`` in every field."""
    return Document(
        title=text,
        header=Header(text, text, text, text, text, ((text, text),)),
        sections=(
            Section(
                text,
                lead=text,
                blocks=(
                    Paragraph(text),
                    BulletList((text, text)),
                    KeyValues(((text, text),)),
                    Table((text, text), ((text, text),), wide=(1,), empty=text),
                    Table((text,), (), empty=text),
                    Flag(text, (text,), "blocking"),
                    Note(text, text, text, (text,)),
                ),
            ),
            Section(text, empty=text),
        ),
    )


SENTENCES = (
    "Met at the community centre; the person harmed brought their sister as a supporter.",
    "They want to know why it happened to them and whether it could happen again.",
    "Discussed what a face-to-face meeting would involve and what it would not.",
    "He accepts responsibility for the burglary but minimises the effect on the family.",
    "Agreed to think about a letter first, to be vetted before anything is handed over.",
    "Risk: contact with the co-defendant; probation confirms no contact conditions apply.",
    "Follow-up call booked for Thursday; she prefers calls after 6 pm.",
    "Co-worker to review the preparation notes before the joint meeting.",
    "Raised the possibility of a shuttle process if a meeting feels too much.",
    "Safeguarding checked with the referring officer: no concerns recorded.",
)


MONTHS = ("March", "April", "May")


def long_summary(notes: int, seed: int = 7) -> Document:
    """A supervisor summary the size of a real one: facts, flags, risk, people, deadline and
    history tables, and ``notes`` notes of 2-6 sentences, the same for the same seed."""
    rng = random.Random(seed)

    def text(low: int, high: int) -> str:
        return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(low, high)))

    roles = ("Person harmed (A.)", "Person responsible (B.)", "Supporter (C.)")
    note_blocks = tuple(
        Note(
            author=rng.choice(("Sam Okafor", "Jo Wiśniewska")),
            when=f"{1 + i % 28} {rng.choice(MONTHS)} 2025, 1{i % 10}:{i % 60:02d}",
            text=text(2, 6).replace("; ", ";\n", 1),
            tags=(
                f"About: {rng.choice(roles)}",
                rng.choice(("From the participant", "Own assessment")),
            ),
        )
        for i in range(notes)
    )
    return Document(
        title="Supervisor summary",
        header=Header(
            case_reference="RJ-2025-0417",
            exported_by="Sam Okafor",
            exported_at="4 December 2025, 16:40 UTC",
            redaction="Names replaced by roles",
            notice="Redacted: names are replaced by roles and initials.",
            extra=(("Notes", "All shareable notes"),),
        ),
        sections=(
            Section(
                "Is the case progressing?",
                lead="Stage, checklist progress and what is next.",
                blocks=(
                    KeyValues(tuple((f"Fact {i}", text(1, 2)) for i in range(10))),
                    BulletList(tuple(text(1, 1) for _ in range(8))),
                ),
            ),
            Section(
                "Flags",
                blocks=tuple(
                    Flag(text(1, 1), tuple(text(1, 1) for _ in range(3)), tone)
                    for tone in ("blocking", "attention", "attention", "info", "info")
                ),
            ),
            Section(
                "Risks and mitigations",
                blocks=(
                    Table(
                        ("Risk", "Mitigation", "Review", "Owner"),
                        tuple((text(1, 2), text(1, 3), "12 May 2025", "Sam") for _ in range(12)),
                        wide=(0, 1),
                    ),
                ),
            ),
            Section(
                "Who is involved",
                blocks=(
                    Table(
                        ("Person", "Role", "Consent", "Notes"),
                        tuple(
                            (r, "Participant", "Written, 2 Mar 2025", text(1, 1)) for r in roles * 2
                        ),
                        wide=(3,),
                    ),
                ),
            ),
            Section(
                "Concerning checklist items",
                blocks=(BulletList(tuple(text(1, 1) for _ in range(20))),),
            ),
            Section(
                "Deadlines",
                blocks=(
                    Table(
                        ("Due", "What", "Status"),
                        tuple((f"{d} May 2025", text(1, 1), "Due") for d in range(1, 16)),
                        wide=(1,),
                    ),
                ),
            ),
            Section("Outcome agreement", blocks=(Paragraph(text(4, 8)),)),
            Section(
                "Recent history",
                blocks=(
                    Table(
                        ("When", "Who", "What"),
                        tuple((f"{d} May 2025", "Sam", text(1, 1)) for d in range(1, 31)),
                        wide=(2,),
                    ),
                ),
            ),
            Section("Notes", blocks=note_blocks),
        ),
    )
