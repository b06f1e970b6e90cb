"""Every folder rjfacil uses. RJFACIL_HOME (or --data-dir) overrides the defaults.

With RJFACIL_HOME set, everything lives under it: the vault in it, config in
``RJFACIL_HOME/config``, so tests never touch a real home folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "rjfacil"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
HEADER_NAME = "vault.json"  # its presence says a vault exists (light to import)


def _home_override() -> Path | None:
    value = os.environ.get("RJFACIL_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The vault folder."""
    return _home_override() or Path(platformdirs.user_data_dir(APP))


def config_dir() -> Path:
    """Settings (theme, idle lock) and an organisation's own checklist files."""
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def org_checklists_dir() -> Path:
    """Where an organisation puts its own checklist TOML files."""
    return config_dir() / "checklists"


def demo_dir() -> Path:
    """The demo vault: the user's own cache folder, never the shared temporary folder
    (where its name could be predicted and taken by another user first)."""
    home = _home_override()
    return home / "demo" if home else Path(platformdirs.user_cache_dir(APP)) / "demo"


def log_dir() -> Path:
    home = _home_override()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) as 0700 and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(path, PRIVATE_DIR)
    return path


def exports_dir() -> Path:
    """Where an export is offered to go: the user's Documents folder, else Downloads,
    else their home folder (the first that exists). Nothing is created. With
    RJFACIL_HOME set (tests, portable use), that folder."""
    home = _home_override()
    if home is not None:
        return home
    for named in (platformdirs.user_documents_dir, platformdirs.user_downloads_dir):
        try:
            folder = Path(named())
        except Exception:  # platformdirs may fail on an odd system: fall back to home
            continue
        if folder.is_dir():
            return folder
    return Path.home()
