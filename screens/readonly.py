"""A vault that cannot be written (read-only media, or a folder the user may not write in).

The core opens it read-only (``Vault.read_only`` says why) and refuses every change. The
screens say so before anything is typed: a banner on every screen that shows the vault,
and each way into a change (a key, a row, a button) refused with the same words at once,
rather than a form that fails when it is saved.

Only Textual and the core's errors are imported here: the app imports this module on the
way to the unlock prompt.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, cast

from textual.app import App
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Static

from rjfacil.errors import ReadOnlyVault

READ_ONLY = "Read-only: changes cannot be saved"
"""The banner's words, and the start of every refusal."""

F = TypeVar("F", bound=Callable[..., Any])


def read_only(app: App[Any]) -> ReadOnlyVault | None:
    """Why the unlocked vault cannot be written, or None (writable, or not unlocked)."""
    vault = getattr(app, "vault_if_unlocked", None)
    return cast("ReadOnlyVault | None", getattr(vault, "read_only", None))


def refused(node: DOMNode) -> bool:
    """True, having said why, if the vault cannot be written; False otherwise.

    Example:
        if refused(self):
            return
    """
    refusal = read_only(node.app)
    if refusal is None:
        return False
    node.app.notify(
        f"{READ_ONLY} ({refusal.reason}). Nothing was changed.",
        title="Read-only",
        severity="warning",
        markup=False,
    )
    return True


def edits(method: F) -> F:
    """Mark an action (or handler) of a node as one that changes the vault: in a read-only
    vault it is refused with the banner's words, before any form opens."""

    @functools.wraps(method)
    def guarded(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
        if refused(self):
            return None
        return method(self, *args, **kwargs)

    return cast(F, guarded)


class ReadOnlyBanner(Static):
    """One line at the top of a screen, shown only while the vault is read-only."""

    DEFAULT_CSS: ClassVar[str] = """
    ReadOnlyBanner {
        width: 1fr;
        height: auto;
        padding: 0 1;
        background: $warning-muted;
        color: $text-warning;
        text-style: bold;
        display: none;
    }
    ReadOnlyBanner.-shown { display: block; }
    """

    def on_mount(self) -> None:
        refusal = read_only(self.app)
        if refusal is not None:
            self.update(Content(f"{READ_ONLY} ({refusal.reason})."))
        self.set_class(refusal is not None, "-shown")
