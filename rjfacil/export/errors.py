"""Errors a user can cause while exporting, each with a message written for the user."""

from __future__ import annotations

from rjfacil.errors import RjfacilError


class ExportFailed(RjfacilError):
    """The export could not be made or written; nothing was left behind."""


class ExportExists(ExportFailed):
    """The target file exists and overwriting was not asked for."""
