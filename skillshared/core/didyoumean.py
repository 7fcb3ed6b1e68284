"""Near misses: the known word a mistyped one most likely meant (``bakup`` -> ``backup``),
for the config's unknown keys and the command line's unknown words."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: the CLI may load this
if TYPE_CHECKING:
    from collections.abc import Iterable


def closest(word: str, known: Iterable[object], cutoff: float = 0.7) -> str | None:
    """The known word closest to ``word`` (None when none is close, or ``word`` is known)."""
    import difflib

    names = sorted({k for k in known if isinstance(k, str)})
    if word in names:
        return None
    found = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return found[0] if found else None


def unknown_key(key: str, word: object, known: Iterable[object]) -> str:
    """The warning for the unknown key ``word`` at the key path ``key``, naming the known
    key it most likely meant."""
    match = closest(word, known) if isinstance(word, str) else None
    guess = f"; did you mean `{match}`?" if match else ""
    return f"{key}: unknown key (kept in the file){guess}"
