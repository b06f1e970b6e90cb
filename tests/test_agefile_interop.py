"""age files made by rjfacil open in the age tool, and the age tool's files open in rjfacil.

Identities reach age only as 0600 files; passphrases only through a pseudo-terminal (age
reads them from /dev/tty), never through argv or the environment.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import age_cli
import pytest

from rjfacil.errors import BundleError
from rjfacil.store import agefile
from rjfacil.store.agefile import Refusal

pytestmark = pytest.mark.skipif(
    age_cli.AGE is None or age_cli.AGE_KEYGEN is None,
    reason="the age command-line tool is not installed (apt install age)",
)

CORPUS = Path(__file__).parent / "fixtures" / "age"
MANIFEST = tomllib.loads((CORPUS / "cases.toml").read_text())
PLAINTEXT = b'{"format": "rjfacil-bundle", "case": {"reference": "RJ-2025-014"}}\n' * 50
SHARE = "a long share passphrase"


@pytest.fixture
def keypair(tmp_path: Path) -> tuple[str, str, Path]:
    """An identity made by rjfacil, and its file for age -i (0600)."""
    secret, recipient = agefile.new_identity()
    return secret, recipient, age_cli.write_secret(tmp_path / "identity.txt", secret)


def test_age_keygen_derives_the_same_recipient(keypair: tuple[str, str, Path]) -> None:
    _, recipient, identity_file = keypair
    derived = age_cli.run([str(age_cli.AGE_KEYGEN), "-y", str(identity_file)])
    assert derived.returncode == 0
    assert derived.stdout.decode().strip() == recipient


def test_rjfacil_to_recipients_then_age_decrypts(
    keypair: tuple[str, str, Path], tmp_path: Path
) -> None:
    _, recipient, identity_file = keypair
    _, other = agefile.new_identity()
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(agefile.encrypt_to_recipients(PLAINTEXT, [other, recipient]))
    result = age_cli.run([str(age_cli.AGE), "-d", "-i", str(identity_file), str(bundle)])
    assert result.returncode == 0, result.stderr
    assert result.stdout == PLAINTEXT


def test_age_keygen_identity_and_age_recipient_then_rjfacil_decrypts(tmp_path: Path) -> None:
    identity_file = tmp_path / "keygen.txt"
    made = age_cli.run([str(age_cli.AGE_KEYGEN), "-o", str(identity_file)])
    assert made.returncode == 0
    assert identity_file.stat().st_mode & 0o777 == 0o600
    lines = identity_file.read_text().splitlines()
    secret = next(line for line in lines if line.startswith("AGE-SECRET-KEY-1"))
    recipient = agefile.parse_recipient(lines[1].split(": ")[1])
    for armor in ([], ["-a"]):
        sealed = age_cli.run([str(age_cli.AGE), *armor, "-r", recipient], stdin=PLAINTEXT)
        assert sealed.returncode == 0, sealed.stderr
        assert agefile.decrypt(sealed.stdout, [secret]) == PLAINTEXT


def test_age_refuses_a_file_for_someone_else_like_rjfacil(
    keypair: tuple[str, str, Path], tmp_path: Path
) -> None:
    _, _, identity_file = keypair
    _, stranger = agefile.new_identity()
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(agefile.encrypt_to_recipients(PLAINTEXT, [stranger]))
    result = age_cli.run([str(age_cli.AGE), "-d", "-i", str(identity_file), str(bundle)])
    assert result.returncode != 0 and result.stdout == b""


def test_age_passphrase_then_rjfacil_decrypts(tmp_path: Path) -> None:
    source = tmp_path / "plain.json"
    source.write_bytes(PLAINTEXT)
    bundle = tmp_path / "by-age.age"
    code, seen = age_cli.run_with_passphrase(
        [str(age_cli.AGE), "-p", "-o", str(bundle), str(source)], SHARE, prompts=2
    )
    assert code == 0, seen
    assert SHARE.encode() not in seen
    sealed = bundle.read_bytes()
    assert b"-> scrypt " in sealed[:80]  # age (Go) writes work factor 18
    assert agefile.decrypt(bundle, passphrase=SHARE) == PLAINTEXT
    with pytest.raises(BundleError) as caught:
        agefile.decrypt(bundle, passphrase=SHARE + "!")
    assert caught.value.reason == Refusal.WRONG_PASSPHRASE


def test_rjfacil_passphrase_then_age_decrypts(tmp_path: Path) -> None:
    bundle = tmp_path / "by-rjfacil.age"
    bundle.write_bytes(age_cli.sealed_with_share())
    out = tmp_path / "out.json"
    code, seen = age_cli.run_with_passphrase(
        [str(age_cli.AGE), "-d", "-o", str(out), str(bundle)], age_cli.SHARE, prompts=1
    )
    assert code == 0, seen
    assert out.read_bytes() == age_cli.SHARED_PLAINTEXT


def test_age_decrypts_the_corpus_as_rjfacil_does(tmp_path: Path) -> None:
    # The corpus is written by an independent encoder: age opens its good files and
    # refuses each bad file that rjfacil refuses (the passphrase ones need a terminal and
    # are covered by the two tests above; the work factors are not worth age's time).
    identity_file = CORPUS / "identity.txt"
    # rjfacil's own limit, not a fault in the format: age tries all 65 stanzas and opens it.
    stricter = {"too_many_stanzas.age"}
    for case in MANIFEST["case"]:
        if case["open_with"] != "identity" or not case["committed"]:
            continue
        result = age_cli.run(
            [str(age_cli.AGE), "-d", "-i", str(identity_file), str(CORPUS / case["file"])]
        )
        if case["reason"] == "ok" or case["file"] in stricter:
            assert result.returncode == 0, (case["file"], result.stderr)
        else:
            assert result.returncode != 0, case["file"]
