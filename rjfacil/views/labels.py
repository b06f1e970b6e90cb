"""How things are named on screen and in exports: one home for every label."""

from __future__ import annotations

from rjfacil.views.summary import CaseSummary

FLAG_SHORT_LABELS: dict[str, str] = {
    "sensitive_complex": "Sensitive & complex",
    "co_working_advised": "Co-working",
    "managerial_oversight": "Oversight",
    "specialist_referral": "Specialist referral",
    "risk_unmanaged": "Risk not managed",
}
"""Short labels for the case list; the case view shows each flag's full title."""

UNREADABLE_LABEL = "Unreadable file"


def flag_label(flag_id: str) -> str:
    """A short readable label for a flag id (unknown ids made readable, not hidden)."""
    return FLAG_SHORT_LABELS.get(flag_id) or flag_id.replace("_", " ").strip().capitalize()


def row_flag_labels(row: CaseSummary) -> list[str]:
    """What the case list says of a case's state: its raised flags, or that it is unreadable."""
    labels = [flag_label(flag) for flag in row.flags]
    return [UNREADABLE_LABEL, *labels] if row.unreadable else labels
