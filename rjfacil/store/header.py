"""vault.json: the plaintext header. Format, vault id and key slots; no personal data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rjfacil.errors import HeaderError, os_cause
from rjfacil.paths import HEADER_NAME
from rjfacil.store.durable import durable_write, keep_copy, replace_durably

FORMAT = "rjfacil-vault"
VERSION = 1
# Written while a key rotation is under way, so an older rjfacil (which would open the
# old key slots and find files under the new key) refuses the header instead.
ROTATING_VERSION = 2


@dataclass
class VaultHeader:
    vault_id: str
    created_at: str
    slots: list[dict[str, Any]] = field(default_factory=list)
    # Names the vault key in use; a new one with every key rotation ("" before any).
    key_id: str = ""
    # The journal of an unfinished key rotation (see rjfacil.vault.rotation), or None.
    rotation: dict[str, Any] | None = None

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
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": ROTATING_VERSION if self.rotation else VERSION,
            "vault_id": self.vault_id,
            "created_at": self.created_at,
            "slots": self.slots,
        }
        if self.key_id:
            data["key_id"] = self.key_id
        if self.rotation:
            data["rotation"] = self.rotation
        return data


def parse_header(raw: bytes, path: Path) -> VaultHeader:
    """A header from its bytes.

    Raises:
        HeaderError: Not a vault header, a newer format, or damaged.
    """
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise HeaderError(f"{path} is damaged ({error}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise HeaderError(f"{path} is not an rjfacil vault header.")
    if not isinstance(data.get("version"), int) or data["version"] > ROTATING_VERSION:
        raise HeaderError(f"{path} was made by a newer rjfacil; update rjfacil to open it.")
    slots = data.get("slots")
    rotation = data.get("rotation")
    if (
        not isinstance(data.get("vault_id"), str)
        or not isinstance(slots, list)
        or not all(isinstance(s, dict) for s in slots)
        or not isinstance(data.get("key_id", ""), str)
        or not (rotation is None or isinstance(rotation, dict))
    ):
        raise HeaderError(f"{path} is damaged (missing vault id or key slots).")
    return VaultHeader(
        data["vault_id"],
        str(data.get("created_at", "")),
        slots,
        key_id=data.get("key_id", ""),
        rotation=rotation,
    )


def header_backups(home: Path) -> list[Path]:
    """The kept copies of vault.json, newest first."""
    from rjfacil.store.durable import backups_of

    return backups_of(home / HEADER_NAME, home / "backups")


def good_header_backup(home: Path, vault_id: str | None = None) -> Path | None:
    """The newest kept copy of vault.json that reads as a header (of ``vault_id``)."""
    for backup in header_backups(home):
        try:
            header = parse_header(backup.read_bytes(), backup)
        except (OSError, HeaderError):
            continue
        if vault_id is None or header.vault_id == vault_id:
            return backup
    return None


def read_header(home: Path) -> VaultHeader:
    """vault.json, parsed.

    Raises:
        FileNotFoundError: There is no vault.json.
        HeaderError: It is damaged or unreadable; the message names a good backup if
            there is one (and only then).
    """
    path = home / HEADER_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise HeaderError(f"Could not read {path}: {os_cause(error)}.") from None
    try:
        return parse_header(raw, path)
    except HeaderError as error:
        if "newer rjfacil" in str(error):
            raise
        backup = good_header_backup(home)
        hint = (
            f" A good backup exists: {backup}; 'rjfacil restore-file vault.json' puts it back."
            if backup
            else " No good backup of it was found."
        )
        raise HeaderError(f"{error}{hint}") from None


def _dumps(header: VaultHeader) -> bytes:
    return json.dumps(header.to_dict(), indent=2).encode()


def write_header(home: Path, header: VaultHeader, *, keep_current: bool = True) -> None:
    """Save vault.json durably (its previous version becomes a backup).

    Args:
        keep_current: Also keep a copy of the new version, so a damaged vault.json
            always has a good backup. Not for a rotation journal, whose wrapped keys
            must not outlive the rotation.
    """
    path = home / HEADER_NAME
    durable_write(
        path,
        _dumps(header),
        verify=lambda written: json.loads(written),
        backups_dir=home / "backups",
    )
    if keep_current:
        keep_copy(path, home / "backups")


def replace_header(home: Path, header: VaultHeader) -> None:
    """Save vault.json keeping no copy of the version it replaces (a rotation journal)."""
    replace_durably(home / HEADER_NAME, _dumps(header), verify=lambda written: json.loads(written))
