"""Fuzz the vault's own parsers: the rjv container, vault.json and the manifest.

Every input is either refused in one line, with one of rjfacil's own error types, or
opened correctly (the very document, key or record that was written). Inputs: random
bytes, random JSON, and valid files with bytes or fields changed, cut or added.

RJFACIL_FUZZ_EXAMPLES=50000 for a long campaign; the defaults keep make test quick.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rjfacil.errors import DamagedFile, HeaderError, RjfacilError, TamperedFile, WrongPassphrase
from rjfacil.store import kdf, manifest, rjv
from rjfacil.store.header import VaultHeader, parse_header
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

EXAMPLES = int(os.environ.get("RJFACIL_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Each of these opens a whole vault: fewer of them.
VAULT_FUZZ = settings(
    max_examples=max(10, EXAMPLES // 8),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

KEY = bytes(range(32))
PATH = Path("fuzzed.rjv")
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _one_line(error: Exception, *kinds: type[RjfacilError]) -> None:
    assert isinstance(error, kinds), repr(error)
    text = str(error)
    assert text and "\n" not in text, text


# -- byte-level mutations of a valid file ---------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with some bytes changed, removed or added."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "extend"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if how == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif how == "cut" and data:
            del data[at : at + draw(st.integers(1, 8))]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif how == "truncate":
            del data[at:]
        else:
            data += draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


# -- the rjv container ------------------------------------------------------------------------

DOCUMENT = {"notes": {"1": {"id": "n1", "text": "A visit; what was agreed."}}, "meta": {"1": {}}}
SEALED = rjv.seal_json(KEY, DOCUMENT, "cases/x.rjv")


def _unseal_or_refuse(data: bytes, name: str = "cases/x.rjv") -> Any:
    try:
        return rjv.unseal_json(KEY, data, PATH, name)
    except RjfacilError as error:
        _one_line(error, DamagedFile, TamperedFile)
        return None


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_rjv_random_bytes_are_refused_in_one_line(data: bytes) -> None:
    assert _unseal_or_refuse(data) is None


@FUZZ
@given(data=st.binary(max_size=200))
def test_fuzz_rjv_a_valid_header_with_random_bytes_after_it(data: bytes) -> None:
    assert _unseal_or_refuse(SEALED[: rjv.PREFIX_BYTES] + data) is None


@FUZZ
@given(data=mutated(SEALED))
def test_fuzz_rjv_a_changed_file_is_refused_or_is_the_document(data: bytes) -> None:
    opened = _unseal_or_refuse(data)
    assert opened is None or (data == SEALED and opened == DOCUMENT)


@FUZZ
@given(name=st.text(max_size=30))
def test_fuzz_rjv_a_file_read_as_another_place_is_refused(name: str) -> None:
    opened = _unseal_or_refuse(SEALED, name)
    assert opened is None or name == "cases/x.rjv"


@FUZZ
@given(document=json_values)
def test_fuzz_rjv_any_sealed_json_opens_as_itself(document: Any) -> None:
    assert _unseal_or_refuse(rjv.seal_json(KEY, document, "cases/x.rjv")) == document


# -- vault.json -------------------------------------------------------------------------------


def _cheap_derive(secret: bytes, salt: bytes, params: kdf.KdfParams) -> bytes:
    """A stand-in for Argon2id (the derivation is not what is fuzzed; a fuzzed header
    may ask for a gigabyte of memory, within the caps)."""
    kdf.KdfParams.from_dict(params.to_dict())  # the caps are still checked
    return hashlib.sha256(secret + salt + json.dumps(params.to_dict()).encode()).digest()


VAULT_KEY = bytes(range(100, 132))
VAULT_ID = "2f1e0a4c-9d4e-4b43-8c1d-6a1f3f1e2b7a"


def _valid_header() -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kdf, "derive", _cheap_derive)
        header = VaultHeader(VAULT_ID, "2026-01-05T10:00:00+00:00")
        header.replace_slot(
            kdf.make_slot("passphrase", b"secret words", VAULT_KEY, VAULT_ID, kdf.MIN)
        )
    return header.to_dict()


VALID_HEADER = _valid_header()


def _open_or_refuse(raw: bytes) -> bytes | None:
    """Parse vault.json and open its passphrase slot; the vault key, or None if refused."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kdf, "derive", _cheap_derive)
        try:
            header = parse_header(raw, Path("vault.json"))
            return kdf.open_slot(header.slot("passphrase"), b"secret words", header.vault_id)
        except RjfacilError as error:
            _one_line(error, HeaderError, WrongPassphrase)
            return None


@st.composite
def header_edits(draw: st.DrawFn) -> dict[str, Any]:
    """The valid header with a few fields (at any depth) replaced, removed or added."""
    header = json.loads(json.dumps(VALID_HEADER))
    for _ in range(draw(st.integers(1, 3))):
        target: Any = header
        while isinstance(target, dict | list) and target and draw(st.booleans()):
            keys = list(target) if isinstance(target, dict) else list(range(len(target)))
            key = draw(st.sampled_from(keys))
            if not isinstance(target[key], dict | list):
                break
            target = target[key]
        if isinstance(target, dict):
            key = draw(st.sampled_from([*target, "extra"]))
            if draw(st.booleans()) and key in target:
                del target[key]
            else:
                target[key] = draw(json_values)
        elif isinstance(target, list) and target:
            target[draw(st.integers(0, len(target) - 1))] = draw(json_values)
    return header


@FUZZ
@given(raw=st.binary(max_size=300))
def test_fuzz_vault_json_random_bytes_are_refused_in_one_line(raw: bytes) -> None:
    assert _open_or_refuse(raw) is None


@FUZZ
@given(value=json_values)
def test_fuzz_vault_json_random_json_is_refused_in_one_line(value: Any) -> None:
    assert _open_or_refuse(json.dumps(value).encode()) is None


@FUZZ
@given(header=header_edits())
def test_fuzz_vault_json_edited_fields_are_refused_or_open_the_vault(header: Any) -> None:
    opened = _open_or_refuse(json.dumps(header).encode())
    assert opened in (None, VAULT_KEY)


@FUZZ
@given(raw=mutated(json.dumps(VALID_HEADER).encode()))
def test_fuzz_vault_json_changed_bytes_are_refused_or_open_the_vault(raw: bytes) -> None:
    assert _open_or_refuse(raw) in (None, VAULT_KEY)


def test_the_valid_header_opens() -> None:
    assert _open_or_refuse(json.dumps(VALID_HEADER).encode()) == VAULT_KEY


# -- the manifest -------------------------------------------------------------------------------


def _state() -> manifest.ManifestState:
    state = manifest.ManifestState(manifest.new_journal_id(), generation=3)
    state.files = {
        "cases/00000000-0000-4000-8000-000000000001.rjv": manifest.Entry(2, "ab" * 16),
        "index.rjv": manifest.Entry(3, "cd" * 16),
    }
    return state


SNAPSHOT = _state().to_dict()


def _parse_or_refuse(document: Any) -> manifest.ManifestState | None:
    try:
        return manifest.parse_snapshot(document, Path("manifest.rjv"))
    except RjfacilError as error:
        _one_line(error, DamagedFile, HeaderError)
        return None


@st.composite
def snapshot_edits(draw: st.DrawFn) -> dict[str, Any]:
    document = json.loads(json.dumps(SNAPSHOT))
    target = document
    if draw(st.booleans()):
        target = document["files"][draw(st.sampled_from(sorted(document["files"])))]
    key = draw(st.sampled_from([*target, "extra"]))
    if draw(st.booleans()) and key in target:
        del target[key]
    else:
        target[key] = draw(json_values)
    return document


@FUZZ
@given(value=json_values)
def test_fuzz_manifest_random_json_is_refused_in_one_line(value: Any) -> None:
    assert _parse_or_refuse(value) is None


@FUZZ
@given(document=snapshot_edits())
def test_fuzz_manifest_edited_fields_are_refused_or_read_as_written(document: Any) -> None:
    state = _parse_or_refuse(document)
    if state is not None:
        # Read as written (a missing key check reads as unknown), unknown fields kept.
        assert state.to_dict() == {"key_check": "", **document, "format": 1}
        assert all(entry.counter <= state.generation for entry in state.files.values())


def _journal(key: bytes, state: manifest.ManifestState, count: int) -> tuple[bytes, list[Any]]:
    """A journal of ``count`` valid records on top of ``state``, and the records."""
    records = []
    data = manifest.JOURNAL_MAGIC + bytes.fromhex(state.journal_id)
    for seq in range(1, count + 1):
        record = manifest.Record(seq, f"cases/{seq}.rjv", state.generation + seq, f"{seq:032x}")
        sealed = rjv.seal_json(key, record.to_dict(state.journal_id), manifest.JOURNAL_NAME)
        data += len(sealed).to_bytes(4, "big") + sealed
        records.append(record)
    return data, records


BASE = _state()
JOURNAL, RECORDS = _journal(KEY, BASE, 4)


def _applied(data: bytes) -> manifest.ManifestState:
    state = manifest.parse_snapshot(BASE.to_dict(), Path("manifest.rjv"))
    manifest.apply_journal(KEY, data, Path("manifest.log"), state)  # never raises
    assert "\n" not in state.journal_damage
    return state


def _check_prefix(state: manifest.ManifestState) -> None:
    """What was applied is the first records, in order, and nothing else."""
    applied = RECORDS[: state.records]
    assert state.generation == BASE.generation + len(applied)
    for record in applied:
        assert state.files[record.name].counter == record.counter
    assert {name for name in state.files} == set(BASE.files) | {r.name for r in applied}


@FUZZ
@given(data=st.binary(max_size=400))
def test_fuzz_journal_random_bytes_apply_nothing(data: bytes) -> None:
    state = _applied(data)
    assert state.records == 0 and state.generation == BASE.generation


@FUZZ
@given(data=mutated(JOURNAL))
def test_fuzz_journal_changed_bytes_apply_a_prefix_of_the_records(data: bytes) -> None:
    state = _applied(data)
    _check_prefix(state)
    if data == JOURNAL:
        assert state.records == len(RECORDS)


@FUZZ
@given(cut=st.integers(0, len(JOURNAL)))
def test_fuzz_journal_cut_short_applies_the_whole_records_before_the_cut(cut: int) -> None:
    state = _applied(JOURNAL[:cut])
    _check_prefix(state)
    assert state.journal_damage == ""  # a short journal is a kill mid-append, not damage


def test_the_valid_journal_applies_every_record() -> None:
    state = _applied(JOURNAL)
    assert state.records == len(RECORDS) and state.journal_clean


# -- a whole vault whose manifest files were changed ---------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed vault with two cases, and a journal left by a kill (no snapshot at close)."""
    home = tmp_path_factory.mktemp("fuzz") / "vault"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            kdf, "calibrate", lambda *a, **k: kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
        )
        vault, _ = Vault.create(home, PASSPHRASE, "Fuzz Facilitator")
        for reference in ("RJ-1", "RJ-2"):
            vault.new_case(reference).add_note(f"A note in {reference}.")
        vault.door.release()  # as a kill: the journal stays
    assert (home / manifest.JOURNAL_NAME).exists()
    return home


@VAULT_FUZZ
@given(which=st.sampled_from([manifest.MANIFEST_NAME, manifest.JOURNAL_NAME]), data=st.data())
def test_fuzz_a_vault_with_a_changed_manifest_opens_with_every_note(
    template: Path, tmp_path: Path, which: str, data: st.DataObject
) -> None:
    home = tmp_path / secrets.token_hex(4)
    shutil.copytree(template, home)
    original = (home / which).read_bytes()
    (home / which).write_bytes(data.draw(mutated(original)))
    try:
        vault = Vault.open(home).unlock(PASSPHRASE)
    except RjfacilError as error:
        # Only a manifest that claims a newer format may stop the vault from opening.
        _one_line(error, HeaderError)
        assert "newer rjfacil" in str(error)
        return
    with vault:
        lines = vault.integrity_lines()
        assert all(line and "\n" not in line for line in lines)
        notes = sorted(
            text
            for row in vault.list_cases()
            for text in vault.open_case(row.id).note_texts().values()
        )
        assert notes == ["A note in RJ-1.", "A note in RJ-2."]
