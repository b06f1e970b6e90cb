"""Hostile co-worker files: one case per way a file can be wrong.

Each is imported from the command line into a vault that already holds a case; each must
be refused with one line on stderr and a non-zero exit, and leave every file of the vault
folder byte-identical. Then hypothesis mutates a valid bundle's JSON before encryption.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rjfacil import clock
from rjfacil.casedoc import audit
from rjfacil.casedoc.bundle import to_json
from rjfacil.cli import main
from rjfacil.errors import RjfacilError
from rjfacil.store import agefile
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.bundle_helpers import PASSPHRASE, folder_hashes, make_vault

SHARE = "the right share passphrase"
FUTURE = "2099-01-01T00:00:00Z"


@dataclass
class World:
    """Alex's case as a valid bundle body, and Blessing's vault (closed) that imports."""

    body: dict[str, Any]
    other_body: dict[str, Any]
    b_home: Path
    b_recipient: str
    secret: Path
    tmp: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    tmp = tmp_path_factory.mktemp("hostile")
    a = make_vault(tmp / "a", "Alex Rivera")
    case = a.new_case("RJ-H")
    ana = case.add_participant(Role.PERSON_HARMED, "Ana")
    case.add_note("Ana wants to meet.", participant_id=ana.id)
    case.add_risk("Pressure to take part", participant_id=ana.id)
    body = json.loads(to_json(case.document, a.owner, clock.now()))
    a.close()
    b = make_vault(tmp / "b", "Blessing Adeyemi")
    other = b.new_case("OTHER")
    ben = other.add_participant(Role.PERSON_RESPONSIBLE, "Ben")
    other.add_note("Ben is sorry.", participant_id=ben.id)
    other_body = json.loads(to_json(other.document, b.owner, clock.now()))
    recipient = b.recipient
    b.close()
    secret = tmp / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    return World(body, other_body, tmp / "b", recipient, secret, tmp)


def rechain(body: dict[str, Any]) -> dict[str, Any]:
    """Recompute every author's audit chain and heads (a forger can: it is no signature)."""
    heads: dict[str, dict[str, Any]] = {}
    for entry in body["tables"]["audit"]:
        author = entry["created_by"]
        prev = heads.get(author, {}).get("head", audit.GENESIS)
        entry["prev"] = prev
        entry["hash"] = audit.entry_hash(entry)
        heads[author] = {"head": entry["hash"], "count": heads.get(author, {}).get("count", 0) + 1}
    body["audit_heads"] = heads
    return body


def sealed(world: World, body: dict[str, Any] | bytes) -> bytes:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return agefile.encrypt_to_recipients(data, [world.b_recipient])


def edit(world: World, change: Callable[[dict[str, Any]], object]) -> bytes:
    body = copy.deepcopy(world.body)
    change(body)
    return sealed(world, body)


def first(body: dict[str, Any], table: str) -> dict[str, Any]:
    row: dict[str, Any] = body["tables"][table][0]
    return row


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def _collide(world: World) -> bytes:
    # Blessing's own other case, passed off as a new case: every record id collides.
    body = copy.deepcopy(world.other_body)
    text = json.dumps(body).replace(body["case_id"], str(uuid.uuid4()))
    forged = json.loads(text)
    first(forged, "case")["reference"] = "NOT-OTHER"
    return sealed(world, rechain(forged))


def _duplicate_note(body: dict[str, Any]) -> None:
    body["tables"]["notes"].append(dict(first(body, "notes")))


def _tamper_history(body: dict[str, Any]) -> None:
    first(body, "audit")["action"] = "nothing happened here"


CASES: dict[str, tuple[Callable[[World], bytes], str, list[str]]] = {
    "wrong passphrase": (
        lambda w: agefile.encrypt_with_passphrase(json.dumps(w.body).encode(), "not it"),
        "Wrong passphrase",
        ["--share-passphrase-file", "SHARE"],
    ),
    "for another recipient": (
        lambda w: agefile.encrypt_to_recipients(
            json.dumps(w.body).encode(), [agefile.new_identity()[1]]
        ),
        "encrypted for someone else",
        [],
    ),
    "truncated": (lambda w: sealed(w, w.body)[:-40], "truncated", []),
    "bit flipped": (lambda w: _flip(sealed(w, w.body)), "damaged", []),
    "not age at all": (lambda w: b"hello, this is not an age file\n", "not an age file", []),
    "newer bundle schema": (
        lambda w: edit(w, lambda b: b.update(schema="rjfacil-bundle/2")),
        "made by a newer rjfacil (bundle schema 2)",
        [],
    ),
    "newer case format": (
        lambda w: edit(w, lambda b: b.update(case_format=9, readable_by=9)),
        "newer rjfacil (case format 9)",
        [],
    ),
    "not a bundle schema": (
        lambda w: edit(w, lambda b: b.update(schema="keepass/4")),
        "not an rjfacil case file",
        [],
    ),
    "too many records": (
        lambda w: edit(w, lambda b: b["tables"]["answers"].extend({} for _ in range(10_001))),
        "refused",
        [],
    ),
    "string too long": (
        lambda w: edit(w, lambda b: first(b, "note_revisions").update(text="x" * 1_000_001)),
        "refused",
        [],
    ),
    "nested too deep": (
        lambda w: edit(
            w, lambda b: first(b, "notes").update(extra=json.loads("[" * 40 + "]" * 40))
        ),
        "refused",
        [],
    ),
    "malformed JSON": (
        lambda w: sealed(w, b'{"schema": "rjfacil-bundle/1", "tables": '),
        "refused",
        [],
    ),
    "wrong type": (
        lambda w: edit(w, lambda b: first(b, "participants").update(name=5)),
        "is not valid: name",
        [],
    ),
    "missing field": (
        lambda w: edit(w, lambda b: first(b, "participants").pop("role")),
        "is not valid: role",
        [],
    ),
    "duplicate id": (lambda w: edit(w, _duplicate_note), "same id", []),
    "ids of another case": (_collide, "same ids as another case", []),
    "future timestamp": (
        lambda w: edit(w, lambda b: first(b, "notes").update(created_at=FUTURE)),
        "dated in the future",
        [],
    ),
    "unknown participant": (
        lambda w: edit(w, lambda b: first(b, "notes").update(participant_id=str(uuid.uuid4()))),
        "names a participant the file does not hold",
        [],
    ),
    "unknown author": (
        lambda w: edit(w, lambda b: first(b, "risks").update(updated_by=str(uuid.uuid4()))),
        "names an author",
        [],
    ),
    "edited history": (lambda w: edit(w, _tamper_history), "history does not verify", []),
    "unknown table": (
        lambda w: edit(w, lambda b: b["tables"].update(widgets=[])),
        "does not know",
        [],
    ),
    "a reference of two lines": (
        lambda w: edit(w, lambda b: first(b, "case").update(reference="RJ-1\nRJ-2")),
        "one line of plain text",
        [],
    ),
    "a reference shaped like a case id": (
        lambda w: edit(w, lambda b: first(b, "case").update(reference=str(uuid.uuid4()))),
        "cannot look like a case id",
        [],
    ),
    "no tables": (lambda w: edit(w, lambda b: b.pop("tables")), "no case tables", []),
    "a list, not an object": (lambda w: sealed(w, b"[]"), "not an rjfacil case file", []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_file_is_refused_in_one_line_and_the_vault_is_unchanged(
    world: World, name: str, capsys: pytest.CaptureFixture[str], cheap_share_passphrase: None
) -> None:
    make, expected, extra = CASES[name]
    path = world.tmp / f"{name.replace(' ', '-')}.age"
    path.write_bytes(make(world))
    share = world.tmp / "share.txt"
    share.write_text(SHARE + "\n")
    extra = [str(share) if arg == "SHARE" else arg for arg in extra]
    before = folder_hashes(world.b_home)
    code = main(
        [
            *("--data-dir", str(world.b_home), "--passphrase-file", str(world.secret)),
            *("bundle", "import", str(path), *extra),
        ]
    )
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("rjfacil: ")
    assert expected in err
    assert "Traceback" not in err
    assert folder_hashes(world.b_home) == before


def test_a_refusal_of_the_files_content_reads_as_one_sentence(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    path = world.tmp / "deep.age"
    path.write_bytes(
        edit(world, lambda b: first(b, "notes").update(extra=json.loads("[" * 40 + "]" * 40)))
    )
    code = main(
        [
            *("--data-dir", str(world.b_home), "--passphrase-file", str(world.secret)),
            *("bundle", "import", str(path)),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert err.strip() == (
        "rjfacil: The content of the file deep.age is refused: it is nested deeper than 32 levels."
    )


def test_a_file_over_the_size_limit_is_refused_from_its_size(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    path = world.tmp / "huge.age"
    with path.open("wb") as f:
        f.truncate(agefile.MAX_FILE_BYTES + 1)
    before = folder_hashes(world.b_home)
    code = main(
        [
            *("--data-dir", str(world.b_home), "--passphrase-file", str(world.secret)),
            *("bundle", "import", str(path)),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1 and "MB" in err
    assert folder_hashes(world.b_home) == before


def test_markup_escapes_and_bidi_overrides_are_imported_as_text(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hostile = "[@click=app.quit]Ana[/] <script>alert(1)</script> \x1b[2J\u202egnp.exe"
    body = copy.deepcopy(world.body)
    first(body, "participants")["name"] = hostile
    first(body, "note_revisions")["text"] = hostile
    body["exported_by"]["name"] = "Alex \x1b]0;owned\x07"
    vault = make_vault(tmp_path / "c", "Charlie Moss")
    try:
        bundle = vault.read_bundle(_write(tmp_path / "x.age", sealed_to(vault, body)))
        preview = vault.preview_import(bundle)
        assert all("\x1b" not in line and "\u202e" not in line for line in preview.lines())
        case = vault.import_bundle(preview)
        assert case.participants[0].name == hostile
        assert hostile in case.note_texts().values()
    finally:
        vault.close()


def sealed_to(vault: Vault, body: dict[str, Any]) -> bytes:
    return agefile.encrypt_to_recipients(json.dumps(body).encode(), [vault.recipient])


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_changed_record_that_cannot_change_is_refused_on_merge(tmp_path: Path) -> None:
    a = make_vault(tmp_path / "a", "Alex Rivera")
    b = make_vault(tmp_path / "b", "Blessing Adeyemi")
    try:
        case = a.new_case("RJ-I")
        case.add_note("The first text.")
        body = json.loads(to_json(case.document, a.owner, clock.now()))
        b.import_bundle(b.preview_import(b.read_bundle(_write(tmp_path / "1", sealed_to(b, body)))))
        first(body, "note_revisions")["text"] = "A rewritten past."
        before = folder_hashes(b.home)
        with pytest.raises(RjfacilError, match="changes a record that cannot change"):
            b.preview_import(b.read_bundle(_write(tmp_path / "2", sealed_to(b, body))))
        assert folder_hashes(b.home) == before
    finally:
        a.close()
        b.close()


# -- fuzzing the import path ------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FUZZ_EXAMPLES = int(os.environ.get("RJFACIL_FUZZ_EXAMPLES", "100"))


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*at, index))
    return found


@pytest.fixture(scope="module")
def fuzz_vault(world: World) -> Any:
    vault = Vault.open(world.b_home).unlock(PASSPHRASE)
    yield vault
    vault.close()


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_mutated_bundles_are_imported_or_refused_in_one_line(
    world: World, fuzz_vault: Vault, data: st.DataObject
) -> None:
    body = copy.deepcopy(world.body)
    paths = _paths(body)[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent: Any = body
        try:
            for key in path[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    target = world.tmp / "fuzz.age"
    target.write_bytes(sealed(world, body))
    before = folder_hashes(world.b_home)
    try:
        preview = fuzz_vault.preview_import(fuzz_vault.read_bundle(target))
    except RjfacilError as error:
        assert "\n" not in str(error)
    else:
        assert all("\n" not in line for line in preview.lines())
    assert folder_hashes(world.b_home) == before
