"""Every flag text reads as written: no doubled full stop in a checklist file, nor where
texts are joined (a flag rule's reason after its answer, an explanation's lines) — also
for an organisation's own file whose reasons end with a full stop (issue 13)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from rjfacil.checklists.load import load_catalogue
from rjfacil.views.flags import FlagExplanation, Reason, explanation_lines, reason_line, sentence

DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)|\.\s+\.")  # ".." or ". ." but not an ellipsis "..."

CATALOGUE = load_catalogue()


def _reasons() -> list[Reason]:
    found = []
    for checklist in CATALOGUE.checklists:
        for item in checklist.items:
            for rule in item.flags:
                for value in rule.when:
                    found.append(
                        Reason(
                            ask=item.ask,
                            answer=item.describe(value),
                            reference=item.reference,
                            why=rule.why,
                            participant="Ana Silva (person harmed)",
                            answered_by="Sam Okafor",
                            answered_at=datetime(2026, 3, 2, tzinfo=UTC),
                        )
                    )
    return found


def test_no_flag_text_has_a_doubled_full_stop() -> None:
    reasons = _reasons()
    assert reasons
    texts = [reason_line(reason) for reason in reasons]
    for flag in CATALOGUE.flags.values():
        explained = FlagExplanation(
            flag_id=flag.id,
            title=flag.heading,
            reference=flag.reference,
            meaning=flag.meaning,
            asks=list(flag.next_steps),
            raised=True,
            reasons=reasons[:3],
            via=[],
            override=None,
            blocking=flag.blocking,
        )
        texts += [flag.heading, flag.meaning, *flag.next_steps, *explanation_lines(explained)]
    doubled = [text for text in texts if DOUBLED.search(text)]
    assert not doubled, doubled


@pytest.mark.parametrize(
    ("why", "shown"),
    [
        ("The case needs specialist knowledge", "The case needs specialist knowledge."),
        ("The case needs specialist knowledge.", "The case needs specialist knowledge."),
        ("Is it safe?", "Is it safe?"),
    ],
)
def test_a_reason_ends_with_one_full_stop_however_it_is_written(why: str, shown: str) -> None:
    reason = Reason("Ask?", "yes", "A 1", why, None, "Sam Okafor", None)
    assert reason_line(reason) == f"Ask? — yes (A 1). {shown}"
    assert sentence(why) == shown


def test_no_checklist_file_has_a_doubled_full_stop() -> None:
    from rjfacil.checklists.locate import builtin_dir

    for path in sorted(builtin_dir().glob("*.toml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not DOUBLED.search(line), f"{path.name}:{number}: {line}"
