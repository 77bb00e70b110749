//! Text templates for the synthetic trees ([`crate::write_synthetic_tree`] and
//! [`crate::monorepo`]): Python backend modules and tests, TypeScript/TSX frontend modules and
//! tests, shaped like a small real product.
//!
//! Placeholders: `@E@` entity (`Order`), `@e@` entity lower-cased, `@d@` domain or feature
//! (`orders`), `@i@` index of a repeated block. `@J@` starts the line of each mock site's
//! statement, where a generator may put a justification comment (MCK001); writers remove the
//! markers they do not replace. Every type a template defines carries `@E@` in its name, so two
//! domains never define the same type by accident (TYP001 counts only what a generator injects).

/// The marker at the start of a mock site's line.
pub(crate) const JUSTIFY: &str = "@J@";

pub(crate) const CORE_MODULES: [(&str, &str); 5] = [
    ("config", CORE_CONFIG),
    ("db", CORE_DB),
    ("logging", CORE_LOGGING),
    ("security", CORE_SECURITY),
    ("cache", CORE_CACHE),
];

pub(crate) const CORE_CONFIG: &str = r#""""Settings loaded from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str = "redis://localhost:6379/0"
    debug: bool = False
    allowed_hosts: tuple[str, ...] = ("localhost",)
    media_root: Path = field(default_factory=lambda: Path("/var/lib/shop/media"))
    page_size: int = 50

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    hosts = tuple(host.strip() for host in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if host)
    return Settings(
        database_url=os.environ.get("DATABASE_URL", "sqlite:///shop.db"),
        debug=_flag("DEBUG"),
        allowed_hosts=hosts,
        page_size=int(os.environ.get("PAGE_SIZE", "50")),
    )
"#;

pub(crate) const CORE_DB: &str = r#""""A small unit-of-work wrapper around the database driver."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from app.core.config import get_settings


class Database:
    def __init__(self, url: str | None = None) -> None:
        self.url = url or get_settings().database_url
        self._connection: sqlite3.Connection | None = None

    def connect(self) -> sqlite3.Connection:
        if self._connection is None:
            path = self.url.removeprefix("sqlite:///")
            self._connection = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES)
            self._connection.row_factory = sqlite3.Row
        return self._connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        connection = self.connect()
        cursor = connection.cursor()
        try:
            yield cursor
        except Exception:
            connection.rollback()
            raise
        else:
            connection.commit()
        finally:
            cursor.close()

    def fetch_all(self, query: str, *params: Any) -> list[dict[str, Any]]:
        with self.transaction() as cursor:
            cursor.execute(query, params)
            return [dict(row) for row in cursor.fetchall()]
"#;

pub(crate) const CORE_LOGGING: &str = r#""""Structured logging setup."""

import json
import logging
import sys
from typing import Any


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        extra = getattr(record, "context", None)
        if isinstance(extra, dict):
            payload.update(extra)
        return json.dumps(payload, default=str)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
"#;

pub(crate) const CORE_SECURITY: &str = r#""""Password hashing and token helpers."""

import base64
import hashlib
import hmac
import secrets
import time

ITERATIONS = 390_000


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        _, iterations, salt, expected = encoded.split("$", 3)
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(base64.b64encode(digest).decode(), expected)


def make_token(user_id: int, secret: str, ttl: int = 3600) -> str:
    expires = int(time.time()) + ttl
    message = f"{user_id}:{expires}".encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{user_id}:{expires}:{signature}"
"#;

pub(crate) const CORE_CACHE: &str = r#""""An in-process cache with expiry, used when Redis is not configured."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(self, capacity: int = 1024, ttl: float = 60.0) -> None:
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._capacity = capacity
        self._ttl = ttl
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, value = item
            if expires < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def set(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self._ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
"#;

pub(crate) const CONFTEST: &str = r#"import pytest

from app.core.config import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(database_url=f"sqlite:///{tmp_path / 'test.db'}", debug=True)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    def guard(*args, **kwargs):
        raise RuntimeError("tests must not open network connections")

    monkeypatch.setattr("socket.socket.connect", guard)
"#;

pub(crate) const PY_INIT: &str = r#""""The @d@ domain."""

from app.@d@.models import @E@, @E@Id, @E@Status
from app.@d@.services import @E@Service

__all__ = ["@E@", "@E@Id", "@E@Status", "@E@Service"]
"#;

pub(crate) const PY_MODELS_HEAD: &str = r#""""Data model for the @d@ domain."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Optional
from uuid import UUID, uuid4


class @E@Status(enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ARCHIVED = "archived"

    @property
    def is_visible(self) -> bool:
        return self is not @E@Status.ARCHIVED


@dataclass(frozen=True)
class @E@Id:
    value: UUID = field(default_factory=uuid4)

    def __str__(self) -> str:
        return str(self.value)


@dataclass
class @E@:
    """One @e@ as stored and returned by the API."""

    id: @E@Id
    name: str
    status: @E@Status = @E@Status.ACTIVE
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    attributes: dict[str, Any] = field(default_factory=dict)
"#;

pub(crate) const PY_MODELS_METHODS: &str = r#"
    def archive(self) -> None:
        if self.status is @E@Status.ARCHIVED:
            raise ValueError(f"{self.id} is already archived")
        self.status = @E@Status.ARCHIVED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            **{key: value for key, value in self.attributes.items() if not key.startswith("_")},
        }
"#;

pub(crate) const PY_MODEL_METHOD: &str = r#"
    def attribute_@i@(self, default: Optional[str] = None) -> Optional[str]:
        """Reads attribute @i@, falling back to `default`."""
        value = self.attributes.get("attr_@i@")
        if value is None:
            return default
        if isinstance(value, (list, tuple)):
            return ",".join(str(item) for item in value)
        return str(value)
"#;

pub(crate) const PY_MODELS_TAIL: &str = r#"

def sort_key(item: @E@) -> tuple[int, str]:
    order = {status: rank for rank, status in enumerate(@E@Status)}
    return order[item.status], item.name.casefold()
"#;

pub(crate) const PY_SCHEMAS: &str = r#""""Request and response shapes for the @d@ API."""

from __future__ import annotations

import re
from typing import Any, NotRequired, Protocol, TypedDict

NAME_PATTERN = re.compile(r"^[\w .'-]{1,120}$")


class @E@Payload(TypedDict):
    name: str
    status: NotRequired[str]
    attributes: NotRequired[dict[str, Any]]


class @E@Validator(Protocol):
    def __call__(self, payload: dict[str, Any]) -> list[str]: ...


class @E@ValidationError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def validate_name(payload: dict[str, Any]) -> list[str]:
    if not (name := payload.get("name")):
        return ["name is required"]
    if not NAME_PATTERN.match(name):
        return [f"name {name!r} has invalid characters"]
    return []
"#;

pub(crate) const PY_VALIDATOR: &str = r#"

def validate_rule_@i@(payload: dict[str, Any]) -> list[str]:
    errors = []
    attributes = payload.get("attributes") or {}
    if (value := attributes.get("attr_@i@")) is not None and not isinstance(value, (str, int)):
        errors.append(f"attr_@i@ must be text or a number, not {type(value).__name__}")
    if len(attributes) > 64:
        errors.append("too many attributes")
    return errors
"#;

pub(crate) const PY_SERVICES_HEAD: &str = r#""""Business logic for @d@: the only place that changes @e@ state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from .models import @E@, @E@Id, @E@Status, sort_key
from .schemas import @E@ValidationError, validate_name

logger = logging.getLogger(__name__)


class @E@NotFound(LookupError):
    pass


class @E@Repository:
    def __init__(self) -> None:
        self._items: dict[str, @E@] = {}

    async def get(self, item_id: @E@Id) -> @E@:
        try:
            return self._items[str(item_id)]
        except KeyError:
            raise @E@NotFound(str(item_id)) from None

    async def save(self, item: @E@) -> None:
        self._items[str(item.id)] = item

    async def list(self, *, status: @E@Status | None = None) -> list[@E@]:
        items = [item for item in self._items.values() if status is None or item.status is status]
        return sorted(items, key=sort_key)


class @E@Service:
    """Coordinates validation, persistence and events for @d@."""

    def __init__(self, repository: @E@Repository, events: Any = None, *, batch_size: int = 100) -> None:
        self.repository = repository
        self.events = events
        self.batch_size = batch_size

    async def create(self, payload: dict[str, Any]) -> @E@:
        if errors := validate_name(payload):
            raise @E@ValidationError(errors)
        item = @E@(id=@E@Id(), name=payload["name"], attributes=dict(payload.get("attributes", {})))
        await self.repository.save(item)
        logger.info("created @e@", extra={"context": {"id": str(item.id)}})
        if self.events is not None:
            await self.events.publish("@d@.created", item.to_dict())
        return item
"#;

pub(crate) const PY_SERVICE_METHOD: &str = r#"
    async def bulk_update_@i@(self, ids: Sequence[@E@Id], changes: dict[str, Any]) -> int:
        updated = 0
        for start in range(0, len(ids), self.batch_size):
            batch = ids[start : start + self.batch_size]
            items = await asyncio.gather(*(self.repository.get(item_id) for item_id in batch), return_exceptions=True)
            for item in items:
                if isinstance(item, BaseException):
                    logger.warning("skipping missing @e@: %s", item)
                    continue
                item.attributes.update({f"attr_@i@_{key}": value for key, value in changes.items()})
                await self.repository.save(item)
                updated += 1
        return updated
"#;

pub(crate) const PY_SERVICE_MATCH: &str = r#"
    async def apply_command_@i@(self, item_id: @E@Id, command: dict[str, Any]) -> @E@:
        item = await self.repository.get(item_id)
        match command:
            case {"action": "rename", "name": str(name)}:
                item.name = name
            case {"action": "archive"}:
                item.archive()
            case {"action": "tag", "tags": [*tags]} if tags:
                item.attributes.setdefault("tags", []).extend(tags)
            case _:
                raise ValueError(f"unsupported command: {command!r}")
        await self.repository.save(item)
        return item
"#;

pub(crate) const PY_SERVICES_TAIL: &str = r#"

def summarize(items: Iterable[@E@]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status.value] = counts.get(item.status.value, 0) + 1
    return dict(sorted(counts.items()))
"#;

pub(crate) const PY_VIEWS_HEAD: &str = r#""""HTTP handlers for /api/@d@."""

from __future__ import annotations

import functools
from http import HTTPStatus
from typing import Any, Awaitable, Callable

from app.@d@.models import @E@Id, @E@Status
from app.@d@.schemas import @E@ValidationError
from app.@d@.services import @E@NotFound, @E@Repository, @E@Service

Handler = Callable[[dict[str, Any]], Awaitable[tuple[int, dict[str, Any]]]]
ROUTES: dict[str, Handler] = {}
service = @E@Service(@E@Repository())


def route(path: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            try:
                return await handler(request)
            except @E@ValidationError as error:
                return HTTPStatus.BAD_REQUEST, {"errors": error.errors}
            except @E@NotFound:
                return HTTPStatus.NOT_FOUND, {"error": "not found"}

        ROUTES[path] = wrapper
        return wrapper

    return register
"#;

pub(crate) const PY_VIEW: &str = r#"

@route("/api/@d@/view-@i@")
async def handle_@i@(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    query = request.get("query", {})
    status = @E@Status(query["status"]) if "status" in query else None
    items = await service.repository.list(status=status)
    page = max(int(query.get("page", 1)), 1)
    size = min(int(query.get("size", 20)), 100)
    window = items[(page - 1) * size : page * size]
    return HTTPStatus.OK, {
        "items": [item.to_dict() for item in window],
        "page": page,
        "total": len(items),
        "view": @i@,
    }
"#;

pub(crate) const PY_MODEL_TESTS_HEAD: &str = r#"import pytest

from app.@d@.models import @E@, @E@Id, @E@Status, sort_key


@pytest.fixture
def item() -> @E@:
    return @E@(id=@E@Id(), name="Example @e@")


def test_archive_twice_fails(item):
    item.archive()
    with pytest.raises(ValueError, match="already archived"):
        item.archive()
"#;

pub(crate) const PY_MODEL_TEST: &str = r#"

@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "fallback"), ("x", "x"), (["a", "b"], "a,b"), (7, "7")],
)
def test_attribute_@i@(item, value, expected):
    if value is not None:
        item.attributes["attr_@i@"] = value
    assert item.to_dict()["name"] == "Example @e@"
    assert sort_key(item)[0] == list(@E@Status).index(item.status)
    assert expected in {"fallback", "x", "a,b", "7"}
"#;

pub(crate) const PY_SERVICE_TESTS_HEAD: &str = r#"import asyncio
import unittest
from unittest import mock

from app.@d@.models import @E@, @E@Id
from app.@d@.schemas import @E@ValidationError
from app.@d@.services import @E@Repository, @E@Service


class @E@ServiceTests(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        @J@self.repository = mock.AsyncMock(spec=@E@Repository)
        @J@self.events = mock.AsyncMock()
        self.service = @E@Service(self.repository, self.events, batch_size=2)

    async def test_create_rejects_missing_name(self):
        with self.assertRaises(@E@ValidationError):
            await self.service.create({})
        self.repository.save.assert_not_awaited()

    @J@@mock.patch("app.@d@.services.logger")
    async def test_create_publishes_event(self, logger):
        item = await self.service.create({"name": "Widget"})
        self.repository.save.assert_awaited_once_with(item)
        self.events.publish.assert_awaited_once()
        logger.info.assert_called_once()
"#;

pub(crate) const PY_SERVICE_TEST: &str = r#"
    async def test_bulk_update_@i@(self):
        items = [@E@(id=@E@Id(), name=f"item {n}") for n in range(5)]
        self.repository.get.side_effect = items
        @J@with mock.patch.object(asyncio, "gather", wraps=asyncio.gather) as gather:
            updated = await self.service.bulk_update_@i@([item.id for item in items], {"k": @i@})
        self.assertEqual(updated, 5)
        self.assertGreaterEqual(gather.call_count, 3)
        self.assertTrue(all(item.attributes.get("attr_@i@_k") == @i@ for item in items))
"#;

pub(crate) const SCRIPT: &str = r#"#!/usr/bin/env python3
"""Maintenance script: @d@ (@E@)."""

import argparse
import sys
import time


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--batch", type=int, default=500)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    for batch in range(0, 10_000, args.batch):
        if args.dry_run:
            print(f"would process rows {batch}..{batch + args.batch}")
    print(f"done in {time.perf_counter() - started:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
"#;

pub(crate) const GLOBAL_DTS: &str = r#"declare global {
  interface Window {
    __APP_CONFIG__?: {
      apiBase: string;
      release: string;
    };
  }
}

declare module "*.svg" {
  const url: string;
  export default url;
}

export {};
"#;

pub(crate) const HTTP_CLIENT: &str = r#"export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`request failed with status ${status}`);
    this.name = "HttpError";
  }
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  retries?: number;
}

const base = (): string => window.__APP_CONFIG__?.apiBase ?? "/api";

export async function request<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const { retries = 1, ...init } = options;
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${base()}${path}`, {
      method,
      signal: init.signal,
      headers: { "content-type": "application/json", ...init.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.ok) {
      return (await response.json()) as T;
    }
    if (attempt >= retries || response.status < 500) {
      throw new HttpError(response.status, await response.text());
    }
  }
}
"#;

pub(crate) const FORMAT_JS: &str = r#"// Formatting helpers shared with the server-rendered pages (plain JS on purpose).

const currency = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatMoney(cents) {
  return currency.format(cents / 100);
}

export function formatDate(value, locale = "en-US") {
  const date = value instanceof Date ? value : new Date(value);
  return date.toLocaleDateString(locale, { year: "numeric", month: "short", day: "numeric" });
}

export const pluralize = (count, word, plural = `${word}s`) => `${count} ${count === 1 ? word : plural}`;
"#;

pub(crate) const VITE_CONFIG: &str = r#"import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { "/api": "http://localhost:8000" } },
  test: { environment: "jsdom", globals: false },
});
"#;

pub(crate) const TS_TYPES_HEAD: &str = r#"// Types for the @d@ feature, shared by its API client, store and views.

export type @E@Id = string & { readonly __brand: "@E@Id" };

export enum @E@Status {
  Active = "active",
  Suspended = "suspended",
  Archived = "archived",
}

export interface @E@ {
  id: string;
  name: string;
  status: @E@Status;
  createdAt: string;
"#;

pub(crate) const TS_TYPES_TAIL: &str = r#"}

export interface @E@Page<T> {
  items: readonly T[];
  page: number;
  total: number;
}

export type @E@Patch = Partial<Omit<@E@, "id" | "createdAt">>;

export type @E@Event =
  | { type: "loaded"; items: readonly @E@[] }
  | { type: "updated"; item: @E@ }
  | { type: "removed"; id: @E@Id }
  | { type: "failed"; error: Error };

export const isActive = (item: Pick<@E@, "status">): boolean => item.status === @E@Status.Active;
"#;

pub(crate) const TS_API_HEAD: &str = r#"import { request, type RequestOptions } from "../../lib/http";
import type { @E@, @E@Id, @E@Patch, @E@Page } from "./types";

const path = "/@d@";

export async function list@E@s(page = 1, options?: RequestOptions): Promise<@E@Page<@E@>> {
  return request<@E@Page<@E@>>("GET", `${path}?page=${page}`, undefined, options);
}

export async function update@E@(id: @E@Id, patch: @E@Patch): Promise<@E@> {
  return request<@E@>("PUT", `${path}/${encodeURIComponent(id)}`, patch, { retries: 2 });
}
"#;

pub(crate) const TS_API_CALL: &str = r#"
export async function fetch@E@View@i@<K extends keyof @E@>(
  keys: readonly K[],
  signal?: AbortSignal,
): Promise<Array<Pick<@E@, K>>> {
  const page = await request<@E@Page<@E@>>("GET", `${path}/view-@i@`, undefined, { signal });
  return page.items.map((item) => {
    const picked = {} as Pick<@E@, K>;
    for (const key of keys) {
      picked[key] = item[key];
    }
    return picked;
  });
}
"#;

pub(crate) const TS_STORE_HEAD: &str = r#"import { list@E@s, update@E@ } from "./api";
import { @E@Status, type @E@, type @E@Event, type @E@Id, type @E@Patch } from "./types";

type Listener = (event: @E@Event) => void;

export class @E@Store {
  #items = new Map<string, @E@>();
  #listeners = new Set<Listener>();
  private loading = false;

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get items(): readonly @E@[] {
    return [...this.#items.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async load(page = 1): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const result = await list@E@s(page);
      result.items.forEach((item) => this.#items.set(item.id, item));
      this.emit({ type: "loaded", items: result.items });
    } catch (error) {
      this.emit({ type: "failed", error: error instanceof Error ? error : new Error(String(error)) });
    } finally {
      this.loading = false;
    }
  }

  async patch(id: @E@Id, patch: @E@Patch): Promise<@E@ | undefined> {
    const updated = await update@E@(id, patch);
    this.#items.set(updated.id, updated);
    this.emit({ type: "updated", item: updated });
    return updated;
  }

  private emit(event: @E@Event): void {
    for (const listener of this.#listeners) listener(event);
  }
"#;

pub(crate) const TS_STORE_METHOD: &str = r#"
  countByStatus@i@(): Record<@E@Status, number> {
    const counts = { [@E@Status.Active]: 0, [@E@Status.Suspended]: 0, [@E@Status.Archived]: 0 };
    for (const item of this.#items.values()) {
      counts[item.status] += item.name.length > @i@ ? 1 : 0;
    }
    return counts satisfies Record<@E@Status, number>;
  }
"#;

pub(crate) const TSX_HEAD: &str = r#"import { useEffect, useMemo, useState, type ReactNode } from "react";
import { @E@Store } from "./store";
import { isActive, type @E@ } from "./types";

interface Props {
  store: @E@Store;
  title?: ReactNode;
  onSelect?: (item: @E@) => void;
}
"#;

pub(crate) const TSX_ROW: &str = r#"
function @E@Row@i@({ item, onSelect }: { item: @E@; onSelect?: (item: @E@) => void }) {
  return (
    <tr className={isActive(item) ? "row" : "row row--muted"} onClick={() => onSelect?.(item)}>
      <td>{item.name}</td>
      <td data-variant="@i@">{item.status}</td>
      <td>{new Date(item.createdAt).toLocaleDateString()}</td>
    </tr>
  );
}
"#;

pub(crate) const TSX_VIEW: &str = r#"
export function @E@View({ store, title = "@E@s", onSelect }: Props) {
  const [items, setItems] = useState<readonly @E@[]>(store.items);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const unsubscribe = store.subscribe((event) => {
      if (event.type === "failed") setError(event.error.message);
      else setItems(store.items);
    });
    void store.load();
    return unsubscribe;
  }, [store]);

  const active = useMemo(() => items.filter(isActive).length, [items]);

  if (error) {
    return <p role="alert">Could not load @d@: {error}</p>;
  }
  return (
    <section aria-label="@d@">
      <h2>
        {title} <small>({active} active)</small>
      </h2>
      <table>
        <tbody>
          {items.map((item) => (
            <@E@Row0 key={item.id} item={item} onSelect={onSelect} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
"#;

pub(crate) const TS_INDEX: &str = r#"export * from "./types";
export { @E@Store } from "./store";
export { @E@View } from "./@E@View";
export { list@E@s, update@E@ } from "./api";
"#;

pub(crate) const TS_API_TEST_HEAD: &str = r#"import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { request } from "../../../lib/http";
import { list@E@s, update@E@ } from "../api";
import { @E@Status, type @E@, type @E@Id } from "../types";

@J@vi.mock("../../../lib/http", () => ({ request: vi.fn() }));

const sample: @E@ = {
  id: "1",
  name: "First",
  status: @E@Status.Active,
  createdAt: "2024-01-01T00:00:00Z",
} as @E@;

describe("@d@ api", () => {
  beforeEach(() => {
    vi.mocked(request).mockResolvedValue({ items: [sample], page: 1, total: 1 });
  });

  afterEach(() => {
    vi.clearAllMocks();
  });

  it("lists the first page", async () => {
    await expect(list@E@s()).resolves.toEqual({ items: [sample], page: 1, total: 1 });
    expect(request).toHaveBeenCalledWith("GET", "/@d@?page=1", undefined, undefined);
  });
"#;

pub(crate) const TS_API_TEST: &str = r#"
  it("updates with retries (case @i@)", async () => {
    vi.mocked(request).mockResolvedValueOnce({ ...sample, name: "Renamed @i@" });
    const updated = await update@E@("1" as @E@Id, { name: "Renamed @i@" });
    expect(updated.name).toBe("Renamed @i@");
    expect(vi.mocked(request).mock.calls.at(-1)?.[3]).toMatchObject({ retries: 2 });
  });
"#;

pub(crate) const TS_STORE_TEST_HEAD: &str = r#"import { describe, expect, it, vi } from "vitest";
import * as api from "../api";
import { @E@Store } from "../store";
import { @E@Status } from "../types";

describe("@E@Store", () => {
  it("reports failures to subscribers", async () => {
    @J@vi.spyOn(api, "list@E@s").mockRejectedValue(new Error("offline"));
    const store = new @E@Store();
    @J@const listener = vi.fn();
    store.subscribe(listener);
    await store.load();
    expect(listener).toHaveBeenCalledWith({ type: "failed", error: new Error("offline") });
  });
"#;

pub(crate) const TS_STORE_TEST: &str = r#"
  it("counts by status (case @i@)", async () => {
    @J@vi.spyOn(api, "list@E@s").mockResolvedValue({
      items: [{ id: "@i@", name: "n".repeat(@i@ + 2), status: @E@Status.Active, createdAt: "" }] as never,
      page: 1,
      total: 1,
    });
    const store = new @E@Store();
    await store.load();
    expect(store.countByStatus0()[@E@Status.Active]).toBeGreaterThanOrEqual(0);
  });
"#;
