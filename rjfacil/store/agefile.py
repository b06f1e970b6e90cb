"""age files for co-worker bundles: identities, recipients, encryption and guarded decryption.

A bundle is an age file (https://age-encryption.org/v1) made with pyrage, encrypted either
to co-workers' X25519 recipients ("age1...") or to a share passphrase (scrypt). The age
command-line tool reads and writes the same files.

An imported file is untrusted. Before pyrage sees a byte of it, ``decrypt``

- refuses a file over the size limit from its size, without reading it all;
- parses the header itself (the age grammar, strictly) to name what is wrong with a file
  that is not age, empty, truncated, or damaged, and to refuse a passphrase file whose
  scrypt work factor is too costly (pyrage's own ceiling is timed on this machine, about
  16 times a one-second derivation: up to 8 GiB of memory here; ours is 2^21, 2 GiB), or
  a header with so many stanzas that trying them all would take minutes;
- works out the plaintext size from the payload's length, so an oversized plaintext is
  refused before decryption.

pyrage then authenticates the whole file before returning anything: a result is either
the complete plaintext or one ``BundleError`` line; never a partial plaintext, never a
traceback. Nothing decrypted is written to disk.
"""

from __future__ import annotations

import base64
import binascii
import enum
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyrage  # type: ignore[import-untyped]

from rjfacil.errors import BundleError
from rjfacil.sanitize import visible
from rjfacil.store import agepass

MB = 1_000_000
MAX_FILE_BYTES = 50 * MB
MAX_PLAINTEXT_BYTES = 50 * MB
# scrypt needs 2**(log_n + 10) bytes of memory (r = 8) and doubles its time per step.
# age (Go) writes 18; pyrage calibrates to about a second and wrote 19 or 20 here (2 cores),
# so a laptop a few times faster writes 21: refusing that would refuse co-workers' own
# files. 21 is 2 GiB and about 7 s here; 22 would be 4 GiB, and pyrage alone would accept
# up to about 2^23 here (its ceiling is its own calibration + 4).
MAX_SCRYPT_LOG_N = 21
# Each X25519 stanza costs a Diffie-Hellman per identity; a real file has a few recipients
# and perhaps one grease stanza.
MAX_STANZAS = 64
# Sixty-four X25519 stanzas take about 6 kB; the cap keeps every header scan short.
MAX_HEADER_BYTES = 64 * 1024

VERSION_LINE = b"age-encryption.org/v1\n"
_AGE_PREFIX = b"age-encryption.org/"
_ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
_ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
_ARMOR_COLUMNS = 64
_BODY_COLUMNS = 64
_NONCE_BYTES = 16
_TAG_BYTES = 16
_CHUNK_BYTES = 64 * 1024
_SEALED_CHUNK = _CHUNK_BYTES + _TAG_BYTES
_B64_CHARS = re.compile(rb"[A-Za-z0-9+/]*")
_LOG_N = re.compile(rb"[1-9][0-9]?")
_ARG = re.compile(rb"[\x21-\x7e]+")
_RECIPIENT_SHAPE = re.compile(r"age1[0-9a-z]{58}")
_IDENTITY_SHAPE = re.compile(r"AGE-SECRET-KEY-1[0-9A-Z]{58}")
_READ_BLOCK = 1 << 20


class Refusal(enum.StrEnum):
    """Why an age file, a recipient or an identity was refused (``BundleError.reason``)."""

    UNREADABLE = "unreadable"
    TOO_LARGE = "too-large"
    EMPTY = "empty"
    NOT_AGE = "not-age"
    UNSUPPORTED_VERSION = "unsupported-version"
    TRUNCATED_HEADER = "truncated-header"
    DAMAGED_HEADER = "damaged-header"
    HEADER_TAMPERED = "header-tampered"
    TOO_MANY_STANZAS = "too-many-stanzas"
    TOO_COSTLY = "too-costly"
    HEADER_ONLY = "header-only"
    DAMAGED = "damaged"
    NEEDS_PASSPHRASE = "needs-passphrase"
    NEEDS_IDENTITY = "needs-identity"
    WRONG_RECIPIENT = "wrong-recipient"
    WRONG_PASSPHRASE = "wrong-passphrase"
    BAD_RECIPIENT = "bad-recipient"
    BAD_IDENTITY = "bad-identity"
    BAD_PASSPHRASE = "bad-passphrase"


@dataclass(frozen=True)
class Limits:
    """What ``decrypt`` accepts; the defaults are DESIGN.md's."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_plaintext_bytes: int = MAX_PLAINTEXT_BYTES
    max_scrypt_log_n: int = MAX_SCRYPT_LOG_N
    max_stanzas: int = MAX_STANZAS
    max_header_bytes: int = MAX_HEADER_BYTES


DEFAULT_LIMITS = Limits()

Source = bytes | bytearray | memoryview | os.PathLike[str] | BinaryIO


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza of an age header."""

    type: bytes
    args: tuple[bytes, ...]
    body: bytes


@dataclass(frozen=True)
class Header:
    """A parsed age header: its stanzas and where the payload starts."""

    stanzas: tuple[Stanza, ...]
    end: int

    @property
    def scrypt(self) -> Stanza | None:
        return next((s for s in self.stanzas if s.type == b"scrypt"), None)


# --- identities and recipients ---------------------------------------------------------


def new_identity() -> tuple[str, str]:
    """Make a fresh X25519 identity.

    Returns:
        ``(identity_secret, recipient)``: the secret "AGE-SECRET-KEY-1..." string, to be kept
        only inside the vault, and its public "age1..." recipient, to give to co-workers.
    """
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def parse_recipient(text: str) -> str:
    """Check that ``text`` is an age X25519 recipient and return it in canonical form.

    Surrounding whitespace is ignored (a pasted key often carries a newline).

    Raises:
        BundleError: ``text`` is anything else, including an SSH key or an identity.
    """
    candidate = text.strip() if isinstance(text, str) else ""
    if _RECIPIENT_SHAPE.fullmatch(candidate.lower()):
        try:
            return str(pyrage.x25519.Recipient.from_str(candidate))
        except Exception:  # pyrage raises RecipientError; anything else is equally a "no"
            pass
    if candidate.upper().startswith("AGE-SECRET-KEY-"):
        # Never echo a secret back into a message that may be shown or logged.
        raise BundleError(
            "That is an age identity (a secret key), not a recipient: give co-workers the "
            "'age1...' recipient that 'rjfacil whoami' shows, and keep the secret to yourself.",
            Refusal.BAD_RECIPIENT,
        )
    shown = visible(candidate[:24], single_line=True) + ("..." if len(candidate) > 24 else "")
    raise BundleError(
        f"'{shown}' is not an age recipient: it should be 'age1' followed by 58 letters and "
        "digits, as 'rjfacil whoami' or 'age-keygen -y' print it.",
        Refusal.BAD_RECIPIENT,
    )


def _parse_identity(text: str) -> object:
    candidate = text.strip() if isinstance(text, str) else ""
    if _IDENTITY_SHAPE.fullmatch(candidate.upper()):
        try:
            return pyrage.x25519.Identity.from_str(candidate)
        except Exception:
            pass
    raise BundleError(
        "An age identity is not valid (it should be 'AGE-SECRET-KEY-1' followed by 58 "
        "letters and digits); the vault's stored identity may be damaged.",
        Refusal.BAD_IDENTITY,
    )


# --- encryption ------------------------------------------------------------------------


def _check_plaintext_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_plaintext_bytes:
        raise BundleError(
            f"The bundle would hold {_size(len(data))}, over the "
            f"{_size(limits.max_plaintext_bytes)} a bundle may hold: no one could import it.",
            Refusal.TOO_LARGE,
        )


def encrypt_to_recipients(
    data: bytes, recipients: Sequence[str], *, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """Encrypt ``data`` as a binary age file that each of ``recipients`` can decrypt.

    Raises:
        BundleError: no recipients, a recipient is not valid, or ``data`` is over the
            plaintext limit (no one could import it).
    """
    _check_plaintext_size(data, limits)
    if isinstance(recipients, str):
        recipients = [recipients]
    parsed = list(dict.fromkeys(parse_recipient(r) for r in recipients))
    if not parsed:
        raise BundleError(
            "No recipient given: name at least one co-worker's age recipient, or use a share "
            "passphrase.",
            Refusal.BAD_RECIPIENT,
        )
    keys = [pyrage.x25519.Recipient.from_str(r) for r in parsed]
    return bytes(pyrage.encrypt(bytes(data), keys))


def encrypt_with_passphrase(
    data: bytes, passphrase: str, *, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """Encrypt ``data`` as a binary age file to a share passphrase (scrypt).

    The work factor is age's own, 2^18, whatever else the machine is doing (see
    :mod:`rjfacil.store.agepass`); a file this machine could not itself reopen under
    ``limits`` is refused.

    Raises:
        BundleError: the passphrase is empty, or ``data`` is over the plaintext limit.
    """
    _check_plaintext_size(data, limits)
    if not isinstance(passphrase, str) or not passphrase:
        raise BundleError("The share passphrase is empty: choose one.", Refusal.BAD_PASSPHRASE)
    sealed = agepass.seal(bytes(data), passphrase)
    log_n = _scrypt_log_n(_parse_header(sealed, "the new bundle", limits), "the new bundle")
    # Only limits set below age's own work factor can refuse what this wrote.
    if log_n is None or log_n > limits.max_scrypt_log_n:  # pragma: no cover
        raise BundleError(
            f"The passphrase work factor (2^{log_n}) is above what rjfacil accepts "
            f"(2^{limits.max_scrypt_log_n}); send the bundle to the co-worker's recipient instead.",
            Refusal.TOO_COSTLY,
        )
    return sealed


# --- decryption ------------------------------------------------------------------------


def decrypt(
    source: Source,
    identities: Sequence[str] | None = None,
    passphrase: str | None = None,
    *,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Decrypt an untrusted age file, whole, or refuse it with one line.

    Args:
        source: The file: its bytes, a path, or a binary stream (read no further than the
            size limit allows).
        identities: "AGE-SECRET-KEY-1..." strings, for a file sent to recipients.
        passphrase: The share passphrase, for a file encrypted to one.
        name: How to name the file in a message; a path names itself.
        limits: The size, work factor and stanza limits.

    Returns:
        The complete, authenticated plaintext.

    Raises:
        BundleError: with ``reason`` one of ``Refusal`` and a one-line message naming the
            cause where it can be told apart.
    """
    shown = _display_name(source, name)
    raw = _read_limited(source, shown, limits)
    binary = _dearmor(raw, shown) if _looks_armored(raw) else raw
    header = _parse_header(binary, shown, limits)
    plaintext_bytes = _plaintext_size(binary, header, shown)
    if plaintext_bytes > limits.max_plaintext_bytes:
        raise BundleError(
            f"{_cap(shown)} would decrypt to {_size(plaintext_bytes)}, over the "
            f"{_size(limits.max_plaintext_bytes)} a bundle may hold.",
            Refusal.TOO_LARGE,
        )
    log_n = _scrypt_log_n(header, shown)
    try:
        if log_n is not None:
            if log_n > limits.max_scrypt_log_n:
                raise BundleError(
                    f"{_cap(shown)} asks for a passphrase derivation far too costly to attempt "
                    f"(scrypt work factor 2^{log_n}; rjfacil accepts up to "
                    f"2^{limits.max_scrypt_log_n}).",
                    Refusal.TOO_COSTLY,
                )
            if not passphrase:
                raise BundleError(
                    f"{_cap(shown)} is protected by a share passphrase: enter the passphrase "
                    "the sender chose.",
                    Refusal.NEEDS_PASSPHRASE,
                )
            plaintext = pyrage.passphrase.decrypt(binary, passphrase)
        else:
            if not identities:
                raise BundleError(
                    f"{_cap(shown)} was encrypted to age recipients, not to a passphrase: "
                    "import it into the vault whose recipient it was sent to.",
                    Refusal.NEEDS_IDENTITY,
                )
            if isinstance(identities, str):
                identities = [identities]
            keys = [_parse_identity(i) for i in identities]
            plaintext = pyrage.decrypt(binary, keys)
    except BundleError:
        raise
    except Exception as err:  # pyrage.DecryptError, and anything else pyrage might raise
        raise _refusal_from_pyrage(err, shown) from None
    result = bytes(plaintext)
    if len(result) != plaintext_bytes or len(result) > limits.max_plaintext_bytes:
        # Cannot happen for a file pyrage authenticated; refuse rather than trust it.
        raise BundleError(
            f"{_cap(shown)} decrypted to an unexpected size; it was refused.", Refusal.DAMAGED
        )
    return result


def _refusal_from_pyrage(err: Exception, shown: str) -> BundleError:
    # pyrage (age 0.12) reports causes only as text; tests/test_agefile.py pins each one
    # against the corpus, so a pyrage upgrade that rewords them fails a test, not a user.
    text = str(err)
    first = visible(text.splitlines()[0] if text else type(err).__name__, single_line=True)
    if text.startswith("No matching keys found"):
        return BundleError(
            f"{_cap(shown)} was encrypted for someone else: none of this vault's identities "
            "matches its recipients. Ask the sender to use your recipient from 'rjfacil whoami'.",
            Refusal.WRONG_RECIPIENT,
        )
    if text.startswith("Decryption failed"):
        return BundleError(
            f"Wrong passphrase for {shown} (or its passphrase stanza is damaged): check it with "
            "the sender and try again.",
            Refusal.WRONG_PASSPHRASE,
        )
    if text.startswith("Header MAC is invalid"):
        return BundleError(
            f"{_cap(shown)} has a damaged or altered header (its MAC does not match): ask the "
            "sender for a fresh copy.",
            Refusal.HEADER_TAMPERED,
        )
    if text.startswith("age file is truncated"):
        return BundleError(
            f"{_cap(shown)} is truncated: its last part is missing. Ask the sender for the "
            "whole file.",
            Refusal.DAMAGED,
        )
    if text.startswith(("decryption error", "failed to fill whole buffer")):
        return BundleError(
            f"{_cap(shown)} is truncated or damaged: its content failed authentication. Ask the "
            "sender for a fresh copy.",
            Refusal.DAMAGED,
        )
    if text.startswith("Excessive work parameter"):
        return BundleError(
            f"{_cap(shown)} asks for a passphrase derivation far too costly to attempt.",
            Refusal.TOO_COSTLY,
        )
    if text.startswith(("Header is invalid", "Unknown age format")):
        return BundleError(
            f"{_cap(shown)} has a malformed age header ({first}): ask the sender for a fresh copy.",
            Refusal.DAMAGED_HEADER,
        )
    return BundleError(
        f"{_cap(shown)} could not be decrypted ({first}).",
        Refusal.DAMAGED,
    )


# --- reading within the size limit -----------------------------------------------------


def _display_name(source: Source, name: str | None) -> str:
    if name is not None:
        return visible(name, single_line=True)
    if isinstance(source, os.PathLike):
        return visible(os.fspath(source), single_line=True)
    return "the file"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text == "the file" else text


def _size(n: int) -> str:
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f} GB"
    if n >= MB:
        return f"{n / 1e6:.1f} MB"
    if n >= 1000:
        return f"{n / 1e3:.1f} kB"
    return f"{n} bytes"


def _too_large(shown: str, size: int | None, limits: Limits) -> BundleError:
    what = f"{_size(size)}" if size is not None else "more than that"
    return BundleError(
        f"{_cap(shown)} is too large to be a bundle ({what}; the limit is "
        f"{_size(limits.max_file_bytes)}).",
        Refusal.TOO_LARGE,
    )


def _read_limited(source: Source, shown: str, limits: Limits) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > limits.max_file_bytes:
            raise _too_large(shown, len(data), limits)
        return data
    if isinstance(source, os.PathLike):
        return _read_path(Path(os.fspath(source)), shown, limits)
    return _read_stream(source, shown, limits)


def _read_path(path: Path, shown: str, limits: Limits) -> bytes:
    try:
        # stat before open: opening a FIFO for reading would block until someone writes.
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise BundleError(
                f"{shown} is not a regular file: choose the bundle file itself.",
                Refusal.UNREADABLE,
            )
        if info.st_size > limits.max_file_bytes:
            raise _too_large(shown, info.st_size, limits)
        with open(path, "rb") as handle:
            return _read_stream(handle, shown, limits)
    except OSError as err:
        what = err.strerror or type(err).__name__
        raise BundleError(
            f"Could not read {shown}: {what}. Check the name and its permissions.",
            Refusal.UNREADABLE,
        ) from None


def _read_stream(stream: BinaryIO, shown: str, limits: Limits) -> bytes:
    # Read one byte past the limit, so a file that grew, a pipe or a device is refused
    # without reading more than that.
    budget = limits.max_file_bytes + 1
    parts: list[bytes] = []
    total = 0
    try:
        while total < budget:
            chunk = stream.read(min(_READ_BLOCK, budget - total))
            if not chunk:
                break
            parts.append(bytes(chunk))
            total += len(chunk)
    except OSError as err:
        what = err.strerror or type(err).__name__
        raise BundleError(f"Could not read {shown}: {what}.", Refusal.UNREADABLE) from None
    if total > limits.max_file_bytes:
        raise _too_large(shown, None, limits)
    return b"".join(parts)


# --- the age format, parsed strictly ---------------------------------------------------


def _looks_armored(raw: bytes) -> bool:
    return raw.lstrip(b" \t\r\n").startswith(_ARMOR_BEGIN)


def _dearmor(raw: bytes, shown: str) -> bytes:
    """Decode age's ASCII armor (PEM-like, 64 columns, padded base64), strictly."""
    damaged = BundleError(
        f"{_cap(shown)} is an ASCII-armored age file whose armor is damaged or cut short: "
        "ask the sender for a fresh copy.",
        Refusal.DAMAGED_HEADER,
    )
    lines = raw.strip(b" \t\r\n").replace(b"\r\n", b"\n").split(b"\n")
    if len(lines) < 3 or lines[0] != _ARMOR_BEGIN or lines[-1] != _ARMOR_END:
        raise damaged
    body = lines[1:-1]
    if any(len(line) != _ARMOR_COLUMNS for line in body[:-1]) or not 0 < len(body[-1]) <= 64:
        raise damaged
    text = b"".join(body)
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise damaged from None
    if base64.b64encode(decoded) != text:
        raise damaged
    return decoded


def _b64_raw(text: bytes) -> bytes | None:
    """Decode unpadded canonical base64, as age's header uses; None if it is not that."""
    if not _B64_CHARS.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        decoded = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    if base64.b64encode(decoded).rstrip(b"=") != text:
        return None  # non-canonical: stray bits in the last character
    return decoded


def _parse_header(data: bytes, shown: str, limits: Limits = DEFAULT_LIMITS) -> Header:
    def fail(reason: Refusal, detail: str) -> BundleError:
        return BundleError(f"{_cap(shown)} {detail}", reason)

    truncated = fail(
        Refusal.TRUNCATED_HEADER,
        "is truncated: it ends inside its age header. Ask the sender for the whole file.",
    )
    malformed = fail(
        Refusal.DAMAGED_HEADER,
        "has a malformed age header (damaged, or not made by an age tool): ask the sender "
        "for a fresh copy.",
    )
    if not data:
        raise fail(Refusal.EMPTY, "is empty (0 bytes): it holds no bundle.")
    if not data.startswith(VERSION_LINE):
        if VERSION_LINE.startswith(data):
            raise truncated
        if data.startswith(_AGE_PREFIX) and b"\n" in data[: len(_AGE_PREFIX) + 32]:
            version = data[len(_AGE_PREFIX) : data.index(b"\n")].decode("ascii", "replace")
            raise fail(
                Refusal.UNSUPPORTED_VERSION,
                f"is an age file of a version rjfacil cannot read "
                f"({visible(version[:16], single_line=True)}).",
            )
        raise fail(
            Refusal.NOT_AGE,
            "is not an age file, so not an rjfacil bundle: choose the file a co-worker sent "
            "with 'rjfacil bundle export'.",
        )
    too_long = fail(
        Refusal.DAMAGED_HEADER,
        f"has an age header longer than {_size(limits.max_header_bytes)}, far more than any "
        "bundle needs: it was refused unread.",
    )
    window = min(len(data), limits.max_header_bytes)

    def next_newline(start: int) -> int:
        newline = data.find(b"\n", start, window)
        if newline < 0:
            raise truncated if len(data) <= limits.max_header_bytes else too_long
        return newline

    pos = len(VERSION_LINE)
    stanzas: list[Stanza] = []
    while True:
        newline = next_newline(pos)
        line = data[pos:newline]
        pos = newline + 1
        if line.startswith(b"---"):
            mac = line[4:]
            if line[3:4] != b" " or len(mac) != 43 or _b64_raw(mac) is None or not stanzas:
                raise malformed
            return Header(stanzas=tuple(stanzas), end=pos)
        if not line.startswith(b"-> "):
            raise malformed
        if len(stanzas) >= limits.max_stanzas:
            raise fail(
                Refusal.TOO_MANY_STANZAS,
                f"names more than {limits.max_stanzas} recipients; rjfacil refuses it rather "
                "than try them all.",
            )
        args = line[3:].split(b" ")
        if not all(_ARG.fullmatch(arg) for arg in args):
            raise malformed
        body_parts: list[bytes] = []
        while True:
            newline = next_newline(pos)
            body_line = data[pos:newline]
            pos = newline + 1
            decoded = _b64_raw(body_line) if len(body_line) <= _BODY_COLUMNS else None
            if decoded is None:
                raise malformed
            body_parts.append(decoded)
            if len(body_line) < _BODY_COLUMNS:
                break
        stanzas.append(Stanza(type=args[0], args=tuple(args[1:]), body=b"".join(body_parts)))


def _scrypt_log_n(header: Header, shown: str) -> int | None:
    """The scrypt stanza's work factor, checked against the age spec; None if none."""
    stanza = header.scrypt
    if stanza is None:
        return None
    valid = (
        len(header.stanzas) == 1  # age: a passphrase stanza must be the only one
        and len(stanza.args) == 2
        and (salt := _b64_raw(stanza.args[0])) is not None
        and len(salt) == 16
        and _LOG_N.fullmatch(stanza.args[1]) is not None
        and len(stanza.body) == 32
    )
    if not valid:
        raise BundleError(
            f"{_cap(shown)} has a malformed passphrase (scrypt) stanza: ask the sender for a "
            "fresh copy.",
            Refusal.DAMAGED_HEADER,
        )
    return int(stanza.args[1])


def _plaintext_size(data: bytes, header: Header, shown: str) -> int:
    """The plaintext size the payload's length implies, or a refusal if it cannot be whole."""
    payload = len(data) - header.end
    if payload == 0:
        raise BundleError(
            f"{_cap(shown)} holds only an age header: its encrypted content is missing. Ask "
            "the sender for the whole file.",
            Refusal.HEADER_ONLY,
        )
    sealed = payload - _NONCE_BYTES
    chunks = -(-sealed // _SEALED_CHUNK) if sealed > 0 else 0
    last = sealed - (chunks - 1) * _SEALED_CHUNK if chunks else 0
    # The last chunk holds at least its tag, and is empty only when it is the only chunk.
    if chunks == 0 or last < _TAG_BYTES or (last == _TAG_BYTES and chunks > 1):
        raise BundleError(
            f"{_cap(shown)} is truncated or damaged: its encrypted content is cut short. Ask "
            "the sender for a fresh copy.",
            Refusal.DAMAGED,
        )
    return sealed - chunks * _TAG_BYTES
