"""gunicorn's settings, read from the working directory by `gunicorn wsgi:app` (production and bench/)."""
import gc


def post_worker_init(worker):
    # The ~160k objects the app holds from import on never die, yet every full garbage collection walked
    # them: ~100 ms on a small machine, during which the requests queued on that worker waited (the
    # p99 of a busy door). Frozen once the app is loaded, a collection sees only what requests create.
    gc.freeze()
