"""Loading checklist files: what a person editing one sees when it is wrong."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from rjfacil.checklists.load import clear_cache, load_catalogue, validate_files
from rjfacil.checklists.locate import builtin_dir
from rjfacil.checklists.schema import GUIDANCE_REFERENCE
from rjfacil.errors import ChecklistError

FIXTURES = Path(__file__).parent / "fixtures" / "checklists"

GOOD_ITEM = """
[[items]]
id = "intimidation"
ask = "Is there intimidation?"
reference = "A 2(a) 3"
kind = "yes_no_unknown"
"""


def header(checklist_id: str = "risk", **extra: str) -> str:
    fields = {
        "id": f'"{checklist_id}"',
        "title": '"Risk"',
        "reference": '"A 2(a)"',
        "stage": '"assessment"',
        "scope": '"case"',
        **extra,
    }
    lines = "\n".join(f"{key} = {value}" for key, value in fields.items() if value)
    return f"[checklist]\n{lines}\n"


@pytest.fixture
def builtin(tmp_path: Path) -> Path:
    """A copy of the fixture's shipped folder, to add files to."""
    folder = tmp_path / "builtin"
    shutil.copytree(FIXTURES / "builtin", folder)
    return folder


@pytest.fixture
def org(tmp_path: Path) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(builtin: Path, org: Path | None = None) -> str:
    with pytest.raises(ChecklistError) as caught:
        load_catalogue(builtin, org)
    return str(caught.value)


# -- a shipped file that is wrong ------------------------------------------------------


def test_unknown_answer_kind_names_file_item_and_the_kinds(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + GOOD_ITEM.replace("yes_no_unknown", "maybe"))
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': unknown answer kind 'maybe' "
        "(use check, yes_no_unknown, choice, text or date)"
    )


def test_a_whole_checklist_cannot_be_asked_per_letter(builtin: Path) -> None:
    write(builtin, "risk.toml", header(scope='"letter"') + GOOD_ITEM)
    assert "is for items: a checklist is asked per case or per participant" in load_error(builtin)


def test_bad_toml_says_so_with_the_parser_message(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + '[[items]]\nid = "x\n')
    message = load_error(builtin)
    assert message.startswith("risk.toml: not valid TOML: ")
    assert "line" in message  # tomllib's own position


def test_missing_checklist_id(builtin: Path) -> None:
    write(builtin, "risk.toml", header(id="") + GOOD_ITEM)
    assert load_error(builtin) == "risk.toml: checklist: missing 'id'"


def test_missing_item_id_names_the_item_by_position(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + GOOD_ITEM.replace('id = "intimidation"\n', ""))
    assert load_error(builtin) == "risk.toml: item 1: missing 'id'"


def test_duplicate_item_id(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + GOOD_ITEM + GOOD_ITEM)
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': duplicate item id; "
        "each item in a checklist needs its own id"
    )


def test_duplicate_checklist_id_across_files(builtin: Path) -> None:
    write(builtin, "risk.toml", header("safety") + GOOD_ITEM)
    assert load_error(builtin) == "safety.toml: checklist id 'safety' is already used by risk.toml"


def test_unknown_flag(builtin: Path) -> None:
    flagged = GOOD_ITEM + '[[items.flags]]\nflag = "scary"\nwhen = ["yes"]\nwhy = "x"\n'
    write(builtin, "risk.toml", header() + flagged)
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': unknown flag 'scary' (not in flags.toml)"
    )


def test_flag_when_must_be_an_answer_of_the_kind(builtin: Path) -> None:
    flagged = GOOD_ITEM + '[[items.flags]]\nflag = "risk_unmanaged"\nwhen = ["maybe"]\nwhy = "x"\n'
    write(builtin, "risk.toml", header() + flagged)
    message = load_error(builtin)
    assert message.startswith("risk.toml: item 'intimidation': flag 'risk_unmanaged': when: ")
    assert '"maybe" is not an answer here (use "yes", "no" or "unknown")' in message


def test_check_items_raise_on_true_not_on_text(builtin: Path) -> None:
    item = GOOD_ITEM.replace("yes_no_unknown", "check")
    flagged = item + '[[items.flags]]\nflag = "risk_unmanaged"\nwhen = ["yes"]\nwhy = "x"\n'
    write(builtin, "risk.toml", header() + flagged)
    assert '"yes" is not an answer here (use true or false)' in load_error(builtin)


def test_bad_reference_form_in_a_shipped_file(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + GOOD_ITEM.replace("A 2(a) 3", "A2a para 3"))
    message = load_error(builtin)
    assert message.startswith(
        "risk.toml: item 'intimidation': reference 'A2a para 3' is not in the guidance's form"
    )


def test_choices_required_for_choice_and_forbidden_otherwise(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + GOOD_ITEM.replace("yes_no_unknown", "choice"))
    assert "item 'intimidation': a choice item needs choices" in load_error(builtin)
    choices = GOOD_ITEM + 'choices = [{ id = "a", label = "A" }]\n'
    write(builtin, "risk.toml", header() + choices)
    assert "choices are only for choice items, not yes_no_unknown" in load_error(builtin)


def test_deadline_only_on_date_items(builtin: Path) -> None:
    deadline = (
        GOOD_ITEM + '[items.deadline]\nworking_days = 5\nlabel = "x"\nreference = "HMPPS 4.6"\n'
    )
    write(builtin, "risk.toml", header() + deadline)
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': a deadline needs kind = \"date\", not yes_no_unknown"
    )


def test_unknown_stage_role_and_field(builtin: Path) -> None:
    write(builtin, "risk.toml", header(stage='"later"') + GOOD_ITEM)
    assert "risk.toml: checklist: unknown stage 'later' (use referral, assessment" in (
        load_error(builtin)
    )
    write(builtin, "risk.toml", header(scope='"participant"', roles='["victim"]') + GOOD_ITEM)
    assert "checklist: unknown role 'victim' (use person_harmed" in load_error(builtin)
    write(builtin, "risk.toml", header() + GOOD_ITEM + 'colour = "red"\n')
    assert load_error(builtin) == "risk.toml: item 'intimidation': unknown field 'colour'"


def test_wrong_types_are_not_guessed(builtin: Path) -> None:
    write(builtin, "risk.toml", header(order='"10"') + GOOD_ITEM)
    assert load_error(builtin) == "risk.toml: checklist: 'order' must be a whole number"


def test_roles_only_on_participant_scoped_items(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + GOOD_ITEM + 'roles = ["person_harmed"]\n')
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': roles are only for participant-scoped items"
    )


def test_applies_when_must_point_at_an_existing_item_and_choice(builtin: Path) -> None:
    applies = '[checklist.applies_when]\nitem = "intake.process_kind"\nany_of = ["letter"]\n'
    write(builtin, "risk.toml", header() + applies + GOOD_ITEM)
    assert load_error(builtin) == (
        "risk.toml: applies_when: the checklist 'intake' has no item 'process_kind'"
    )
    applies = '[checklist.applies_when]\nitem = "intake.process_type"\nany_of = ["email"]\n'
    write(builtin, "risk.toml", header() + applies + GOOD_ITEM)
    assert load_error(builtin).startswith(
        "risk.toml: applies_when: 'email' is not an answer to 'intake.process_type'"
    )


def test_flags_file_implying_an_unknown_flag(builtin: Path) -> None:
    text = (builtin / "flags.toml").read_text()
    (builtin / "flags.toml").write_text(
        text.replace('implies = ["co_working_advised"]', 'implies = ["nope"]')
    )
    assert load_error(builtin) == (
        "flags.toml: flag 'sensitive_complex': implies unknown flag 'nope'"
    )


def test_every_problem_is_listed_on_the_error(builtin: Path) -> None:
    write(builtin, "risk.toml", header() + GOOD_ITEM.replace("yes_no_unknown", "maybe"))
    write(builtin, "zzz.toml", "not toml at all [")
    with pytest.raises(ChecklistError) as caught:
        load_catalogue(builtin)
    assert "(and 1 more: run 'rjfacil checklists validate')" in str(caught.value)
    assert len(caught.value.problems) == 2  # type: ignore[attr-defined]


def test_a_case_fact_is_stated_by_an_item_of_its_kind_once_per_case(builtin: Path) -> None:
    date_item = GOOD_ITEM.replace("yes_no_unknown", "date")
    write(builtin, "risk.toml", header() + date_item + 'fact = "meeting_place"\n')
    assert load_error(builtin).startswith(
        "risk.toml: item 'intimidation': unknown case fact 'meeting_place' (use process, "
    )
    write(builtin, "risk.toml", header() + GOOD_ITEM + 'fact = "meeting_date"\n')
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': the case fact 'meeting_date' needs "
        'kind = "date", not yes_no_unknown'
    )
    per_participant = date_item + 'fact = "meeting_date"\nscope = "participant"\n'
    write(builtin, "risk.toml", header() + per_participant)
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': fact 'meeting_date' is a fact of the case: the item "
        'must be asked once per case (scope = "case")'
    )
    process = GOOD_ITEM.replace("yes_no_unknown", "choice") + (
        'fact = "process"\nchoices = [{ id = "letter", label = "L" }, { id = "email", '
        'label = "E" }]\n'
    )
    write(builtin, "risk.toml", header() + process)
    assert load_error(builtin).startswith(
        "risk.toml: item 'intimidation': choice 'email' is not a process the case can record"
    )


def test_a_case_fact_has_one_item_across_every_file(builtin: Path, org: Path) -> None:
    item = GOOD_ITEM.replace("yes_no_unknown", "date") + 'fact = "meeting_date"\n'
    write(builtin, "risk.toml", header() + item)
    catalogue = load_catalogue(builtin)
    assert catalogue.facts["meeting_date"][0] == "risk"
    write(org, "extra.toml", '[checklist]\nextends = "safety"\n' + item.replace("intim", "when"))
    assert load_error(builtin, org) == (
        "extra.toml: item 'whenidation': the case fact 'meeting_date' is already stated by "
        "risk.intimidation; a fact of the case has one item"
    )


# -- an organisation's files -------------------------------------------------------------


def test_org_file_may_not_replace_a_shipped_checklist(builtin: Path, org: Path) -> None:
    write(org, "safety.toml", header("safety", reference='"Our policy"') + GOOD_ITEM)
    assert load_error(builtin, org) == (
        "safety.toml: would replace the guidance's checklist 'safety'; "
        'use extends = "safety" to add items'
    )


def test_org_file_extends_and_adds_marked_as_organisation(builtin: Path) -> None:
    catalogue = load_catalogue(builtin, FIXTURES / "org")
    safety = catalogue.checklist("safety")
    assert safety.items[-1].id == "lone_working_logged"
    assert catalogue.item("safety", "lone_working_logged").origin == "organisation"
    assert catalogue.item("safety", "lone_working_logged").scope == "case"
    assert catalogue.item("safety", "intimidation").origin == "guidance"
    own = catalogue.checklist("local_policy")
    assert own.origin == "organisation"
    assert [item.origin for item in own.items] == ["organisation"]


def test_org_references_are_free_form(builtin: Path) -> None:
    catalogue = load_catalogue(builtin, FIXTURES / "org")
    assert catalogue.item("local_policy", "feedback_form").reference == "Policy 7.1(b)"


def test_org_extension_item_may_not_reuse_a_guidance_item_id(builtin: Path, org: Path) -> None:
    write(org, "extra.toml", '[checklist]\nextends = "safety"\n' + GOOD_ITEM)
    assert load_error(builtin, org) == (
        "extra.toml: item 'intimidation': the guidance's checklist 'safety' already has an "
        "item with this id; give the organisation's item its own id"
    )


def test_org_extension_of_a_missing_checklist(builtin: Path, org: Path) -> None:
    write(org, "extra.toml", '[checklist]\nextends = "riskk"\n' + GOOD_ITEM)
    assert load_error(builtin, org) == (
        "extra.toml: checklist: extends 'riskk', but no checklist has that id"
    )


def test_org_extension_cannot_change_the_checklist(builtin: Path, org: Path) -> None:
    write(org, "extra.toml", '[checklist]\nextends = "safety"\nstage = "closure"\n' + GOOD_ITEM)
    assert load_error(builtin, org) == (
        'extra.toml: checklist: a file with extends = "safety" only adds items; '
        "remove stage (the checklist keeps its own)"
    )


def test_org_cannot_add_flags(builtin: Path, org: Path) -> None:
    shutil.copy(builtin / "flags.toml", org / "flags.toml")
    assert load_error(builtin, org).startswith(
        "flags.toml: an organisation cannot add or change flags"
    )


def test_shipped_files_cannot_use_extends(builtin: Path) -> None:
    write(builtin, "extra.toml", '[checklist]\nextends = "safety"\n' + GOOD_ITEM)
    assert load_error(builtin) == (
        "extra.toml: checklist: extends is for an organisation's own files only"
    )


def test_default_org_folder_comes_from_the_config_folder(isolated_home: Path) -> None:
    from rjfacil import paths

    folder = paths.org_checklists_dir()
    shutil.copytree(FIXTURES / "org", folder)
    catalogue = load_catalogue(FIXTURES / "builtin")
    assert catalogue.checklist("local_policy").origin == "organisation"


# -- the catalogue -------------------------------------------------------------------


def test_catalogue_order_is_stage_then_order_then_id() -> None:
    catalogue = load_catalogue(FIXTURES / "builtin", FIXTURES / "org")
    assert [each.id for each in catalogue.checklists] == [
        "intake",
        "safety",
        "prep",  # preparation, order 0
        "family",  # preparation, order 20
        "local_policy",  # closure
    ]
    assert list(catalogue.flags) == [
        "sensitive_complex",
        "co_working_advised",
        "managerial_oversight",
        "risk_unmanaged",
    ]


def test_lookups_raise_a_user_error_for_unknown_ids() -> None:
    catalogue = load_catalogue(FIXTURES / "builtin")
    assert catalogue.item("intake", "process_type").kind == "choice"
    with pytest.raises(ChecklistError, match="no checklist 'nope'"):
        catalogue.checklist("nope")
    with pytest.raises(ChecklistError, match="has no item 'nope'"):
        catalogue.item("intake", "nope")


def test_loading_is_cached_but_sees_edited_files(builtin: Path) -> None:
    first = load_catalogue(builtin)
    assert load_catalogue(builtin) is first
    write(builtin, "risk.toml", header() + GOOD_ITEM)
    second = load_catalogue(builtin)
    assert second is not first
    assert second.checklist("risk").items[0].id == "intimidation"


def test_validate_files_reports_a_bad_org_file_without_raising(tmp_path: Path) -> None:
    bad = write(tmp_path, "ours.toml", header("ours", stage='"soon"') + GOOD_ITEM)
    good = FIXTURES / "org" / "local.toml"
    problems = validate_files([bad, good])
    assert problems == [
        "ours.toml: checklist: unknown stage 'soon' (use referral, assessment, preparation, "
        "communication, agreement, follow_up, closure or supervision)"
    ]


def test_validate_files_with_no_files_checks_the_shipped_set_and_org_folder(
    isolated_home: Path,
) -> None:
    from rjfacil import paths

    assert validate_files([]) == []
    folder = paths.org_checklists_dir()
    folder.mkdir(parents=True)
    write(folder, "risk.toml", header("risk", reference='"Ours"') + GOOD_ITEM)
    assert validate_files([]) == [
        "risk.toml: would replace the guidance's checklist 'risk'; "
        'use extends = "risk" to add items'
    ]


def test_validate_files_checks_a_shipped_file_in_the_shipped_form() -> None:
    shipped = sorted(path for path in builtin_dir().glob("*.toml"))
    assert shipped, "the shipped checklist files are missing"
    assert validate_files(shipped) == []


def test_validate_files_names_a_missing_file(tmp_path: Path) -> None:
    assert validate_files([tmp_path / "gone.toml"]) == [f"{tmp_path / 'gone.toml'}: no such file"]


@pytest.mark.parametrize(
    "reference",
    [
        "A 2(a) 3",
        "A 3(a) 11",
        "A 2(a) fn 5",
        "A 2(a)",
        "B 10",
        "B",
        "C 4",
        "D 6",
        "E 3",
        "HMPPS 4.4",
        "HMPPS 6.3",
        "NCJB 3.5.4",
        "APPG WS1",
        "MoJ OYO",
    ],
)
def test_reference_forms_of_the_readme_are_accepted(reference: str) -> None:
    assert GUIDANCE_REFERENCE.fullmatch(reference)


@pytest.mark.parametrize(
    "reference", ["A2(a) 3", "A 2a 3", "a 2(a)", "G 1", "HMPPS", "HMPPS 4.", "APPG 1", "MoJ", ""]
)
def test_other_reference_forms_are_refused(reference: str) -> None:
    assert not GUIDANCE_REFERENCE.fullmatch(reference)


def test_the_shipped_set_is_loaded_once_and_shared() -> None:
    """The TUI and every vault share one parsed catalogue (its load time is in bench/)."""
    clear_cache()
    first = load_catalogue()
    assert load_catalogue() is first
    clear_cache()
    assert load_catalogue() is not first


def test_a_flag_condition_names_a_known_flag(builtin: Path) -> None:
    # The condition of a rule (only_if, unless) is a flag of flags.toml, as its flag is.
    flagged = (
        GOOD_ITEM
        + '[[items.flags]]\nflag = "risk_unmanaged"\nwhen = ["yes"]\nonly_if = "scary"\nwhy = "x"\n'
    )
    write(builtin, "risk.toml", header() + flagged)
    assert load_error(builtin) == (
        "risk.toml: item 'intimidation': unknown flag 'scary' (not in flags.toml)"
    )


def test_a_deadline_is_done_by_a_date_item_of_its_checklist(builtin: Path) -> None:
    dated = (
        'id = "asked"\nask = "When?"\nreference = "HMPPS 4.3"\nkind = "date"\n'
        '[items.deadline]\nworking_days = 15\nlabel = "x"\nreference = "HMPPS 4.3"\n'
        'done_by = "intimidation"\n'
    )
    write(builtin, "risk.toml", header() + GOOD_ITEM + "\n[[items]]\n" + dated)
    assert load_error(builtin) == (
        "risk.toml: item 'asked': deadline done_by 'intimidation' must name a "
        "date item of the same checklist"
    )
