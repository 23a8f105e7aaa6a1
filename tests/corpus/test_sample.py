"""The sample generator: determinism, coverage, exact gold spans, valid planted data, media."""

from __future__ import annotations

import hashlib
import importlib
import ipaddress
import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from faker.config import AVAILABLE_LOCALES
from PIL import Image
from stdnum import iban, luhn
from typer.testing import CliRunner

from optout.cli import app
from optout.corpus.sample import generate_sample
from optout.corpus.sample.names import fold
from optout.corpus.schema import CONTENT_KINDS

runner = CliRunner()
SEED = 7
ACCOUNTS = 250
REF = date(2026, 6, 1)
KINDS = set(CONTENT_KINDS)
LABELS = {"PERSON", "HANDLE", "EMAIL", "PHONE", "IBAN", "CARD", "IP", "NATIONAL_ID", "URL"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE_RE = re.compile(r"(?<![\w@/.])@[A-Za-z0-9_]+")
URL_RE = re.compile(r"https?://[\w./@-]*[\w/]")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "export"
    generate_sample(out, ACCOUNTS, SEED, REF)
    return out


@pytest.fixture(scope="module")
def data(export: Path) -> dict[str, Any]:
    tables = {
        name: read(export / f"{name}.jsonl")
        for name in ("accounts", "content", "gold", "faces", "notices", "objections")
    }
    tables["account_by_id"] = {a["account_id"]: a for a in tables["accounts"]}
    tables["content_by_id"] = {c["content_id"]: c for c in tables["content"]}
    return tables


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def field_text(row: dict[str, Any], field: str) -> str:
    if field == "text":
        return row["text"]
    match = re.fullmatch(r"media\[(\d+)\]\.alt_text", field)
    assert match, field
    return row["media"][int(match.group(1))]["alt_text"]


# --- determinism -------------------------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_differs(export: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_sample(again, ACCOUNTS, SEED, REF)
    assert digests(again) == digests(export)
    other = tmp_path / "other"
    generate_sample(other, ACCOUNTS, SEED + 1, REF)
    theirs = digests(other)
    for name in ("accounts.jsonl", "content.jsonl", "gold.jsonl", "objections.jsonl"):
        assert theirs[name] != digests(export)[name]


def test_workers_do_not_change_the_output(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    generate_sample(one, 120, 3, REF, workers=1, block_size=40)
    generate_sample(two, 120, 3, REF, workers=2, block_size=40)
    assert digests(one) == digests(two)


def test_reference_date_anchors_every_timestamp(data: dict[str, Any]) -> None:
    ref = ts("2026-06-01T00:00:00Z")
    for table, fields in (
        ("accounts", ("created_at", "deleted_at")),
        ("content", ("created_at", "deleted_at")),
        ("notices", ("sent_at",)),
        ("objections", ("submitted_at", "confirmed_at")),
    ):
        for row in data[table]:
            for name in fields:
                if row.get(name) is not None:
                    assert RFC3339.match(row[name]), (table, name)
                    assert ts(row[name]) < ref, (table, name)


# --- coverage ------------------------------------------------------------------------------


def test_every_kind_visibility_and_language_is_present(data: dict[str, Any]) -> None:
    content = data["content"]
    assert {c["kind"] for c in content} == KINDS
    assert {c["visibility"] for c in content} == {"public", "friends", "private"}
    assert {g["lang"] for g in data["gold"]} >= {
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "pl",
        "pt",
        "sv",
        "en",
    }
    assert 8 <= len(content) / ACCOUNTS <= 12


def test_content_rows_are_consistent(data: dict[str, Any]) -> None:
    accounts, by_id = data["account_by_id"], data["content_by_id"]
    assert len(by_id) == len(data["content"])
    for row in data["content"]:
        author = accounts[row["account_id"]]
        assert ts(row["created_at"]) >= ts(author["created_at"])
        if author.get("deleted_at"):
            assert ts(row["created_at"]) <= ts(author["deleted_at"])
        if row.get("deleted_at"):
            assert ts(row["deleted_at"]) > ts(row["created_at"])
        if row["kind"] == "comment":
            parent = by_id[row["parent_id"]]
            assert ts(parent["created_at"]) < ts(row["created_at"])
        assert ("place_id" in row) == (row["kind"] in ("group_post", "page_post", "channel_post"))
        assert ("rating" in row) == (row["kind"] == "review")
        if "rating" in row:
            assert 1 <= row["rating"] <= 5
        if row["kind"] == "message":
            assert row["visibility"] == "private"
        for account_id in row.get("mentions", []):
            assert account_id in accounts
    comments = [c for c in data["content"] if c["kind"] == "comment"]
    assert any(by_id[c["parent_id"]]["account_id"] != c["account_id"] for c in comments)
    assert any(c.get("noai") for c in data["content"])
    assert any(c.get("deleted_at") for c in data["content"])


def test_accounts_cover_the_edge_cases(data: dict[str, Any]) -> None:
    accounts = data["accounts"]
    assert len({a["username"] for a in accounts}) == len(accounts)
    emails = [a["email"] for a in accounts if "email" in a]
    assert len(set(emails)) == len(emails)
    for email in emails:
        domain = email.rpartition("@")[2]
        assert domain.split(".")[-2:][0] == "example", email
    for account in accounts:
        if "phone" in account and account.get("country"):
            number = phonenumbers.parse(account["phone"], account["country"])
            assert phonenumbers.is_valid_number_for_region(number, account["country"])
    countries = Counter(a.get("country") for a in accounts)
    assert None in countries and {"US", "GB", "CH", "BR"} & set(countries)
    assert any(a.get("deleted_at") for a in accounts)
    assert any(a.get("ai_training_opt_out") for a in accounts)
    assert any(a.get("indexable") is False for a in accounts)
    assert any(" " not in a["display_name"] for a in accounts)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def test_minors_recent_adults_and_unknown_ages(data: dict[str, Any]) -> None:
    accounts = data["accounts"]
    assert any("birth_date" not in a for a in accounts)
    births = {
        a["account_id"]: date.fromisoformat(a["birth_date"]) for a in accounts if "birth_date" in a
    }
    assert any(_age_on(b, REF) < 18 for b in births.values())
    recent = {
        i
        for i, b in births.items()
        if _age_on(b, REF) == 18 and (REF - b.replace(year=b.year + 18)).days <= 60
    }
    assert recent
    written_as_minor = [
        c
        for c in data["content"]
        if c["account_id"] in recent
        and _age_on(births[c["account_id"]], ts(c["created_at"]).date()) < 18
    ]
    assert written_as_minor


# --- gold ----------------------------------------------------------------------------------


def test_gold_spans_index_the_text_exactly(data: dict[str, Any]) -> None:
    by_id = data["content_by_id"]
    assert data["gold"]
    for line in data["gold"]:
        row = by_id[line["id"]]
        assert line["text"] == field_text(row, line["field"])
        end = 0
        for span in sorted(line["spans"], key=lambda s: s["start"]):
            assert span["label"] in LABELS
            assert end <= span["start"] < span["end"] <= len(line["text"])
            value = line["text"][span["start"] : span["end"]]
            assert value == value.strip() and value
            end = span["end"]


def _covered(spans: list[dict[str, Any]], start: int, end: int, labels: set[str]) -> bool:
    return any(s["start"] <= start and end <= s["end"] and s["label"] in labels for s in spans)


def test_every_planted_value_is_a_gold_span(data: dict[str, Any]) -> None:
    gold = {(g["id"], g["field"]): g["spans"] for g in data["gold"]}
    texts = []
    for row in data["content"]:
        texts.append((row["content_id"], "text", row["text"]))
        for i, media in enumerate(row.get("media", [])):
            if media["alt_text"]:
                texts.append((row["content_id"], f"media[{i}].alt_text", media["alt_text"]))
    names = {a["display_name"] for a in data["accounts"] if " " in a["display_name"]}
    for content_id, field, text in texts:
        spans = gold.get((content_id, field), [])
        for pattern, labels in (
            (EMAIL_RE, {"EMAIL"}),
            (HANDLE_RE, {"HANDLE", "URL"}),
            (URL_RE, {"URL"}),
            (IBAN_RE, {"IBAN"}),
        ):
            for match in pattern.finditer(text):
                assert _covered(spans, match.start(), match.end(), labels), (text, match.group())
        for name in names:
            at = text.find(name)
            if at >= 0:
                assert _covered(spans, at, at + len(name), {"PERSON"}), (text, name)


def _valid(span: dict[str, Any], value: str) -> bool:
    label = span["label"]
    if label == "PHONE":
        number = phonenumbers.parse(value, span["region"])
        return phonenumbers.is_valid_number_for_region(number, span["region"])
    if label == "IBAN":
        return iban.is_valid(value)
    if label == "CARD":
        digits = re.sub(r"[ -]", "", value)
        return digits.isdigit() and len(digits) in (15, 16) and luhn.is_valid(digits)
    if label == "IP":
        address = ipaddress.ip_address(value)
        documentation = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
        in_docs = any(address in ipaddress.ip_network(n) for n in documentation)
        return address.is_global and not in_docs
    if label == "NATIONAL_ID":
        return importlib.import_module(f"stdnum.{span['scheme']}").is_valid(value)
    if label == "EMAIL":
        return EMAIL_RE.fullmatch(value) is not None and ".example." in f".{value.split('@')[1]}."
    if label == "URL":
        return value.startswith("https://social.example/@")
    return True


def test_planted_personal_data_is_valid(data: dict[str, Any]) -> None:
    seen: Counter[str] = Counter()
    for line in data["gold"]:
        for span in line["spans"]:
            value = line["text"][span["start"] : span["end"]]
            assert _valid(span, value), (span, value)
            seen[span["label"]] += 1
    assert set(seen) == LABELS
    phones = [
        line["text"][s["start"] : s["end"]]
        for line in data["gold"]
        for s in line["spans"]
        if s["label"] == "PHONE"
    ]
    assert any(p.startswith("+") for p in phones) and any(not p.startswith("+") for p in phones)
    assert any("-" in p for p in phones) and any("(" in p for p in phones)


def test_account_mentions_name_the_right_accounts(data: dict[str, Any]) -> None:
    accounts = data["account_by_id"]
    by_id = data["content_by_id"]
    variants = Counter()
    for line in data["gold"]:
        for span in line["spans"]:
            if span.get("source") != "account":
                continue
            value = line["text"][span["start"] : span["end"]]
            account = accounts[span["account_id"]]
            if span["label"] == "HANDLE":
                assert value == "@" + account["username"]
                if line["field"] == "text":
                    assert span["account_id"] in by_id[line["id"]]["mentions"]
            elif span["label"] == "PERSON":
                name = account["display_name"]
                assert " " in name
                assert value in (name, name.lower(), fold(name))
                variants[value == name] += 1
    assert variants[True] and variants[False]


def _faker_name_words() -> set[str]:
    words: set[str] = set()
    for locale in AVAILABLE_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attr in dir(provider):
            value = getattr(provider, attr, None)
            if attr.startswith(("first_name", "last_name")) and isinstance(
                value, dict | tuple | list
            ):
                words.update(str(v).casefold() for v in value)
    return words


def test_non_user_names_are_synthetic(data: dict[str, Any]) -> None:
    nonusers = {
        line["text"][s["start"] : s["end"]]
        for line in data["gold"]
        for s in line["spans"]
        if s["label"] == "PERSON" and s["source"] == "nonuser"
    }
    assert len(nonusers) > 50
    account_names = {a["display_name"].casefold() for a in data["accounts"]}
    faker_words = _faker_name_words()
    for name in nonusers:
        assert len(name.split()) >= 2
        assert name.casefold() not in account_names
        surname = name.split()[-1]
        assert surname.casefold() not in faker_words, name
    languages = {
        line["lang"] for line in data["gold"] for s in line["spans"] if s.get("source") == "nonuser"
    }
    assert len(languages) >= 8


# --- objections and notices ----------------------------------------------------------------


def test_objections_follow_the_import_format(data: dict[str, Any]) -> None:
    rows = data["objections"]
    keys = {
        "email",
        "account_id",
        "country",
        "reason",
        "names",
        "handles",
        "submitted_at",
        "confirmed_at",
    }
    emails = {a["email"].casefold() for a in data["accounts"] if "email" in a}
    for row in rows:
        assert set(row) == keys
        assert row["email"] or row["account_id"]
        assert len(row["names"]) <= 5 and len(row["handles"]) <= 5
        assert all(len(name.split()) >= 2 for name in row["names"])
        assert RFC3339.match(row["submitted_at"])
        if row["confirmed_at"]:
            assert ts(row["confirmed_at"]) >= ts(row["submitted_at"])
        if row["account_id"]:
            assert row["account_id"] in data["account_by_id"]
        if row["email"] and not row["names"]:
            assert row["email"].strip().casefold() in emails
    assert any(r["confirmed_at"] for r in rows) and any(not r["confirmed_at"] for r in rows)
    assert any(r["email"] and r["email"] != r["email"].strip().lower() for r in rows)
    assert any(r["account_id"] and not r["email"] for r in rows)
    objector_share = len({r["email"] or r["account_id"] for r in rows}) / ACCOUNTS
    assert 0.01 <= objector_share <= 0.1


def test_non_user_objections_name_people_others_mention(data: dict[str, Any]) -> None:
    named = [r for r in data["objections"] if r["names"]]
    assert len(named) >= 2
    texts = [c["text"] for c in data["content"]]
    for row in named:
        for name in row["names"]:
            assert any(name in text for text in texts), name
        assert row["email"].rpartition("@")[2] not in ("", None)


def test_notices_some_recent_some_never(data: dict[str, Any]) -> None:
    ref = ts("2026-06-01T00:00:00Z")
    notices = data["notices"]
    assert {n["channel"] for n in notices} == {"email", "in_app"}
    ages = [(ref - ts(n["sent_at"])).days for n in notices]
    assert any(a < 30 for a in ages) and any(a > 30 for a in ages)
    notified = {n["account_id"] for n in notices}
    assert 0.6 < len(notified) / ACCOUNTS < 0.95


# --- media ---------------------------------------------------------------------------------


def test_media_paths_exist_inside_the_export(export: Path, data: dict[str, Any]) -> None:
    root = export.resolve()
    paths = {m["path"] for c in data["content"] for m in c.get("media", [])}
    assert paths
    for path in paths:
        target = (export / path).resolve()
        assert target.is_relative_to(root) and target.is_file()
    assert paths <= {f["path"] for f in data["faces"]}


def test_exif_gps_and_face_boxes(export: Path, data: dict[str, Any]) -> None:
    with_gps = with_camera = with_faces = 0
    for face in data["faces"]:
        with Image.open(export / face["path"]) as image:
            assert image.format == "JPEG"
            assert image.size == (face["width"], face["height"])
            exif = image.getexif()
            gps = exif.get_ifd(0x8825)
        for x0, y0, x1, y1 in face["boxes"]:
            assert 0 <= x0 < x1 <= face["width"] and 0 <= y0 < y1 <= face["height"]
        with_faces += bool(face["boxes"])
        with_camera += 0x010F in exif
        with_gps += bool(gps)
        assert bool(gps) == (face["gps"] is not None)
    assert with_gps and with_camera and with_faces
    assert with_faces < len(data["faces"])


# --- command line --------------------------------------------------------------------------


def test_cli_writes_a_valid_export_and_reports_json(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    args = ["sample", str(out), "--accounts", "40", "--seed", "2", "--workers", "1", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["accounts"] == 40 and payload["content"] > 0
    assert payload["content"] == len((out / "content.jsonl").read_text().splitlines())
    check = runner.invoke(app, ["export", "check", str(out), "--json"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["invalid"] == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "not empty" in json.loads(again.stdout)["error"]
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0


def test_cli_rejects_bad_options(tmp_path: Path) -> None:
    bad_date = runner.invoke(app, ["sample", str(tmp_path / "a"), "--reference-date", "June"])
    assert bad_date.exit_code == 2
    no_accounts = runner.invoke(app, ["sample", str(tmp_path / "b"), "--accounts", "0"])
    assert no_accounts.exit_code == 2
