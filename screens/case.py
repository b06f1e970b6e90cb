"""One case: overview, participants, checklists, risks, notes, plans, agreement, history.

The screen reads the case through ``app.unlocked_vault``; each tab is a pane filled only when it
is shown (and again after a change), so opening a large case stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from rjfacil.casedoc.model import Case
from rjfacil.commands.casefile import no_go_ahead
from rjfacil.errors import RjfacilError
from rjfacil.export.summary import export_case
from rjfacil.views.dates import day_input, parse_day, show_day, today_input
from rjfacil.views.deadlines import due_dates, met_timescales
from rjfacil.views.decisions import decision_lines, waiting_for_decision
from rjfacil.views.flags import explanations, flags
from rjfacil.views.labels import (
    checklist_stage_label,
    closure_label,
    process_label,
    stage_label,
    stage_text,
)
from rjfacil.views.next_steps import NextStep, next_steps
from rjfacil.views.people import role_words
from rjfacil.views.progress import case_progress, stage_progress, unanswered_notes
from rjfacil.views.team import co_workers
from rjfacil.vocab import ClosureReason, ProcessType, Stage
from screens.decisions import DecisionEditor
from screens.dialogs import BusyModal, ConfirmModal, TextPromptModal, going_on_prompt
from screens.export import PLAINTEXT_WARNING, ExportModal, ExportRequest
from screens.footer import KeyFooter
from screens.form import Choice, Day, EditorModal, Form, Line, Text, changes
from screens.history import HistoryPane
from screens.host import VaultHost
from screens.notes import NotesPane
from screens.participants import ParticipantsPane
from screens.plans import AgreementPane, CoWorkingPane, MeetingPane
from screens.readonly import ReadOnlyBanner, edits, read_only
from screens.risks import RisksPane
from screens.safe import plain
from screens.walker import ChecklistWalker
from screens.widgets import (
    HELP_IN_FOOTER,
    LOCK_IN_FOOTER,
    CaseChanged,
    CasePane,
    FlagBanner,
    NextSteps,
    PickModal,
    RecordTable,
    WalkRequested,
    WalkTable,
    editable,
    keys_first,
)

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

# At narrow widths the tabs sit closer together so that all nine fit in 80 columns. The
# People tab has one name at every width (it was "Participants" when wide).
NARROW = 92
TABS: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"),
    ("participants", "People"),
    ("checklists", "Checklists"),
    ("risks", "Risks"),
    ("notes", "Notes"),
    ("coworking", "Co-working"),
    ("meeting", "Meeting"),
    ("agreement", "Agreement"),
    ("history", "History"),
)
NO_PROCESS = "none"
ATTENTION = "⚠"  # the Checklists tab's heading for answers that need attention


class CaseDetailsEditor(EditorModal[Case]):
    """The case's own details: reference, referral date, process, supervisor, summary."""

    draft_of = "case details"
    ENTER_SAVES = True

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        c = case.case
        self.reference = Line("Reference", "d-reference", editable(c.reference))
        self.referred = Day("Referred on", "d-referral", day_input(c.referral_date))
        self.process = Choice(
            "Process",
            "d-process",
            [(Content("Not chosen yet"), NO_PROCESS)]
            + [(Content(process_label(p)), p.value) for p in ProcessType],
            c.process.value if c.process else NO_PROCESS,
        )
        self.supervisor = Line(
            "Supervisor", "d-supervisor", editable(case.person_name(c.case_supervisor))
        )
        self.summary = Text("Summary", "d-summary", editable(c.summary))
        self.going_on = ""
        super().__init__(
            "Case details",
            Form(self.reference, self.referred, self.process, self.supervisor, self.summary),
        )

    def action_save(self) -> None:
        # A direct process at communication or later, past a go-ahead not recorded: the
        # reason for going on first (the history records it).
        process = self.process.value
        missing = (
            self.case.decisions_missing_for_move(self.case.case.stage, ProcessType(process))
            if process != NO_PROCESS and not self.going_on
            else []
        )
        if not missing:
            super().action_save()
            return

        def going_on(reason: str | None) -> None:
            if reason:
                self.going_on = reason
                super(CaseDetailsEditor, self).action_save()

        self.app.push_screen(
            going_on_prompt([no_go_ahead(p) for p in missing], "Change the process anyway?"),
            callback=going_on,
        )

    def save(self) -> Case:
        current = self.case.case
        process = self.process.value
        changed = changes(
            current,
            {
                "reference": self.reference.value.strip(),
                "referral_date": self.referred.day,
                "process": None if process == NO_PROCESS else process,
                "summary": self.summary.value,
            },
        )
        # A name: the core finds the team member of that name, or adds one.
        supervisor = self.supervisor.value.strip()
        if supervisor != self.case.person_name(current.case_supervisor):
            changed["case_supervisor"] = supervisor
        if not changed:
            return current
        return self.case.update_case(going_on_because=self.going_on, **changed)


class OverviewPane(CasePane):
    """Stage, flags with their reasons and next steps, people, and what is next."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The flags' details are below the next steps and the people: one key brings them
        # into view (before, only Tab Tab PgDn did, and nothing said so).
        Binding(
            "f",
            "flags",
            "Flags",
            id="overview.flags",
            tooltip="Show each flag's details: why it is raised and what the guidance asks next",
        ),
        Binding(
            "o",
            "override",
            "Clear",
            id="overview.override",
            tooltip="Record a decision to clear a flag (or restore one), with its reason",
        ),
        Binding(
            "d",
            "decision",
            "Decision",
            id="overview.decision",
            tooltip="Record a suitability or go/no-go decision: who, when, why, and the "
            "manager's oversight",
        ),
        Binding(
            "e",
            "details",
            "Details",
            id="overview.details",
            tooltip="Edit the case's reference, referral date, process and summary",
        ),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="overview-scroll"):
            yield Static(id="ov-case")
            yield Static(id="ov-flags-summary")
            yield Static(Content("Next steps"), classes="ov-heading")
            yield Static(id="ov-due")
            yield NextSteps(id="ov-next")
            yield Static(Content("People"), classes="ov-heading")
            yield Static(id="ov-people")
            yield Static(Content("Decisions"), classes="ov-heading")
            yield Static(id="ov-decisions")
            yield FlagBanner(id="ov-flags")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        c = case.case
        details = [f"Process: {process_label(c.process).lower()}"]
        if c.referral_date:
            details.append(f"referred {show_day(c.referral_date)}")
        lines = [
            Content.assemble(
                ("Stage: ", "bold"), (stage_text(c), "bold"), " · " + " · ".join(details)
            )
        ]
        people = []
        others = co_workers(case)
        if others:
            people.append(
                Content.assemble(
                    ("Co-worker: ", "$foreground-muted"),
                    plain(", ".join(case.person_name(o) for o in others), single_line=True),
                )
            )
        if c.case_supervisor:
            people.append(
                Content.assemble(
                    ("Case supervisor: ", "$foreground-muted"),
                    plain(case.person_name(c.case_supervisor), single_line=True),
                )
            )
        if people:
            lines.append(Content(" · ").join(people))
        if c.summary:
            lines.append(plain(c.summary))
        self.query_one("#ov-case", Static).update(Content("\n").join(lines))

        explained = explanations(case)
        raised = [flag for flag in explained if flag.raised]
        summary = self.query_one("#ov-flags-summary", Static)
        if raised:
            summary.update(
                Content.assemble(
                    ("⚑ ", "bold $warning"),
                    (
                        " · ".join(flag.title for flag in raised),
                        "bold $error" if any(f.blocking for f in raised) else "bold $warning",
                    ),
                    ("  (f: details)", "$foreground-muted"),
                )
            )
        else:
            summary.update(Content.styled("No flags raised.", "$foreground-muted"))
        self.query_one(FlagBanner).show_flags(
            explained, title="Flags: why, and what the guidance asks next", reasons=True
        )

        due_lines = []
        for due in [*due_dates(case)[:6], *met_timescales(case)[:3]]:
            status = due.status()
            due_lines.append(
                Content.assemble(
                    (
                        f"{status.day_overdue:<20}",
                        "bold $text-warning" if status.overdue else "bold",
                    ),
                    plain(due.label, single_line=True),
                    (f"  ({due.reference})" if due.reference else "", "$foreground-muted"),
                    (f": {status.phrase}" if status.met else "", "$text-success"),
                )
            )
        if not due_lines:
            due_lines.append(Content.styled("Nothing with a date.", "$foreground-muted"))
        self.query_one("#ov-due", Static).update(Content("\n").join(due_lines))

        self._next: list[NextStep] = next_steps(case)
        options = [
            Option(
                Content.assemble(
                    plain(step.target, single_line=True).stylize("bold"),
                    # Not muted: a muted colour vanished on the highlighted row in high
                    # contrast (light grey on yellow).
                    Content(f" {step.answered}/{step.total}: "),
                    plain(step.ask, single_line=True),
                )
            )
            for step in self._next
        ]
        next_list = self.query_one("#ov-next", OptionList)
        next_list.clear_options()
        next_list.add_options(options)
        next_list.display = bool(options)
        if options:
            next_list.highlighted = 0

        names = []
        for person in case.participants:
            line = Content.assemble(
                ("• ", ""),
                plain(person.name, single_line=True).stylize("bold"),
                (" — ", ""),
                plain(_lower_first(role_words(case, person)), single_line=True),
            )
            if person.address_as:
                line = line + Content.assemble(
                    ("; addressed as ", "$foreground-muted"),
                    plain(person.address_as, single_line=True),
                )
            if person.access_needs:
                line = line + Content.styled("; has access needs", "$foreground-muted")
            names.append(line)
        self.query_one("#ov-people", Static).update(
            Content("\n").join(names)
            if names
            else Content.styled("No one added yet (People tab, a adds).", "$foreground-muted")
        )

        self.query_one("#ov-decisions", Static).update(decisions_content(case))

    @on(OptionList.OptionSelected, "#ov-next")
    def _walk(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        step = self._next[event.option_index]
        self.post_message(WalkRequested(step.checklist_id, step.participant_id, step.item_id))

    def focus_main(self) -> None:
        # Focus the next steps without scrolling: the stage and flags stay in view.
        next_list = self.query_one("#ov-next", OptionList)
        if next_list.display and next_list.option_count:
            next_list.focus(scroll_visible=False)
        else:
            self.query_one("#overview-scroll").focus(scroll_visible=False)

    def action_flags(self) -> None:
        banner = self.query_one("#ov-flags", FlagBanner)
        if not banner.has_class("-shown"):
            self.notify("No flags are raised.", markup=False)
            return
        scroll = self.query_one("#overview-scroll", VerticalScroll)
        scroll.focus(scroll_visible=False)
        scroll.scroll_to_widget(banner, top=True, animate=False)

    @edits
    def action_override(self) -> None:
        self._override()

    @work(exclusive=True, group="overview-override")
    async def _override(self) -> None:
        states = flags(self.case)
        if not states:
            self.notify("No flags are raised.", markup=False)
            return
        options = [
            (Content(("Clear: " if state.raised else "Restore: ") + state.flag.heading), state)
            for state in states
        ]
        state = await self.app.push_screen_wait(PickModal("Which flag?", options))
        if state is None:
            return
        verb = "clearing" if state.raised else "restoring"
        reason = await self.app.push_screen_wait(
            TextPromptModal(
                f"Why? (the reason for {verb} '{state.flag.title}')",
                help="Recorded with your name and the date, e.g. the case supervisor's decision.",
            )
        )
        if reason is None:
            return
        manager: str | None = None
        on = None
        if state.raised and state.flag.needs_manager:
            # A manager's decision (managerial oversight, a Stop flag): who, when, why.
            manager = await self.app.push_screen_wait(
                TextPromptModal(
                    "Who cleared it? (the manager's name)",
                    help="A flag like this is cleared by a manager's decision.",
                )
            )
            if manager is None:
                return
            error = ""
            while on is None:
                typed = await self.app.push_screen_wait(
                    TextPromptModal("On which day?", value=today_input(), error=error)
                )
                if typed is None:
                    return
                try:
                    on = parse_day(typed)
                except ValueError as bad:
                    error = str(bad)
                else:
                    error = "" if on else "Give the day it was cleared."
        self.save_change(
            lambda: self.case.override_flag(
                state.flag.id, reason, cleared=state.raised, cleared_by=manager, cleared_on=on
            )
        )

    @edits
    def action_decision(self) -> None:
        def saved(decision: object) -> None:
            if decision is not None:
                self.notify("Decision recorded.", markup=False)
                self.changed()

        self.app.push_screen(DecisionEditor(self.case), callback=saved)

    @edits
    def action_details(self) -> None:
        def saved(case: Case | None) -> None:
            if case is not None:
                self.notify("Case details saved.", markup=False)
                self.changed()

        self.app.push_screen(CaseDetailsEditor(self.case), callback=saved)


def decisions_content(case: CaseFile) -> Content:
    """The overview's decisions: the current one at each point, then those still waiting."""
    lines = []
    for line in decision_lines(case):
        if not line.current:
            continue
        said = f"{line.decided_by}, {line.decided_on}: {line.reason}"
        if line.oversight:
            said += f" ({line.oversight})"
        lines.append(
            Content.assemble(
                (f"{line.point}: ", "bold"),
                (line.outcome, "bold"),
                " — ",
                plain(said, single_line=True),
            )
        )
    waiting = waiting_for_decision(case)
    if waiting:
        lines.append(
            Content.styled(
                "No decision yet: " + ", ".join(w.lower() for w in waiting) + " (d records one).",
                "$foreground-muted",
            )
        )
    return Content("\n").join(lines)


class ChecklistsPane(CasePane):
    """The checklists that apply, per target, with progress; Enter walks one."""

    def compose(self) -> ComposeResult:
        yield Static(id="checklists-stage")
        # ⚠ counts the answers that need attention (the line above says so in words): a
        # narrow heading leaves the checklist's name room at 80 columns.
        yield WalkTable("Answered", ATTENTION, "Stage", "Checklist", id="checklists-table")
        yield Static(id="checklists-left")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        report = case_progress(case)
        stage = stage_progress(case, report)
        if stage is not None:
            self.query_one("#checklists-stage", Static).update(
                Content.assemble(
                    (f"This stage ({stage_label(case.case.stage).lower()}): ", "bold"),
                    f"{stage.answered} of {stage.total} answered",
                    (
                        f" · {stage.attention} need attention ({ATTENTION})"
                        if stage.attention
                        else "",
                        "$text-warning",
                    ),
                )
            )
        else:
            self.query_one("#checklists-stage", Static).update(
                Content.styled(
                    f"{report.answered} of {report.total} answered in all", "$foreground-muted"
                )
            )
        self._targets: dict[str, tuple[str, UUID | None]] = {}
        rows = []
        for row in report.targets:
            target = row.target
            key = f"{target.checklist.id}:{target.participant_id or ''}"
            self._targets[key] = (
                target.checklist.id,
                UUID(target.participant_id) if target.participant_id else None,
            )
            done = f"{row.answered}/{row.total}"
            rows.append(
                (
                    key,
                    (
                        Content.styled(done, "$text-success") if row.complete else Content(done),
                        Content.styled(str(len(row.attention)), "bold $text-warning")
                        if row.attention
                        else Content(""),
                        checklist_stage_label(target.checklist.stage),
                        plain(target.label, single_line=True),
                    ),
                )
            )
        self.query_one(RecordTable).fill(rows)
        left = unanswered_notes(case)
        lines = [
            Content.assemble(
                ("Left unanswered, with why: ", "bold"),
                plain(each.checklist, single_line=True),
                (" · ", "$foreground-muted"),
                plain(each.ask, single_line=True),
                (" — ", "$foreground-muted"),
                plain(each.note, single_line=True),
            )
            for each in left
        ]
        shown = self.query_one("#checklists-left", Static)
        shown.update(Content("\n").join(lines))
        shown.display = bool(lines)

    @on(DataTable.RowSelected, "#checklists-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_walk()

    def action_walk(self) -> None:
        key = self.query_one(RecordTable).current_key
        if key in self._targets:
            checklist_id, pid = self._targets[key]
            self.post_message(WalkRequested(checklist_id, pid))

    def focus_main(self) -> None:
        self.query_one(RecordTable).focus()


PANES: dict[str, type[CasePane]] = {
    "overview": OverviewPane,
    "participants": ParticipantsPane,
    "checklists": ChecklistsPane,
    "risks": RisksPane,
    "notes": NotesPane,
    "coworking": CoWorkingPane,
    "meeting": MeetingPane,
    "agreement": AgreementPane,
    "history": HistoryPane,
}


class CaseScreen(Screen[None]):
    """One case, in tabs.

    Args:
        case_id: The case to show (opened through ``app.unlocked_vault``).
        tab: The tab to open on (one of :data:`TABS`); default the overview.
        walk: Reopen the checklist walker where it was (from :meth:`location`).
    """

    CSS_PATH = "case.tcss"
    app = getters.app(VaultHost)

    BINDINGS: ClassVar[list[BindingType]] = [
        LOCK_IN_FOOTER,
        HELP_IN_FOOTER,
        # g ("go to a stage"), not s: s is Search on the list of cases and Skip was s in
        # the walker; one key means one thing wherever a facilitator presses it.
        Binding(
            "g",
            "stage",
            "Stage",
            id="case.stage",
            tooltip="Move the case to another stage, or close it",
        ),
        Binding(
            "1",
            "tab(1)",
            "Tabs",
            key_display="1-9",
            id="case.tab1",
            tooltip="Go to a tab by its number",
        ),
        *(
            Binding(
                str(n), f"tab({n})", show=False, id=f"case.tab{n}", tooltip=f"Go to the {title} tab"
            )
            for n, (_, title) in enumerate(TABS, start=1)
            if n > 1
        ),
        Binding(
            "x",
            "export",
            "Export",
            id="case.export",
            tooltip="A supervisor summary or a participant's own information, to a file",
        ),
        Binding(
            "b",
            "send_bundle",
            "Send",
            show=False,
            id="case.send",
            tooltip="Send this case to a co-worker, as an encrypted case file",
        ),
        Binding("escape", "close", "Cases", id="case.close", tooltip="Back to the case list"),
        Binding(
            "ctrl+k",
            "app.review_conflicts",
            "Conflicts",
            show=False,
            id="case.conflicts",
            tooltip="Review what merging a co-worker's file set aside",
        ),
    ]

    # At 80 columns the footer has room for about eight keys: these come first on every
    # tab, whatever has focus; each tab's own keys follow (all are in F1's list).
    # The app's own Lock (a priority binding) is the one active in the app: rank both ids.
    FOOTER_FIRST = ("case.close", "screen.help", "case.export", "screen.lock", "app.lock")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return keys_first(super().active_bindings, self.FOOTER_FIRST)

    def __init__(
        self, case_id: UUID, tab: str | None = None, walk: dict[str, Any] | None = None
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.initial_tab = tab if tab in PANES else "overview"
        self.walk = walk
        self._case: CaseFile | None = None
        self._focus_on_show: str | None = None  # a tab chosen by its key, to focus when shown

    @property
    def case(self) -> CaseFile:
        """The open case (the vault keeps it open; this is a dictionary lookup)."""
        if self._case is None:
            self._case = self.app.unlocked_vault.open_case(self.case_id)
        return self._case

    def compose(self) -> ComposeResult:
        # Narrow or not from the start: set on the first resize instead, the class restyled
        # every widget of the screen just built.
        self.set_class(self.app.size.width < NARROW, "-narrow")
        yield ReadOnlyBanner()
        with Horizontal(id="case-top"):
            yield Static(id="case-title")
            yield Static(id="case-flags")
        # Only the first tab's pane is built here; each other one when its tab is first
        # shown. Building all nine up front was a third of the cost of opening a case.
        with TabbedContent(initial=self.initial_tab, id="case-tabs"):
            for tab_id, title in TABS:
                with TabPane(title, id=tab_id):
                    if tab_id == self.initial_tab:
                        yield PANES[tab_id](id=f"pane-{tab_id}")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        try:
            case = self.case
        except RjfacilError as error:
            self.notify(str(error), title="Could not open the case", severity="error", markup=False)
            self.call_after_refresh(self._dismiss_now)
            return
        self._refresh_title(case)
        self._show_active(focus=True)
        if self.walk:
            walk, self.walk = self.walk, None
            self._open_walker(
                WalkRequested(walk["checklist_id"], walk.get("participant_id"), walk.get("item_id"))
            )

    def _dismiss_now(self) -> None:
        self.dismiss()  # not awaited: called from this screen's own handlers

    # -- what the shell uses -------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or self.initial_tab

    def location(self) -> dict[str, Any]:
        """The arguments that rebuild this screen where the facilitator was."""
        where: dict[str, Any] = {"case_id": self.case_id, "tab": self.active_tab}
        for screen in self.app.screen_stack:
            if isinstance(screen, ChecklistWalker) and screen.case_id == self.case_id:
                where["walk"] = screen.location()
        return where

    def before_lock(self) -> int:
        """Keep unsaved editor text safe before the vault locks.

        Any editor or walker open above this screen saves what was typed but not saved
        as a private note marked as a draft: encrypted like every note, never exported
        or bundled, and no plaintext on disk. Returns how many drafts were kept.

        Raises:
            RjfacilError: A draft could not be saved; the message says which (the app
                shows it after unlocking).
        """
        if self._case is None:
            return 0
        kept = 0
        failures = []
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1 :] if self in stack else []
        for screen in above:
            rescue = getattr(screen, "rescue_draft", None)
            if rescue is None:
                continue
            try:
                kept += bool(rescue(self._case))
            except RjfacilError as error:
                failures.append(str(error))
        if failures:
            raise RjfacilError("Unsaved text could not be kept: " + " ".join(failures))
        return kept

    # -- showing ------------------------------------------------------------------------

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if narrow == self.has_class("-narrow"):
            return
        self.set_class(narrow, "-narrow")

    def _refresh_title(self, case: CaseFile) -> None:
        c = case.case
        self.query_one("#case-title", Static).update(
            Content.assemble(
                plain(c.reference, single_line=True).stylize("bold"),
                ("  ·  ", "$foreground-muted"),
                stage_text(c),
            )
        )
        states = [s for s in flags(case) if s.raised]
        raised = [s.flag.heading for s in states]
        stop = any(s.flag.blocking for s in states)
        badge = self.query_one("#case-flags", Static)
        badge.update(
            Content.styled(
                ("Stop · " if stop else "")
                + f"⚑ {len(raised)} flag{'s' if len(raised) != 1 else ''}",
                "bold $error" if stop else "bold $warning",
            )
            if raised
            else ""
        )
        badge.tooltip = Content("\n".join(raised)) if raised else None

    def _built(self, tab_id: str) -> CasePane | None:
        """The tab's pane, or None while the tab has never been shown."""
        return next(iter(self.query(f"#pane-{tab_id}").results(CasePane)), None)

    def _show_active(self, focus: bool = False, *, after_refresh: bool = False) -> None:
        """Fill the visible tab if the case changed since (build it if never shown); focus
        its main widget if asked, at once or once the tab is laid out."""
        pane = self._built(self.active_tab)
        if pane is None:
            self.call_later(self._build_pane, self.active_tab, focus)
            return
        if pane.stale:
            pane.show(self.case)
        if focus and after_refresh:
            self.call_after_refresh(pane.focus_main)
        elif focus:
            pane.focus_main()

    async def _build_pane(self, tab_id: str, focus: bool) -> None:
        # Called through call_later, so two calls for one tab run one after the other.
        if not self.is_attached:
            return  # locked or closed meanwhile
        pane = self._built(tab_id)
        if pane is None:
            pane = PANES[tab_id](id=f"pane-{tab_id}")
            await self.query_one(f"#{tab_id}", TabPane).mount(pane)
        if pane.stale:
            pane.show(self.case)
        if focus:
            self.call_after_refresh(pane.focus_main)

    @on(TabbedContent.TabActivated, "#case-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        focus = self._focus_on_show == self.active_tab
        if focus:
            self._focus_on_show = None
        if self._case is not None:
            self._show_active(focus, after_refresh=True)

    def on_screen_resume(self) -> None:
        # A table filled while a walker or a dialog was on top was measured hidden: its
        # columns came out as narrow as their headings. Draw the visible tab's tables again
        # once this screen is laid out (before, only a tab switch put them right).
        if self._case is not None:
            self.call_after_refresh(self._redraw_tables)

    def _redraw_tables(self) -> None:
        if not self.is_attached or not self.query(TabbedContent):
            return  # locked or closed meanwhile: nothing left to draw
        pane = self._built(self.active_tab)
        for table in pane.query(RecordTable) if pane is not None else ():
            table.redraw()

    @on(CaseChanged)
    def _case_changed(self, event: CaseChanged) -> None:
        event.stop()
        self.case_changed()

    def case_changed(self) -> None:
        """The case changed: refresh the title and the visible tab; the rest on view."""
        for pane in self.query(CasePane):
            pane.stale = True
        self._refresh_title(self.case)
        self._show_active()

    # -- actions ------------------------------------------------------------------------

    def action_tab(self, number: int) -> None:
        if not 1 <= number <= len(TABS):
            return
        tab_id = TABS[number - 1][0]
        tabs = self.query_one(TabbedContent)
        if tabs.active == tab_id:
            if (pane := self._built(tab_id)) is not None:
                pane.focus_main()
            return
        # Focused once the tab is shown (see _tab_activated): focusing it before, as a busy
        # machine could, left the focus nowhere and the tab's keys did nothing.
        self._focus_on_show = tab_id
        self.set_focus(None)  # not left to the hidden tab, whose reset could come later
        tabs.active = tab_id

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()

    @edits
    def action_stage(self) -> None:
        self._change_stage()

    def action_export(self) -> None:
        self._export()

    @work(exclusive=True, group="case-export")
    async def _export(self) -> None:
        request = await self.app.push_screen_wait(ExportModal(self.case))
        if request is None:
            return
        if request.options.password is None:
            sure = await self.app.push_screen_wait(
                ConfirmModal(
                    PLAINTEXT_WARNING.format(path=request.path),
                    yes="Write it",
                    no="Cancel",
                )
            )
            if not sure:
                return
        self._write_export(request)

    @work(thread=True, exclusive=True, group="case-export-write")
    def _write_export(self, request: ExportRequest) -> None:
        try:
            written = export_case(self.case, request.options, request.path)
        except RjfacilError as error:
            self.app.call_from_thread(
                self.notify, str(error), title="Not exported", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._exported, written, request.options.password is not None)

    def _exported(self, written: Path, protected: bool = False) -> None:
        how = " (password protected)" if protected else ""
        refusal = read_only(self.app)
        history = f" It is not recorded in the case's history: {refusal.reason}." if refusal else ""
        self.notify(f"Exported to {written}{how}.{history}", title="Export written", markup=False)
        self.case_changed()

    def action_send_bundle(self) -> None:
        self._send_bundle()

    @work(exclusive=True, group="case-send")
    async def _send_bundle(self) -> None:
        """Ask whom for (their recipients, or a share passphrase typed twice) and where,
        then write the case file for co-workers in a thread, saying so while it works."""
        from rjfacil.paths import exports_dir
        from rjfacil.workspace import Vault, bundle_file_name

        reference = plain(self.case.case.reference, single_line=True)
        typed, error = "", ""
        while True:
            answer = await self.app.push_screen_wait(
                TextPromptModal(
                    Content.assemble("Send case ", reference, " to a co-worker"),
                    value=typed,
                    error=error,
                    allow_empty=True,
                    placeholder="age1… (empty: a share passphrase)",
                    help="Their recipient, as their Settings or 'rjfacil whoami' show it; "
                    "several separated by spaces. Leave it empty to protect the file with a "
                    "share passphrase instead (slower to open; pass it on another way).",
                )
            )
            if answer is None:
                return
            typed = answer.strip()
            try:
                recipients = Vault.check_recipients(typed.split())
            except RjfacilError as refused:
                error = str(refused)
                continue
            break
        passphrase = None if recipients else await self._share_passphrase()
        if not recipients and passphrase is None:
            return
        where = await self.app.push_screen_wait(
            TextPromptModal(
                "Save the case file to",
                value=str(exports_dir() / bundle_file_name(self.case.case.reference)),
                help="It is encrypted: only they can open it. Private notes stay here.",
            )
        )
        if where is None:
            return
        path = Path(where.strip()).expanduser()
        busy = None
        if passphrase is not None:
            busy = BusyModal(
                "Encrypting with the share passphrase… a few seconds: it is made slow to "
                "guess on purpose."
            )
            self.app.push_screen(busy)
        try:
            result = await self._write_bundle(path, recipients, passphrase).wait()
        finally:
            if busy is not None:
                busy.finish()
        if isinstance(result, str):
            self.notify(result, title="Not sent", severity="error", markup=False)
            return
        count = len(recipients)
        if not recipients:
            whom = "protected by a share passphrase: give it to them another way than the file."
        elif count == 1:
            whom = "for 1 co-worker's key."
        else:
            whom = f"for {count} co-workers' keys."
        kept = (
            f" {result} private note{'s' if result > 1 else ''} stayed in this vault."
            if result
            else ""
        )
        self.notify(
            f"Wrote case {self.case.case.reference} to {path}, {whom}{kept}",
            title="Case file written",
            markup=False,
        )
        self.case_changed()

    async def _share_passphrase(self) -> str | None:
        """A share passphrase typed twice (hidden); None if the facilitator gave up."""
        error = ""
        while True:
            first = await self.app.push_screen_wait(
                TextPromptModal(
                    "Share passphrase",
                    password=True,
                    error=error,
                    help="The co-worker needs it to open the file: tell them another way "
                    "than the file itself (by phone, say).",
                )
            )
            if first is None:
                return None
            again = await self.app.push_screen_wait(
                TextPromptModal("The same share passphrase again", password=True)
            )
            if again is None:
                return None
            if again == first:
                return first
            error = "The two share passphrases differ: type it again."

    @work(thread=True, exclusive=True, group="case-send-write")
    def _write_bundle(self, path: Path, recipients: list[str], passphrase: str | None) -> Any:
        try:
            return self.app.unlocked_vault.export_bundle(
                self.case_id, path, recipients=recipients or None, passphrase=passphrase
            )
        except RjfacilError as error:
            return str(error)
        except OSError as error:
            return f"Could not write {path}: {error.strerror}."

    @work(exclusive=True, group="case-stage")
    async def _change_stage(self) -> None:
        current = self.case.case.stage
        stage = await self.app.push_screen_wait(
            PickModal(
                "Move the case to…",
                [(Content(stage_label(s) + ("  (now)" if s is current else "")), s) for s in Stage],
                current,
            )
        )
        if stage is None or stage is current:
            return
        reason = None
        if not stage.is_open:
            why = (
                "Why is the case closing?"
                if stage is Stage.CLOSED
                else "Why is the case withdrawn?"
            )
            reason = await self.app.push_screen_wait(
                PickModal(
                    why,
                    [(Content(closure_label(r)), r) for r in ClosureReason],
                    self.case.case.closure_reason,
                )
            )
            if reason is None:
                return
        going_on = ""
        # An absolute limit of the guidance is raised, or a point of the case has no
        # decision to go ahead: going on takes a reason, which the history records.
        holding = [flag.heading for flag in self.case.blocking_for_move(stage)]
        holding += [no_go_ahead(p) for p in self.case.decisions_missing_for_move(stage)]
        if holding:
            answer = await self.app.push_screen_wait(
                going_on_prompt(holding, f"Move to {stage_label(stage)} anyway?")
            )
            if answer is None:
                return
            going_on = answer
        try:
            self.case.update_case(stage=stage, closure_reason=reason, going_on_because=going_on)
        except RjfacilError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self.notify(f"The case is now at: {stage_text(self.case.case)}.", markup=False)
        self.case_changed()

    @on(WalkRequested)
    def _open_walker(self, event: WalkRequested) -> None:
        event.stop()
        self.app.push_screen(
            ChecklistWalker(self.case_id, event.checklist_id, event.participant_id, event.item_id),
            callback=self._walked,
        )

    def _walked(self, _: None) -> None:
        self.case_changed()


def _lower_first(words: str) -> str:
    """Words mid-sentence: a role's capital goes, a name's stays ("supporter of Ana")."""
    return words[:1].lower() + words[1:]
