"""A Frictionless Data Package for an open-data portal (datos.gov.co and the like).

The layout is the one Frictionless tools read best: a ZIP holding ``datapackage.json``
and one CSV per table under ``data/``, each a *tabular data resource* with a Table
Schema (field names, titles and types). CSV rather than inline JSON because portals
preview and index CSV, and every spreadsheet opens it. The tables are those of
:mod:`.tabular`, so the package says exactly what the XLSX says; like them, it holds no
personal data.

The CSV files carry no byte order mark (the descriptor declares UTF-8, and a BOM would
become part of the first field's name for some readers) and use machine names in the
header row, as the schema does; titles live in the schema. Text cells are still
neutralised against formula injection, since people open these files in spreadsheets.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from cocrea.policy.exports.tabular import Table, clean, table_csv

DESCRIPTOR = "datapackage.json"


def _package_name(text: str) -> str:
    # Data Package names: lower case letters, digits and ``-._`` only.
    name = re.sub(r"[^a-z0-9._-]", "-", slugify(text).lower()).strip("-")
    return name or "cocrea"


def descriptor(
    tables: Sequence[Table],
    *,
    name: str,
    title: str,
    description: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The ``datapackage.json`` of ``tables`` (resources under ``data/<name>.csv``)."""
    return {
        "profile": "tabular-data-package",
        "name": _package_name(name),
        "title": title,
        "description": description,
        "created": (now or timezone.now()).replace(microsecond=0).isoformat(),
        "contributors": [{"title": "cocrea", "role": "publisher"}],
        "resources": [
            {
                "name": table.name,
                "path": f"data/{table.name}.csv",
                "title": table.title,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": c.name, "title": c.title, "type": c.type} for c in table.columns
                    ],
                },
            }
            for table in tables
        ],
    }


def _json_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean(value) if isinstance(value, str) else value


def package_json(
    tables: Sequence[Table],
    *,
    name: str,
    title: str,
    description: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The data package as one JSON document: the same descriptor, each resource's rows
    inline (``data``, one object per row) instead of a CSV path. Text stays as written:
    JSON is read by programs, never evaluated as a spreadsheet formula."""
    meta = descriptor(tables, name=name, title=title, description=description, now=now)
    for resource, table in zip(meta["resources"], tables, strict=True):
        del resource["path"], resource["format"], resource["mediatype"], resource["encoding"]
        names = [c.name for c in table.columns]
        resource["data"] = [
            dict(zip(names, (_json_value(v) for v in row), strict=True)) for row in table.rows
        ]
    return meta


def package_zip(
    tables: Sequence[Table],
    *,
    name: str,
    title: str,
    description: str = "",
    now: dt.datetime | None = None,
) -> bytes:
    """The data package as a ZIP: ``datapackage.json`` and ``data/*.csv``."""
    meta = descriptor(tables, name=name, title=title, description=description, now=now)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DESCRIPTOR, json.dumps(meta, ensure_ascii=False, indent=2))
        for table in tables:
            archive.writestr(f"data/{table.name}.csv", table_csv(table, bom=False, titles=False))
    return out.getvalue()
