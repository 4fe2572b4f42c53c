"""Long work never blocks a page (#14) and never waits on a broker that is down (#15).

`run_in_background(task, *args)` starts a Celery task on the worker when a broker is
configured and answers within a second; without a broker (the embedded default), or when the
broker fails, it runs the task in a thread of this web process. Either way the request returns
at once, and the page that shows the job's progress polls its status.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)


def run_in_background(task, *args) -> str:
    """Start `task` with `args`; returns where it runs: "worker" or "thread" (or "inline"
    when settings.BACKGROUND_THREADS is off, for tests inside one transaction)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            task.apply_async(args, retry=False)
            return "worker"
        except Exception as exc:  # kombu.exceptions.OperationalError and the like
            log.warning("Broker unavailable (%s): %s runs in the web process", exc, task.name)
    if not settings.BACKGROUND_THREADS:
        task.apply(args)
        return "inline"
    # Not a daemon: a command-line import that triggered a recomputation waits for it before
    # the process exits, instead of leaving the run half done.
    threading.Thread(target=_run, args=(task, args), name=f"bg-{task.name}",
                     daemon=False).start()
    return "thread"


def _run(task, args) -> None:
    try:
        task.apply(args)  # the task's own code records failures on its job row
    except Exception:
        log.exception("Background %s failed", task.name)
    finally:
        connections.close_all()  # this thread's connections, not the request's
