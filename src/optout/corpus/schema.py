"""The export's tables: strict Arrow schemas, allowed enum values and per-field rules."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")
MEDIA_ITEM = pa.struct([("path", pa.string()), ("alt_text", pa.string())])

CONTENT_KINDS = (
    "post",
    "comment",
    "photo",
    "story",
    "reel",
    "profile",
    "group_post",
    "page_post",
    "channel_post",
    "review",
    "ai_chat",
    "message",
)
VISIBILITIES = ("public", "friends", "private")
NOTICE_CHANNELS = ("email", "in_app")

# Field kinds: how a value is typed in JSON, validated and stored in Arrow.
STRICT_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "enum": pa.string(),
    "country": pa.string(),
    "timestamp": TIMESTAMP,
    "date": pa.date32(),
    "bool": pa.bool_(),
    "rating": pa.int8(),
    "strings": pa.list_(pa.string()),
    "media": pa.list_(MEDIA_ITEM),
}
# How JSON Lines are parsed before validation: timestamps and dates as text, ratings wide.
RAW_TYPES: dict[str, pa.DataType] = {
    **STRICT_TYPES,
    "timestamp": pa.string(),
    "date": pa.string(),
    "rating": pa.int64(),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One column of an export table."""

    name: str
    kind: str
    required: bool = False
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """One export table: its fields, its id column and the column that names an account."""

    name: str
    fields: tuple[Field, ...]
    id_field: str | None = None
    account_field: str | None = None

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(f.name, STRICT_TYPES[f.kind]) for f in self.fields])

    @property
    def raw_schema(self) -> pa.Schema:
        return pa.schema([pa.field(f.name, RAW_TYPES[f.kind]) for f in self.fields])


ACCOUNTS = Table(
    name="accounts",
    id_field="account_id",
    fields=(
        Field("account_id", "string", required=True),
        Field("username", "string", required=True),
        Field("display_name", "string"),
        Field("email", "string"),
        Field("phone", "string"),
        Field("country", "country"),
        Field("birth_date", "date"),
        Field("created_at", "timestamp", required=True),
        Field("deleted_at", "timestamp"),
        Field("ai_training_opt_out", "bool"),
        Field("indexable", "bool"),
    ),
)
CONTENT = Table(
    name="content",
    id_field="content_id",
    account_field="account_id",
    fields=(
        Field("content_id", "string", required=True),
        Field("account_id", "string", required=True),
        Field("kind", "enum", required=True, allowed=CONTENT_KINDS),
        Field("visibility", "enum", required=True, allowed=VISIBILITIES),
        Field("created_at", "timestamp", required=True),
        Field("deleted_at", "timestamp"),
        Field("text", "string"),
        Field("parent_id", "string"),
        Field("place_id", "string"),
        Field("mentions", "strings"),
        Field("rating", "rating"),
        Field("media", "media"),
        Field("noai", "bool"),
    ),
)
NOTICES = Table(
    name="notices",
    account_field="account_id",
    fields=(
        Field("account_id", "string", required=True),
        Field("channel", "enum", required=True, allowed=NOTICE_CHANNELS),
        Field("sent_at", "timestamp", required=True),
    ),
)
TABLES = {table.name: table for table in (ACCOUNTS, CONTENT, NOTICES)}

ACCOUNTS_SCHEMA = ACCOUNTS.schema
CONTENT_SCHEMA = CONTENT.schema
NOTICES_SCHEMA = NOTICES.schema
