"""Screens render and dispatch: what a case means comes from rjfacil.views.

A screen that counts progress, evaluates flags, works out deadlines, reads the clock or
compares due dates is a second truth waiting to drift from the exports (STYLE.md B).
The import-linter contract keeps screens away from the engine and the clock; this test
reads every screen's code and fails on the patterns that import rules cannot see.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENS = sorted((ROOT / "screens").glob("*.py"))

# Engine functions a screen must not call: views has the read model of each. Answers
# are saved through rjfacil.views.flags.record_answer, which says which flags an answer
# newly raised, so no screen diffs the flags around a save.
ENGINE_CALLS = {
    "answer",
    "is_answered",
    "progress",
    "evaluate_flags",
    "deadlines",
    "next_unanswered",
    "applicable",
    "current_answers",
    "add_working_days",
}
# Names that hold dates a case is due by, or today: comparing or subtracting them is
# deciding "overdue" or "in N days", which views does.
DATE_WORDS = {
    "today",
    "due",
    "next_deadline",
    "review_date",
    "meeting_date",
    "referral_date",
}
ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)


def _names(node: ast.AST) -> set[str]:
    """Every identifier in an expression: names, and attribute names."""
    found = set()
    for each in ast.walk(node):
        if isinstance(each, ast.Name):
            found.add(each.id)
        elif isinstance(each, ast.Attribute):
            found.add(each.attr)
    return found


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def computations(source: str, filename: str = "<screen>") -> list[str]:
    """What a screen's code computes that views should: one line per finding."""
    found = []
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            name = _called(node)
            if name in ENGINE_CALLS:
                found.append(f"{where}: calls {name}() (ask rjfacil.views)")
            if name == "today":
                found.append(f"{where}: reads today (rjfacil.views.dates decides days)")
            if name in ("astimezone", "strftime"):
                found.append(f"{where}: formats a date itself (rjfacil.views.dates)")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in {
                ("date", "today"),
                ("datetime", "now"),
                ("datetime", "utcnow"),
                ("clock", "now"),
                ("clock", "today"),
            }:
                found.append(f"{where}: reads the clock ({node.value.id}.{node.attr})")
        elif isinstance(node, ast.Compare):
            if any(isinstance(op, ORDERING) for op in node.ops):
                operands = [node.left, *node.comparators]
                words = set().union(*(_names(each) for each in operands)) & DATE_WORDS
                if words:
                    found.append(f"{where}: compares dates ({', '.join(sorted(words))})")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            words = (_names(node.left) | _names(node.right)) & DATE_WORDS
            if words:
                found.append(f"{where}: subtracts dates ({', '.join(sorted(words))})")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = ast.unparse(node.format_spec)
            if "%" in spec:
                found.append(f"{where}: formats a date itself ({spec})")
    return found


@pytest.mark.parametrize("path", SCREENS, ids=lambda path: path.name)
def test_screens_compute_no_progress_flags_deadlines_or_dates(path: Path) -> None:
    assert computations(path.read_text(encoding="utf-8"), path.name) == []


# What screens did before views held it (each taken from the screens of a1199f9): the
# check must find every one of them.
OLD_PATTERNS = {
    "progress": (
        "report = progress(case.catalogue, case.answer_facts(), case.participant_facts())"
    ),
    "next step": "item = next_unanswered(row.target, facts)",
    "answered count": "n = sum(1 for each in self.items if each.is_answered(values.get(each.id)))",
    "flags diffed around an answer": (
        "before = {state.flag.id for state in flags(case) if state.raised}\n"
        "case.answer(self.checklist_id, item.id, value, self.participant_id, note=note)"
    ),
    "targets of": "found = [t for t in applicable(case.catalogue, answers, facts)]",
    "overdue on the overview": "late = due.due < today",
    "overdue in the case list": "if row.next_deadline < today:\n    pass",
    "overdue action": (
        "late = action.due is not None and action.due < today and action.status is OPEN"
    ),
    "overdue risk": "if risk.review_date and risk.review_date < today and not risk.resolved: pass",
    "today, UTC": "today = clock.today()",
    "today, local": "today = clock.now().astimezone().date()",
    "today of a date": "today = date.today()",
    "now": "moment = datetime.now(UTC)",
    "days until": "delta = (day - today).days",
    "same day": "if day == today:\n    pass",
    "local day of a moment": "show_day(n.created_at.astimezone().date())",
    "date format": 'text = f"{day:%a} {day.day} {day:%b}"',
}


@pytest.mark.parametrize("snippet", OLD_PATTERNS.values(), ids=OLD_PATTERNS.keys())
def test_the_check_finds_what_screens_used_to_compute(snippet: str) -> None:
    assert computations(snippet) != []


def test_the_check_leaves_rendering_alone() -> None:
    rendering = (
        "status = due.status()\n"
        "style = 'bold $text-warning' if status.overdue else 'bold'\n"
        "if action.due is not None and self.index + 1 < len(self.items): pass\n"
        "progress = self.query_one(ProgressBar)\n"
        "progress.update(total=3, progress=1)\n"
        "text = f'{when:<20}'\n"
    )
    assert computations(rendering) == []
