"""The rjfacil app: start-up, unlock, the case list, locking, themes and settings.

Start-up is on a budget (DESIGN.md: the unlock prompt painted within 0.5 s of process
start): this module imports only Textual, the settings and the unlock screen. The vault,
its crypto and the checklists are imported in the thread worker that opens the vault
folder, while the facilitator types; the case screens are imported after unlocking.

``app.vault`` is None (no vault yet), a LockedVault (the folder is held, the key is not in
memory: at the unlock prompt and while locked) or a Vault (unlocked); screens reach the
unlocked vault through ``app.unlocked_vault`` (screens/host.py), typed.

The idle lock reads the time from two injected clocks (monotonic, and the wall clock that
also counts time asleep), so tests drive it without waiting.

The screen stack: at the bottom, the door (the unlock prompt, which is the app's first
screen; a blank screen on a first run; the lock screen after a lock); above it the case
list and whatever the facilitator opened. Locking pops everything above the door.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from rich.text import Text
from textual import events, work
from textual.app import CSSPathType
from textual.binding import Binding, BindingType
from textual.screen import Screen

from rjfacil.errors import (
    DamagedFile,
    FileOutOfStep,
    RjfacilError,
    TamperedFile,
    TooManyAttempts,
    os_cause,
)
from rjfacil.paths import HEADER_NAME
from rjfacil.sanitize import visible
from rjfacil.settings import THEMES, Settings, load_settings, save_settings
from screens.commands import RjfacilCommands
from screens.host import VaultHost
from screens.lock import Location, LockScreen, keep_drafts, record_locations
from screens.readonly import edits, read_only
from screens.unlock import (
    REKEYING,
    ChangePassphraseModal,
    CreateVaultScreen,
    RecoveryCodeScreen,
    UnlockScreen,
    reencrypting,
)

if TYPE_CHECKING:
    from rjfacil.workspace import LockedVault, Vault
    from screens.case_list import OpenCase
    from screens.settings import SettingsChanged


def _terminal_fds() -> list[int]:
    """The file descriptors (stdin, stderr) that are a terminal now."""
    found = []
    for stream in (sys.__stdin__, sys.__stderr__):
        try:
            if stream is not None and os.isatty(stream.fileno()):
                found.append(stream.fileno())
        except (OSError, ValueError):
            continue
    return found


def _terminal_alive(fds: list[int]) -> bool:
    """Whether those that were a terminal still are (after a hang-up they are not)."""
    return all(os.isatty(fd) for fd in fds)


class RjfacilApp(VaultHost):
    """rjfacil's terminal UI.

    Args:
        home: The vault folder.
        demo_passphrase: The demo vault's passphrase, shown as a hint at the unlock prompt.
        monotonic: The clock the idle lock measures idle time by (seconds).
        wall_clock: The wall clock (seconds since the epoch): it also counts the time a
            laptop was asleep, which ``monotonic`` may not.
    """

    # unlock.tcss here too: the unlock prompt is the default screen, whose own CSS_PATH
    # Textual does not load (it loads a screen's CSS when the screen is pushed).
    CSS_PATH: ClassVar[CSSPathType] = ["app.tcss", "unlock.tcss"]
    TITLE = "rjfacil"
    COMMANDS: ClassVar[set[Any]] = {RjfacilCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+l",
            "lock",
            "Lock",
            priority=True,
            id="app.lock",
            tooltip="Hide everything now; only the passphrase brings it back",
        ),
        Binding(
            "f1", "help", "Help", id="app.help", tooltip="Every key of the app and of this screen"
        ),
        Binding(
            "question_mark",
            "help",
            "Help",
            show=False,
            id="app.help_alt",
            tooltip="Every key of the app and of this screen",
        ),
        Binding(
            "f2",
            "settings",
            "Settings",
            show=False,
            id="app.settings",
            tooltip="Theme, idle lock and passphrase",
        ),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            show=False,
            id="app.quit",
            tooltip="Close rjfacil; everything is already saved",
        ),
    ]

    DOOR_DELAY: ClassVar[float] = 0.1
    """Seconds after the unlock prompt is painted before the vault folder is opened."""

    IDLE_CHECK_SECONDS: ClassVar[float] = 1.0
    """How often the idle timer looks at the time of the last key or mouse event."""

    exit_pause: float = 1.5
    """Seconds the 'three wrong attempts' message stays up before the app exits."""

    def __init__(
        self,
        home: Path,
        demo_passphrase: str | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.home = Path(home)
        self.demo_passphrase = demo_passphrase
        self.vault: Vault | LockedVault | None = None
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self.settings: Settings = load_settings()
        self.theme = self.settings.theme  # rjfacil's themes are known to VaultHost
        self.idle_lock_seconds: float = self.settings.idle_lock_minutes * 60.0
        self._active_at = (monotonic(), wall_clock())
        self._sighup = False
        self._return_to: tuple[list[Location], list[str]] = ([], [])
        self._vault_exists = (self.home / HEADER_NAME).exists()
        self._ttys: list[int] = []

    # -- state --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {
            "lock",
            "new_case",
            "search",
            "settings",
            "change_passphrase",
            "due",
            "supervision",
        }:
            return self.unlocked
        if action == "command_palette":
            return self.unlocked
        return True

    # -- start-up -------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The unlock prompt straight away when there is a vault (no extra frame)."""
        screen: Screen[Any] = (
            UnlockScreen(demo_passphrase=self.demo_passphrase) if self._vault_exists else Screen()
        )
        # Textual 8.2.8's switch_screen pops a result callback from the screen it replaces,
        # which push_screen gives every screen but the default one never gets.
        screen._push_result_callback(self, None)
        return screen

    def on_mount(self) -> None:
        self._ttys = _terminal_fds()
        self.set_interval(self.IDLE_CHECK_SECONDS, self.lock_if_idle, name="idle-lock")
        self._install_sighup()
        if not self._vault_exists:
            self._first_run()

    def on_unlock_screen_shown(self, message: UnlockScreen.Shown) -> None:
        # Open the vault folder (importing the vault and its crypto) only once the prompt
        # is on screen: a thread importing meanwhile would slow the first paint.
        if self.vault is None:
            self.set_timer(self.DOOR_DELAY, self._open_door)

    @work(thread=True, exclusive=True, group="door")
    def _open_door(self) -> None:
        from rjfacil.workspace import Vault

        try:
            door = Vault.open(self.home)
        except RjfacilError as error:
            self._from_thread(self._door_failed, str(error))
            return
        except OSError as error:
            self._from_thread(
                self._door_failed, f"Could not open the vault at {self.home}: {os_cause(error)}."
            )
            return
        if not self._from_thread(self._door_opened, door):
            door.release()  # the app closed meanwhile

    def _from_thread(self, callback: Any, *args: Any) -> bool:
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            return False
        return True

    def _door_opened(self, door: LockedVault) -> None:
        if not self.is_running:
            door.release()
            return
        self.vault = door
        for screen in self.screen_stack:
            if isinstance(screen, UnlockScreen):
                screen.set_door(door)

    def _door_failed(self, message: str) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, UnlockScreen):
                screen.show_fatal(message)

    @work(exclusive=True, group="first-run")
    async def _first_run(self) -> None:
        """Create the vault, show the recovery code once, then the case list."""
        created = await self.push_screen_wait(CreateVaultScreen(self.home))
        self.vault = created.vault
        self._touch()
        code, created.recovery_code = created.recovery_code, ""
        await self.push_screen_wait(RecoveryCodeScreen(code))
        del code
        created.vault.recovery_code_shown()
        if self.unlocked:
            self._rebuild([])

    def on_unlock_screen_done(self, message: UnlockScreen.Done) -> None:
        result = message.result
        if result is None:
            self.exit(return_code=1, message=Text(f"rjfacil: {TooManyAttempts()}"))
            return
        locations, problems = self._return_to
        self._return_to = ([], [])
        self.vault = result.vault
        self._touch()
        self._rebuild(locations)
        for problem in problems:
            self.notify(visible(problem), severity="error", markup=False, timeout=10)
        # What the manifest check found: a case file missing, older or swapped, the index
        # rebuilt. Each names the case; opening it offers the restore.
        for line in result.vault.integrity_lines("app"):
            self.notify(visible(line), severity="warning", markup=False, timeout=20)
        if result.vault.rotation_notice:
            self.notify(result.vault.rotation_notice, severity="warning", markup=False, timeout=15)
        if result.by_recovery and read_only(self) is None:
            self._offer_new_passphrase()

    @work(exclusive=True, group="reset-passphrase")
    async def _offer_new_passphrase(self) -> None:
        """After a recovery-code unlock the passphrase is likely forgotten: offer a new one."""
        from screens.dialogs import BusyModal

        error = ""
        # Asked again after a failure only while still unlocked: a lock meanwhile (which
        # also cancels this worker) must not bring the prompt back over the lock screen.
        while self.unlocked:
            change = await self.push_screen_wait(ChangePassphraseModal(error, need_old=False))
            if change is None:
                message = "Unlocked with the recovery code. The passphrase is unchanged."
                break
            vault = self.vault_if_unlocked
            if vault is None:
                return
            busy = BusyModal(REKEYING)
            self.push_screen(busy)

            def progress(done: int, total: int, busy: BusyModal = busy) -> None:
                self.call_from_thread(busy.say, reencrypting(done, total))

            try:  # key derivations and re-encrypting every file: off the event loop
                code = await asyncio.to_thread(vault.reset_passphrase, change.new, progress)
            except RjfacilError as failure:  # a failed save is a WriteFailed
                error = str(failure)
                continue
            finally:
                busy.finish()
            await self.push_screen_wait(RecoveryCodeScreen(code))
            del code
            vault.recovery_code_shown()
            message = "New passphrase set. The old recovery code no longer opens anything."
            break
        else:
            return
        self.notify(message, markup=False)

    def _rebuild(self, locations: list[Location]) -> None:
        """The case list over the door, then every screen the facilitator had open."""
        from screens.case_list import CaseListScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(CaseListScreen())
        for location in locations:
            if location.screen_type is CaseListScreen:
                continue
            try:
                self.push_screen(location.rebuild())
            except Exception as error:  # a screen that cannot come back
                self.notify(
                    f"Could not return to where you were: {visible(str(error))}",
                    severity="warning",
                    markup=False,
                )
                break

    # -- locking --------------------------------------------------------------------

    def action_lock(self) -> None:
        """Blank to the lock screen now; drop the key and all decrypted data."""
        vault = self.vault_if_unlocked
        if vault is None:
            return
        # A draft that could not be kept is said after unlocking: the lock clears the
        # notifications (they may name a case).
        problems = keep_drafts(self.screen_stack)
        locations = record_locations(self.screen_stack)
        for group in ("first-run", "case-flow", "case-io", "reset-passphrase"):
            self.workers.cancel_group(self, group)
        # The bottom screen is the door (the unlock prompt, or a blank first-run screen);
        # everything above it may show case data, so it all goes, and the door shows.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        door = vault.door
        self.switch_screen(LockScreen(door))
        self.clear_notifications()
        self.vault = None
        try:
            vault.lock()
        except (RjfacilError, OSError) as error:
            problems.append(str(error))
        del vault
        self.vault = door
        self._return_to = (locations, problems)

    def _touch(self) -> None:
        self._active_at = (self._monotonic(), self._wall_clock())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event,
            (
                events.Key,
                events.MouseDown,
                events.MouseMove,
                events.MouseScrollDown,
                events.MouseScrollUp,
                events.Paste,
            ),
        ):
            self._touch()
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock if no key or mouse event came for the idle time (the idle timer calls this)."""
        if not self.is_headless and not _terminal_alive(self._ttys):
            # The terminal hung up (its window closed): lock, and leave, as no one can
            # unlock here any more (SIGHUP may come before the terminal is gone).
            self._terminal_gone()
            return
        if not self.unlocked:
            return
        mono, wall = self._active_at
        # The wall clock also counts time asleep (lid closed), which monotonic may not.
        idle = max(self._monotonic() - mono, self._wall_clock() - wall)
        if idle >= self.idle_lock_seconds:
            self.action_lock()

    def _terminal_gone(self) -> None:
        """Lock, let go of the vault, and end the process at once.

        Textual's own shutdown blocks writing to a terminal that no longer exists, so
        the process would linger holding the vault; every save is already durable.
        """
        self.action_lock()
        try:
            self._let_go()
        finally:
            os._exit(129)

    def _install_sighup(self) -> None:
        sighup = getattr(signal, "SIGHUP", None)
        if sighup is None:
            return
        try:
            asyncio.get_running_loop().add_signal_handler(sighup, self._on_sighup)
        except (NotImplementedError, RuntimeError, ValueError):
            return
        self._sighup = True

    def _on_sighup(self) -> None:
        # Runs in the event loop (asyncio's handler), not in a thread: call_later, not
        # call_from_thread, hands it to the app's message queue.
        self.call_later(self._hung_up)

    def _hung_up(self) -> None:
        """SIGHUP: lock now. If the terminal has gone, the idle timer's check ends the app."""
        self.action_lock()

    def on_unmount(self) -> None:
        sighup = getattr(signal, "SIGHUP", None)  # Windows has none
        if self._sighup and sighup is not None:
            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(sighup)
        self._sighup = False
        with contextlib.suppress(RjfacilError, OSError):
            self._let_go()

    def _let_go(self) -> None:
        """Drop the vault: lock it if it is open, and let go of its folder."""
        vault, self.vault = self.vault, None
        if vault is None:
            return
        from rjfacil.workspace import Vault  # imported already: the vault was made by it

        if isinstance(vault, Vault):
            vault.close()
        else:
            vault.release()

    # -- cases ------------------------------------------------------------------------

    def open_case(self, case_id: UUID, tab: str | None = None) -> None:
        """Show a case (its screen reads ``app.vault``); offer a backup if its file fails."""
        if self.unlocked:
            self._open_case(case_id, tab)

    @work(exclusive=True, group="case-flow")
    async def _open_case(self, case_id: UUID, tab: str | None) -> None:
        from screens.case import CaseScreen
        from screens.dialogs import ConfirmModal

        vault = self.vault_if_unlocked
        if vault is None:
            return
        try:
            vault.open_case(case_id)  # decrypt and validate now, to offer a backup if it fails
        except (DamagedFile, TamperedFile, FileOutOfStep) as error:
            keep = isinstance(error, FileOutOfStep) and error.keep
            if (error.backup is None and not keep) or read_only(self) is not None:
                self._failed("Could not open the case", error)
                return
            question = (
                "Keep the file as it is? The vault then records it as the case's current "
                "version; what was saved after it stays lost."
                if keep
                else "Put the newest good backup in its place? What was saved after that "
                "backup is lost; the failing file is kept among the backups."
            )
            restore = await self.push_screen_wait(
                ConfirmModal(
                    f"{visible(str(error))}\n\n{question}",
                    yes="Keep it" if keep else "Restore",
                    no="Not now",
                    danger=True,
                )
            )
            vault = self.vault_if_unlocked  # as it is now: a lock may have come meanwhile
            if not restore or vault is None:
                return
            try:
                restored = vault.restore_case_backup(case_id)
                vault.open_case(case_id)
            except RjfacilError as failure:
                self._failed("Not restored", failure)
                return
            self.notify(
                "Kept as it is." if restored.kept else "Restored from the newest good backup.",
                markup=False,
            )
        except RjfacilError:
            pass  # the case screen says why and closes
        screen = CaseScreen(case_id=case_id, tab=tab)
        if isinstance(self.screen, CaseScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _failed(self, title: str, error: Exception) -> None:
        self.notify(visible(str(error)), title=title, severity="error", markup=False, timeout=15)

    def on_open_case(self, message: OpenCase) -> None:
        self.open_case(message.case_id, message.tab)

    @edits
    @work(exclusive=True, group="case-flow")
    async def action_new_case(self) -> None:
        """Ask for a reference (again, with the reason, if it is refused); open the case."""
        from screens.dialogs import TextPromptModal

        if not self.unlocked:
            return
        reference, error = "", ""
        while True:
            answer = await self.push_screen_wait(
                TextPromptModal(
                    "New case",
                    value=reference,
                    error=error,
                    placeholder="e.g. RJ-2026-015",
                    help="Its reference, as your service knows it. It shows on the case "
                    "list, so avoid names.",
                )
            )
            vault = self.vault_if_unlocked
            if answer is None or vault is None:
                return
            reference = answer.strip()
            result = await self._create_case(vault, reference).wait()
            if isinstance(result, UUID):
                break
            error = result
        self.notify(f"Case {visible(reference, single_line=True)} created.", markup=False)
        self.open_case(result)

    @work(thread=True, group="case-io")
    def _create_case(self, vault: Vault, reference: str) -> UUID | str:
        try:
            return vault.new_case(reference).id
        except RjfacilError as error:
            return str(error)
        except OSError as error:
            return f"Could not save the new case: {os_cause(error)}."

    def action_search(self) -> None:
        from screens.case_list import SearchScreen

        if self.unlocked and not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    # -- co-workers' case files ------------------------------------------------------------

    @edits
    @work(exclusive=True, group="bundle-flow")
    async def action_import_bundle(self) -> None:
        """Ask for the file (and a share passphrase if it needs one), show what it would
        add, change and set aside, and write it only when confirmed."""
        from screens.dialogs import BusyModal, ConfirmModal, TextPromptModal

        if not self.unlocked:
            return
        path, error, passphrase = "", "", None
        while True:
            answer = await self.push_screen_wait(
                TextPromptModal(
                    "Import a co-worker's case file",
                    value=path,
                    error=error,
                    placeholder="e.g. ~/Downloads/RJ-2026-015.age",
                    help="The age file they sent you. Nothing is written until you confirm.",
                )
            )
            if answer is None or not self.unlocked:
                return
            path = answer.strip()
            result = await self._preview_bundle(self.vault, path, passphrase).wait()
            if result == "needs-passphrase":
                passphrase = await self.push_screen_wait(
                    TextPromptModal(
                        "Share passphrase",
                        password=True,
                        help="The file is protected by a share passphrase.",
                    )
                )
                if passphrase is None:
                    return
                busy = BusyModal(
                    "Decrypting with the share passphrase… a few seconds: it is made slow "
                    "to guess on purpose."
                )
                self.push_screen(busy)
                try:
                    result = await self._preview_bundle(self.vault, path, passphrase).wait()
                finally:
                    busy.finish()
            if not isinstance(result, str):
                break
            error, passphrase = result, None
        confirmed = await self.push_screen_wait(
            ConfirmModal("\n".join(result.lines()), yes="Import", no="Cancel")
        )
        if not confirmed or not self.unlocked:
            return
        written = await self._import_bundle(self.vault, result).wait()
        if isinstance(written, str):
            self.notify(written, severity="error", markup=False)
            return
        self.notify(f"Imported case {visible(result.reference, single_line=True)}.", markup=False)
        self.open_case(result.case_id)

    @work(thread=True, group="case-io")
    def _preview_bundle(self, vault: Any, path: str, passphrase: str | None) -> Any:
        from pathlib import Path

        from rjfacil.errors import BundleError

        try:
            bundle = vault.read_bundle(Path(path).expanduser(), passphrase)
            return vault.preview_import(bundle)
        except BundleError as error:
            return "needs-passphrase" if error.reason == "needs-passphrase" else str(error)
        except RjfacilError as error:
            return str(error)
        except OSError as error:
            return f"Could not read the file: {os_cause(error)}."

    @work(thread=True, group="case-io")
    def _import_bundle(self, vault: Any, preview: Any) -> Any:
        try:
            return vault.import_bundle(preview).id
        except RjfacilError as error:
            return str(error)
        except OSError as error:
            return f"Could not save the import: {os_cause(error)}."

    def action_review_conflicts(self) -> None:
        from screens.case import CaseScreen
        from screens.conflicts import ConflictsScreen

        screen = self.screen
        if self.unlocked and isinstance(screen, CaseScreen):
            self.push_screen(ConflictsScreen(screen.case_id))

    # -- settings, themes, help ----------------------------------------------------------

    def action_settings(self) -> None:
        from screens.settings import SettingsScreen

        if self.unlocked and not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    @edits
    def action_change_passphrase(self) -> None:
        from screens.settings import SettingsScreen

        if not self.unlocked:
            return
        current = self.screen
        if isinstance(current, SettingsScreen):
            screen = current
        else:
            screen = SettingsScreen()
            self.push_screen(screen)
        self.call_after_refresh(screen.action_change_passphrase)

    def action_help(self) -> None:
        from screens.help import HelpScreen, collect_keys

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(collect_keys(self, self.screen)))

    def set_theme(self, name: str) -> None:
        """Apply a theme and remember it."""
        if name in THEMES:
            self._apply(replace(self.settings, theme=name))

    def on_settings_changed(self, message: SettingsChanged) -> None:
        self._apply(message.settings)

    def _apply(self, settings: Settings) -> None:
        self.settings = settings
        self.theme = settings.theme
        self.idle_lock_seconds = settings.idle_lock_minutes * 60.0
        try:
            save_settings(settings)
        except OSError as error:
            self.notify(
                f"Could not save the settings: {os_cause(error)}. They apply until you quit.",
                severity="warning",
                markup=False,
            )
