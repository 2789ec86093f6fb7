"""gunicorn's settings for production (README, "Running it for real") and the page benchmark.

Threaded workers: a request mostly waits on PostgreSQL, so threads overlap the waits while the
processes use the cores. Settings come from the environment so operations can tune them."""
import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("PORTAL_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then, so a slow leak cannot grow without bound.
max_requests = 20000
max_requests_jitter = 2000
# The portal writes its own request log (JSON, no personal data, no query strings): no access log.
accesslog = None
errorlog = "-"
