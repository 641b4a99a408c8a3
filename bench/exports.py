#!/usr/bin/env python3
"""Time and peak memory of attendance exports (CSV, XLSX) at 10,000 and 100,000 rows, and of a
1,000-certificate ZIP. Peak memory is the process's peak RSS during the export (VmHWM, reset
through /proc/self/clear_refs before each run), minus the RSS just before it.

    .venv/bin/python bench/exports.py [--database-url URL]   (default: a temporary SQLite file)
Goal: peak memory at 100,000 rows within 1.5x that at 10,000 rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from trainhub import create_app
from trainhub.extensions import db
from trainhub.models import Certificate, Event, Organization, Registration, Unit, User

EVENTS = 100
PER_EVENT = 1000
START = datetime(2021, 3, 1, 1, 0, tzinfo=UTC)


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def populate() -> User:
    commission = Unit(name="市市场监督管理委员会", kind="commission")
    db.session.add(commission)
    db.session.flush()
    organizer = User(email="bench@example.cn", name="基准", role="organizer", unit_id=commission.id)
    db.session.add(organizer)
    db.session.flush()
    orgs = [
        {
            "name": f"基准企业{i}有限公司",
            "uscc": f"9111{i:014d}",
            "district": ["朝阳区", "海淀区", "东城区"][i % 3],
            "industry": "制造业",
            "is_pilot_unit": i % 7 == 0,
        }
        for i in range(500)
    ]
    db.session.execute(sa.insert(Organization), orgs)
    org_ids = list(db.session.scalars(sa.select(Organization.id).order_by(Organization.id)))
    events = [
        {
            "title": f"基准活动{i}",
            "kind": "training",
            "mode": "offline",
            "starts_at": START + timedelta(days=i),
            "ends_at": START + timedelta(days=i, hours=3),
            "capacity": PER_EVENT,
            "status": "published",
            "host_unit_id": commission.id,
        }
        for i in range(EVENTS)
    ]
    db.session.execute(sa.insert(Event), events)
    event_ids = list(db.session.scalars(sa.select(Event.id).order_by(Event.id)))
    for index, event_id in enumerate(event_ids):
        starts = START + timedelta(days=index)
        rows = []
        for n in range(PER_EVENT):
            came = n % 5 != 0
            rows.append(
                {
                    "event_id": event_id,
                    "organization_id": org_ids[n % len(org_ids)],
                    "name": f"参训人{n}",
                    "phone": f"139{index:03d}{n:05d}",
                    "email": f"p{index}-{n}@example.cn",
                    "job_title": "=SUM(A1)" if n % 97 == 0 else "标准化专员",
                    "status": "confirmed",
                    "created_at": starts - timedelta(days=3),
                    "updated_at": starts - timedelta(days=3),
                    "checked_in_at": starts if came else None,
                    "checked_out_at": starts + timedelta(minutes=170) if came else None,
                }
            )
        db.session.execute(sa.insert(Registration), rows)
    first = event_ids[0]
    reg_ids = list(db.session.scalars(sa.select(Registration.id).where(Registration.event_id == first)))
    db.session.execute(
        sa.insert(Certificate),
        [
            {"serial": f"TH-2021-{i + 1:06d}", "registration_id": rid, "minutes_attended": 170, "issued_at": START}
            for i, rid in enumerate(reg_ids)
        ],
    )
    db.session.commit()
    return organizer


def measure(label: str, run) -> tuple[float, float]:
    """Run in a forked child, so every case starts from the same heap; report time and peak RSS growth."""
    import json

    db.session.remove()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        db.engine.dispose(close=False)  # the parent's connections stay the parent's
        before = rss_kb("VmRSS")
        reset_peak()
        started = time.perf_counter()
        size = run()
        elapsed = time.perf_counter() - started
        peak = max(rss_kb("VmHWM") - before, 0) / 1024
        os.write(write_end, json.dumps([elapsed, peak, size]).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        elapsed, peak, size = json.loads(pipe.read())
    os.waitpid(pid, 0)
    print(f"{label:<34} {elapsed:7.2f} s   peak +{peak:7.1f} MiB   {size / 1e6:7.1f} MB out", flush=True)
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="trainhub-bench-")
    url = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "BASE_URL": "http://bench.test",
            "CERTIFICATE_CACHE_DIR": f"{tmp.name}/certificates",
        }
    )
    from trainhub.certificates import services as certificates
    from trainhub.exports import services as exports

    with app.app_context(), app.test_request_context("/"):
        db.drop_all()
        db.create_all()
        t0 = time.perf_counter()
        organizer_id = populate().id
        print(f"populated {EVENTS * PER_EVENT:,} registrations in {time.perf_counter() - t0:.1f} s\n")
        results = {}
        for rows, days in ((10_000, 9), (100_000, 99)):
            filters = exports.ExportFilters(date_from=date(2021, 3, 1), date_to=date(2021, 3, 1) + timedelta(days=days))
            for fmt in ("csv", "xlsx"):

                def run(fmt=fmt, filters=filters):
                    actor = db.session.get(User, organizer_id)
                    chunks, _mime, _name = exports.export_attendance(
                        actor=actor, fmt=fmt, now=datetime.now(UTC), filters=filters
                    )
                    return sum(len(chunk) for chunk in chunks)

                results[(fmt, rows)] = measure(f"{fmt.upper()} {rows:>7,} rows", run)
        event_id = db.session.scalar(sa.select(Event.id).order_by(Event.id))

        def zip_run():
            event = db.session.get(Event, event_id)
            items = list(db.session.scalars(certificates.certificates_query(event=event)))
            return sum(len(chunk) for chunk in certificates.zip_certificates(items))

        measure("ZIP of 1,000 certificates (cold)", zip_run)
        # The child processes filled the cache on disk: now the PDFs are read back.
        measure("ZIP of 1,000 certificates (cached)", zip_run)
        print()
        for fmt in ("csv", "xlsx"):
            small, large = results[(fmt, 10_000)][1], results[(fmt, 100_000)][1]
            ratio = large / small if small > 0 else float("nan")
            print(f"{fmt.upper()}: peak at 100,000 rows / at 10,000 rows = {ratio:.2f} (goal <= 1.5)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
