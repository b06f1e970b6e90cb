"""Whole-vault integrity: the files on disk against the manifest's record of them.

Which files are witnessed (case files and the index), what a difference means, and what
opening the vault does about it. The manifest itself is in :mod:`rjfacil.store.manifest`.

A witnessed file that differs from its manifest entry is decrypted, and the number of
the write that made it (its stamp) decides:

- the next write after the manifest's last (one only): a save interrupted between the
  file and its record; finished silently;
- the write the manifest records, under another key: re-encrypted by a key change; its
  digest is brought up to date silently;
- newer still, or newer than recorded: the manifest is older than the files (put back,
  or records lost); the files are kept, and that is reported;
- an earlier write (or, under the same key, not the recorded one): an older copy put back;
- the file of another listed name: swapped or copied over;
- no file: deleted or moved;
- not decrypting at all: damaged or tampered with.

The last four block the file's use until it is restored (the entry stays as it is, so the
finding stands at every open); the others are repaired at once and reported once.
Rolling every file back together (manifest included) to an earlier state of the vault
cannot be told from that state: that needs something outside the folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from uuid import UUID

from rjfacil.errors import RjfacilError
from rjfacil.store import rjv
from rjfacil.store.durable import backups_of
from rjfacil.store.manifest import (
    MANIFEST_NAME,
    Entry,
    ManifestState,
    key_check,
    new_journal_id,
    parse_snapshot,
    take_stamp,
)

CASES = "cases"
BACKUPS = "backups"
INDEX_NAME = "index.rjv"


class Kind(StrEnum):
    MISSING = "missing"
    OLDER = "older"
    SWAPPED = "swapped"
    DAMAGED = "damaged"
    AHEAD = "ahead"
    UNLISTED = "unlisted"
    MANIFEST_LOST = "manifest-lost"
    MANIFEST_DAMAGED = "manifest-damaged"
    JOURNAL_DAMAGED = "journal-damaged"


BLOCKING = frozenset({Kind.MISSING, Kind.OLDER, Kind.SWAPPED, Kind.DAMAGED})


@dataclass(frozen=True)
class Finding:
    """One difference between the files and the manifest.

    Attributes:
        kind: What it is.
        name: The file's logical name ("cases/<uuid>.rjv", "index.rjv"); "" for the
            manifest itself.
        other: For SWAPPED, the name whose file it holds.
        detail: For DAMAGED and the manifest's own findings, what was wrong.
    """

    kind: Kind
    name: str = ""
    other: str = ""
    detail: str = ""

    @property
    def blocking(self) -> bool:
        """The file cannot be used until it is restored (or kept, for an older copy)."""
        return self.kind in BLOCKING


def case_name(case_id: UUID) -> str:
    return f"{CASES}/{case_id}.rjv"


def case_id_of(name: str) -> UUID | None:
    """The case id a logical name is the file of, or None (the index)."""
    folder, _, file = name.partition("/")
    if folder != CASES or not file.endswith(".rjv"):
        return None
    try:
        return UUID(file[:-4])
    except ValueError:
        return None


def witnessed_on_disk(home: Path) -> dict[str, Path]:
    """Every witnessed file in the folder: case files named by a case id, and the index."""
    found: dict[str, Path] = {}
    try:
        entries = list(os.scandir(home / CASES))
    except FileNotFoundError:
        entries = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
            continue
        name = f"{CASES}/{entry.name}"
        if case_id_of(name) is not None:
            found[name] = Path(entry.path)
    index = home / INDEX_NAME
    if index.is_file():
        found[INDEX_NAME] = index
    return found


def read_stamp(key: bytes, data: bytes, path: Path, name: str) -> int:
    """The number of the write that made ``data`` (0 if it carries none: written before
    the manifest, or a document of an older layout, such as rjfacil 0.1's index).

    Raises:
        DamagedFile, TamperedFile: It does not decrypt as a document of ``name``.
    """
    document = rjv.unseal_json(key, data, path, name)
    return take_stamp(document) if isinstance(document, dict) else 0


def swapped_with(key: bytes, data: bytes, path: Path, name: str, state: ManifestState) -> str:
    """The other listed name whose file ``data`` is, or "".

    The current version of another file is found by its digest; an older one by trying
    to decrypt it as each other file (files are bound to their name, so only one can fit).
    """
    digest = rjv.digest(data)
    others = [other for other in state.files if other != name]
    for other in others:
        if digest and state.files[other].digest == digest:
            return other
    for other in others:
        try:
            rjv.unseal(key, data, path, other)
        except RjfacilError:
            continue
        return other
    return ""


@dataclass
class _Newer:
    name: str
    counter: int
    digest: str


def reconcile(
    key: bytes, state: ManifestState, on_disk: dict[str, Path]
) -> tuple[list[Finding], bool]:
    """Compare the files with the manifest, repairing what an interrupted save or a key
    change explains; ``state`` is brought up to date in place.

    Returns:
        The findings, and whether ``state`` changed (it should be written).
    """
    findings: list[Finding] = []
    changed = False
    fresh = state.key_check == key_check(key)
    newer: list[_Newer] = []
    for name, entry in sorted(state.files.items()):
        path = on_disk.get(name)
        if path is None:
            findings.append(Finding(Kind.MISSING, name))
            continue
        try:
            if rjv.read_digest(path) == entry.digest:
                continue
            data = path.read_bytes()
        except OSError as error:
            findings.append(Finding(Kind.DAMAGED, name, detail=f"{path}: {error.strerror}"))
            continue
        try:
            counter = read_stamp(key, data, path, name)
        except RjfacilError as error:
            other = swapped_with(key, data, path, name, state)
            findings.append(
                Finding(Kind.SWAPPED, name, other=other)
                if other
                else Finding(Kind.DAMAGED, name, detail=str(error))
            )
            continue
        if counter > entry.counter:
            newer.append(_Newer(name, counter, rjv.digest(data)))
        elif counter == entry.counter and not fresh:
            entry.digest = rjv.digest(data)  # re-encrypted under a new key
            changed = True
        else:
            findings.append(Finding(Kind.OLDER, name))
    for name, path in sorted(on_disk.items()):
        if name in state.files:
            continue
        try:
            data = path.read_bytes()
            counter = read_stamp(key, data, path, name)
        except (OSError, RjfacilError) as error:
            findings.append(Finding(Kind.DAMAGED, name, detail=str(error)))
            continue
        if counter > state.generation:
            newer.append(_Newer(name, counter, rjv.digest(data)))
        else:
            findings.append(Finding(Kind.UNLISTED, name))
            state.files[name] = Entry(counter, rjv.digest(data))
            changed = True
    step = state.generation + 1
    for found in sorted(newer, key=lambda each: each.counter):
        # Exactly the next write, first of its number: a save the manifest did not hear
        # of. Anything else newer means the manifest lost writes it had recorded.
        if found.counter != step:
            findings.append(Finding(Kind.AHEAD, found.name))
        step = 0
        known = state.files.get(found.name)
        if known is None:
            state.files[found.name] = Entry(found.counter, found.digest)
        else:
            known.counter, known.digest = found.counter, found.digest
        state.generation = max(state.generation, found.counter)
        changed = True
    if not fresh:
        changed = True  # the snapshot records the key it was checked under
    return findings, changed


def build(key: bytes, on_disk: dict[str, Path]) -> tuple[ManifestState, list[Finding]]:
    """A manifest made from the files as they are (for a vault that has none yet).

    Every file is decrypted once, for the number of the write that made it. A file that
    does not decrypt is reported and left out (it is not known which write it is).
    """
    state = ManifestState(new_journal_id(), key_check=key_check(key))
    findings: list[Finding] = []
    for name, path in sorted(on_disk.items()):
        try:
            data = path.read_bytes()
            counter = read_stamp(key, data, path, name)
        except (OSError, RjfacilError) as error:
            findings.append(Finding(Kind.DAMAGED, name, detail=str(error)))
            continue
        state.files[name] = Entry(counter, rjv.digest(data))
        state.generation = max(state.generation, counter)
    return state, findings


def known_elsewhere(key: bytes, home: Path, on_disk: dict[str, Path]) -> dict[str, int]:
    """Case files that are gone but that the vault still remembers, when its manifest is
    lost or damaged and is made again from the files present.

    Three witnesses, any one enough: the newest manifest backup that opens (with each
    file's last write number), the case list's rows (index.rjv), and the kept versions
    of case files in backups/.

    Returns:
        Each such case file's logical name, with its last write number known (0 if none).
    """
    known: dict[str, int] = {}
    for backup in backups_of(home / MANIFEST_NAME, home / BACKUPS):
        try:
            document = rjv.unseal_json(key, backup.read_bytes(), backup, MANIFEST_NAME)
            state = parse_snapshot(document, backup)
        except (OSError, RjfacilError):
            continue
        for name, entry in state.files.items():
            if case_id_of(name) is not None:
                known[name] = entry.counter
        break
    index = on_disk.get(INDEX_NAME)
    if index is not None:
        for case_id in _index_case_ids(key, index):
            known.setdefault(case_name(case_id), 0)
    try:
        kept = [entry.name for entry in os.scandir(home / BACKUPS)]
    except FileNotFoundError:
        kept = []
    for file in kept:
        base, _, number = file.rpartition(".")
        name = f"{CASES}/{base}"
        if number.isdigit() and case_id_of(name) is not None:
            known.setdefault(name, 0)
    return {name: counter for name, counter in sorted(known.items()) if name not in on_disk}


def _index_case_ids(key: bytes, index: Path) -> list[UUID]:
    """The case ids the case list's rows name, whatever their row format ([] if it does
    not open)."""
    try:
        document = rjv.unseal_json(key, index.read_bytes(), index, INDEX_NAME)
    except (OSError, RjfacilError):
        return []
    rows = document.get("rows") if isinstance(document, dict) else None
    found = []
    for raw in rows.values() if isinstance(rows, dict) else []:
        try:
            found.append(UUID(str(raw["summary"]["id"])))
        except (KeyError, TypeError, ValueError):
            continue
    return found
