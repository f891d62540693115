"""SQLite persistence: every party, activity, interaction, attachment and token lives in one ``entities`` table,
so results survive a restart of the emulator. The seed is stored too, so ``reset`` works without it."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from emulators.imis.seed import Seed, seed_parties

# WAL + synchronous=NORMAL: commits survive a process restart or kill without an fsync per request.
SCHEMA = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '',
    doc TEXT NOT NULL, from_api INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS entities_parent ON entities (kind, parent);
"""
# Kinds stored in ``entities``.
PARTY, ACTIVITY, INTERACTION, ATTACHMENT, TOKEN = "party", "activity", "interaction", "attachment", "token"


class Store:
    """Synchronous and small on purpose: the app calls it from async handlers on one event loop."""

    def __init__(self, path: str | Path, seed: Seed | None = None) -> None:
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)
        stored = self._meta("seed")
        if stored is None:
            self._load_seed(seed or Seed.empty())
        elif seed is not None and seed.as_dict() != json.loads(stored):
            # A different seed file on restart: keep the data (it must survive restarts) but use the new config.
            self._set_meta("seed", json.dumps(seed.as_dict()))
        self.seed = Seed.from_dict(json.loads(self._meta("seed") or "{}"))

    def close(self) -> None:
        self.db.close()

    # -- seed and reset ------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM entities")
            self.db.execute("DELETE FROM meta")
        self._load_seed(self.seed)

    def _load_seed(self, seed: Seed) -> None:
        with self.db:
            for doc in seed_parties(seed):
                self._insert(PARTY, doc["Id"], "", doc, from_api=False)
            self._set_meta("seed", json.dumps(seed.as_dict()))
            self._set_meta("next_party_id", str(seed.next_party_id))
            self._set_meta("next_seqn", str(seed.first_seqn))
            self._set_meta("next_attachment", "1")

    def next_id(self, counter: str) -> int:
        value = int(self._meta(counter) or "1")
        self._set_meta(counter, str(value + 1))
        return value

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- entities ------------------------------------------------------------------------------------
    def add(self, kind: str, key: str, doc: dict[str, Any], *, parent: str = "") -> None:
        with self.db:
            self._insert(kind, key, parent, doc, from_api=True)

    def add_with_counter(self, kind: str, counter: str, build: Any, *, parent: str = "") -> dict[str, Any]:
        """Take the next number from ``counter``, build the doc with it and store both in one transaction."""
        with self.db:
            key = str(self.next_id(counter))
            doc: dict[str, Any] = build(key)
            self._insert(kind, key, parent, doc, from_api=True)
        return doc

    def _insert(self, kind: str, key: str, parent: str, doc: dict[str, Any], *, from_api: bool) -> None:
        self.db.execute(
            "INSERT INTO entities (kind, id, parent, doc, from_api, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (kind, key, parent, json.dumps(doc), int(from_api), datetime.now().isoformat(timespec="seconds")),
        )

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        """Exact key first (tokens are case-sensitive), then lower-case (GUID keys are stored lower-case)."""
        for candidate in dict.fromkeys((key, key.lower())):
            found = self.db.execute("SELECT doc FROM entities WHERE kind = ? AND id = ?", (kind, candidate)).fetchone()
            if found:
                return dict(json.loads(found["doc"]))
        return None

    def all(self, kind: str, *, parent: str | None = None, from_api: bool | None = None) -> list[dict[str, Any]]:
        sql = "SELECT doc FROM entities WHERE kind = ?"
        args: list[Any] = [kind]
        if parent is not None:
            sql, args = sql + " AND parent = ?", [*args, parent]
        if from_api is not None:
            sql, args = sql + " AND from_api = ?", [*args, int(from_api)]
        return [json.loads(r["doc"]) for r in self.db.execute(sql + " ORDER BY seq", args)]

    def delete(self, kind: str, key: str) -> bool:
        """One entity by key (the same keys ``get`` accepts); False when there was none."""
        with self.db:
            for candidate in dict.fromkeys((key, key.lower())):
                if self.db.execute("DELETE FROM entities WHERE kind = ? AND id = ?", (kind, candidate)).rowcount:
                    return True
        return False

    def delete_kind(self, kind: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM entities WHERE kind = ?", (kind,))
