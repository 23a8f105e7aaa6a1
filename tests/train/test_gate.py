"""The training gate: stale datasets are refused (unless overridden, audited); fresh ones train."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest

import optout.dataset
from optout.dataset import StaleDatasetError
from optout.registry import open_registry
from optout.registry.models import AuditEntry
from optout.train.loader import record_batches, rows, torch_iterable
from tests.train.support import build, import_objections, objection, sample_export

HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_DATASETS = importlib.util.find_spec("datasets") is not None


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    out = tmp_path / "dataset"
    build(sample_export(tmp_path / "export"), out)
    return out


def object_to(tmp_path: Path, email: str) -> None:
    directory = tmp_path / "objections"
    directory.mkdir(exist_ok=True)
    import_objections(directory, [objection(email)])


def test_a_fresh_dataset_opens_with_every_row(dataset: Path) -> None:
    opened = optout.dataset.open(dataset)
    table = opened.to_table()
    assert table.num_rows == 6 and {"text", "author_key", "bucket"} <= set(table.column_names)
    assert sum(batch.num_rows for batch in record_batches(opened, ["text"], 2)) == 6


def test_a_new_objection_makes_it_stale_and_an_override_is_logged_and_audited(
    dataset: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    object_to(tmp_path, "ana@example.org")
    with pytest.raises(StaleDatasetError, match="1 objection") as refused:
        optout.dataset.open(dataset)
    assert refused.value.freshness.new_objections == 1

    with caplog.at_level(logging.WARNING, logger="optout.dataset"):
        opened = optout.dataset.open(dataset, allow_stale=True)
    assert opened.count_rows() == 6
    assert "stale" in caplog.text and "example.org" not in caplog.text
    with open_registry() as registry, registry.read_session() as session:
        entries = [(e.subject, e.details) for e in session.query(AuditEntry)
                   .filter_by(action="dataset.stale_override")]  # fmt: skip
    assert [details["new_objections"] for _subject, details in entries] == [1]
    assert entries[0][0].startswith("dataset:") and "example.org" not in str(entries)


def test_a_rebuild_makes_it_fresh_again(dataset: Path, tmp_path: Path) -> None:
    object_to(tmp_path, "ana@example.org")
    build(tmp_path / "export", dataset)
    assert optout.dataset.open(dataset).count_rows() == 4


def test_a_changed_data_file_makes_it_stale(dataset: Path) -> None:
    victim = next((dataset / "data").rglob("*.parquet"))
    victim.write_bytes(victim.read_bytes() + b"\0")
    with pytest.raises(StaleDatasetError, match="data file"):
        optout.dataset.open(dataset)


def test_a_missing_data_file_makes_it_stale(dataset: Path) -> None:
    next((dataset / "data").rglob("*.parquet")).unlink()
    with pytest.raises(StaleDatasetError) as refused:
        optout.dataset.open(dataset)
    assert len(refused.value.freshness.bad_files) == 1


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install '.[train]')")
def test_a_tiny_torch_training_loop_runs_on_fresh_data_and_is_refused_on_stale(
    dataset: Path, tmp_path: Path
) -> None:
    def train() -> list[float]:
        import torch

        torch.manual_seed(0)
        model = torch.nn.Linear(32, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
        loader = torch.utils.data.DataLoader(
            torch_iterable(optout.dataset.open(dataset), ["text"], batch_size=3), batch_size=None
        )
        losses = []
        for _epoch in range(20):
            for batch in loader:
                features = torch.tensor([_histogram(text) for text in batch["text"]])
                target = torch.tensor([[len(text) / 40] for text in batch["text"]])
                loss = torch.nn.functional.mse_loss(model(features), target)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
        return losses

    losses = train()
    assert len(losses) == 40 and losses[-1] < losses[0]
    object_to(tmp_path, "bob@example.org")
    with pytest.raises(StaleDatasetError):
        train()


def _histogram(text: str) -> list[float]:
    counts = [0.0] * 32
    for byte in text.encode():
        counts[byte % 32] += 1 / 40
    return counts


@pytest.mark.skipif(not HAS_DATASETS, reason="Hugging Face datasets is not installed")
def test_hugging_face_datasets_reads_the_gated_dataset(dataset: Path) -> None:
    import datasets

    opened = optout.dataset.open(dataset)
    in_memory = datasets.Dataset(datasets.table.InMemoryTable(opened.to_table(columns=["text"])))
    streamed = datasets.IterableDataset.from_generator(lambda: rows(opened, ["text", "kind"]))
    assert len(in_memory) == 6
    assert sorted(row["text"] for row in streamed) == sorted(in_memory["text"])
