"""The snapshot set covers what issue 13 asks: the case list, case view, walker, notes,
letters and settings, at 80x24 and 120x40, in the default and the high-contrast theme."""

from __future__ import annotations

from pathlib import Path

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
SIZES = ("80x24", "120x40")
DEFAULT = {
    "case list": "test_ui_snapshots_shell/test_case_list[{size}].svg",
    "case view": "test_ui_snapshots_case/test_case_overview[{size}].svg",
    "walker": "test_ui_snapshots_case/test_walker_with_a_raised_flag[{size}].svg",
    "notes": "test_ui_snapshots_case/test_case_tab[notes-{size}].svg",
    "letters": "test_ui_snapshots_case/test_agreement_and_letters[{size}].svg",
    "settings": "test_ui_snapshots_shell/test_settings_at_120x40.svg",
}
HIGH_CONTRAST = {
    "case list": "test_ui_snapshots_shell/test_high_contrast[case_list-{size}].svg",
    "case view": "test_ui_snapshots_case/test_high_contrast[overview-{size}].svg",
    "walker": "test_ui_snapshots_case/test_high_contrast[walker-{size}].svg",
    "notes": "test_ui_snapshots_case/test_high_contrast[notes-{size}].svg",
    "letters": "test_ui_snapshots_case/test_high_contrast[agreement-{size}].svg",
    "settings": "test_ui_snapshots_shell/test_high_contrast[settings-{size}].svg",
}
# The default settings at 80x24 is one of the help-and-settings pair.
SETTINGS_80 = "test_ui_snapshots_shell/test_help_and_settings[settings].svg"


def test_every_main_screen_has_a_snapshot_at_both_sizes_in_both_themes() -> None:
    missing = []
    for theme, screens in (("default", DEFAULT), ("high contrast", HIGH_CONTRAST)):
        for screen, pattern in screens.items():
            for size in SIZES:
                path = pattern.format(size=size)
                if theme == "default" and screen == "settings" and size == "80x24":
                    path = SETTINGS_80
                if not (SNAPSHOTS / path).is_file():
                    missing.append(f"{screen} at {size} ({theme})")
    assert missing == []
