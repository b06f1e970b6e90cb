"""The case-document codec: what a newer rjfacil wrote is kept, or refused in one line with
the file left as it was."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from rjfacil.casedoc import codec
from rjfacil.casedoc.model import ShareHow
from rjfacil.errors import InvalidRecord, NewerFormat
from rjfacil.views.labels import row_flag_labels
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE


def reopen(vault: Vault) -> Vault:
    home = vault.home
    vault.close()
    return Vault.open(home).unlock(PASSPHRASE)


def rewritten(vault: Vault, case_id: UUID, change: Any) -> Vault:
    """Close the vault, change a case file's document as another version of rjfacil would,
    and open the vault again."""
    home = vault.home
    # Written as that version would: through the vault's manifest, so nothing is out of step.
    storage = vault.files.case_storage(case_id)
    document = storage.read()
    assert document is not None
    change(document)
    storage.write(document)
    vault._open.pop(case_id, None)  # that version's case list row, made from what it wrote
    vault.rebuild_index()
    vault.close()
    return Vault.open(home).unlock(PASSPHRASE)


def stored(vault: Vault, case_id: UUID) -> dict[str, Any]:
    return vault.files.read_case_document(case_id)


def test_fields_and_tables_a_newer_version_wrote_survive_every_edit(vault: Vault) -> None:
    case = vault.new_case("RJ-NEWER")
    harmed = case.add_participant(Role.PERSON_HARMED, "Ana")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben")
    note = case.add_note("Ana would like to know why.", participant_id=harmed.id)
    widgets = {"1": {"id": "w-1", "shape": "round", "nested": {"a": [1, 2]}}}

    def by_a_newer_version(document: dict[str, Any]) -> None:
        key = next(k for k, n in document["notes"].items() if n["id"] == str(note.id))
        document["notes"][key]["mood"] = {"felt": "calm", "scale": 3}
        document["widgets"] = widgets
        document["meta"]["1"].update(format=4, readable_by=3, future_flag=True)

    vault = rewritten(vault, case.id, by_a_newer_version)
    try:
        case = vault.open_case(case.id)
        assert case.document.unknown_tables == ["widgets"]
        # An edit of the record that carries the unknown field...
        case.revise_note(
            note.id,
            "Ana would like to know why it was her house.",
            share_how=ShareHow.SUMMARY,
            share_with=[responsible.id],
        )
        # ...and of another record.
        case.update_participant(responsible.id, address_as="Mr Cole")
        vault = reopen(vault)
        document = stored(vault, case.id)
        [kept] = [n for n in document["notes"].values() if n["id"] == str(note.id)]
        assert kept["mood"] == {"felt": "calm", "scale": 3}
        assert kept["share_how"] == "summary"
        assert document["widgets"] == widgets
        meta = document["meta"]["1"]
        assert (meta["format"], meta["readable_by"], meta["future_flag"]) == (4, 3, True)
        again = vault.open_case(case.id)
        assert again.note_text(note.id) == "Ana would like to know why it was her house."
        assert again.participant(responsible.id).address_as == "Mr Cole"
        assert again.chain_problems() == []
    finally:
        vault.close()


def test_a_case_a_newer_version_says_this_one_cannot_read_is_refused_and_left_alone(
    vault: Vault,
) -> None:
    kept = vault.new_case("RJ-KEPT")
    case = vault.new_case("RJ-FROM-THE-FUTURE")
    case.add_note("written before the upgrade")
    vault = rewritten(vault, case.id, lambda d: d["meta"]["1"].update(format=6, readable_by=5))
    before = case.path.read_bytes()
    try:
        rows = {row.reference: row for row in vault.list_cases()}
        row = rows["RJ-FROM-THE-FUTURE"]
        assert row.unreadable.endswith(
            f"cases/{case.id}.rjv was written by a newer rjfacil (case format 6); "
            "update rjfacil to open it."
        )
        assert row_flag_labels(row)[0] == "Unreadable file"
        with pytest.raises(NewerFormat) as refused:
            vault.open_case(case.id)
        assert "\n" not in str(refused.value)
        assert str(case.path) in str(refused.value)
        assert not vault.verify().ok
        vault.open_case(kept.id).add_note("the other case works, written here")
        assert [hit.reference for hit in vault.search("written")] == ["RJ-KEPT"]
    finally:
        vault.close()
    assert case.path.read_bytes() == before
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        assert {row.reference for row in again.list_cases()} == {"RJ-KEPT", "RJ-FROM-THE-FUTURE"}
        assert again.open_case(kept.id).notes()
    assert case.path.read_bytes() == before


def test_a_format_no_rjfacil_wrote_is_refused_in_one_line(vault: Vault) -> None:
    case = vault.new_case("RJ-ODD")
    vault = rewritten(vault, case.id, lambda d: d["meta"]["1"].update(format="two"))
    try:
        with pytest.raises(
            InvalidRecord, match=re.escape("case format ('two') is not one rjfacil writes")
        ):
            vault.open_case(case.id)
    finally:
        vault.close()


def test_a_change_leaves_the_decoded_document_it_came_from_alone() -> None:
    """A failed write must leave the case showing what is on disk: changes make a copy."""
    from rjfacil.casedoc.model import Case

    owner = UUID(int=1)
    case = Case(reference="R", created_by=owner, updated_by=owner)
    first = codec.new_document([("case", case)], {"audit_count": 0})
    edited = case.model_copy(update={"reference": "R2"})
    second = first.changed([("case", edited)], {"audit_count": 1})
    assert first.case.reference == "R" and second.case.reference == "R2"
    assert first.tables["case"]["1"]["reference"] == "R"
    assert second.tables["case"]["1"]["reference"] == "R2"
    assert second.meta == {"audit_count": 1, "format": 4, "readable_by": 3}


def test_an_untouched_record_is_written_back_exactly_as_it_was_read() -> None:
    owner = UUID(int=1)
    from rjfacil.casedoc.model import Case, Participant

    case = Case(reference="R", created_by=owner, updated_by=owner)
    person = Participant(role=Role.SUPPORTER, name="Kit", created_by=owner, updated_by=owner)
    document = codec.new_document([("case", case), ("participants", person)], {})
    raw = codec.encode(document)
    # A newer version's way of writing a time, and a field it added.
    raw["participants"]["1"] = {
        **raw["participants"]["1"],
        "created_at": "2026-01-02T03:04:05+00:00",
    }
    raw["participants"]["1"]["pronouns"] = "they"
    read = codec.decode(raw, Path("cases/x.rjv"))
    written = codec.encode(read.changed([("case", read.case)], read.meta))
    assert written["participants"]["1"] is raw["participants"]["1"]
