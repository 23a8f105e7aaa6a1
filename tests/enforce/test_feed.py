"""The exclusions feed: objectors' pseudonyms up to the watermark, signed, verifiable."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from optout.keys import Pseudonymizer
from tests.conftest import TEST_SECRET
from tests.train.support import build, import_objections, invoke, objection, sample_export

KEYS = Pseudonymizer(TEST_SECRET.encode())


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    (tmp_path / "objections").mkdir()
    import_objections(tmp_path / "objections", [
        objection("ana@example.org"), objection("x@other.org", account_id="cy"),
    ])  # fmt: skip
    out = tmp_path / "dataset"
    build(sample_export(tmp_path / "export"), out)
    import_objections(tmp_path / "objections", [objection("bob@example.org")])  # after the build
    return out


def test_export_lists_objectors_up_to_the_watermark_and_verifies(
    dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "feed.json"
    written = invoke("exclusions", "export", str(dataset), "--out", str(out),
                     "--export", str(tmp_path / "export"))  # fmt: skip
    assert written["watermark"] == 2 and written["counts"] == {"author": 2, "email": 2}
    keys = json.loads(out.read_text())["keys"]
    assert keys["author"] == sorted([KEYS.author("ana"), KEYS.author("cy")])
    assert keys["email"] == sorted([KEYS.email("ana@example.org"), KEYS.email("x@other.org")])
    assert "example.org" not in out.read_text()
    key_file = Path(".optout/feed-ed25519.pem")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    public = tmp_path / "public.pem"
    public.write_text(invoke("exclusions", "public-key")["public_key_pem"])
    checked = invoke("exclusions", "verify", str(out), "--public-key", str(public))
    assert checked["ok"] is True and checked["key_id"] == written["key_id"]


def test_a_tampered_feed_or_another_key_fails_verification(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "feed.json"
    invoke("exclusions", "export", str(dataset), "--out", str(out))
    document = json.loads(out.read_text())
    document["keys"]["author"].pop()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document))
    assert "keys do not match" in invoke("exclusions", "verify", str(tampered), expect=1)["error"]
    document = json.loads(out.read_text())
    document["manifest"]["watermark"] = 99
    tampered.write_text(json.dumps(document))
    assert "signature" in invoke("exclusions", "verify", str(tampered), expect=1)["error"]

    monkeypatch.setenv("OPTOUT_FEED_KEY_FILE", str(tmp_path / "other.pem"))
    assert "feed signing key" in invoke("exclusions", "public-key", expect=2)["error"]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    (tmp_path / "other.pem").write_bytes(pem)
    assert "signature" in invoke("exclusions", "verify", str(out), expect=1)["error"]


def test_without_the_export_only_named_accounts_get_author_keys(dataset: Path) -> None:
    written = invoke("exclusions", "export", str(dataset))
    keys = json.loads(Path(written["out"]).read_text())["keys"]
    assert keys["author"] == [KEYS.author("cy")] and len(keys["email"]) == 2


def test_an_email_objection_after_the_build_gets_the_author_key_it_held(dataset: Path) -> None:
    """Bob objected by email after the build; once purged, the feed names his author key."""
    invoke("purge", str(dataset))
    written = invoke("exclusions", "export", str(dataset))
    keys = json.loads(Path(written["out"]).read_text())["keys"]
    assert KEYS.author("bob") in keys["author"] and KEYS.author("cy") in keys["author"]
    assert KEYS.author("ana") not in keys["author"]  # never held: excluded at build time
