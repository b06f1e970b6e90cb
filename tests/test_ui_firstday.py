"""A newcomer's first day: what they met on screen, each fixed and held by a test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.color_triplet import ColorTriplet
from textual.app import App
from textual.color import Color as TextualColor
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from rjfacil import clock
from rjfacil.casedoc.model import ShareHow
from rjfacil.settings import Settings
from rjfacil.vocab import Role, Stage
from rjfacil.workspace import Vault
from screens.app import RjfacilApp
from screens.case import CaseScreen
from screens.case_list import CaseListScreen, SearchScreen
from screens.help import HelpScreen, collect_keys
from screens.notes import NoteEditor
from screens.participants import ParticipantEditor
from screens.settings import SettingsScreen
from screens.themes import RJFACIL_THEMES
from screens.walker import ChecklistWalker
from screens.widgets import PickModal, RecordTable
from tests.conftest import OWNER, PASSPHRASE
from tests.pilot_helpers import (
    CaseHost,
    case_screen,
    frozen_clock,
    hosted,
    open_with,
    paste,
    press,
    running,
    screen_text,
    settle,
    squashed,
    two_people,
)

__all__ = ["frozen_clock"]  # the fixture, used by name below

SIZES = [(80, 24), (120, 40)]


async def until(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    """Pause until ``condition()`` holds (the vault opens in a worker thread), or fail."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out; the screen shows:\n{screen_text(pilot.app)}")


@pytest.mark.parametrize("size", SIZES)
async def test_the_idle_lock_box_shows_all_of_120(vault: Vault, size: tuple[int, int]) -> None:
    async with hosted(vault, SettingsScreen, size=size) as (app, pilot):
        idle = app.screen.query_one("#idle", Input)
        idle.focus()
        idle.value = ""
        await settle(pilot)
        await paste(pilot, "120")
        await settle(pilot)
        assert idle.value == "120"
        line = next(line for line in screen_text(app).splitlines() if "Lock after" in line)
        assert "120" in line, line


# -- 2. ticks and choices show their state by a glyph, visible in every theme ------------------


def _glyph_colours(widget: Widget, glyphs: str) -> list[tuple[str, float]]:
    """Each state glyph the widget paints, with its contrast against what is behind it."""
    found = []
    for y in range(widget.size.height):
        for segment in widget.render_line(y):
            for glyph in glyphs:
                if glyph in segment.text and segment.style is not None:
                    style = segment.style
                    fore = style.color.get_truecolor() if style.color else None
                    back = style.bgcolor.get_truecolor() if style.bgcolor else None
                    assert fore is not None and back is not None, segment
                    contrast = _luminance(fore) - _luminance(back)
                    found.append((glyph, abs(contrast)))
    return found


def _luminance(colour: ColorTriplet) -> float:
    red, green, blue = colour.normalized
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("theme", [theme.name for theme in RJFACIL_THEMES])
async def test_ticks_and_choices_show_their_state_by_a_glyph(vault: Vault, theme: str) -> None:
    case = vault.new_case("RJ-201")
    two_people(case)
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        app.theme = theme
        editor = await open_with(pilot, "a", NoteEditor)
        shown = screen_text(app)
        assert "☐ Only for me" in shown, shown
        assert "○ " in shown and "● " in shown, shown  # where a note came from: one of two
        private = editor.query_one("#note-private", Checkbox)
        for glyph, contrast in _glyph_colours(private, "☐☑"):
            assert glyph == "☐"
            assert contrast > 0.3, (theme, glyph, contrast)
        source = editor.query_one("#note-source", RadioSet)
        glyphs = [
            glyph
            for button in source.query(RadioButton)
            for glyph, contrast in _glyph_colours(button, "○●")
            if contrast > 0.3
        ]
        assert sorted(glyphs) == ["○", "●"], (theme, glyphs)
        private.focus()
        await press(pilot, "space")
        assert private.value
        assert "☑ Only for me" in screen_text(app)
        assert [glyph for glyph, _ in _glyph_colours(private, "☐☑")] == ["☑"]
        await press(pilot, "space")  # not private after all: it may be shared
        # With whom a note may be shared: a tick before each person.
        editor.query_one("#note-share-how", Select).value = ShareHow.SUMMARY.value
        await settle(pilot)
        whom = editor.query_one("#note-share-with", SelectionList)
        assert "☐ " in squashed(screen_text(app)), screen_text(app)
        whom.focus()
        await press(pilot, "space")
        assert whom.selected
        assert "☑ " in squashed(screen_text(app)), screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_theme_choice_shows_which_is_chosen(vault: Vault, size: tuple[int, int]) -> None:
    async with hosted(vault, SettingsScreen, size=size) as (app, _pilot):
        shown = screen_text(app)
        assert "● Calm dark (default)" in shown, shown
        assert "○ Light" in shown and "○ High contrast" in shown, shown
        # The setting's heading is on screen too, not scrolled off by the focus.
        assert any(line.strip() == "Theme" for line in shown.splitlines()), shown


# -- 3. notes show the time they were written, not only the day -------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_notes_show_the_time_as_well_as_the_day(
    vault: Vault, frozen_clock: datetime, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-203")
    two_people(case)
    case.add_note("Called Ana about the meeting.")
    async with case_screen(vault, case.id, "notes", size=size) as (app, _pilot):
        shown = screen_text(app)
        row = next(line for line in shown.splitlines() if "Called Ana" in line)
        assert "3 Mar 2025 10:00" in row, shown


# -- 5. pasted control characters show as symbols and never reach the terminal ----------------

PASTED = "Ana \x1b[31mred\x1b[0m\x07 Silva"
SHOWN = "Ana ␛[31mred␛[0m␇ Silva"


@pytest.mark.parametrize("size", SIZES)
async def test_pasted_escapes_show_as_symbols_in_a_line_and_in_a_text(
    vault: Vault, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-205")
    async with case_screen(vault, case.id, "participants", size=size) as (app, pilot):
        editor = await open_with(pilot, "a", ParticipantEditor)
        name = editor.query_one("#p-name", Input)
        name.focus()
        await paste(pilot, PASTED)
        await settle(pilot)
        assert name.value == SHOWN
        access = editor.query_one("#p-access", TextArea)
        access.focus()
        await paste(pilot, "Needs\x1b[2J a ramp\n\x9bsecond line\twith a tab")
        await settle(pilot)
        assert access.text == "Needs␛[2J a ramp\n<U+009B>second line\twith a tab"
        access.clear()
        await paste(pilot, "one\r\ntwo\rthree")  # a terminal's and Windows' line ends
        await settle(pilot)
        assert access.text == "one\ntwo\nthree"
        shown = screen_text(app)
        assert SHOWN in shown, shown
        assert "\x1b" not in shown and "\x07" not in shown


# -- 6. Esc and Help stay in the footer at 80 columns on every screen ---------------------------


def _footer(app: App[Any]) -> str:
    return squashed(screen_text(app).splitlines()[-1])


async def test_esc_and_help_are_in_the_footer_at_80_columns_on_every_screen(
    isolated_home: Path,
) -> None:
    vault, _code = Vault.create(isolated_home, PASSPHRASE, OWNER)
    with vault:
        case = vault.new_case("RJ-206")
        two_people(case)
    app = RjfacilApp(home=isolated_home)
    async with running(app, size=(80, 24)) as pilot:
        await settle(pilot)
        await paste(pilot, PASSPHRASE)
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await settle(pilot)
        footers = {"cases": _footer(app)}
        await press(pilot, "f2")
        footers["settings"] = _footer(app)
        await press(pilot, "escape")
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await settle(pilot)
        footers["case"] = _footer(app)
        await press(pilot, "3")  # the checklists
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, ChecklistWalker))
        await settle(pilot)
        footers["walker"] = _footer(app)
        await press(pilot, "escape")
        await press(pilot, "escape")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await press(pilot, "s")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await settle(pilot)
        footers["search"] = _footer(app)
    for where, shown in footers.items():
        assert "f1 Help" in shown, (where, shown)
        if where != "cases":  # the list of cases is where Esc leads; it has no Esc itself
            assert "esc " in shown, (where, shown)
        if where in ("case", "walker"):  # the busiest screens keep Lock in view too
            assert "^l Lock" in shown, (where, shown)


# -- 7. one key, one meaning; one label for each stage -------------------------------------------


def _footer_keys(app: App[Any]) -> dict[str, str]:
    """Each key the active screen offers, with what it does (its description)."""
    return {
        active.binding.key: active.binding.description
        for active in app.screen.active_bindings.values()
        if active.binding.show
    }


async def test_s_means_search_only_stage_and_skip_have_their_own_keys(vault: Vault) -> None:
    case = vault.new_case("RJ-207")
    two_people(case)
    async with case_screen(vault, case.id) as (app, pilot):
        keys = _footer_keys(app)
        assert keys.get("g") == "Stage", keys
        assert "s" not in keys, keys
        await press(pilot, "g")
        assert isinstance(app.screen, PickModal)
        await press(pilot, "escape")
        await press(pilot, "3")  # the checklists
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistWalker)
        keys = _footer_keys(app)
        assert keys.get("j") == "Jump", keys
        assert "s" not in keys, keys
        first = app.screen.item.id
        await press(pilot, "j")
        assert app.screen.item.id != first


@pytest.mark.parametrize("size", SIZES)
async def test_the_checklists_tab_names_stages_as_the_stage_list_does(
    vault: Vault, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-207b")
    two_people(case)
    async with case_screen(vault, case.id, "checklists", size=size) as (app, _pilot):
        table = app.screen.query_one("#checklists-table", RecordTable)
        stages = {table.get_row_at(i)[2].plain for i in range(table.row_count)}
        assert {"Follow-up", "Outcome agreement"} <= stages, stages
        assert not {"Follow up", "Agreement"} & stages, stages


# -- 8. one name for the People tab; "not shared" and "private", each explained -------------------


@pytest.mark.parametrize("size", SIZES)
async def test_people_is_one_name_and_the_sharing_words_are_explained_in_help(
    vault: Vault, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-208")
    async with case_screen(vault, case.id, size=size) as (app, pilot):
        shown = screen_text(app)
        assert " People " in shown and "Participants" not in shown, shown
        await press(pilot, "5")  # the notes
        closed = screen_text(app)
        app.screen.query_one("#notes-sharing", Select).focus()
        await press(pilot, "enter")  # its choices open, as a facilitator sees them
        words = screen_text(app)
        assert "Not shared" not in closed and "Private" not in closed, closed
        assert "Not shared" in words and "Private" in words, words
        assert "Not to be shared" not in words, words
        await press(pilot, "escape")
        app.push_screen(HelpScreen(collect_keys(app, app.screen)))
        await settle(pilot)
        help_text = squashed(" ".join(str(each.render()) for each in app.screen.query(Static)))
        assert "Not shared: " in help_text and "Private: " in help_text, help_text
        assert "People: " in help_text, help_text


# -- 9. the flags' details are one key away, and the footer says which ---------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_f_shows_the_flags_details_on_the_overview(
    vault: Vault, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-209")
    harmed, _ = two_people(case)
    for item in ("intimidation", "emotional_impact"):
        case.answer("risk", item, "yes", participant_id=harmed)
    for step in range(12):
        case.add_action(f"Step {step} of the plan", by_whom=harmed)
    async with case_screen(vault, case.id, size=size) as (app, pilot):
        assert "f Flags" in _footer(app), _footer(app)
        await press(pilot, "f")
        shown = screen_text(app)
        assert "Flags: why, and what the guidance asks next" in shown, shown
        assert "Raised by these answers:" in shown, shown


# -- 10. a note added to an answer is not shown as an earlier answer ------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_a_note_on_an_answer_adds_no_earlier_line(
    vault: Vault, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-210")
    walker = lambda: ChecklistWalker(case.id, "risk", item_id="initial_assessment")  # noqa: E731
    async with hosted(vault, walker, size=size) as (app, pilot):
        await press(pilot, "u")
        await press(pilot, "left")
        await press(pilot, "y")
        await press(pilot, "left")
        await press(pilot, "a")
        await paste(pilot, "Checked with the police officer.")
        await press(pilot, "enter")
        shown = squashed(screen_text(app))
        assert "Note: Checked with the police officer." in shown, shown
        assert "Earlier: unknown (Sam Okafor" in shown, shown  # a real change still shows
        assert "Earlier: yes" not in shown, shown


# -- 11. the command palette finds the case screen's actions, as help says ------------------------


async def test_the_palette_finds_the_case_screens_actions(isolated_home: Path) -> None:
    vault, _code = Vault.create(isolated_home, PASSPHRASE, OWNER)
    with vault:
        vault.new_case("RJ-211")
    app = RjfacilApp(home=isolated_home)
    async with running(app, size=(80, 24)) as pilot:
        await settle(pilot)
        await paste(pilot, PASSPHRASE)
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await settle(pilot)
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await paste(pilot, "move the case to another stage")
        await until(pilot, lambda: "Stage" in screen_text(app))
        await settle(pilot)
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, PickModal))
        assert "Referral" in screen_text(app)


# -- 12. tables keep their columns after walking a checklist or changing the stage ---------------


def _table_lines(app: App[Any], heading: str) -> list[str]:
    lines = screen_text(app).splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip().startswith(heading))
    return lines[start : start + 4]


@pytest.mark.parametrize("size", SIZES)
async def test_tables_keep_their_columns_after_a_walk_and_a_stage_change(
    vault: Vault, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-212")
    two_people(case)
    # The go-ahead before first contact (A 2(a) 2): the stage change below is not held.
    case.record_decision("first_contact", "go", vault.owner.id, clock.today(), "Safe.")
    async with case_screen(vault, case.id, "checklists", size=size) as (app, pilot):
        before = _table_lines(app, "Answered")
        assert "Risk assessment: Ana Silva (person harme" in "\n".join(before), before
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistWalker)
        await press(pilot, "n")
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)
        after = _table_lines(app, "Answered")
        assert "Risk assessment: Ana Silva (person harme" in "\n".join(after), after
        await press(pilot, "g")
        app.screen.query_one(OptionList).highlighted = list(Stage).index(Stage.ASSESSMENT)
        await press(pilot, "enter")
        assert case.case.stage is Stage.ASSESSMENT
        after = _table_lines(app, "Answered")
        assert "Risk assessment: Ana Silva (person harme" in "\n".join(after), after
        await press(pilot, "2")  # the people
        people = _table_lines(app, "Name")
        assert "Ben Cole" in "\n".join(people) and "Role" in people[0], people


# -- 13. a long name is cut in the People table; every column stays on screen --------------------

LONG_NAME = "Alexandra Wilhelmina Montgomery-Fitzwilliam de la Cruz Hernández-Oyelaran"


@pytest.mark.parametrize("size", SIZES)
async def test_a_long_name_leaves_role_and_the_rest_on_screen(
    vault: Vault, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-213")
    case.add_participant(Role.PERSON_HARMED, LONG_NAME, address_as="Alexandra Wilhelmina")
    async with case_screen(vault, case.id, "participants", size=size) as (app, _pilot):
        lines = _table_lines(app, "Name")
        assert "Role" in lines[0] and "Taking part" in lines[0], lines
        assert "Person harmed" in lines[1], lines
        assert LONG_NAME in squashed(screen_text(app))  # whole, below the table


# -- 13. an item left unanswered can carry a note saying why ---------------------------------


async def test_a_note_says_why_an_item_is_unanswered_in_the_walker_and_the_case(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-213")
    walk = {"checklist_id": "risk", "participant_id": None, "item_id": "initial_assessment"}
    async with case_screen(vault, case.id, "checklists", walk=walk) as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, ChecklistWalker))
        await settle(pilot)
        await press(pilot, "a")
        assert "Why is this not answered yet?" in screen_text(app)
        await paste(pilot, "I could not ask this today: her son was there.")
        await press(pilot, "enter")
        shown = squashed(screen_text(app))
        assert "Not answered yet. Why: I could not ask this today: her son was there." in shown
        assert ("risk", "initial_assessment", None) not in case.answers()
        await press(pilot, "escape")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await settle(pilot)
        shown = squashed(screen_text(app))
        assert "Left unanswered, with why:" in shown, shown
        assert "her son was there." in shown, shown


# -- 14. the facilitator's name can be changed in settings -----------------------------------------


async def test_settings_change_the_facilitators_name(vault: Vault) -> None:
    case = vault.new_case("RJ-214")
    case.add_note("First visit went well.")
    async with hosted(vault, SettingsScreen, size=(80, 24)) as (app, pilot):
        field = app.screen.query_one("#owner-name", Input)
        assert field.value == "Sam Okafor"
        field.focus()
        field.value = ""
        await paste(pilot, "Sam Okafor-Reid")
        await press(pilot, "enter")
        assert "Your name: Sam Okafor-Reid. Saved" in squashed(screen_text(app))
    assert vault.owner.name == "Sam Okafor-Reid"
    [note] = case.notes()
    assert case.author(note.created_by) == "Sam Okafor-Reid"


# -- 15. a supporter is linked to the person they support ------------------------------------------


async def test_the_people_editor_links_a_supporter_to_the_person_they_support(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-215")
    harmed, _ = two_people(case)
    supporter = case.add_participant(Role.SUPPORTER, "Morgan Silva")
    async with case_screen(vault, case.id, "participants", size=(80, 24)) as (app, pilot):
        table = app.screen.query_one("#participants-table", RecordTable)
        table.move_cursor(row=2)
        editor = await open_with(pilot, "e", ParticipantEditor)
        editor.query_one("#p-supports", Select).value = str(harmed)
        await press(pilot, "ctrl+s")
        shown = screen_text(app)
        assert "Supporter of Ana Silva" in shown, shown
    assert case.participant(supporter.id).supports == harmed


# -- 16. at 80 columns History's Who column leaves What the room ----------------------------------


async def test_history_cuts_a_long_name_so_what_keeps_the_room(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screens.history
    from rjfacil.views.history import HistoryEntry, case_history

    case = vault.new_case("RJ-216")
    case.record_decision("first_contact", "go", vault.owner.id, clock.today(), "Safe.")
    case.update_case(stage=Stage.ASSESSMENT)
    long_name = "Priya Shah-Montgomery-Castellanos of Leeds"

    def with_a_co_worker(*args: Any, **kwargs: Any) -> list[HistoryEntry]:
        entries = case_history(*args, **kwargs)
        first = entries[0]
        return [HistoryEntry(first.id, first.when, long_name, first.what), *entries[1:]]

    monkeypatch.setattr(screens.history, "case_history", with_a_co_worker)
    async with case_screen(vault, case.id, "history", size=(80, 24)) as (app, _pilot):
        row = next(line for line in screen_text(app).splitlines() if "Priya" in line)
        assert "…" in row and long_name not in row, row
        assert "Changed the stage from Referral to Asses" in row, row  # 40 cells of 80


# -- 17. a letter's long from/to text leaves its Status and Versions on screen ---------------------


async def test_a_letters_status_stays_on_screen_at_80_columns(vault: Vault) -> None:
    case = vault.new_case("RJ-217")
    harmed = case.add_participant(Role.PERSON_HARMED, "Riverside Garden Group (Lee Ann Cho)")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Taylor Quinn-Montgomery")
    letter = case.add_letter(responsible.id, "Dear all,", to_participant=harmed.id)
    case.set_letter_status(letter.id, "under_review")
    async with case_screen(vault, case.id, "agreement", size=(80, 24)) as (app, _pilot):
        row = next(line for line in screen_text(app).splitlines() if "Taylor" in line)
        assert "Being vetted" in row and "…" in row, row


async def test_the_theme_cursor_starts_on_the_theme_in_use(vault: Vault) -> None:
    app = CaseHost(vault, SettingsScreen)
    async with running(app, size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = RJFACIL_THEMES[2].name
        app.settings = Settings(theme=RJFACIL_THEMES[2].name)
        await app.push_screen(SettingsScreen())
        await settle(pilot)
        themes = app.screen.query_one("#theme", RadioSet)
        assert themes.pressed_button is not None and themes.pressed_button.name == app.theme
        assert themes.pressed_button.has_class("-selected")  # the cursor is on it


# -- buttons have a visible edge in high contrast ----------------------------------------


def _contrast(one: TextualColor, other: TextualColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: TextualColor) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_a_button_has_a_visible_edge_in_high_contrast(vault: Vault) -> None:
    # In high contrast a button's edges were drawn in the background's own colour: no edge.
    async with hosted(vault, SettingsScreen) as (app, pilot):
        app.theme = "rjfacil-high-contrast"
        await settle(pilot)
        button = app.screen.query_one("#passphrase", Button)
        behind = app.screen.styles.background
        for edge in ("border_top", "border_right", "border_bottom", "border_left"):
            kind, colour = getattr(button.styles, edge)
            assert kind not in ("", "none", "hidden", "blank"), (edge, kind)
            # Non-text contrast (WCAG 1.4.11): at least 3 to 1 against the screen.
            assert _contrast(behind + colour, behind) >= 3, (edge, colour)
