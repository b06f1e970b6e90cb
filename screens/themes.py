"""The three themes: a calm dark default, a light one, and a high-contrast one.

The only place in the UI with literal colours: every stylesheet uses the theme's
variables ($primary, $error, ...), so each screen works in each theme.
"""

from __future__ import annotations

from textual.theme import Theme

from rjfacil.settings import THEMES

DARK, LIGHT, HIGH_CONTRAST = THEMES

THEME_LABELS: dict[str, str] = {
    DARK: "Calm dark (default)",
    LIGHT: "Light",
    HIGH_CONTRAST: "High contrast",
}

RJFACIL_THEMES: tuple[Theme, ...] = (
    # Muted blue-grey and sage: quiet in a dim living room, nothing that alarms.
    Theme(
        name=DARK,
        primary="#7FA7C4",
        secondary="#8FB3A1",
        accent="#D9B779",
        warning="#D9B779",
        error="#D98880",
        success="#8FB996",
        foreground="#DADFE3",
        background="#1D2227",
        surface="#242A30",
        panel="#2E363E",
        dark=True,
        luminosity_spread=0.12,
    ),
    # Paper-like, for daylight and glare.
    Theme(
        name=LIGHT,
        primary="#2F5F86",
        secondary="#3F6F5A",
        accent="#8A5A00",
        warning="#8A5A00",
        error="#A3302A",
        success="#2F6B3A",
        foreground="#1E2328",
        background="#F7F5F0",
        surface="#EFECE5",
        panel="#E2DED4",
        dark=False,
        luminosity_spread=0.10,
    ),
    # Pure black and white with yellow focus, for low vision and bright sun.
    Theme(
        name=HIGH_CONTRAST,
        primary="#FFFF00",
        secondary="#00FFFF",
        accent="#FFFF00",
        warning="#FFFF00",
        error="#FF6E6E",
        success="#7CFF7C",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#1A1A1A",
        dark=True,
        luminosity_spread=0.0,
        text_alpha=1.0,
        variables={
            "block-cursor-foreground": "#000000",
            "block-cursor-background": "#FFFF00",
            "block-cursor-text-style": "bold",
            "block-hover-background": "#333333",
            "border": "#FFFFFF",
            "border-blurred": "#AAAAAA",
            "footer-key-foreground": "#FFFF00",
            "footer-description-foreground": "#FFFFFF",
            "input-selection-background": "#FFFF00 50%",
            "text-muted": "#FFFFFF",
            "scrollbar": "#AAAAAA",
        },
    ),
)
