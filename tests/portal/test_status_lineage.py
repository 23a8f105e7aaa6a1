"""The status page tells a confirmed objector where their data was used and when it was removed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from optout.registry import submit_objection
from tests.portal.lineage_data import objector_in_a_dataset, purge


def test_status_page_lists_datasets_models_and_removal(client: TestClient) -> None:
    portal = client.app.state.portal  # type: ignore[attr-defined]
    objection_id, version_id = objector_in_a_dataset(portal.registry, "held@example.org")
    path = f"/status/{portal.signer.status(objection_id)}"

    page = client.get(path).text
    assert "Where your data was used" in page and "forum-2026" in page
    assert "tiny-lm 2026.3" in page and "Not yet" in page and "/srv/datasets" not in page

    purge(portal.registry, version_id)
    german = client.get(path, params={"lang": "de"}).text
    assert "Wo Ihre Daten verwendet wurden" in german and "Entfernt am" in german
    assert "Noch nicht" not in german


def test_status_page_of_a_pending_objection_has_no_lineage(client: TestClient) -> None:
    portal = client.app.state.portal  # type: ignore[attr-defined]
    with portal.registry.session() as session:
        objection = submit_objection(session, email="pending@example.org", country="DE")
    page = client.get(f"/status/{portal.signer.status(objection.id)}").text
    assert "Where your data was used" not in page


def test_a_confirmed_objector_in_no_dataset_is_told_so(client: TestClient) -> None:
    portal = client.app.state.portal  # type: ignore[attr-defined]
    objector_in_a_dataset(portal.registry, "held@example.org")
    with portal.registry.session() as session:
        from optout.registry import confirm_objection

        objection = submit_objection(session, email="never@example.org", country="FR")
        confirm_objection(session, objection.id)
    page = client.get(f"/status/{portal.signer.status(objection.id)}").text
    assert "No dataset we recorded has held your public posts." in page
