"""gunicorn settings for production (and the benchmark): `gunicorn tracker.wsgi`.

Threaded workers: a sync worker busy streaming a large CSV sends no heartbeat
and is killed after `timeout` seconds; a gthread worker's main loop keeps
beating while a thread streams, so long downloads finish.

gunicorn is not built to face slow clients (a client sending a byte every few
seconds holds a thread): in production it listens on 127.0.0.1 only, behind
the nginx configuration in `nginx.conf`, which buffers whole requests and
answers slow or oversized ones itself (docs/operations.md, "Production").
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
# X-Forwarded-Proto (and the like) set wsgi.url_scheme only when sent by these proxies, the same
# list Django trusts; unset, nobody's. gunicorn's own default trusts any local client.
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "")
# gunicorn 25+ opens a control socket at ~/.gunicorn/gunicorn.ctl: two instances under one
# user would share and delete one socket, and nothing here uses it.
control_socket_disable = True
