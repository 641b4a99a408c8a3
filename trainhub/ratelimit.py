"""Fixed-window rate limits (failed logins, sign-ups, invitations, self check-in codes).

Redis when `REDIS_URL` is configured, else the database (table `rate_limit_hits`). When Redis is
configured but unreachable, the database takes over — with a warning logged, and Redis tried again
after `REDIS_RETRY_SECONDS` — rather than failing open: an outage (or an attacker who causes one)
must not lift the brute-force limits, and a failed login costs the database one small write.

`acquire` counts an attempt and says whether it is within every limit in one atomic step per key
(Redis INCR; the database: INSERT … ON CONFLICT DO UPDATE … RETURNING in a write transaction), so of N
attempts arriving at once exactly `limit` get through; `release` gives an attempt back (a login that
turned out right, a sign-up refused for its input).
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from trainhub.db import begin_write
from trainhub.extensions import db
from trainhub.models import RateLimitHit

log = logging.getLogger("trainhub.ratelimit")

REDIS_TIMEOUT_SECONDS = 0.5  # a hung Redis costs a request this much, once per retry period
REDIS_RETRY_SECONDS = 30


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts for `key` per fixed window of `window_seconds`."""

    key: str
    limit: int
    window_seconds: int


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=UTC)


def _redis_key(key: str, start: datetime) -> str:
    return f"trainhub:rl:{key}:{int(start.timestamp())}"


# -- the Redis backend, and the fallback when it is down -------------------------------------------

_DOWN_UNTIL = "trainhub_redis_down_until"  # app.extensions: monotonic time before which Redis is not tried again


def _client(url: str):
    """The app's one Redis client (its connection pool), made on first use."""
    client = current_app.extensions.get("trainhub_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        current_app.extensions["trainhub_redis"] = client
    return client


def _redis():
    """The Redis client, or None: not configured, or found down less than REDIS_RETRY_SECONDS ago."""
    url = current_app.config.get("REDIS_URL")
    if not url or current_app.extensions.get(_DOWN_UNTIL, 0.0) > time.monotonic():
        return None
    return _client(url)


def _redis_failed(error: Exception) -> None:
    current_app.extensions[_DOWN_UNTIL] = time.monotonic() + REDIS_RETRY_SECONDS
    log.warning(
        "Redis unreachable or failing (%s): rate limits use the database for the next %s s", error, REDIS_RETRY_SECONDS
    )


def _on_redis(operation):
    """Run operation(client) on Redis; None when Redis is not configured or not reachable (then the
    caller uses the database)."""
    import redis

    client = _redis()
    if client is None:
        return None
    try:
        return operation(client)
    except redis.exceptions.RedisError as error:  # unreachable, timed out, out of memory, read-only…
        _redis_failed(error)
        return None


def redis_status() -> str:
    """For /readyz: "absent" (not configured), "ok", or raises the connection error."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "absent"
    _client(url).ping()
    return "ok"


# -- the database backend ----------------------------------------------------------------------------


def _upsert_hit(key: str, start: datetime, step: int) -> int:
    """Add `step` to key's counter for the window (creating it; a give-back never below 0), inside the
    caller's write transaction; → the new count. One statement: concurrent callers queue on the row."""
    if step < 0:
        return int(
            db.session.execute(
                sa.update(RateLimitHit)
                .where(RateLimitHit.key == key, RateLimitHit.window_start == start, RateLimitHit.count > 0)
                .values(count=RateLimitHit.count + step)
                .returning(RateLimitHit.count)
            ).scalar()
            or 0
        )
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # the same API
    statement = insert(RateLimitHit).values(key=key, window_start=start, count=step)
    statement = statement.on_conflict_do_update(  # type: ignore[assignment]
        index_elements=[RateLimitHit.key, RateLimitHit.window_start],
        set_={"count": RateLimitHit.count + step},
    ).returning(RateLimitHit.count)
    return int(db.session.execute(statement).scalar_one())


def _db_add(limits: list[Limit], now: datetime, step: int, *, keep=lambda counts: True) -> list[int]:
    """Add step to every key's counter in one short write transaction of its own, committed when
    keep(new counts) holds and rolled back otherwise; → the new counts."""
    begin_write()
    counts = [_upsert_hit(item.key, _window_start(now, item.window_seconds), step) for item in limits]
    if not keep(counts):
        db.session.rollback()
        return counts
    if step > 0 and 1 in counts:  # a new window began: drop the old ones (now and then, not every time)
        db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.window_start < now - timedelta(days=1)))
    db.session.commit()
    return counts


def _redis_add(limits: list[Limit], now: datetime, step: int):
    def operation(client):
        pipe = client.pipeline()
        for item in limits:
            redis_key = _redis_key(item.key, _window_start(now, item.window_seconds))
            pipe.incrby(redis_key, step)
            pipe.expire(redis_key, item.window_seconds + 5)
        return [int(value) for value in pipe.execute()[::2]]

    return _on_redis(operation)


def _add(limits: list[Limit], now: datetime, step: int) -> list[int]:
    counts = _redis_add(limits, now, step)
    return counts if counts is not None else _db_add(limits, now, step)


# -- the interface ---------------------------------------------------------------------------------


def acquire(limits: list[Limit], *, now: datetime) -> bool:
    """Count one attempt against every limit; True when each count is still within its limit.

    A refused attempt is not counted (one address over its limit must not use up an organization's).
    Commits its own small transaction on the database backend (call it before the use case's own)."""
    if not limits:
        return True

    def within(counts) -> bool:
        return all(count <= item.limit for count, item in zip(counts, limits, strict=True))

    counts = _redis_add(limits, now, 1)
    if counts is None:
        return within(_db_add(limits, now, 1, keep=within))
    if not within(counts):
        _redis_add(limits, now, -1)
        return False
    return True


def release(limits: list[Limit], *, now: datetime) -> None:
    """Give back an attempt that `acquire` let through (it turned out not to be what is limited)."""
    if limits:
        _add(limits, now, -1)


@contextlib.contextmanager
def attempt(limits: list[Limit], *, now: datetime, refusal: Exception):
    """`with attempt(...)`: raise `refusal` when over a limit; the attempt is given back when the block
    raises (input refused: nothing happened, so nothing is counted). The block's own transaction is
    rolled back first — the counter's write must not commit what it left half done."""
    if not acquire(limits, now=now):
        raise refusal
    try:
        yield
    except BaseException:
        db.session.rollback()
        release(limits, now=now)
        raise


def count(key: str, *, window_seconds: int, now: datetime) -> int:
    """Hits recorded for key in the current window."""
    start = _window_start(now, window_seconds)
    value = _on_redis(lambda client: int(client.get(_redis_key(key, start)) or 0))
    if value is not None:
        return value
    row = db.session.get(RateLimitHit, (key, start))
    return row.count if row else 0


def is_limited(key: str, *, limit: int, window_seconds: int, now: datetime) -> bool:
    return count(key, window_seconds=window_seconds, now=now) >= limit


def record(key: str, *, window_seconds: int, now: datetime) -> int:
    """Count one hit (commits its own tiny transaction on the database backend); returns the new count."""
    return _add([Limit(key, 0, window_seconds)], now, 1)[0]


def reset(key: str, *, window_seconds: int, now: datetime) -> None:
    start = _window_start(now, window_seconds)
    if _on_redis(lambda client: client.delete(_redis_key(key, start)) or True):
        return
    begin_write()
    db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.key == key))
    db.session.commit()
