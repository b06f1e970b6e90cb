"""Locking: the neutral lock screen, and where the facilitator was, to return there.

A lock pops every screen that could show case data, so before that the app records the
stack as *locations*: a screen class and the keyword arguments that rebuild it (a case's
id and tab, never its content). Screens say how to rebuild themselves with a
``location() -> dict`` method; modal dialogs are not rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.screen import ModalScreen, Screen

from screens.unlock import UnlockScreen

if TYPE_CHECKING:
    from rjfacil.workspace import LockedVault

LOCKED_HEADING = "rjfacil — locked"


class LockScreen(UnlockScreen):
    """What shows while locked: "rjfacil — locked" and the unlock prompt, nothing else.

    The same unlock screen as at start (three attempts, recovery code), with the door the
    app kept when it locked.
    """

    def __init__(self, door: LockedVault) -> None:
        super().__init__(door, heading=LOCKED_HEADING)


@dataclass(frozen=True)
class Location:
    """A screen to rebuild after unlocking: its class and its constructor's arguments."""

    screen_type: type[Screen[Any]]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def rebuild(self) -> Screen[Any]:
        return self.screen_type(**self.kwargs)


def location_of(screen: Screen[Any]) -> Location | None:
    """Where this screen is, as something that rebuilds it; None if it is not rebuilt.

    A screen with ``location()`` gives its own arguments; one with only a ``case_id``
    attribute (a case screen without ``location()``) is rebuilt from that; dialogs and
    everything else are dropped.
    """
    if isinstance(screen, (ModalScreen, UnlockScreen)):
        return None
    where = getattr(screen, "location", None)
    if callable(where):
        return Location(type(screen), dict(where()))
    case_id = getattr(screen, "case_id", None)
    if case_id is not None:
        return Location(type(screen), {"case_id": case_id})
    return None


def record_locations(stack: Iterable[Screen[Any]]) -> list[Location]:
    """The rebuildable locations of a screen stack, bottom first.

    A screen above a case's screen that belongs to the same case (the checklist walker)
    is that case screen's to restore (its ``location()`` says how), so it is not
    recorded again.
    """
    found: list[Location] = []
    cases: set[Any] = set()
    for screen in stack:
        case_id = getattr(screen, "case_id", None)
        if case_id is not None and case_id in cases:
            continue
        location = location_of(screen)
        if location is None:
            continue
        found.append(location)
        if case_id is not None:
            cases.add(case_id)
    return found


def keep_drafts(stack: Iterable[Screen[Any]]) -> list[str]:
    """Ask every screen with unsaved work to keep it safe (``before_lock()``), top first.

    Returns:
        The messages of any that failed, to show after unlocking.
    """
    problems = []
    for screen in reversed(list(stack)):
        before_lock = getattr(screen, "before_lock", None)
        if not callable(before_lock):
            continue
        try:
            before_lock()
        except Exception as error:
            problems.append(str(error) or type(error).__name__)
    return problems
