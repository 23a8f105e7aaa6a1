"""The exclusions feed: objectors' pseudonyms for teams that copied a dataset, signed (Ed25519)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from optout.config import DEFAULT_KEY_FILE, ConfigError, Settings
from optout.errors import CheckFailed, InputError
from optout.keys import normalize_email
from optout.registry import Registry, confirmed_objections
from optout.registry.datasets import authors_of_emails_in_dataset

FEED_FORMAT = "optout-exclusions/1"
FEED_KEY_NAME = "feed-ed25519.pem"


# -- the signing key ----------------------------------------------------------------------


def feed_key_path(settings: Settings) -> Path:
    """OPTOUT_FEED_KEY_FILE, else ``feed-ed25519.pem`` beside the operator's secret key."""
    if settings.feed_key_file is not None:
        return settings.feed_key_file
    secret_dir = settings.secret_key_file.parent if settings.secret_key_file else None
    return (secret_dir or DEFAULT_KEY_FILE.parent) / FEED_KEY_NAME


def load_signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The feed's signing key; generated (0600) at the default path on first use only."""
    path = feed_key_path(settings)
    if not path.exists() and settings.feed_key_file is None:
        return _generate_key(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the feed signing key {path}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"the feed signing key {path} is not an Ed25519 key")
    return key


def _generate_key(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM (what verifiers are given)."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint: the first 16 hex digits of SHA-256 of the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_info(settings: Settings) -> dict[str, str]:
    public_key = load_signing_key(settings).public_key()
    return {"key_id": key_id(public_key), "public_key_pem": public_key_pem(public_key)}


# -- export -------------------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def exclusion_keys(
    registry: Registry,
    watermark: int,
    account_emails: dict[str, str] | None = None,
    dataset: tuple[str, str] | None = None,
) -> dict[str, list[str]]:
    """Author and email pseudonyms of every objector confirmed up to ``watermark``.

    An objection by email adds the author keys of the accounts behind it: those any version
    of ``dataset`` (path, table id) held, as the registry links them, and those
    ``account_emails`` (normalised email -> account ids, from an export) names.
    """
    pseudonymizer = registry.pseudonymizer
    authors: set[str] = set()
    emails: set[str] = set()
    with registry.read_session() as session:
        objections = confirmed_objections(session, up_to_seq=watermark)
        pairs = [(o.email_normalized, o.account_id) for o in objections]
        for email, account_id in pairs:
            if email:
                emails.add(pseudonymizer.email(email))
                by_export = (account_emails or {}).get(email, ())
                authors.update(pseudonymizer.author(a) for a in by_export)
            if account_id:
                authors.add(pseudonymizer.author(account_id))
        if dataset is not None:
            linked = authors_of_emails_in_dataset(session, *dataset, emails)
            authors.update(author for found in linked.values() for author in found)
    return {"author": sorted(authors), "email": sorted(emails)}


def export_accounts_by_email(export_dir: Path) -> dict[str, list[str]]:
    """Normalised email -> account ids, read from an export's accounts table."""
    from optout.corpus.reader import ExportReader

    found: dict[str, list[str]] = {}
    for batch in ExportReader(export_dir, skip_invalid=True).accounts():
        columns = batch.select(["account_id", "email"]).to_pydict()
        for account_id, email in zip(columns["account_id"], columns["email"], strict=True):
            if email:
                found.setdefault(normalize_email(email), []).append(account_id)
    return found


def build_feed(
    registry: Registry, settings: Settings, dataset_dir: Path, export_dir: Path | None = None
) -> dict[str, Any]:
    """The signed feed document of a dataset: manifest, signature and keys."""
    from optout.enforce.lineage import dataset_identity

    path, table_id, version, manifest = dataset_identity(dataset_dir)
    by_email = export_accounts_by_email(export_dir) if export_dir else None
    keys = exclusion_keys(registry, int(manifest["watermark"]), by_email, (path, table_id))
    signing_key = load_signing_key(settings)
    feed_manifest = {
        "format": FEED_FORMAT, "dataset": dataset_dir.resolve().name, "table_id": table_id,
        "dataset_version": version, "watermark": int(manifest["watermark"]),
        "generated_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "counts": {kind: len(values) for kind, values in keys.items()},
        "keys_sha256": hashlib.sha256(canonical(keys)).hexdigest(),
        "key_id": key_id(signing_key.public_key()), "signature_alg": "Ed25519",
    }  # fmt: skip
    signature = base64.b64encode(signing_key.sign(canonical(feed_manifest))).decode()
    return {"manifest": feed_manifest, "signature": signature, "keys": keys}


def write_feed(document: dict[str, Any], out: Path) -> None:
    """Write the feed atomically (readers see the old file or the new one)."""
    temporary = out.with_name(f".{out.name}.tmp")
    temporary.write_bytes(json.dumps(document, indent=1, sort_keys=True).encode() + b"\n")
    os.replace(temporary, out)


# -- verify -------------------------------------------------------------------------------


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise InputError("the public key is not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("the public key is not an Ed25519 key")
    return key


def verify_feed(path: Path, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """Check a feed's signature and key list; CheckFailed says what does not hold."""
    document = _read_feed(path)
    manifest, keys = document["manifest"], document["keys"]
    try:
        public_key.verify(base64.b64decode(document["signature"]), canonical(manifest))
    except (InvalidSignature, ValueError) as exc:
        raise CheckFailed(f"{path}: the signature does not match the manifest") from exc
    if hashlib.sha256(canonical(keys)).hexdigest() != manifest.get("keys_sha256"):
        raise CheckFailed(f"{path}: the keys do not match the signed manifest")
    return {"ok": True, "key_id": key_id(public_key), **{
        name: manifest.get(name) for name in ("dataset", "table_id", "dataset_version",
                                              "watermark", "counts", "generated_at")}}  # fmt: skip


def _read_feed(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the feed {path}") from exc
    if not isinstance(document, dict) or not {"manifest", "signature", "keys"} <= set(document):
        raise InputError(f"{path} is not an exclusions feed")
    return document



