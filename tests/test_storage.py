"""EncryptedStorage under TinyDB: saved encrypted, read back, batched, and recoverable."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

import pytest
from tinydb import TinyDB

from rjfacil.errors import DamagedFile, ReadFailed, TamperedFile, WriteFailed
from rjfacil.store import rjv
from rjfacil.store.durable import backups_of
from rjfacil.store.storage import EncryptedStorage, newest_good_backup, restore_backup

KEY = secrets.token_bytes(32)
NAME = "cases/1f0e5c2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b.rjv"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "cases").mkdir()
    return tmp_path


@pytest.fixture
def path(home: Path) -> Path:
    return home / NAME


def open_db(path: Path, key: bytes = KEY, name: str = NAME) -> TinyDB:
    return TinyDB(path, key, name, path.parent.parent / "backups", storage=EncryptedStorage)


def storage_of(db: TinyDB) -> EncryptedStorage:
    storage = db.storage
    assert isinstance(storage, EncryptedStorage)
    return storage


def test_a_new_file_reads_as_empty(path: Path) -> None:
    db = open_db(path)
    assert db.all() == []
    assert not path.exists()


def test_notes_survive_reopening_and_are_encrypted(path: Path) -> None:
    db = open_db(path)
    db.table("notes").insert({"text": "Jordan wants to write a letter"})
    db.close()
    assert b"Jordan" not in path.read_bytes()
    again = open_db(path)
    assert again.table("notes").all() == [{"text": "Jordan wants to write a letter"}]


def test_reads_come_from_memory_after_the_first(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_db(path)
    db.insert({"n": 1})
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    for _ in range(10):
        assert db.all() == [{"n": 1}]
    assert reads == []


def test_another_key_is_refused(path: Path) -> None:
    open_db(path).insert({"n": 1})
    with pytest.raises(TamperedFile):
        open_db(path, key=secrets.token_bytes(32)).all()


def test_a_file_under_another_name_is_refused(path: Path, home: Path) -> None:
    open_db(path).insert({"n": 1})
    moved = home / "cases" / "other.rjv"
    moved.write_bytes(path.read_bytes())
    with pytest.raises(TamperedFile):
        open_db(moved, name="cases/other.rjv").all()


def test_a_batch_is_one_write(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(path)
    db.insert({"n": 0})
    storage = storage_of(db)
    writes = []
    real = storage._persist
    monkeypatch.setattr(storage, "_persist", lambda data: writes.append(1) or real(data))
    with storage.batch():
        db.table("notes").insert({"text": "answer"})
        db.table("audit").insert({"action": "answered"})
        # Nothing on disk yet.
        assert open_db(path).table("notes").all() == []
    assert writes == [1]
    reopened = open_db(path)
    assert reopened.table("notes").all() == [{"text": "answer"}]
    assert reopened.table("audit").all() == [{"action": "answered"}]


def test_a_failing_batch_saves_nothing(path: Path) -> None:
    db = open_db(path)
    db.table("notes").insert({"text": "kept"})
    storage = storage_of(db)
    with pytest.raises(RuntimeError), storage.batch():
        db.table("notes").insert({"text": "half a change"})
        raise RuntimeError("interrupted")
    assert db.table("notes").all() == [{"text": "kept"}]
    assert open_db(path).table("notes").all() == [{"text": "kept"}]


def test_a_failed_write_forgets_the_unsaved_change(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_db(path)
    db.table("notes").insert({"text": "kept"})

    def full(*_args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(WriteFailed, match="disk is full"):
        db.table("notes").insert({"text": "lost to a full disk"})
    monkeypatch.undo()
    # What the app shows now matches what is on disk.
    assert db.table("notes").all() == [{"text": "kept"}]
    db.table("notes").insert({"text": "after"})
    assert [d["text"] for d in open_db(path).table("notes").all()] == ["kept", "after"]


def test_a_failed_batch_write_saves_neither_half(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_db(path)
    db.table("notes").insert({"text": "kept"})
    storage = storage_of(db)
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.EIO, "")))
    with pytest.raises(WriteFailed), storage.batch():
        db.table("notes").insert({"text": "change"})
        db.table("audit").insert({"action": "changed"})
    monkeypatch.undo()
    reopened = open_db(path)
    assert reopened.table("notes").all() == [{"text": "kept"}]
    assert reopened.table("audit").all() == []
    assert db.table("audit").all() == []


def test_damaged_file_offers_the_newest_good_backup(path: Path, home: Path) -> None:
    db = open_db(path)
    for n in range(3):
        db.insert({"n": n})
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(TamperedFile):
        open_db(path).all()
    backup = newest_good_backup(path, KEY, NAME, home / "backups")
    assert backup == backups_of(path, home / "backups")[0]
    restore_backup(backup, path, home / "backups")
    assert [d["n"] for d in open_db(path).all()] == [0, 1]
    # The damaged version is kept too, as the newest backup.
    assert backups_of(path, home / "backups")[0].read_bytes() == bytes(data)


def test_newest_good_backup_skips_bad_ones(path: Path, home: Path) -> None:
    db = open_db(path)
    for n in range(3):
        db.insert({"n": n})
    newest, older = backups_of(path, home / "backups")[:2]
    newest.write_bytes(newest.read_bytes()[:-5])
    assert newest_good_backup(path, KEY, NAME, home / "backups") == older
    assert newest_good_backup(path, secrets.token_bytes(32), NAME, home / "backups") is None


def test_truncated_file_is_damaged(path: Path) -> None:
    open_db(path).insert({"n": 1})
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(DamagedFile, match="cut short"):
        open_db(path).all()


def test_an_authentic_file_that_is_not_a_database(path: Path) -> None:
    path.write_bytes(rjv.seal_json(KEY, ["not", "tables"], NAME))
    with pytest.raises(DamagedFile):
        open_db(path).all()


def test_unreadable_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_db(path).insert({"n": 1})

    def refuse(self: Path) -> bytes:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ReadFailed, match="permission denied"):
        open_db(path).all()


def test_closed_storage_forgets_key_and_document(path: Path) -> None:
    db = open_db(path)
    db.insert({"n": 1})
    storage = storage_of(db)
    db.close()
    assert storage._key is None and storage._cache is None


def test_saving_one_change_to_a_20kb_case_writes_the_case_once(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save costs in proportion to the case: one copy of it, nothing more.

    (How long that takes is measured by bench/vault_budgets.py, against its budget.)
    """
    db = open_db(path)
    notes = db.table("notes")
    notes.insert_multiple({"text": "x" * 900, "n": n} for n in range(20))
    assert 18_000 < path.stat().st_size < 25_000
    written: list[int] = []
    real_write = os.write

    def counting_write(fd: int, data: bytes | memoryview) -> int:
        written.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counting_write)
    notes.update({"n": 99}, doc_ids=[1])
    monkeypatch.undo()
    assert sum(written) == path.stat().st_size
    assert open_db(path).table("notes").get(doc_id=1)["n"] == 99
