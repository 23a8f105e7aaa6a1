"""``optout audit verify|head``: exit 0 on an intact chain, 1 on every kind of tampering."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from optout.cli import audit, objections
from optout.registry import open_registry, submit_objection

app = typer.Typer()
app.add_typer(audit.app, name="audit")
app.add_typer(objections.app, name="objections")


@pytest.fixture
def url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A registry with five audit entries, that the CLI opens through OPTOUT_DATABASE_URL."""
    monkeypatch.setenv("OPTOUT_DATABASE_URL", database_url)
    with open_registry(database_url) as registry, registry.session() as session:
        for i in range(5):
            submit_objection(session, email=f"p{i}@example.org")
    return database_url


def run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def tamper(url: str, *statements: str) -> None:
    with open_registry(url) as registry, registry.engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))


def test_intact_chain_verifies(url: str) -> None:
    code, report = run("audit", "verify")
    assert code == 0 and report["ok"] and report["entries"] == 5
    code, head = run("audit", "head")
    assert code == 0 and head["seq"] == 5
    assert run("audit", "verify", "--head", head["hash"])[0] == 0


def test_edited_entry_fails(url: str) -> None:
    tamper(url, "UPDATE audit_log SET action = 'objection.withdrawn' WHERE seq = 3")
    code, report = run("audit", "verify")
    assert (code, report["ok"], report["first_bad_seq"]) == (1, False, 3)
    assert "altered" in report["problem"]


def test_edited_details_fail(url: str) -> None:
    tamper(url, "UPDATE audit_log SET details = '{}' WHERE seq = 2")
    assert run("audit", "verify")[1]["first_bad_seq"] == 2


def test_deleted_entry_fails(url: str) -> None:
    tamper(url, "DELETE FROM audit_log WHERE seq = 2")
    code, report = run("audit", "verify")
    assert (code, report["first_bad_seq"]) == (1, 2)
    assert "missing" in report["problem"]


def test_reordered_entries_fail(url: str) -> None:
    tamper(
        url,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    )
    code, report = run("audit", "verify")
    assert (code, report["first_bad_seq"]) == (1, 2)


def test_truncated_tail_fails(url: str) -> None:
    _, head = run("audit", "head")
    tamper(url, "DELETE FROM audit_log WHERE seq >= 4")
    code, report = run("audit", "verify")
    assert (code, report["first_bad_seq"]) == (1, 4)
    assert run("audit", "verify", "--head", head["hash"])[0] == 1


def test_truncated_tail_with_a_forged_head_row_fails_against_the_exported_head(url: str) -> None:
    _, head = run("audit", "head")
    tamper(
        url,
        "DELETE FROM audit_log WHERE seq >= 4",
        "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)",
    )
    assert run("audit", "verify")[0] == 0  # consistent on its own...
    code, report = run("audit", "verify", "--head", head["hash"])
    assert (code, report["ok"], report["first_bad_seq"]) == (1, False, 4)  # ...but not the head


def test_text_output_names_the_entry(url: str) -> None:
    tamper(url, "UPDATE audit_log SET subject = 'x' WHERE seq = 1")
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "entry 1" in result.stdout
