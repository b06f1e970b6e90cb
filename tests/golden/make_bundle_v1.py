"""Make the golden bundle: a co-worker case file of bundle schema 1 (case format 3).

Made once, at the commit that added it; never run again to "fix" a test. It exports the
golden vault-v1's case GOLD-1 (a record of every kind, migrated from case format 1, with a
private note that must stay out) to a fixed age identity kept beside it:

    .venv/bin/python tests/golden/make_bundle_v1.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from rjfacil.store import agefile  # noqa: E402
from rjfacil.workspace import Vault  # noqa: E402

OUT = HERE / "bundle-v1"
PASSPHRASE = "golden vault passphrase"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    identity, recipient = agefile.new_identity()
    (OUT / "identity.txt").write_text(f"# public key: {recipient}\n{identity}\n")
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "vault"
        shutil.copytree(HERE / "vault-v1", home)
        vault = Vault.open(home).unlock(PASSPHRASE)
        try:
            case_id = vault.find_case("GOLD-1")
            vault.export_bundle(case_id, OUT / "gold-1.age", recipients=[recipient])
        finally:
            vault.close()


if __name__ == "__main__":
    main()
