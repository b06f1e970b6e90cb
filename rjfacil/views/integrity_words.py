"""What the vault's integrity check found, in words: one line per finding, naming the case.

The command line and the app say the same thing; only the way to put it right differs
(a command to run, or opening the case, which offers the restore).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rjfacil.vault.integrity import INDEX_NAME, Finding, Kind

Remedy = Literal["cli", "app"]
RECORD = "the vault's record of its files (manifest.rjv)"
REPAIRED_FROM_FILES = (
    "it was made again from the files as they are (a case file that its backup, the case "
    "list or the case's backups remember is reported missing), so a case file put back from "
    "an older copy before now would not be noticed"
)


@dataclass(frozen=True)
class Backup:
    """The version a restore would put back: its file name, and for an older file whether
    it is newer than the file in place."""

    name: str
    newer: bool = True


def _restore(command: str, how: Remedy, keep: bool = False) -> str:
    if how == "cli":
        return f"'rjfacil case restore {command}' " + (
            "keeps the file as it is" if keep else "puts it back"
        )
    return "open the case to " + ("keep the file as it is" if keep else "put it back")


def _offer(finding: Finding, command: str, backup: Backup | None, how: Remedy | None) -> str:
    """The version a restore would put back; the app names no file (opening the case
    offers it), the command line and error messages name the backup's file."""
    if finding.kind is Kind.OLDER and (backup is None or not backup.newer):
        if how is None:
            return "No newer backup exists."
        return f"No newer backup exists; {_restore(command, how, keep=True)}."
    if backup is None:
        return "No good backup of it was found."
    found = "A newer backup exists" if finding.kind is Kind.OLDER else "A good backup exists"
    if how != "app":
        found = f"{found} ({backup.name})"
    return f"{found}; {_restore(command, how)}." if how else f"{found}."


def case_named(reference: str, case_id: str) -> str:
    """How a message names a case: by its reference, or by its id if it is not known."""
    return f"Case {reference}" if reference else f"The case with id {case_id[:8]}"


def what_is_wrong(finding: Finding, case: str, other: str = "") -> str:
    """The finding about ``case`` (see :func:`case_named`; ``other``: the reference of the
    case whose file it holds)."""
    if finding.kind is Kind.MISSING:
        return f"{case}: its file is missing (deleted or moved away)."
    if finding.kind is Kind.OLDER:
        return (
            f"{case}: its file is an older copy than the one the vault last saved (put back "
            "from a copy?), so what was saved since is not in it."
        )
    if finding.kind is Kind.SWAPPED:
        whose = f"case {other}'s" if other else "another case's"
        return f"{case}: its file was replaced by {whose} file (swapped or copied over)."
    if finding.kind is Kind.AHEAD:
        return (
            f"{case}: its file is newer than {RECORD} says (that record was put back from an "
            "older copy, or lost its latest entries); the newer file is kept."
        )
    if finding.kind is Kind.UNLISTED:
        return (
            f"{case}: its file was not in {RECORD} (written by an older rjfacil, or put back "
            "from a copy of the vault); it is listed now."
        )
    return f"{case}: {finding.detail}"


def case_line(
    finding: Finding,
    reference: str,
    case_id: str,
    *,
    other: str = "",
    backup: Backup | None = None,
    how: Remedy | None = "cli",
) -> str:
    """One line: what is wrong with the case and, if its use is blocked, the version a
    restore would put back (and, with ``how``, how to do it there).

    Args:
        reference: The case's reference ("" if not known: the case is named by its id).
        case_id: The case's id.
    """
    line = what_is_wrong(finding, case_named(reference, case_id), other)
    if finding.blocking:
        line = f"{line} {_offer(finding, reference or case_id[:8], backup, how)}"
    return line


def vault_line(finding: Finding) -> str:
    """One line on a finding about the index or the manifest itself."""
    if finding.name == INDEX_NAME:
        happened = {
            Kind.MISSING: "was missing",
            Kind.OLDER: "was an older copy than the one the vault last saved",
            Kind.SWAPPED: "had been replaced by another file",
            Kind.DAMAGED: f"did not open ({finding.detail.rstrip('.')})",
        }.get(finding.kind)
        if happened:
            return f"The case list (index.rjv) {happened}; it was rebuilt from the case files."
        return f"The case list (index.rjv) was newer than {RECORD} says; it is listed now."
    if finding.kind is Kind.MANIFEST_LOST:
        return f"{RECORD[0].upper()}{RECORD[1:]} was missing; {REPAIRED_FROM_FILES}."
    if finding.kind is Kind.MANIFEST_DAMAGED:
        return (
            f"{RECORD[0].upper()}{RECORD[1:]} did not open ({finding.detail.rstrip('.')}); "
            f"{REPAIRED_FROM_FILES}."
        )
    if finding.kind is Kind.JOURNAL_DAMAGED:
        return (
            f"The vault's record of its latest saves (manifest.log) was damaged "
            f"({finding.detail}); case files newer than its last good entry were kept."
        )
    return f"{finding.kind}: {finding.name} {finding.detail}".strip()
