"""The test app served for real: by a threaded werkzeug server (each request in its own thread, its own
database connection) for tests of concurrency through HTTP, or by gunicorn (`Gunicorn`) where only the
production server shows a defect (streams, pooled connections)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def served(app):
    """→ the base URL of the app, served until the block ends."""
    from trainhub.extensions import db

    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        db.session.remove()


def all_at_once(count: int, call) -> list:
    """Run call(i) for i in range(count) from `count` threads released together; → their results."""
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


class Gunicorn:
    """gunicorn on a free port (the socket is bound here and handed over: no race for the port), its output in
    `log`. `with Gunicorn(...) as server: …; server.wait_until_up()` — it may boot while the test writes rows."""

    def __init__(self, app_spec: str, *, log: Path, env: dict | None = None, workers: int = 1, threads: int = 1):
        self.app_spec, self.log, self.env = app_spec, log, env or {}
        self.workers, self.threads = workers, threads

    def __enter__(self) -> Gunicorn:
        listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with listener, self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    str(self.threads),
                    "--timeout",
                    "60",
                    self.app_spec,
                ],
                cwd=ROOT,
                env=self._environment(),
                pass_fds=(listener.fileno(),),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def _environment(self) -> dict:
        """The test's environment with `env` on top; a None there removes the variable."""
        return {key: value for key, value in {**os.environ, **self.env}.items() if value is not None}

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer:\n{self.log.read_text()}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
