"""Fast JSON Lines encoding of content and gold rows (their fields are known; text is escaped)."""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

# Ids, kinds, timestamps, paths, labels and codes are generated ASCII without quotes or
# backslashes, so only free text needs escaping; json.loads of every line is tested.

_FIXED = ("content_id", "account_id", "kind", "visibility", "created_at")
_OPTIONAL_IDS = ("parent_id", "place_id")


def _ascii_list(values: list[str]) -> str:
    return '["' + '","'.join(values) + '"]' if values else "[]"


def _media(media: list[dict[str, Any]]) -> str:
    items = []
    for entry in media:
        alt = entry["alt_text"]
        alt_json = "null" if alt is None else encode_basestring(alt)
        items.append(f'{{"path":"{entry["path"]}","alt_text":{alt_json}}}')
    return "[" + ",".join(items) + "]"


def content_line(row: dict[str, Any]) -> str:
    """One content row as a JSON line, fields in the order the generator sets them."""
    out = ["{" + ",".join(f'"{key}":"{row[key]}"' for key in _FIXED)]
    if "deleted_at" in row:
        out.append(f',"deleted_at":"{row["deleted_at"]}"')
    out.append(f',"text":{encode_basestring(row["text"])}')
    for key in _OPTIONAL_IDS:
        if key in row:
            out.append(f',"{key}":"{row[key]}"')
    if "mentions" in row:
        out.append(f',"mentions":{_ascii_list(row["mentions"])}')
    if "rating" in row:
        out.append(f',"rating":{row["rating"]}')
    if "media" in row:
        out.append(f',"media":{_media(row["media"])}')
    if row.get("noai"):
        out.append(',"noai":true')
    out.append("}\n")
    return "".join(out)


def _span(span: dict[str, Any]) -> str:
    fields = (
        f'"{key}":{value}' if isinstance(value, int) else f'"{key}":"{value}"'
        for key, value in span.items()
    )
    return "{" + ",".join(fields) + "}"


def gold_line(line: dict[str, Any]) -> str:
    """One gold row (id, field, text, lang, spans) as a JSON line."""
    spans = ",".join(_span(span) for span in line["spans"])
    return (
        f'{{"id":"{line["id"]}","field":"{line["field"]}",'
        f'"text":{encode_basestring(line["text"])},"lang":"{line["lang"]}","spans":[{spans}]}}\n'
    )
