"""structlog setup: JSON lines to ``daemon.log`` (rotated), or to stderr when a service
manager (systemd, launchd) runs the daemon and keeps the log itself.

Records of the libraries (watchdog, APScheduler) go through the same formatter, so the file
holds one JSON object per line whoever wrote it.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable
from typing import Any

import structlog

from skillshared.core.paths import Paths
from skillshared.engine import fsops

MAX_BYTES = 5 << 20
BACKUPS = 3
OVERFLOW_LOGGER = "watchdog.observers.inotify_c"


def setup(paths: Paths, level: int = logging.INFO) -> str:
    """Configure logging; returns where the log goes (a path, or "stderr")."""
    shared: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(default=str)],
    )
    handler: logging.Handler
    if paths.under_service_manager:
        handler = logging.StreamHandler(sys.stderr)
        where = "stderr"
    else:
        fsops.make_private_dir(paths.log_dir)
        handler = logging.handlers.RotatingFileHandler(
            paths.daemon_log, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        where = str(paths.daemon_log)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.captureWarnings(True)  # library warnings go to the log, not to a closed stderr
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *shared,
                    structlog.processors.StackInfoRenderer(),
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return where


def get(name: str) -> Any:
    return structlog.get_logger(name)


class _OverflowFilter(logging.Filter):
    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self.callback = callback

    def filter(self, record: logging.LogRecord) -> bool:
        if "overflow" in record.getMessage().lower():
            self.callback()
        return True


def on_watcher_overflow(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` whenever watchdog reports that the kernel's event queue overflowed
    (it logs a warning and carries on, so events were lost). Returns the undo function."""
    log = logging.getLogger(OVERFLOW_LOGGER)
    flt = _OverflowFilter(callback)
    log.addFilter(flt)
    return lambda: log.removeFilter(flt)
