"""Policy files: defaults, validation errors that name the key, the region groups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optout.cli import app
from optout.errors import InputError
from optout.policy import Policy, load_policy
from optout.policy.regions import EEA, EU, expand_regions


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_the_interface() -> None:
    policy = load_policy(None)
    assert policy.scope.regions == ["EEA"]
    assert policy.scope.min_age == 18
    assert policy.scope.unknown_age == "exclude"
    assert "message" not in policy.scope.kinds and len(policy.scope.kinds) == 11
    assert policy.scope.visibility == ["public"]
    assert policy.notice.required is True and policy.notice.days == 30
    assert policy.redaction.third_party_mentions == "redact"
    assert policy.redaction.pseudonymize_people is True
    # interfaces §3's seven kinds, and (privacy by default) the quasi-identifiers
    assert policy.redaction.pii == ["email", "phone", "iban", "card", "ip", "national_id", "url",
                                    "address", "date_of_birth", "licence_plate"]


def test_pii_kinds_are_the_redactors(tmp_path: Path) -> None:
    """Every kind a policy may name is one the redactor knows, and the other way round."""
    from optout.policy import PII_TYPES
    from optout.redact.detectors import PII_LABELS

    assert set(PII_TYPES) == PII_LABELS


def test_an_explicit_pii_list_is_kept(tmp_path: Path) -> None:
    """A policy written before the quasi-identifiers existed keeps meaning what it said."""
    old = '[redaction]\npii = ["email", "phone", "iban", "card", "ip", "national_id", "url"]\n'
    assert load_policy(write(tmp_path, old)).redaction.pii == [
        "email", "phone", "iban", "card", "ip", "national_id", "url"]
    new = '[redaction]\npii = ["email", "address", "date_of_birth", "licence_plate"]\n'
    assert load_policy(write(tmp_path, new)).redaction.pii == [
        "email", "address", "date_of_birth", "licence_plate"]


def test_partial_file_keeps_other_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, '[scope]\nregions = ["EU", "CH"]\nmin_age = 16\n'))
    assert policy.scope.min_age == 16
    assert policy.scope.countries == EU | {"CH"}
    assert policy.notice.days == 30


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[scope]\ncolour = 1\n", "scope.colour: unknown key"),
        ("[extra]\nx = 1\n", "extra: unknown key"),
        ("[scope]\nmin_age = -1\n", "scope.min_age"),
        ('[scope]\nregions = ["Atlantis"]\n', "scope.regions"),
        ('[scope]\nkinds = ["post", "message"]\n', "scope.kinds: 'message'"),
        ('[scope]\nvisibility = ["friends"]\n', "scope.visibility"),
        ('[notice]\nrequired = "maybe"\n', "notice.required"),
        ('[redaction]\nthird_party_mentions = "ignore"\n', "redaction.third_party_mentions"),
        ('[redaction]\npii = ["dna"]\n', "redaction.pii: 'dna'"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(InputError, match=key.replace(".", r"\.")):
        load_policy(write(tmp_path, text))


def test_invalid_toml_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid TOML"):
        load_policy(write(tmp_path, "[scope\n"))


def test_region_groups() -> None:
    assert EEA - EU == {"IS", "LI", "NO"}
    assert expand_regions(["eu", "us"]) == EU | {"US"}
    with pytest.raises(ValueError, match="EU or EEA"):
        expand_regions(["XX1"])


def test_hash_changes_with_the_policy(tmp_path: Path) -> None:
    other = load_policy(write(tmp_path, "[notice]\ndays = 31\n"))
    assert Policy().sha256 == load_policy(None).sha256
    assert other.sha256 != Policy().sha256


def test_policy_show_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["policy", "show", "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["policy"]["notice"] == {"required": True, "days": 30}
    bad = runner.invoke(app, ["policy", "show", "--policy", str(write(tmp_path, "[x]\n"))])
    assert bad.exit_code == 2
    text = runner.invoke(app, ["policy", "show"])
    assert 'third_party_mentions = "redact"' in text.stdout
