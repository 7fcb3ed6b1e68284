"""What a mistyped word most likely meant, said as the corrected command line; and the
original's commands this version does not have (a near miss of one of them is answered with
what to do instead). Data and string work only: read by the parser, the error report and
``skillshare help``."""

from __future__ import annotations

import shlex

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from collections.abc import Sequence

# The original's commands this version does not have, each with what to do instead.
NOT_HERE = {
    "hub": ("skill hubs (online catalogues) are not part of this version",
            "install by address: skillshare install owner/repo"),
    "search": ("searching online catalogues is not part of this version",
               "install by address: skillshare install owner/repo[/path]"),
    "upgrade": ("this version is upgraded with pip, and has no built-in skill to upgrade",
                "in a newer checkout: pip install . ; then `skillshare daemon restart`"),
}


def did_you_mean(argv: Sequence[str], word: str, better: str) -> str:
    """The hint naming the command line with ``word`` replaced by ``better`` (and, for one of
    the original's commands that this version does not have, what to do instead)."""
    words = list(argv)
    at = next((i for i, w in enumerate(words) if w == word or w.endswith(f"={word}")), -1)
    if at < 0:
        return f"did you mean `{better}`?"
    fixed = better if words[at] == word else words[at][:-len(word)] + better
    hint = f"did you mean `skillshare {shlex.join([*words[:at], fixed, *words[at + 1:]])}`?"
    if better in NOT_HERE:
        why, instead = NOT_HERE[better]
        hint += f" That command: {why}; {instead}"
    return hint
