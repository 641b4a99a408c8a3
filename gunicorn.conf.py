"""gunicorn's settings, read from the working directory by `gunicorn wsgi:app` (production and bench/)."""

import gc


def post_worker_init(worker):
    # The first scan a worker answers should not pay for what is done once per process (statements,
    # catalogs, connections): see trainhub.warmup.
    if worker is not None:
        from trainhub.warmup import warm_up

        warm_up(worker.wsgi)
    # The ~160k objects the app holds from import on never die, yet every full garbage collection walked
    # them: ~100 ms on a small machine, during which the requests queued on that worker waited (the
    # p99 of a busy door). Frozen once the app is loaded and warm, a collection sees only what requests
    # create.
    gc.freeze()
