"""gunicorn settings of one HUB IIT app server (docs/DEPLOY.md). Copy to /etc/hub-iit/gunicorn.conf.py;
the systemd unit hub-iit.service starts `gunicorn -c /etc/hub-iit/gunicorn.conf.py hub.wsgi:application`.

The figures in docs/PERFORMANCE.md were taken with 2 workers of 2 threads on a 2-core machine.
"""

import gc
import multiprocessing
import os

# nginx reaches the app server on this address: 127.0.0.1 when nginx runs on the same machine, the
# private address of the machine when one nginx spreads the load over several app servers.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# One worker process per core, each with a few threads: a request spends much of its time waiting
# for PostgreSQL. Every thread may hold a database connection (DJANGO_CONN_MAX_AGE): keep
# app servers x workers x threads (+ cron and admin sessions) under PostgreSQL's max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))

# Reports drawn as PDF take a few seconds on large hubs; nothing legitimate takes a minute.
timeout = 60
graceful_timeout = 30
# nginx keeps its upstream connections open (keepalive in the upstream block); stay a little longer.
keepalive = 5

# Workers are replaced now and then, so that memory held by a big report or chart is given back.
max_requests = 1000
max_requests_jitter = 100

# Trust X-Forwarded-For and X-Forwarded-Proto from nginx only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to standard output and error: journald keeps them (journalctl -u hub-iit). %(M)s is the time
# taken in milliseconds; rid= the request id the app answered with (X-Request-ID: nginx's, or the app's
# own), which its log lines and error reports carry too.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" rid=%({x-request-id}o)s'

# The worker heartbeat goes to memory, not to a disk that may be slow.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (a tmpfs, as gunicorn's documentation advises)


def post_worker_init(worker):
    """Django and the project are loaded: move what exists now out of the garbage collector's sight.

    A page of visits leaves reference cycles (prefetched relations point back at their instances) that
    only a full collection frees, and a full collection walks every object of the process, the
    hundreds of thousands Django, DRF and matplotlib keep for good. Frozen, they are no longer walked,
    and the slowest requests of a list (its 99th percentile) are no longer those that met a collection.
    """
    gc.collect()
    gc.freeze()
