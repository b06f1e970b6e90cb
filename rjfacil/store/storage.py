"""A TinyDB storage that keeps its database in one encrypted .rjv file.

TinyDB's own JSONStorage overwrites the file in place (a kill mid-write corrupts
it) and its CachingMiddleware holds writes in memory; neither is used. Every write
here is sealed (rjv) and durably replaced (durable); TinyDB reads on every
operation, so the parsed document is kept in memory, which is safe because this
process is the only writer while it holds the vault lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from tinydb.storages import Storage

from rjfacil.errors import DamagedFile, ReadFailed, ReadOnlyVault, RjfacilError
from rjfacil.store import rjv
from rjfacil.store.durable import DEFAULT_KEEP, backups_of, durable_write
from rjfacil.store.manifest import stamped, take_stamp

Document = dict[str, dict[str, Any]]


class Witness(Protocol):
    """What numbers and records each write of a file (the vault's manifest)."""

    def next_counter(self, name: str) -> int:
        """The number the next write of ``name`` carries; raises WriteFailed to stop it."""
        ...

    def written(self, name: str, counter: int, digest: str) -> None:
        """``name`` now holds write ``counter``, whose header has ``digest``."""
        ...


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ReadFailed(path, err) from err


class EncryptedStorage(Storage):
    """TinyDB storage for one .rjv file.

    Use ``with storage.batch():`` around changes that belong together (a record and
    its audit entry): TinyDB's writes inside it only change the document in memory,
    and one durable write happens at the end, so they land together or not at all.

    The document returned by :meth:`read` is the cached one; callers must not change
    nested values in place outside a write.
    """

    def __init__(
        self,
        path: Path,
        key: bytes,
        name: str,
        backups_dir: Path,
        *,
        keep: int = DEFAULT_KEEP,
        read_only: ReadOnlyVault | None = None,
        witness: Witness | None = None,
    ) -> None:
        """Prepare the storage; nothing is read until TinyDB asks.

        Args:
            path: The .rjv file.
            key: The 32-byte vault key.
            name: The file's logical place, e.g. ``"cases/<uuid>.rjv"``; bound into it.
            backups_dir: Where previous versions are kept.
            keep: How many previous versions to keep.
            read_only: Why the vault cannot be written, if it cannot: every write is
                refused with it before anything is attempted.
            witness: Numbers each write (stamped into the document, out of TinyDB's
                sight) and records it once it is on disk: the vault's manifest.
        """
        super().__init__()
        self.read_only = read_only
        self.path = path
        self.name = name
        self.backups_dir = backups_dir
        self.keep = keep
        self.witness = witness
        self._key: bytes | None = key
        self._cache: Document | None = None
        self._batch_depth = 0
        self._dirty = False
        # The write number and header digest of the version read or written last.
        self.counter = 0
        self.digest = ""

    @property
    def _vault_key(self) -> bytes:
        if self._key is None:
            raise RuntimeError(f"storage for {self.name} is closed")
        return self._key

    def read(self) -> Document | None:
        """The database document, or None if the file does not exist yet.

        Raises:
            DamagedFile: The file's framing is broken or it holds no database.
            TamperedFile: The file does not authenticate with this vault's key.
            ReadFailed: The system refused to read the file.
        """
        key = self._vault_key
        if self._cache is not None:
            return self._cache
        data = _read_bytes(self.path)
        if data is None:
            return None
        document = as_database(rjv.unseal_json(key, data, self.path, self.name), self.path)
        self.counter = take_stamp(document)
        self.digest = rjv.digest(data)
        self._cache = document
        return document

    def write(self, data: Document) -> None:
        """Save ``data`` durably (or, inside :meth:`batch`, in memory until it ends).

        Raises:
            WriteFailed: The save failed; the file holds its previous version, and the
                next read comes from disk.
            ReadOnlyVault: The vault cannot be written; nothing was attempted.
        """
        self._vault_key  # noqa: B018 - refuse writes after close
        if self.read_only is not None:
            self._cache = None  # TinyDB may have changed the cached document already
            raise self.read_only.again()
        if self._batch_depth:
            self._cache = data
            self._dirty = True
            return
        self._persist(data)

    def _persist(self, data: Document) -> None:
        counter = 0
        try:
            if self.witness is not None:
                counter = self.witness.next_counter(self.name)
            sealed = rjv.seal_json(
                self._vault_key, stamped(data, counter) if counter else data, self.name
            )
            durable_write(
                self.path,
                sealed,
                verify=self._verify,
                backups_dir=self.backups_dir,
                keep=self.keep,
            )
        except BaseException:
            # TinyDB changed the cached document before calling write(): forget it.
            self._cache = None
            raise
        self._cache = data
        self.counter, self.digest = counter, rjv.digest(sealed)
        # After the file: a kill in between leaves it one write ahead of the manifest,
        # which the next open recognises and finishes.
        if self.witness is not None:
            self.witness.written(self.name, counter, self.digest)

    def _verify(self, written: bytes) -> None:
        rjv.unseal(self._vault_key, written, self.path, self.name)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one durable write at the end of the block.

        If the block raises, nothing is written and the in-memory document is
        dropped, so the next read comes from disk. Batches nest; the outermost one
        writes.

        Raises:
            WriteFailed: The write at the end failed; nothing of the batch was saved.
        """
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._cache = None
            self._dirty = False
            raise
        finally:
            self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self._dirty = False
            document = self._cache
            if document is not None:
                self._persist(document)

    def close(self) -> None:
        """Drop the key and the decrypted document."""
        self._cache = None
        self._key = None


def as_database(document: Any, path: Path) -> Document:
    """``document`` if it is a TinyDB database (a dict of tables), else DamagedFile."""
    if not isinstance(document, dict) or not all(
        isinstance(table, dict) for table in document.values()
    ):
        raise DamagedFile(path, "it does not hold a database")
    return document


def newest_good_backup(path: Path, key: bytes, name: str, backups_dir: Path) -> Path | None:
    """The newest kept version of ``path`` that decrypts with ``key``, or None.

    Offer it when ``path`` itself fails to decrypt.
    """
    for backup in backups_of(path, backups_dir):
        try:
            rjv.unseal(key, backup.read_bytes(), backup, name)
        except (OSError, RjfacilError):
            continue
        return backup
    return None


def restore_backup(
    backup: Path, path: Path, backups_dir: Path, *, keep: int = DEFAULT_KEEP
) -> None:
    """Put a copy of ``backup`` in place of ``path``, durably.

    The version it replaces (perhaps the damaged file) becomes the newest backup, so
    nothing is thrown away.

    Raises:
        ReadFailed: The backup cannot be read.
        WriteFailed: The copy could not be saved; ``path`` is unchanged.
    """
    data = _read_bytes(backup)
    if data is None:
        raise ReadFailed(backup, FileNotFoundError(2, os.strerror(2)))

    def same(written: bytes) -> None:
        if written != data:
            raise ValueError("the copy differs from the backup")

    durable_write(path, data, verify=same, backups_dir=backups_dir, keep=keep)
