"""The rules a case reference follows, wherever a case gets one or changes it.

A reference is how a facilitator names a case on the command line (``rjfacil show REF``)
and in the case list, so it must stay one short line and must never be mistaken for a
case id: ``find_case`` takes either, and a reference shaped like an id could open the
wrong case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from uuid import UUID

from rjfacil.casedoc.model import Case
from rjfacil.errors import InvalidReference

MAX_LENGTH: int = Case.model_fields["reference"].metadata[0].max_length
"""The model's own limit, so the message and the model cannot disagree."""

# C0 controls (newline and tab included: a reference is one line), DEL, C1 controls, the
# Unicode line and paragraph separators, and the bidirectional overrides and isolates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_HEX = "[0-9a-fA-F]"
# A UUID as people and programs write it: with or without hyphens, braces or "urn:uuid:".
_UUID_SHAPED = re.compile(
    rf"(?:urn:uuid:)?\{{?{_HEX}{{8}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{12}}\}}?",
    re.IGNORECASE,
)
# The shortest start of an id that find_case takes (rjfacil.workspace.MIN_ID_PREFIX).
MIN_ID_PREFIX = 4


def check_reference(text: str) -> str:
    """The reference as it will be stored (without surrounding spaces), if it is one.

    Raises:
        InvalidReference: Empty, longer than the model allows, not one line of printable
            text, or shaped like a case id.
    """
    reference = text.strip()
    if not reference:
        raise InvalidReference("A case needs a reference.")
    if len(reference) > MAX_LENGTH:
        raise InvalidReference(
            f"A case reference has at most {MAX_LENGTH} characters; this one has "
            f"{len(reference)}. Nothing was saved."
        )
    if _CONTROL.search(reference):
        raise InvalidReference(
            "A case reference is one line of plain text: no line breaks, tabs or control "
            "characters. Nothing was saved."
        )
    if _UUID_SHAPED.fullmatch(reference):
        raise InvalidReference(
            "A case reference cannot look like a case id: rjfacil would take it for one. "
            "Choose another, e.g. RJ-2026-015. Nothing was saved."
        )
    return reference


def check_reference_among(
    text: str,
    others: Iterable[tuple[UUID, str]],
    own: UUID | None = None,
) -> str:
    """:func:`check_reference`, and that no other case has it or an id starting with it.

    Args:
        text: The reference given.
        others: Every case's (id, reference) in the vault.
        own: The id of the case being given the reference (its own id and reference are
            no clash for the reference, but its id still is for the id check).

    Raises:
        InvalidReference: As :func:`check_reference`, or it is another case's reference,
            or the start of a case id (``rjfacil show`` would open that case).
    """
    reference = check_reference(text)
    others = list(others)
    lowered = reference.lower()
    ids = [case_id for case_id, _ in others]
    if own is not None:
        ids.append(own)
    for case_id, existing in others:
        if case_id != own and existing == reference:
            raise InvalidReference(
                f"A case with reference {reference} already exists. Nothing was saved."
            )
    if len(reference) >= MIN_ID_PREFIX and any(str(i).startswith(lowered) for i in ids):
        raise InvalidReference(
            f"A case reference cannot be the start of a case id ({reference} starts one): "
            "rjfacil would take it for that case. Choose another. Nothing was saved."
        )
    return reference
