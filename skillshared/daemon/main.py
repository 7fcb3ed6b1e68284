"""Entry point of ``skillshared``, the daemon (live reconciling over a Unix socket).

The daemon is not built yet: this entry point exists so that the installed console script
says so plainly instead of failing with an import error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="skillshared",
        description="The skillshare daemon: watches the source and the targets and keeps "
                    "them in sync. Not available in this version yet; every `skillshare` "
                    "command runs in-process meanwhile.")
    parser.parse_args(argv)
    print("error: the skillshared daemon is not available in this version yet "
          "(hint: run `skillshare sync` by hand)", file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
