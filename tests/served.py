"""The test app served by a threaded werkzeug server (each request in its own thread, its own database
connection): for tests of real concurrency through HTTP."""
from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from werkzeug.serving import make_server


@contextlib.contextmanager
def served(app):
    """→ the base URL of the app, served until the block ends."""
    from trainhub.models import db

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
