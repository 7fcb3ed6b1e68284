"""The security audit: rules as data, a scan of every file of a skill, findings.

Rules come from ``data/audit-rules.yaml`` (shipped), then the user's
``<config dir>/audit-rules.yaml``, then a project's ``.skillshare/audit-rules.yaml``: a rule
with a known id replaces it (``enabled: false`` turns it off), a new id adds one. A user file
may also be in the original Go skillshare's format: :mod:`skillshared.audit.original` tells
the two apart and maps the original's fields and rule ids onto these rules.

What a rule is matched against is its ``scan``:

- ``text`` (the default): each line of each file, normalised first (HTML entities decoded,
  NFKD compatibility forms folded, accents, zero-width and other invisible characters
  removed, Unicode tag characters read as the ASCII they stand for, common Cyrillic, Greek
  and Armenian look-alikes folded to Latin), with shell line continuations joined. Line
  numbers and excerpts point at the text as written.
- ``raw``: each line as written (for the hiding characters themselves).
- ``squashed``: a file's whole normalised text in lower case with everything but the
  letters a-z removed (phrases spaced out, split by markup or across lines); reported at the
  line it starts on, unless that line already has a finding of the rule's family.
- ``file``: what is known of a file rather than its text: ``executable <format>``,
  ``archive <format>``, ``media <format>``, ``document <format>``, ``data <format>`` (a
  binary file), ``encoding <name>`` (text not in UTF-8), ``nul-bytes``, ``carriage-return``,
  ``too-large <bytes>``, ``unreadable <why>``, ``link-outside <target> (<resolved>)``.

Nothing is skipped for its name or its encoding: every regular file is read (``.git`` and
the folders in ``skip`` are left out; links are reported, never followed). Text is decoded
by its byte-order mark, as UTF-16 when its NUL bytes say so, else as UTF-8 with any byte
that is not UTF-8 read as Latin-1. A binary file (by its share of control bytes, or a
signature) is reported by kind; an unknown one is still scanned as text, a known one
(program, archive, image, ...) by its printable strings. Of a file over 1 MiB the first MiB
and the last 256 KiB are scanned, and what lies between is reported (``too-large``).

Speed: from each pattern the groups of words any match must hold are worked out
(:mod:`skillshared.audit.prefilter`); a rule is run only on a file (and, when it is costly, a
line or a window of a long line) holding a word of each group. Each pattern is led by a
lookahead for the characters a match can start with.

The modules, in the order a scan uses them: ``rules`` (the rules as data), ``rulefiles``
(the user's rule files, of this tool's format or the original's: ``original``,
``original_ids``, ``original_regex``), ``prefilter``, ``scan`` (a folder or a file),
``reading`` and ``filekinds`` (a file's bytes), ``normalise`` and ``matching`` (its text),
``context`` (a command a document only mentions is one level lower; comments over several
lines), ``dataflow`` (a credential read in one place of a skill's scripts and a network send
in another: the fact ``flow ...`` of the rule ``credential-flow``), ``findings`` (severities,
thresholds, counts) and ``gate`` (what an install or an update does with them).
"""
