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
    def __init__(self, home: Path, code_unseen: bool = False) -> None:
        if code_unseen:  # init was stopped after the vault was made, before its code showed
            super().__init__(
                f"A vault already exists at {home}; it was left untouched. Making it was "
                "interrupted before its recovery code was shown: open it with its passphrase "
                "and run 'rjfacil recovery-code' to get one."
            )
        else:
            super().__init__(f"A vault already exists at {home}; it was left untouched.")


class FolderNotEmpty(RjfacilError):
    """``init`` was pointed at a folder that holds other files: it writes nothing there."""

    def __init__(self, home: Path, found: str) -> None:
        self.home = home
        super().__init__(
            f"The folder {home} is not empty (it holds {found}), so nothing was written: "
            "rjfacil makes a vault only in a new or empty folder. Choose a new or empty folder."
        )


class HeaderMissing(RjfacilError):
    """The folder holds a vault whose vault.json is gone, but a backup of it is kept."""

    def __init__(self, home: Path) -> None:
        super().__init__(
            f"The folder {home} holds a vault whose vault.json is missing, so nothing was "
            "written. 'rjfacil restore-file vault.json' puts back its newest backup."
        )


class ReadOnlyVault(RjfacilError):
    """The vault is on read-only media, or in a folder this user may not write in.

    It opens read-only: reading works, and every change is refused with this message
    before anything is attempted.

    Attributes:
        media: True for read-only media (a locked USB stick, a CD, a read-only share),
            False for a folder the user may not write in.
        reason: The cause in a few words, without the folder ("the vault is on
            read-only media").
    """

    def __init__(self, home: Path, media: bool) -> None:
        self.home = home
        self.media = media
        if media:
            self.reason = "the vault is on read-only media"
            advice = "Copy the vault folder to a writable disk to change it."
        else:
            self.reason = "the vault is in a read-only folder"
            advice = (
                "You may not write in it: check its permissions, or copy the vault folder "
                "somewhere you can write."
            )
        super().__init__(f"Nothing was changed: {self.reason} ({home}). {advice}")

    def again(self) -> ReadOnlyVault:
        """A fresh copy to raise (one exception object is not raised twice)."""
        return ReadOnlyVault(self.home, self.media)


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


def os_cause(err: OSError) -> str:
    """What made a file operation fail, in a few words for the user ("the disk is full").

    Named from the error number, never guessed from the operation: a permission problem is
    never reported as a full disk, nor a failing disk as a permission problem.
    """
    import errno

    code = err.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "the disk is full"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if code == errno.EROFS:
        return "the disk is read-only"
    if code == errno.EIO:
        return "the disk reported an error"
    if code in (errno.ENOENT, errno.ENOTDIR):
        return "it does not exist"
    return (err.strerror or type(err).__name__).lower()


_ADVICE = {
    "the disk is full": "Free some space and try again.",
    "permission denied": "Check that you own the folder and may write in it.",
    "the disk is read-only": "Choose a folder on a writable disk.",
    "the disk reported an error": "Check the disk: it may be failing, or was removed.",
}


class FileFailed(RjfacilError):
    """A file or folder could not be made, opened or written, for ``cause``."""

    def __init__(self, doing: str, path: Path, err: OSError, advice: str = "") -> None:
        self.path = path
        self.cause = os_cause(err)
        advice = advice or _ADVICE.get(self.cause, "Check the disk and try again.")
        super().__init__(f"Could not {doing} {path}: {self.cause}. {advice}")


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
        self.path = path
        self.cause = os_cause(err)
        advice = {
            "permission denied": "Check that you own the vault folder and may write to it.",
            "the disk is read-only": "Copy the vault to a writable disk to change it.",
        }.get(self.cause) or _ADVICE.get(self.cause, "Check the disk and try again.")
        super().__init__(
            f"Could not save {path.name}: {self.cause}. Nothing was lost; the previous "
            f"version is intact. {advice}"
        )


class ReadFailed(RjfacilError):
    """A vault file exists but the system would not let us read it."""

    def __init__(self, path: Path, err: OSError) -> None:
        self.path = path
        self.cause = os_cause(err)
        advice = {
            "permission denied": "Check that you own the vault folder and may read it.",
        }.get(self.cause) or _ADVICE.get(self.cause, "Check the disk and its permissions.")
        super().__init__(f"Could not read {path}: {self.cause}. {advice}")


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


class InvalidReference(RjfacilError):
    """A case reference was refused (empty, too long, not one line, or id-like): nothing
    was saved."""


class BlockingFlagsRaised(RjfacilError):
    """A stage move to a later stage while a blocking flag is raised or a go-ahead is not
    recorded, or a change to a direct process past a go-ahead not recorded, without a
    reason.

    ``headings`` are the flags as shown ("Stop: ...") and the missing go-aheads; the move
    or change is made again with a reason, which the case's history records.
    """

    def __init__(self, headings: list[str], *, moving: bool = True) -> None:
        self.headings = headings
        super().__init__(
            ("Not moved on: " if moving else "Not changed: ")
            + "; ".join(headings)
            + ". Resolve it first, or give the reason for going on."
        )
