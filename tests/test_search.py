"""Search covers every field a facilitator typed, shows where in words, cuts excerpts at
words with an ellipsis, and sees a save at once (issue 13: search every field)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rjfacil.casedoc.model import ConsentPurpose
from rjfacil.cli import main
from rjfacil.views.labels import search_where_label
from rjfacil.vocab import Role
from rjfacil.workspace import Vault


def where_found(vault: Vault, word: str) -> list[str]:
    return [search_where_label(hit.where) for hit in vault.search(word)]


def test_every_field_a_facilitator_typed_is_searched(vault: Vault) -> None:
    case = vault.new_case("RJ-40", summary="Damage to a kiosk near the quayside.")
    case.update_case(meeting_venue="The Lantern community room", co_worker="Priya Marchetti")
    harmed = case.add_participant(
        Role.PERSON_HARMED,
        "Ann Ode",
        address_as="Annie Wren",
        access_needs="Needs a hearing loop",
        contact="Via her daughter Tamsin",
    )
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Tau")
    case.record_consent(harmed.id, ConsentPurpose.SHARING, information="her fears about the gulls")
    case.answer("risk", "initial_assessment", "yes", note="Agreed with the probation marigold")
    case.add_risk("Contact in the allotment", mitigation="Different days at the greenhouse")
    letter = case.add_letter(responsible.id, "First draft about the lighthouse", harmed.id)
    case.revise_letter(letter.id, "Second draft about the harbour")
    case.add_action("Repaint the bandstand")
    case.override_flag("co_working_advised", "Discussed with the supervisor about pelicans")
    expected = {
        "quayside": ["Case summary"],
        "lantern": ["Meeting venue"],
        "marchetti": ["Team"],
        "annie wren": ["Participant"],
        "hearing loop": ["Participant"],
        "tamsin": ["Participant"],
        "gulls": ["Consent"],
        "marigold": ["Checklist note"],
        "allotment": ["Risk"],
        "greenhouse": ["Risk"],
        "harbour": ["Letter"],
        "bandstand": ["Agreement action"],
        "pelicans": ["Flag decision"],
    }
    found = {word: where_found(vault, word) for word in expected}
    assert found == expected
    assert where_found(vault, "lighthouse") == []  # an earlier version of a letter


def test_removed_records_are_not_found(vault: Vault) -> None:
    case = vault.new_case("RJ-41")
    gone = case.add_participant(Role.SUPPORTER, "Zed Quillfeather")
    case.remove_participant(gone.id)
    assert where_found(vault, "quillfeather") == []


def test_an_excerpt_is_cut_at_words_with_an_ellipsis(vault: Vault) -> None:
    case = vault.new_case("RJ-42")
    words = "one two three four five six seven eight nine ten " * 4
    case.add_note(words + "the hidden heron said hello " + words)
    (hit,) = vault.search("heron")
    assert hit.excerpt.startswith("…") and hit.excerpt.endswith("…")
    assert "heron" in hit.excerpt
    inner = hit.excerpt.strip("…").strip()
    whole_words = {*words.split(), "the", "hidden", "heron", "said", "hello"}
    assert set(inner.split()) <= whole_words


def test_a_saved_change_is_found_at_once_and_the_old_text_is_not(vault: Vault) -> None:
    case = vault.new_case("RJ-43")
    note = case.add_note("We spoke about the canal.")
    assert where_found(vault, "canal") == ["Note"]
    case.revise_note(note.id, "We spoke about the viaduct.")
    assert where_found(vault, "canal") == []
    assert where_found(vault, "viaduct") == ["Note"]


def test_locking_forgets_what_search_read(vault: Vault) -> None:
    vault.new_case("RJ-44").add_note("The orchard visit.")
    assert where_found(vault, "orchard") == ["Note"]
    vault.lock()
    assert not vault._searched


def test_rjfacil_search_prints_the_case_where_and_the_excerpt(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = vault.new_case("RJ-45")
    case.add_risk("Meeting near the [bold]marina[/bold]")
    vault.close()
    assert main(["--passphrase-file", str(passphrase_file), "search", "marina"]) == 0
    out = capsys.readouterr().out
    assert "RJ-45" in out and "Risk" in out
    assert "[bold]marina[/bold]" in out  # user text is shown as typed, never markup
    assert main(["--passphrase-file", str(passphrase_file), "search", "nothinglikethis"]) == 1
    assert "Nothing found" in capsys.readouterr().err
