"""The registry: the durable ledger of objections, notices, datasets and the audit chain."""

from optout.registry.audit import ChainHead, ChainReport, read_head, verify_chain
from optout.registry.datasets import (
    dataset_versions,
    mark_version_purged,
    record_dataset_version,
    record_holdings,
    record_model,
    versions_holding,
)
from optout.registry.db import Registry, create_registry_engine, normalize_url, open_registry
from optout.registry.models import (
    AuditEntry,
    Dataset,
    DatasetHolding,
    DatasetVersion,
    Notice,
    Objection,
    TrainedModel,
)
from optout.registry.notices import (
    NoticeRow,
    first_notices,
    import_notice_file,
    import_notices,
    notified_accounts,
    record_notice,
)
from optout.registry.objections import (
    ImportResult,
    ObjectionNotFound,
    ObjectionRow,
    ObjectionWithdrawn,
    Snapshot,
    confirm_objection,
    confirmed_objections,
    confirmed_snapshot,
    current_watermark,
    find_objection,
    get_objection,
    import_objection_file,
    import_objections,
    list_objections,
    objection_summary,
    objections_new_since,
    submit_objection,
    withdraw_objection,
)

__all__ = [
    "AuditEntry", "ChainHead", "ChainReport", "Dataset", "DatasetHolding", "DatasetVersion",
    "ImportResult", "Notice", "NoticeRow", "Objection", "ObjectionNotFound", "ObjectionRow",
    "ObjectionWithdrawn", "Registry", "Snapshot", "TrainedModel", "confirm_objection",
    "confirmed_objections", "confirmed_snapshot", "create_registry_engine", "current_watermark",
    "dataset_versions", "find_objection", "first_notices", "get_objection",
    "import_notice_file", "import_notices", "import_objection_file", "import_objections",
    "list_objections", "mark_version_purged", "normalize_url", "notified_accounts",
    "objection_summary", "objections_new_since", "open_registry", "read_head",
    "record_dataset_version", "record_holdings", "record_model", "record_notice",
    "submit_objection", "verify_chain", "versions_holding", "withdraw_objection",
]  # fmt: skip
