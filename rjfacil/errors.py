"""Errors a user can cause, each with a message written for the user.

The CLI prints ``str(error)`` as one line and exits non-zero; the screens show the same
message. Tracebacks are for bugs only.
"""

from __future__ import annotations

from pathlib import Path


class RjfacilError(Exception):
    """Base of every expected failure. ``str()`` is the one line shown to the user."""

    exit_code = 1


class VaultNotFound(RjfacilError):
    def __init__(self, home: Path) -> None:
        super().__init__(f"No vault at {home}. Create one with 'rjfacil init'.")


class VaultExists(RjfacilError):
    def __init__(self, home: Path) -> None:
        super().__init__(f"A vault already exists at {home}; it was left untouched.")


class VaultLocked(RjfacilError):
    def __init__(self, home: Path, holder: str) -> None:
        super().__init__(
            f"The vault at {home} is open in another rjfacil ({holder}). Close it there first."
        )


class WrongPassphrase(RjfacilError):
    def __init__(self, what: str = "passphrase") -> None:
        super().__init__(f"Wrong {what}: the vault stays locked. Check it and try again.")


class TooManyAttempts(RjfacilError):
    def __init__(self) -> None:
        super().__init__("Three wrong attempts: the vault stays locked. Start again to retry.")


class HeaderError(RjfacilError):
    """vault.json is missing a field, has an unknown format, or refuses its KDF settings."""


class DamagedFile(RjfacilError):
    """The file's framing is broken (truncated, appended to, or its header changed)."""

    def __init__(self, path: Path, detail: str, backup: Path | None = None) -> None:
        self.path = path
        self.backup = backup
        hint = f" A good backup exists: {backup}." if backup else ""
        super().__init__(f"{path} is damaged ({detail}).{hint}")


class TamperedFile(RjfacilError):
    """The framing is intact but authentication failed: another key, or changed content."""

    def __init__(self, path: Path, backup: Path | None = None) -> None:
        self.path = path
        self.backup = backup
        hint = f" A good backup exists: {backup}." if backup else ""
        super().__init__(
            f"{path} cannot be decrypted with this vault's key: it was tampered with "
            f"or comes from another vault.{hint}"
        )


class FileOutOfStep(RjfacilError):
    """A case file is not the one the vault last saved: missing, an older copy, or another
    case's file (the manifest's findings).

    ``backup`` is the version a restore would put back (None if none was found); ``keep``
    says a restore would keep the file as it is (an older copy, and no newer backup).
    """

    def __init__(
        self, message: str, path: Path, backup: Path | None = None, keep: bool = False
    ) -> None:
        self.path = path
        self.backup = backup
        self.keep = keep
        super().__init__(message)


class WriteFailed(RjfacilError):
    """A durable write failed; the previous version of the file is untouched."""

    def __init__(self, path: Path, err: OSError) -> None:
        import errno

        self.path = path
        if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            self.cause, advice = "the disk is full", "Free some space and try again."
        elif err.errno in (errno.EACCES, errno.EPERM):
            self.cause = "permission denied"
            advice = "Check that you own the vault folder and may write to it."
        elif err.errno == errno.EROFS:
            self.cause = "the disk is read-only"
            advice = "Copy the vault to a writable disk to change it."
        else:
            self.cause = err.strerror or type(err).__name__
            advice = "Check the disk and try again."
        super().__init__(
            f"Could not save {path.name}: {self.cause}. Nothing was lost; the previous "
            f"version is intact. {advice}"
        )


class ReadFailed(RjfacilError):
    """A vault file exists but the system would not let us read it."""

    def __init__(self, path: Path, err: OSError) -> None:
        self.path = path
        what = err.strerror or type(err).__name__
        super().__init__(f"Could not read {path}: {what}. Check the disk and its permissions.")


class InvalidRecord(RjfacilError):
    """A stored record does not match the case model."""


class NotFound(RjfacilError):
    """A case, participant or note named by the user does not exist."""


class ChecklistError(RjfacilError):
    """A checklist file is malformed: names the file, the item and what is wrong."""


class NewerFormat(InvalidRecord):
    """A file written by a newer rjfacil in a format this version cannot handle safely."""

    def __init__(self, where: object, written: object) -> None:
        super().__init__(
            f"{where} was written by a newer rjfacil (case format {written}); "
            "update rjfacil to open it."
        )


class BundleError(RjfacilError):
    """A co-worker's age file was refused, or a recipient or identity is not valid.

    ``reason`` names the cause (a ``rjfacil.store.agefile.Refusal`` value) so that a caller
    can react to it, e.g. ask for the passphrase again; ``str()`` is the one line to show.
    """

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class UntrustedJsonError(RjfacilError):
    """Untrusted JSON (an imported file's content) broke a limit or is malformed.

    ``reason`` names the limit or the fault (a ``rjfacil.store.jsonlimits.JsonFault``).
    """

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)
