"""Fixed-window rate limits (failed logins, self check-in codes): Redis when configured, else the database."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app

from trainhub.models import RateLimitHit, db


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=timezone.utc)


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("trainhub_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=1)
        current_app.extensions["trainhub_redis"] = client
    return client


def count(key: str, *, window_seconds: int, now: datetime) -> int:
    """Hits recorded for key in the current window."""
    start = _window_start(now, window_seconds)
    client = _redis()
    if client is not None:
        value = client.get(f"trainhub:rl:{key}:{int(start.timestamp())}")
        return int(value or 0)
    row = db.session.get(RateLimitHit, (key, start))
    return row.count if row else 0


def is_limited(key: str, *, limit: int, window_seconds: int, now: datetime) -> bool:
    return count(key, window_seconds=window_seconds, now=now) >= limit


def record(key: str, *, window_seconds: int, now: datetime) -> int:
    """Count one hit (commits its own tiny transaction on the database backend); returns the new count."""
    start = _window_start(now, window_seconds)
    client = _redis()
    if client is not None:
        redis_key = f"trainhub:rl:{key}:{int(start.timestamp())}"
        pipe = client.pipeline()
        pipe.incr(redis_key)
        pipe.expire(redis_key, window_seconds + 5)
        return int(pipe.execute()[0])
    row = db.session.get(RateLimitHit, (key, start))
    if row is None:
        row = RateLimitHit(key=key, window_start=start, count=0)
        db.session.add(row)
    row.count += 1
    # Old windows are useless: drop them now and then.
    db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.window_start < now - timedelta(days=1)))
    db.session.commit()
    return row.count


def reset(key: str, *, window_seconds: int, now: datetime) -> None:
    start = _window_start(now, window_seconds)
    client = _redis()
    if client is not None:
        client.delete(f"trainhub:rl:{key}:{int(start.timestamp())}")
        return
    db.session.execute(sa.delete(RateLimitHit).where(RateLimitHit.key == key))
    db.session.commit()
