"""Measure the age-file layer of bundles and print the figures, as medians.

    .venv/bin/python bench/bundle_budgets.py [--notes 300] [--runs 15]

Builds a case of 300 notes through the API (about 1 MB of JSON, as a bundle would carry
it), then times: encrypting it to two recipients; decrypting it with an identity (no key
derivation in X25519) and parsing it within the limits, against plain json.loads; the
scrypt derivation a share passphrase costs, on its own; refusing a 5 GB file from its
size, and a hostile file from its header; import and merge through the vault; previewing a
new case in a vault of 2,000 cases (the id-collision check). The budget (DESIGN.md) is 1 s
for import and merge of a 300-note case excluding key derivation.
Not a test: it prints, and the figures go in the closing note.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rjfacil.errors import BundleError
from rjfacil.store import agefile, kdf
from rjfacil.store.jsonlimits import parse_untrusted_json
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

FAST = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "age"


def case_document(home: Path, notes: int) -> bytes:
    vault, _ = Vault.create(home, "bench passphrase", "Bench Facilitator", FAST)
    case = vault.new_case("RJ-BENCH")
    person = case.add_participant(Role.PERSON_HARMED, "Pat Example")
    for number in range(notes):
        case.add_note(
            f"Visit {number}: talked about what happened, who was affected and what would "
            "help; agreed to think about a letter before the next visit. " * 22,
            participant_id=person.id,
        )
    document = case._storage.read()
    vault.close()
    return json.dumps(document, ensure_ascii=False).encode()


def median(action: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def refused(action: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
            action()
        except BundleError:
            return
        raise AssertionError("expected a refusal")

    return run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cases", type=int, default=2000, help="cases in the crowded vault")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        plaintext = case_document(root / "vault", args.notes)
        secret, recipient = agefile.new_identity()
        _, colleague = agefile.new_identity()
        sealed = agefile.encrypt_to_recipients(plaintext, [recipient, colleague])
        assert agefile.decrypt(sealed, [secret]) == plaintext
        huge = root / "huge.age"
        with open(huge, "wb") as handle:
            handle.truncate(5_000_000_000)
        bundle = root / "bundle.age"
        bundle.write_bytes(sealed)

        runs = args.runs
        encrypt = median(lambda: agefile.encrypt_to_recipients(plaintext, [recipient]), runs)
        decrypt = median(lambda: agefile.decrypt(sealed, [secret]), runs)
        decrypt_path = median(lambda: agefile.decrypt(bundle, [secret]), runs)
        parse = median(lambda: parse_untrusted_json(plaintext), runs)
        plain_json = median(lambda: json.loads(plaintext), runs)
        both = median(lambda: parse_untrusted_json(agefile.decrypt(bundle, [secret])), runs)
        too_big = median(refused(lambda: agefile.decrypt(huge, [secret])), runs)
        costly = (CORPUS / "scrypt_work_factor_22.age").read_bytes()
        too_costly = median(refused(lambda: agefile.decrypt(costly, passphrase="x")), runs)
        by_passphrase = agefile.encrypt_with_passphrase(plaintext, "share passphrase")
        log_n = by_passphrase.split(b"\n")[1].split(b" ")[-1].decode()
        scrypt = median(lambda: agefile.decrypt(by_passphrase, passphrase="share passphrase"), 3)

    ms = 1000
    print(
        f"bundle of {args.notes} notes: {len(plaintext) / 1e6:.2f} MB of JSON, "
        f"{len(sealed) / 1e6:.2f} MB sealed (medians of {runs} runs)"
    )
    print(f"  encrypt to a recipient                  {encrypt * ms:8.2f} ms")
    print(f"  decrypt with an identity (bytes)        {decrypt * ms:8.2f} ms")
    print(f"  decrypt with an identity (from a path)  {decrypt_path * ms:8.2f} ms")
    print(
        f"  parse within limits                     {parse * ms:8.2f} ms "
        f"(json.loads alone {plain_json * ms:.2f} ms)"
    )
    print(
        f"  read, decrypt and parse                 {both * ms:8.2f} ms  (budget for import "
        "and merge, excluding key derivation: 1000 ms)"
    )
    print(f"  refuse a 5 GB file from its size        {too_big * ms:8.3f} ms")
    print(f"  refuse scrypt 2^22 from its header      {too_costly * ms:8.3f} ms")
    print(
        f"  share passphrase: pyrage chose 2^{log_n}; decrypt including scrypt "
        f"{scrypt * ms:.0f} ms (median of 3)"
    )
    merge_figures(args.notes, runs=5)
    crowded_figures(args.cases, runs=5)
    return 0


def crowded_figures(cases: int, runs: int) -> None:
    """Previewing a co-worker's new case in a vault of ``cases`` cases (20 notes each): the
    check that none of its records has the id of another case's record is the part that
    grows with the vault."""
    from vault_budgets import build_vault

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build_vault(root / "crowded", cases, 20, FAST)
        alex, _ = Vault.create(root / "a", "bench passphrase", "Alex", FAST)
        case = alex.new_case("RJ-NEW")
        person = case.add_participant(Role.PERSON_HARMED, "Pat Example")
        for number in range(20):
            case.add_note(f"Visit {number}: what would help.", participant_id=person.id)
        with Vault.open(root / "crowded").unlock("bench passphrase") as vault:
            alex.export_bundle(case.id, root / "new.age", recipients=[vault.recipient])
            bundle = vault.read_bundle(root / "new.age")
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                preview = vault.preview_import(bundle)
                samples.append(time.perf_counter() - started)
            assert preview.new_case
        alex.close()
    print(
        f"preview a co-worker's new case in a vault of {cases:,} cases (median of {runs}): "
        f"{statistics.median(samples) * 1000:.1f} ms"
    )


def merge_figures(notes: int, runs: int) -> None:
    """Import and merge through the vault (decrypt, parse, validate, plan, one durable
    write), to a recipient: X25519, so no key derivation is in the figure."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        alex, _ = Vault.create(root / "a", "bench passphrase", "Alex", FAST)
        case = alex.new_case("RJ-MERGE")
        person = case.add_participant(Role.PERSON_HARMED, "Pat Example")
        for number in range(notes):
            case.add_note(
                f"Visit {number}: what happened and what would help. " * 22,
                participant_id=person.id,
            )
        counter = iter(range(10_000))

        def new_case_import() -> None:
            vault, _ = Vault.create(root / f"b{next(counter)}", "bench passphrase", "Bo", FAST)
            path = root / "first.age"
            alex.export_bundle(case.id, path, recipients=[vault.recipient])
            started = time.perf_counter()
            vault.import_bundle(vault.preview_import(vault.read_bundle(path)))
            timings["new"].append(time.perf_counter() - started)
            again = time.perf_counter()
            preview = vault.preview_import(vault.read_bundle(path))
            assert preview.plan.nothing_new
            timings["same"].append(time.perf_counter() - again)
            case.add_note("One more visit.", participant_id=person.id)
            alex.export_bundle(case.id, root / "next.age", recipients=[vault.recipient])
            merged = time.perf_counter()
            vault.import_bundle(vault.preview_import(vault.read_bundle(root / "next.age")))
            timings["merge"].append(time.perf_counter() - merged)
            vault.close()

        timings: dict[str, list[float]] = {"new": [], "same": [], "merge": []}
        for _ in range(runs):
            new_case_import()
        alex.close()
    ms = 1000
    print(
        f"import and merge through the vault, {notes} notes (medians of {runs} runs; "
        "budget 1000 ms excluding key derivation):"
    )
    new, merge, same = (statistics.median(timings[k]) * ms for k in ("new", "merge", "same"))
    print(f"  import as a new case                    {new:8.1f} ms")
    print(f"  merge one more note into it             {merge:8.1f} ms")
    print(f"  the same file again (nothing new)       {same:8.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
