"""The daemon's memory calls: glibc's mallopt and malloc_trim where they are, nothing (and
no error) where the C library lacks them."""

from __future__ import annotations

import ctypes

import pytest

from skillshared.daemon import process


class NoMalloc:
    """A C library without glibc's malloc calls (as on macOS)."""

    def __init__(self, name: object) -> None:
        pass

    def __getattr__(self, name: str) -> object:
        raise AttributeError(name)


def test_the_memory_calls_do_nothing_where_the_c_library_lacks_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes, "CDLL", NoMalloc)
    process.fewer_arenas()
    process.give_back_memory()


def test_the_memory_calls_reach_glibc_where_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, tuple[int, ...]]] = []

    class Libc:
        def __init__(self, name: object) -> None:
            pass

        def __getattr__(self, name: str) -> object:
            def call(*args: int) -> int:
                calls.append((name, args))
                return 1

            return call

    monkeypatch.setattr(ctypes, "CDLL", Libc)
    process.fewer_arenas()
    process.give_back_memory()
    assert calls == [("mallopt", (process.M_ARENA_MAX, 2)), ("malloc_trim", (0,))]
