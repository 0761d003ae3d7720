"""gunicorn settings for production (and the benchmark): `gunicorn tracker.wsgi`.

Threaded workers: a sync worker busy streaming a large CSV sends no heartbeat
and is killed after `timeout` seconds; a gthread worker's main loop keeps
beating while a thread streams, so long downloads finish.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # unset: no per-request log line
