"""The daemon process's own footprint, for ``status``; and keeping it small (fewer malloc
arenas, memory handed back after a full pass)."""

from __future__ import annotations

import os
import threading

from skillshared.core.results_daemon import ProcessStats


def process_stats() -> ProcessStats:
    """This process's resident memory, threads and open files: /proc on Linux; elsewhere
    the peak RSS that ``resource`` reports and no file count."""
    stats: ProcessStats = {"rss_mib": None, "threads": threading.active_count(),
                           "open_files": None}
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key == "VmRSS":
                    stats["rss_mib"] = round(int(value.split()[0]) / 1024, 1)
                elif key == "Threads":
                    stats["threads"] = int(value)
        stats["open_files"] = len(os.listdir("/proc/self/fd"))
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS
        stats["rss_mib"] = round(peak / 2**20, 1)
    return stats


M_ARENA_MAX = -8  # glibc's mallopt() parameter


def fewer_arenas(arenas: int = 2) -> None:
    """At start, before any thread: let glibc's malloc keep ``arenas`` arenas instead of
    eight per core (each worker thread that allocates gets one, and a freed block stays in
    the arena that made it); nothing elsewhere."""
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass


def give_back_memory() -> None:
    """After a full pass (the daemon's peak: every skill discovered, audited and planned):
    collect cycles and hand the C library's free pages back to the system (glibc's
    ``malloc_trim``; nothing elsewhere), so the idle daemon's RSS is what it holds."""
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
