"""vault.json: the plaintext header. Format, vault id and key slots; no personal data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rjfacil.errors import HeaderError
from rjfacil.paths import HEADER_NAME
from rjfacil.store.durable import durable_write

FORMAT = "rjfacil-vault"
VERSION = 1


@dataclass
class VaultHeader:
    vault_id: str
    created_at: str
    slots: list[dict[str, Any]] = field(default_factory=list)

    def slot(self, kind: str) -> dict[str, Any]:
        for slot in self.slots:
            if slot.get("kind") == kind:
                return slot
        raise HeaderError(
            f"vault.json has no {kind} key slot; the vault cannot be opened that way."
        )

    def replace_slot(self, new: dict[str, Any]) -> None:
        self.slots = [s for s in self.slots if s.get("kind") != new["kind"]] + [new]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "created_at": self.created_at,
            "slots": self.slots,
        }


def read_header(home: Path) -> VaultHeader:
    path = home / HEADER_NAME
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise HeaderError(f"{path} is damaged ({error}); restore it from a backup.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise HeaderError(f"{path} is not an rjfacil vault header.")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise HeaderError(f"{path} was made by a newer rjfacil; update rjfacil to open it.")
    slots = data.get("slots")
    if (
        not isinstance(data.get("vault_id"), str)
        or not isinstance(slots, list)
        or not all(isinstance(s, dict) for s in slots)
    ):
        raise HeaderError(f"{path} is damaged (missing vault id or key slots).")
    return VaultHeader(data["vault_id"], str(data.get("created_at", "")), slots)


def write_header(home: Path, header: VaultHeader) -> None:
    data = json.dumps(header.to_dict(), indent=2).encode()
    durable_write(
        home / HEADER_NAME,
        data,
        verify=lambda written: json.loads(written),
        backups_dir=home / "backups",
    )
