"""A build of the generated sample: the accounting identity, and no objector anywhere on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from optout.redact.fold import fold_pattern
from tests.pipeline.conftest import invoke
from tests.pipeline.test_dataset_files import every_text_under

Build = Callable[..., dict[str, Any]]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def objector_strings(export: Path) -> list[str]:
    """Multi-word display names and @handles of confirmed objectors, and non-users' names."""
    objections = [o for o in read_jsonl(export / "objections.jsonl") if o.get("confirmed_at")]
    emails = {o["email"].strip().casefold() for o in objections if o.get("email")}
    ids = {o["account_id"] for o in objections if o.get("account_id")}
    strings = [n for o in objections for n in o.get("names", [])]
    strings += ["@" + h for o in objections for h in o.get("handles", [])]
    for account in read_jsonl(export / "accounts.jsonl"):
        if account["account_id"] in ids or (account.get("email") or "").casefold() in emails:
            strings.append("@" + account["username"])
            if len((account.get("display_name") or "").split()) > 1:
                strings.append(account["display_name"])
    return strings


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    export = tmp_path_factory.mktemp("sample") / "export"
    code, payload = invoke("sample", str(export), "--accounts", "400", "--seed", "3")
    assert code == 0, payload
    return export


def test_sample_build_accounts_for_every_row(sample: Path, build: Build, tmp_path: Path) -> None:
    assert invoke("notices", "import", str(sample / "notices.jsonl"))[0] == 0
    assert invoke("objections", "import", str(sample / "objections.jsonl"))[0] == 0
    result = build(sample)
    content_rows = len(read_jsonl(sample / "content.jsonl"))
    assert result["rows_in"] == content_rows
    assert result["rows_in"] == result["rows_out"] + sum(result["excluded"].values())
    assert result["rows_out"] > 0 and result["excluded"]["objected"] > 0
    assert all(result["redactions"][kind] > 0 for kind in ("person", "handle", "email", "phone"))

    code, report = invoke("verify", str(tmp_path / "dataset"), "--full")
    assert code == 0, report  # a fresh build is proven clean, every file on disk included

    needles = [fold_pattern(s) for s in objector_strings(sample)]
    mentioned = fold_pattern((sample / "content.jsonl").read_text(encoding="utf-8"))
    assert sum(needle in mentioned for needle in needles) > 5, "the sample names no objector"
    for path, text in every_text_under(tmp_path / "dataset"):
        folded = fold_pattern(text)
        found = [needle for needle in needles if needle in folded]
        assert not found, f"{len(found)} objector names or handles in {path.name}"
