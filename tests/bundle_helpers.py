"""Two co-workers' vaults for bundle tests, and ways to compare what they hold."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from uuid import UUID

from rjfacil.store import kdf
from rjfacil.workspace import Vault

FAST = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery"
IMPORTED = "imported a co-worker's case file"
EXPORTED = "exported a case file for co-workers"


def make_vault(folder: Path, name: str) -> Vault:
    vault, _ = Vault.create(folder, PASSPHRASE, name, FAST)
    return vault


def send(sender: Vault, case_id: UUID, receiver: Vault, out: Path) -> list[str]:
    """Export from one vault to the other's recipient and import it; the import's words."""
    sender.export_bundle(case_id, out, recipients=[receiver.recipient])
    preview = receiver.preview_import(receiver.read_bundle(out))
    receiver.import_bundle(preview)
    return preview.lines()


def comparable(vault: Vault, case_id: UUID, importer: UUID | None = None) -> dict[str, Any]:
    """A case's records by table and id, without the import and export entries (which each
    vault writes in its own chain at its own time), and with ``importer`` given, without
    that vault owner's entries at all."""
    case = vault.open_case(case_id)
    tables: dict[str, Any] = {}
    for table, records in case.document.records.items():
        dumps = {}
        for record_id, record in records.items():
            dump = record.model_dump(mode="json")
            if table == "audit" and (
                dump["action"] == IMPORTED or dump["action"].startswith(EXPORTED)
            ):
                continue
            if table == "audit" and importer is not None and dump["created_by"] == str(importer):
                continue
            dumps[str(record_id)] = dump
        tables[table] = dumps
    return tables


def folder_hashes(home: Path) -> dict[str, str]:
    """Every file of a vault folder and its SHA-256 (the lock file's holder note aside)."""
    return {
        str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(home.rglob("*"))
        if path.is_file() and path.name != "lock"
    }
