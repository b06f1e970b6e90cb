"""The checklist walker: one item at a time, each answer saved as it is given.

Single keys answer (y/n/u, space, 1-9), ``a`` adds a note to the answer, ← and → move,
``j`` jumps to the next unanswered item. A flag newly raised by an answer is shown at
once, with what it means and what the guidance asks next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from rjfacil.errors import BlockingFlagsRaised, RjfacilError
from rjfacil.views.dates import DATE_FORMS, DATE_HINT, parse_day, show_when
from rjfacil.views.earlier import answered_earlier
from rjfacil.views.flags import flags_raised_by, record_answer
from rjfacil.views.labels import answer_kind_label
from rjfacil.views.progress import (
    ChecklistTarget,
    first_unanswered,
    target_progress,
    unanswered_note,
    walk_target,
)
from screens.dialogs import ConfirmModal, TextPromptModal, going_on_prompt
from screens.footer import KeyFooter
from screens.host import VaultHost
from screens.readonly import READ_ONLY, ReadOnlyBanner, edits, read_only, refused
from screens.safe import plain
from screens.toggles import TICKED, UNTICKED
from screens.widgets import (
    HELP_IN_FOOTER,
    LOCK_IN_FOOTER,
    DateValidator,
    FlagBanner,
    PickModal,
    editable,
    keys_first,
)

if TYPE_CHECKING:
    from rjfacil.casedoc.model import Answer
    from rjfacil.checklists.schema import Item
    from rjfacil.commands.casefile import CaseFile

YES_NO_UNKNOWN = {"y": "yes", "n": "no", "u": "unknown"}
CHECK = {"y": True, "n": False}
# Lines of a raised flag's explanation that should show below its answer without scrolling.
FLAG_LINES_WANTED = 14


class WalkBody(VerticalScroll, inherit_bindings=False):
    """The scrolling body: up/down scroll it; left/right stay free to move between items."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up", "scroll_up", "Scroll up", show=False, id="walker.scroll_up", tooltip="Scroll up"
        ),
        Binding(
            "down",
            "scroll_down",
            "Scroll down",
            show=False,
            id="walker.scroll_down",
            tooltip="Scroll down",
        ),
        Binding(
            "home", "scroll_home", "Top", show=False, id="walker.top", tooltip="Scroll to the top"
        ),
        Binding(
            "end",
            "scroll_end",
            "Bottom",
            show=False,
            id="walker.bottom",
            tooltip="Scroll to the bottom",
        ),
    ]


class ChecklistWalker(Screen[None]):
    """Walk one checklist for the case, or for one participant.

    Args:
        case_id: The case (opened through ``app.unlocked_vault``).
        checklist_id: The checklist to walk.
        participant_id: The participant it is answered for; None for the case's items.
        item_id: Start at this item; default the first unanswered one.
    """

    CSS_PATH = "walker.tcss"
    app = getters.app(VaultHost)
    AUTO_FOCUS = "#walk-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        LOCK_IN_FOOTER,
        HELP_IN_FOOTER,
        Binding("y", "key('y')", "Yes", id="walker.yes", tooltip="Answer yes (saved at once)"),
        Binding("n", "key('n')", "No", id="walker.no", tooltip="Answer no (saved at once)"),
        Binding("u", "key('u')", "Unknown", id="walker.unknown", tooltip="Answer unknown"),
        Binding("space", "key('space')", "Tick", id="walker.tick", tooltip="Tick or untick"),
        Binding(
            "1",
            "choose(1)",
            "Choose",
            key_display="1-9",
            id="walker.choose",
            tooltip="Pick a numbered answer",
        ),
        *(
            Binding(
                str(n),
                f"choose({n})",
                show=False,
                id=f"walker.choose{n}",
                tooltip="Pick this answer",
            )
            for n in range(2, 10)
        ),
        Binding("enter", "pick", "Pick", id="walker.pick", tooltip="Pick from the list of answers"),
        Binding(
            "a",
            "note",
            "Note",
            id="walker.note",
            tooltip="Add a note to this answer, or say why it is not answered yet",
        ),
        Binding(
            "left",
            "move(-1)",
            "Previous item",
            key_display="←",
            show=False,
            id="walker.back",
            tooltip="Previous item",
        ),
        # One footer entry for both arrows: at 80 columns the footer has no room for two.
        Binding(
            "right",
            "move(1)",
            "Move",
            key_display="←→",
            id="walker.next",
            tooltip="Next item (← the previous one)",
        ),
        Binding(
            "pageup",
            "move(-1)",
            "Back",
            show=False,
            priority=True,
            id="walker.back2",
            tooltip="Previous item (also while typing)",
        ),
        Binding(
            "pagedown",
            "move(1)",
            "Next",
            show=False,
            priority=True,
            id="walker.next2",
            tooltip="Next item (also while typing)",
        ),
        # j, not s: s is Search on the list of cases (one key, one meaning).
        Binding(
            "j",
            "skip",
            "Jump",
            id="walker.skip",
            tooltip="Leave this unanswered; jump to the next unanswered item",
        ),
        Binding("x", "clear", "Clear", show=False, id="walker.clear", tooltip="Clear this answer"),
        Binding("escape", "close", "Case", id="walker.close", tooltip="Back to the case"),
    ]

    # At 80 columns the footer cuts the last keys: back, help and lock come first always.
    FOOTER_FIRST = ("walker.close", "screen.help", "screen.lock", "app.lock")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return keys_first(super().active_bindings, self.FOOTER_FIRST)

    def __init__(
        self,
        case_id: UUID,
        checklist_id: str,
        participant_id: UUID | None = None,
        item_id: str | None = None,
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.checklist_id = checklist_id
        self.participant_id = participant_id
        self.start_item = item_id
        self.index = 0
        self.items: list[Item] = []
        self.target: ChecklistTarget | None = None

    # -- the case and the target -------------------------------------------------------

    @property
    def case(self) -> CaseFile:
        return self.app.unlocked_vault.open_case(self.case_id)

    @property
    def item(self) -> Item:
        return self.items[self.index]

    def compose(self) -> ComposeResult:
        yield ReadOnlyBanner()
        with Horizontal(id="walk-top"):
            yield Static(id="walk-title")
            yield Static(id="walk-count")
        with WalkBody(id="walk-body", can_focus=True):
            yield Static(id="walk-ref")
            yield Static(id="walk-ask")
            yield Static(id="walk-help")
            yield Static(id="walk-options")
            yield Input(id="walk-input", compact=True)
            yield Static(id="walk-answer")
            yield Static(id="walk-status")
            yield FlagBanner(id="walk-flags")
        yield KeyFooter()

    def on_mount(self) -> None:
        try:
            case = self.case
            self.target = walk_target(case, self.checklist_id, self.participant_id)
        except RjfacilError as error:
            self._leave(str(error))
            return
        self.items = self.target.items
        if not self.items:
            self._leave(f"'{self.target.label}' has no questions to answer here.")
            return
        ids = [item.id for item in self.items]
        if self.start_item in ids:
            self.index = ids.index(self.start_item)
        else:
            first = first_unanswered(case, self.target)
            self.index = first if first is not None else 0
        self.query_one("#walk-title", Static).update(plain(self.target.label, single_line=True))
        # Read-only: nothing typed could be saved, so nothing can be typed.
        self.query_one("#walk-input", Input).disabled = read_only(self.app) is not None
        self.show_item()

    def _leave(self, message: str) -> None:
        """Close at once, saying why (a checklist or participant that is gone)."""
        self.notify(message, title="Cannot walk this checklist", severity="warning", markup=False)
        self.call_after_refresh(self._dismiss_now)

    def _dismiss_now(self) -> None:
        self.dismiss(None)  # not awaited: called from this screen's own handlers

    def location(self) -> dict[str, Any]:
        """Where the walker is, to come back to it after a lock."""
        return {
            "checklist_id": self.checklist_id,
            "participant_id": self.participant_id,
            "item_id": self.item.id if self.items else None,
        }

    # -- showing one item -----------------------------------------------------------------

    def _current(self) -> Answer | None:
        history = self.case.answer_history(self.checklist_id, self.item.id, self.participant_id)
        return history[-1] if history and history[-1].value is not None else None

    def show_item(self, keep_banner: bool = False) -> None:
        """Show the item at ``self.index`` with its current answer."""
        item = self.item
        assert self.target is not None  # set on mount, before any item is shown
        answered = target_progress(self.case, self.target).answered
        self.query_one("#walk-count", Static).update(
            Content(f"{self.index + 1} of {len(self.items)} · {answered} answered")
        )
        self.query_one("#walk-ref", Static).update(
            Content.styled(
                f"{item.reference} · {answer_kind_label(item.kind)}", "$foreground-muted"
            )
        )
        self.query_one("#walk-ask", Static).update(plain(item.ask))
        help_text = self.query_one("#walk-help", Static)
        help_text.update(plain(item.help.strip()))
        help_text.display = bool(item.help.strip())
        current = self._current()
        value = current.value if current else None
        self.query_one("#walk-options", Static).update(_options(item, value))
        field = self.query_one("#walk-input", Input)
        typed = item.kind in ("text", "date")
        field.display = typed
        if typed:
            field.validators = [DateValidator()] if item.kind == "date" else []
            field.placeholder = DATE_FORMS if item.kind == "date" else "Type the answer"
            field.value = editable(value) if isinstance(value, str) else ""
            field.focus()
        else:
            self.query_one("#walk-body").focus()
        self.query_one("#walk-answer", Static).update(self._answer_lines(current))
        self._status("")
        if not keep_banner:
            self.query_one(FlagBanner).show_flags([])
        self.query_one("#walk-body").scroll_home(animate=False)
        self.refresh_bindings()

    def _answer_lines(self, current: Answer | None) -> Content:
        case = self.case
        item = self.item
        history = case.answer_history(self.checklist_id, item.id, self.participant_id)
        lines: list[Content] = []
        earlier_answer = answered_earlier(case, item, self.participant_id)
        if earlier_answer:
            lines.append(plain(earlier_answer).stylize("$accent"))
        left = unanswered_note(case, self.checklist_id, item.id, self.participant_id)
        if current is None and left is not None:
            lines.append(
                Content.assemble(
                    ("Not answered yet. Why: ", "bold"),
                    plain(left.note),
                    (
                        f" — noted by {case.author(left.created_by)} on "
                        f"{show_when(left.created_at)} (a changes it)",
                        "$foreground-muted",
                    ),
                )
            )
        elif current is None:
            lines.append(
                Content.styled(
                    "Not answered yet. (a: note why it could not be asked yet)",
                    "$foreground-muted",
                )
            )
        else:
            lines.append(
                Content.assemble(
                    ("Answer: ", "bold"),
                    plain(item.describe(current.value), single_line=True),
                    (
                        f" — given by {case.author(current.created_by)} on "
                        f"{show_when(current.created_at)}",
                        "$foreground-muted",
                    ),
                )
            )
            if current.note:
                lines.append(Content.assemble(("Note: ", "bold"), plain(current.note)))
            raised, implied = flags_raised_by(case, self.checklist_id, item.id, self.participant_id)
            if raised:
                text = "⚑ This answer raises: " + ", ".join(s.flag.heading for s in raised)
                if implied:
                    text += "; with it: " + ", ".join(s.flag.heading for s in implied)
                lines.append(Content.styled(text, "$warning"))
        # Earlier answers are earlier values: a note added to an answer records it again
        # with the same value, which is not an earlier answer (each run of one value shows
        # once, when it was first given; the current value's run is the answer above).
        given = [a for a in history if a.value is not None]
        runs = [a for n, a in enumerate(given) if n == 0 or given[n - 1].value != a.value]
        if current is not None and runs and runs[-1].value == current.value:
            runs = runs[:-1]
        earlier = runs[-3:]
        for old in reversed(earlier):
            lines.append(
                Content.assemble(
                    ("Earlier: ", "$foreground-muted"),
                    plain(item.describe(old.value), single_line=True),
                    (
                        f" ({case.author(old.created_by)}, {show_when(old.created_at)})",
                        "$foreground-muted",
                    ),
                )
            )
        return Content("\n").join(lines)

    def _show_question_and_flags(self) -> None:
        """Scroll so the raised flag is in view, with the question above it where there is
        room for both (a tall terminal); else from the answer down."""
        body = self.query_one("#walk-body")
        question = self.query_one("#walk-ref")
        answer = self.query_one("#walk-answer")
        question_lines = answer.virtual_region.y - question.virtual_region.y
        room_for_both = body.size.height - question_lines >= FLAG_LINES_WANTED
        top = question if room_for_both else answer
        body.scroll_to_widget(top, animate=False, top=True)

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#walk-status", Static)
        status.set_class(error, "-error")
        status.update(plain(text) if text else Content(""))
        status.display = bool(text)

    # -- the keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.items:
            return action == "close" or None
        kind = self.item.kind
        if action == "key":
            key = parameters[0]
            if key == "u":
                return kind == "yes_no_unknown"
            if key == "space":
                return kind == "check"
            return kind in ("yes_no_unknown", "check")
        if action == "choose":
            number = int(str(parameters[0]))
            return kind == "choice" and number <= len(self.item.choices or ())
        if action == "pick":
            return kind == "choice"
        if action == "move":
            step = int(str(parameters[0]))
            return 0 <= self.index + step < len(self.items) or None
        return True

    def action_key(self, key: str) -> None:
        kind = self.item.kind
        if kind == "yes_no_unknown" and key in YES_NO_UNKNOWN:
            self.give(YES_NO_UNKNOWN[key])
        elif kind == "check" and key in CHECK:
            self.give(CHECK[key])
        elif kind == "check" and key == "space":
            current = self._current()
            self.give(not (current is not None and current.value is True))

    def action_choose(self, number: int) -> None:
        choices = self.item.choices or []
        if 1 <= number <= len(choices):
            self.give(choices[number - 1].id)

    @edits
    def action_pick(self) -> None:
        item = self.item
        current = self._current()
        options = [
            (Content(f"{n}  ") + plain(choice.label, single_line=True), choice.id)
            for n, choice in enumerate(item.choices or [], start=1)
        ]

        def picked(value: str | None) -> None:
            if value is not None:
                self.give(value)

        self.app.push_screen(
            PickModal[str](
                item.ask,
                options,
                current.value if current and isinstance(current.value, str) else None,
            ),
            callback=picked,
        )

    def action_move(self, step: int) -> None:
        target = self.index + step
        if 0 <= target < len(self.items):
            self.index = target
            self.show_item()

    def action_skip(self) -> None:
        assert self.target is not None  # items exist only once the target is set
        later = first_unanswered(self.case, self.target, after=self.index)
        if later is not None:
            self.index = later
            self.show_item()
            return
        if self.index + 1 < len(self.items):
            self.index += 1
            self.show_item()
        else:
            self._status("That is the last item. ← goes back; Escape returns to the case.")

    def action_clear(self) -> None:
        if self._current() is not None:
            self.give(None, note="", advance=False)

    @edits
    def action_note(self) -> None:
        current = self._current()
        if current is None:
            # A note on an unanswered item says why: the item stays unanswered.
            left = unanswered_note(self.case, self.checklist_id, self.item.id, self.participant_id)

            def why(text: str | None) -> None:
                if text is not None and (text.strip() or left is not None):
                    self.give(None, note=text.strip(), advance=False)

            self.app.push_screen(
                TextPromptModal(
                    "Why is this not answered yet?",
                    value=editable(left.note) if left else "",
                    allow_empty=True,
                    help=Content.assemble(
                        plain(self.item.ask),
                        (
                            "\ne.g. I could not ask this today because… The item stays "
                            "unanswered; the note shows here and on the case's Checklists tab.",
                            "$foreground-muted",
                        ),
                    ),
                ),
                callback=why,
            )
            return

        def noted(text: str | None) -> None:
            if text is not None:
                self.give(current.value, note=text, advance=False)

        self.app.push_screen(
            TextPromptModal(
                "A note on this answer",
                value=editable(current.note),
                allow_empty=True,
                help=plain(self.item.ask),
            ),
            callback=noted,
        )

    @on(Input.Submitted, "#walk-input")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.item.kind == "date":
            try:
                day = parse_day(text)
            except ValueError:
                self._status(DATE_HINT, error=True)
                return
            value: str | None = day.isoformat() if day else None
        else:
            value = text or None
        if value is None:
            if self._current() is not None:
                self.give(None, advance=False)
            else:
                self._status("Type an answer, or PgDn to leave it for now.")
            return
        current = self._current()
        saved = current.value if current is not None else None
        if isinstance(saved, str) and editable(saved) == value:
            self.action_move(1)
            return
        self.give(value)

    def action_close(self) -> None:
        self._close()

    @work(exclusive=True, group="walker-close")
    async def _close(self) -> None:
        if self.unsaved_text():
            leave = await self.app.push_screen_wait(
                ConfirmModal(
                    "Leave without saving the answer you typed?",
                    yes="Leave",
                    no="Stay",
                    danger=True,
                )
            )
            if not leave:
                return
        self.dismiss(None)

    # -- saving -------------------------------------------------------------------------

    def give(
        self,
        value: bool | str | None,
        note: str | None = None,
        advance: bool = True,
        going_on_because: str = "",
    ) -> None:
        """Save an answer at once; show any flag it newly raises; then move on.

        A direct process chosen past a go-ahead not recorded asks for the reason for going
        on first (the history records it); cancelling saves nothing.
        """
        if refused(self):
            self._status(READ_ONLY, error=True)
            return
        item = self.item
        current = self._current()
        if note is None:
            note = current.note if current else ""
        try:
            saved = record_answer(
                self.case,
                self.checklist_id,
                item.id,
                value,
                self.participant_id,
                note=note,
                going_on_because=going_on_because,
            )
        except BlockingFlagsRaised as held:

            def going_on(reason: str | None) -> None:
                if reason:
                    self.give(value, note, advance, going_on_because=reason)

            self.app.push_screen(
                going_on_prompt(held.headings, "Save this answer anyway?"),
                callback=going_on,
            )
            return
        except RjfacilError as error:
            # The answer shown stays the one on disk: nothing here claims it was saved.
            self._status(str(error), error=True)
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self._reread_items(item)
        new = saved.newly_raised
        if new:
            self.show_item()
            banner = self.query_one(FlagBanner)
            banner.show_flags(new, title="Flag raised" if len(new) == 1 else "Flags raised")
            self._status("Saved. → or PgDn goes on when you are ready.")
            self.call_after_refresh(self._show_question_and_flags)
            return
        if advance and self.index + 1 < len(self.items) and saved.answered:
            self.index += 1
            self.show_item()
            self._status(f"Item {self.index} saved: {item.describe(value)}.")
        else:
            self.show_item()
            if advance and self.index + 1 == len(self.items):
                self._status("Saved. That was the last item: Escape returns to the case.")
            else:
                self._status("Saved." if value is not None else "Answer cleared.")

    def _reread_items(self, item: Item) -> None:
        """An answer can change which items apply (a case fact): from now on ask only those."""
        try:
            target = walk_target(self.case, self.checklist_id, self.participant_id)
        except RjfacilError:
            return
        ids = [each.id for each in target.items]
        if item.id in ids:
            self.target = target
            self.items = target.items
            self.index = ids.index(item.id)

    # -- locking ------------------------------------------------------------------------

    def unsaved_text(self) -> str:
        """Text typed into the answer box and not yet saved."""
        if not self.items or self.item.kind not in ("text", "date"):
            return ""
        typed = self.query_one("#walk-input", Input).value.strip()
        current = self._current()
        saved = editable(current.value) if current and isinstance(current.value, str) else ""
        return typed if typed != saved else ""

    def rescue_draft(self, case: CaseFile) -> bool:
        """Before a lock: keep typed text as a private draft note. True if one was saved."""
        typed = self.unsaved_text()
        if not typed:
            return False
        case.add_note(
            f"Draft answer, kept when the screen locked ({self.item.reference}, "
            f"{self.item.ask}): {typed}",
            participant_id=self.participant_id,
            private=True,
        )
        return True


def _options(item: Item, value: bool | str | None) -> Content:
    """The answers a key can give, the current one highlighted."""

    def option(key: str, label: str, chosen: bool) -> Content:
        style = "bold reverse $accent" if chosen else ""
        return Content.assemble((f" {key} ", "bold $primary"), (f" {label} ", style))

    if item.kind == "yes_no_unknown":
        return Content("  ").join(
            option(key, answer.capitalize(), value == answer)
            for key, answer in YES_NO_UNKNOWN.items()
        )
    if item.kind == "check":
        ticked = value is True
        return Content("  ").join(
            [
                option("space", f"{TICKED} Ticked" if ticked else f"{UNTICKED} Not ticked", ticked),
                option("y/n", "tick / untick", False),
            ]
        )
    if item.kind == "choice":
        lines = []
        for n, choice in enumerate(item.choices or [], start=1):
            label = plain(f" {choice.label} ", single_line=True)
            if value == choice.id:
                label = label.stylize("bold reverse $accent")
            key = Content.styled(f" {n if n < 10 else '↵'} ", "bold $primary")
            lines.append(key + label)
        return Content("\n").join(lines)
    if item.kind == "date":
        return Content.styled(
            "Type a date, then Enter saves it. PgUp/PgDn move; Tab leaves the box.",
            "$foreground-muted",
        )
    return Content.styled(
        "Type the answer, then Enter saves it. PgUp/PgDn move; Tab leaves the box.",
        "$foreground-muted",
    )
