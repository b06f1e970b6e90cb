"""write_export: 0600 from the first byte, atomic, never clobbering, clear failures."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from rjfacil.export import write as write_module
from rjfacil.export.errors import ExportExists, ExportFailed
from rjfacil.export.write import write_export


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    """Temporary files left beside the export (hidden: their names start with a dot)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_writes_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = write_export(tmp_path / "summary.html", b"<p>hi</p>")
    finally:
        os.umask(old)
    assert path == (tmp_path / "summary.html").absolute()
    assert path.read_bytes() == b"<p>hi</p>"
    assert mode(path) == 0o600
    assert leftovers(tmp_path) == []


def test_never_readable_by_others_even_while_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real_write = os.write

    def spy(fd: int, data: bytes | memoryview) -> int:
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return real_write(fd, data)

    monkeypatch.setattr(write_module.os, "write", spy)
    old = os.umask(0)
    try:
        write_export(tmp_path / "a.md", b"x" * (3 << 20))
    finally:
        os.umask(old)
    assert seen and set(seen) == {0o600}


def test_a_long_file_name_is_written(tmp_path: Path) -> None:
    """The temporary file's name is cut to fit, not the export's."""
    name = "Supervisor summary " + "x" * 220 + ".md"
    path = write_export(tmp_path / name, b"data")
    assert path.name == name and path.read_bytes() == b"data" and mode(path) == 0o600
    assert leftovers(tmp_path) == []


def test_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    with pytest.raises(ExportExists, match="already exists and was left untouched"):
        write_export(target, b"new")
    assert target.read_bytes() == b"old"
    write_export(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new" and mode(target) == 0o600
    assert leftovers(tmp_path) == []


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me")
    link = tmp_path / "summary.md"
    link.symlink_to(elsewhere)
    with pytest.raises(ExportExists):
        write_export(link, b"new")
    write_export(link, b"new", overwrite=True)
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert elsewhere.read_text() == "keep me"


def test_a_file_appearing_meanwhile_is_not_clobbered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "race.md"
    real_fsync = os.fsync

    def racer(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_bytes(b"theirs")

    monkeypatch.setattr(write_module.os, "fsync", racer)
    with pytest.raises(ExportExists, match="appeared"):
        write_export(target, b"ours")
    assert target.read_bytes() == b"theirs"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("code", "system"),
    [(errno.EPERM, "Linux vfat"), (errno.EINVAL, "Windows, a FAT stick"), (errno.ENOTSUP, "macOS")],
)
def test_without_hard_links_it_still_refuses_to_clobber(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, system: str
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(code, f"no hard links here ({system})")

    monkeypatch.setattr(write_module.os, "link", no_links)
    path = write_export(tmp_path / "fat.md", b"data")
    assert path.read_bytes() == b"data" and mode(path) == 0o600
    with pytest.raises(ExportExists):
        write_export(tmp_path / "fat.md", b"again")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.EACCES, "you do not have permission to write in"),
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "is on a read-only disk"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_failures_while_writing_leave_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    def fail(fd: int, data: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(write_module.os, "write", fail)
    with pytest.raises(ExportFailed, match=message) as caught:
        write_export(tmp_path / "summary.pdf", b"data")
    assert "summary.pdf" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.EACCES, "you do not have permission"),
        (errno.EROFS, "read-only disk"),
        (errno.ENOSPC, "the disk is full"),
    ],
)
def test_failures_creating_the_file_are_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    def fail(*args: object, **kwargs: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(write_module.os, "open", fail)
    with pytest.raises(ExportFailed, match=message):
        write_export(tmp_path / "summary.md", b"data")


def test_missing_folder_and_folder_as_target(tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match="does not exist"):
        write_export(tmp_path / "nowhere" / "summary.md", b"data")
    with pytest.raises(ExportFailed, match="is a folder"):
        write_export(tmp_path, b"data")


def test_render_and_write_each_format(tmp_path: Path) -> None:
    from rjfacil.export.render import FORMATS, SUFFIXES, render
    from tests.export_samples import everywhere

    doc = everywhere("Sam <b>")
    for fmt in FORMATS:
        path = write_export(tmp_path / f"summary{SUFFIXES[fmt]}", render(doc, fmt))
        assert mode(path) == 0o600
    assert (tmp_path / "summary.pdf").read_bytes().startswith(b"%PDF-")
    assert "Sam &lt;b&gt;" in (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "Sam \\<b\\>" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    with pytest.raises(ExportFailed, match="Only a PDF"):
        render(doc, "html", password="x")
    with pytest.raises(ValueError):
        render(doc, "docx")  # type: ignore[arg-type]


def test_importing_the_export_package_does_not_load_the_pdf_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, rjfacil.export.render, rjfacil.export.markdown, rjfacil.export.html, "
        "rjfacil.export.write\n"
        "print(','.join(m for m in ('fpdf', 'fontTools', 'textual') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
