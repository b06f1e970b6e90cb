"""A tick box and a one-of-several choice that show their state by a glyph, not colour.

Textual draws the same block for on and off and tells them apart by colour alone; in the
high-contrast theme an unticked box was invisible. These draw the walker's ☐/☑ (○/● for a
choice; ☐/☑ before each option of a list of ticks) in the text's own colour, so each state
has a shape of its own, visible in every theme.
"""

from __future__ import annotations

from typing import TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widgets import Checkbox, OptionList, RadioButton, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

T = TypeVar("T")

TICKED, UNTICKED = "☑", "☐"
CHOSEN, NOT_CHOSEN = "●", "○"


class TickBox(Checkbox):
    """A checkbox drawn ☐ when unticked and ☑ when ticked."""

    @property
    def _button(self) -> Content:
        if self.value:
            return Content.assemble((TICKED, Style(bold=True)))
        return Content(UNTICKED)


class ChoiceButton(RadioButton):
    """A radio button drawn ○ when not chosen and ● when chosen."""

    @property
    def _button(self) -> Content:
        if self.value:
            return Content.assemble((CHOSEN, Style(bold=True)))
        return Content(NOT_CHOSEN)


class PickList(SelectionList[T]):
    """A list of ticks drawn ☐/☑ before each option, as :class:`TickBox` draws one."""

    def _get_left_gutter_width(self) -> int:
        return cell_len(TICKED + " ")

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        underlying = next(iter(line)).style or self.rich_style
        ticked = selection.value in self._selected
        glyph_style = underlying + RichStyle(bold=ticked, meta={"option": index})
        return Strip(
            [
                Segment(TICKED if ticked else UNTICKED, style=glyph_style),
                Segment(" ", style=underlying),
                *line,
            ]
        )
