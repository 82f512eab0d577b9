"""Forwarding the xAPI outbox to a Learning Record Store, and exporting it as JSON lines.

CONTRACT (DESIGN.md section 6): `ebw xapi send [--limit N]` posts pending statements in batches to
`{EBW_LRS_URL}/statements` with Basic auth and `X-Experience-API-Version: 1.0.3`.

- Never lost: a statement is marked sent only after the LRS accepted the batch; when the LRS is down it stays
  pending for the next run.
- Never twice: a batch is locked while it is posted (PostgreSQL `FOR UPDATE SKIP LOCKED`, so a second server
  running the same cron job takes the next batch instead). Should a server die between the LRS's answer and the
  commit, the next run posts the same statements again with the same ids and bodies, which an LRS answers with 204
  and stores once (xAPI 1.0.3, part 3, 2.1.1). On SQLite the database itself lets one writer in at a time.
- Retries with exponential backoff on connection errors, 5xx and 429; a 4xx refusal ends the run at once.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from flask import current_app
from sqlalchemy import func, select, update

from ..extensions import db
from ..timeutil import utcnow
from .models import XapiStatement
from .xapi import VERSION


class LrsRefused(Exception):
    """The LRS answered, and said no (4xx): sending again will not help until someone acts."""


class LrsUnavailable(Exception):
    """The LRS could not be reached or had a server error, after every retry."""


@dataclass
class SendResult:
    sent: int = 0
    pending: int = 0
    configured: bool = True


def configured() -> bool:
    return bool(current_app.config.get("EBW_LRS_URL"))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(XapiStatement).where(XapiStatement.sent_at.is_(None)))


def last_sent_at() -> datetime | None:
    return db.session.scalar(select(func.max(XapiStatement.sent_at)))


def _post(statements: list[dict]) -> None:
    config = current_app.config
    url = config["EBW_LRS_URL"].rstrip("/") + "/statements"
    if not url.startswith(("https://", "http://")):
        raise LrsRefused(f"EBW_LRS_URL moet beginnen met https:// of http:// (nu: {config['EBW_LRS_URL']}).")
    token = base64.b64encode(f"{config.get('EBW_LRS_USER') or ''}:{config.get('EBW_LRS_PASSWORD') or ''}"
                             .encode()).decode()
    request = urllib.request.Request(url, data=json.dumps(statements).encode("utf-8"), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Basic {token}",
        "X-Experience-API-Version": VERSION})
    delays = config.get("EBW_LRS_RETRY_DELAYS", (1, 2, 4, 8))
    last_problem = ""
    for attempt in range(len(delays) + 1):
        if attempt:
            time.sleep(delays[attempt - 1])
        try:
            # the address is the administrator's EBW_LRS_URL, checked to be http(s) below
            with urllib.request.urlopen(request, timeout=config.get("EBW_LRS_TIMEOUT", 30)) as response:  # nosec B310
                if response.status in (200, 204):
                    return
                last_problem = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            body = error.read()[:300].decode("utf-8", "replace")
            if 400 <= error.code < 500 and error.code not in (408, 429):
                raise LrsRefused(f"HTTP {error.code}: {body}") from None
            last_problem = f"HTTP {error.code}: {body}"
        except (urllib.error.URLError, OSError) as error:
            last_problem = str(getattr(error, "reason", error))
    raise LrsUnavailable(last_problem)


def _next_batch(size: int) -> list[XapiStatement]:
    stmt = (select(XapiStatement).where(XapiStatement.sent_at.is_(None))
            .order_by(XapiStatement.created_at, XapiStatement.id).limit(size))
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(db.session.scalars(stmt))


def send_pending(limit: int | None = None) -> SendResult:
    """Send pending statements in batches; raises LrsRefused or LrsUnavailable (after recording the problem)."""
    if not configured():
        return SendResult(pending=pending_count(), configured=False)
    batch_size = max(1, int(current_app.config.get("EBW_LRS_BATCH_SIZE", 50)))
    result = SendResult()
    while limit is None or result.sent < limit:
        db.session.commit()  # every batch in its own transaction: its row locks end with it
        size = batch_size if limit is None else min(batch_size, limit - result.sent)
        rows = _next_batch(size)
        if not rows:
            break
        ids = [row.id for row in rows]
        try:
            _post([row.statement for row in rows])
        except (LrsRefused, LrsUnavailable) as error:
            db.session.execute(update(XapiStatement).where(XapiStatement.id.in_(ids)).values(
                attempts=XapiStatement.attempts + 1, last_error=str(error)[:1000]))
            db.session.commit()
            raise
        db.session.execute(update(XapiStatement).where(XapiStatement.id.in_(ids)).values(
            sent_at=utcnow(), last_error=None))
        db.session.commit()
        result.sent += len(rows)
    result.pending = pending_count()
    return result


def export_lines(since: datetime | None = None) -> Iterator[str]:
    """Every statement (sent or not) as one JSON line, oldest first."""
    stmt = select(XapiStatement.statement).order_by(XapiStatement.created_at, XapiStatement.id)
    if since is not None:
        stmt = stmt.where(XapiStatement.created_at >= since)
    # Closed when the reader stops early (a broken-off download), so no server-side cursor stays open.
    with db.session.scalars(stmt.execution_options(yield_per=1000)) as bodies:
        for body in bodies:
            yield json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_jsonl(out: IO[str], since: datetime | None = None) -> int:
    count = 0
    for line in export_lines(since):
        out.write(line)
        count += 1
    return count
