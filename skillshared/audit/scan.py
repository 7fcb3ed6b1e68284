"""The scan: every regular file of a folder (``.git`` and the folders in ``skip`` left out;
links reported, never followed), each read and matched against the rules."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from skillshared.audit.context import is_document, lower, multiline_comments
from skillshared.audit.dataflow import Flows
from skillshared.audit.findings import Finding, rank
from skillshared.audit.intent import is_script, raise_in_name, raise_intent, raise_link
from skillshared.audit.matching import Prepared, prepare, scan_text
from skillshared.audit.normalise import excerpt, named
from skillshared.audit.reading import read_content
from skillshared.audit.rules import Rule
from skillshared.core import progress


def _facts(rel: str, facts: Iterable[tuple[str, int, str]], rules: Prepared,
           found: list[Finding]) -> None:
    for fact, line, shown in facts:
        for rule in rules.file:
            if rule.pattern.search(fact) and not (rule.exclude and rule.exclude.search(fact)):
                found.append(Finding(rel, line, rule.id, rule.family, rule.severity,
                                     rule.message, shown))


def _link(path: str, rel: str, real_root: str, rules: Prepared, found: list[Finding]) -> None:
    """A link is never followed; one that leads out of what is scanned is reported."""
    try:
        target = os.readlink(path)
    except OSError:  # pragma: no cover - it was a link a moment ago
        return
    resolved = os.path.realpath(path)
    if resolved == real_root or resolved.startswith(real_root.rstrip(os.sep) + os.sep):
        return  # what it leads to is scanned where it is
    start = len(found)
    _facts(rel, [(f"link-outside {target} ({resolved})", 0, f"-> {target}")], rules, found)
    raise_link(found, start, target)


def _name(rel: str, rules: Prepared, found: list[Finding]) -> None:
    """Hiding characters in a path (a bidi override that turns `gpj.sh` around, say)."""
    if rel.isascii() or not rules.raw:
        return
    start = len(found)
    for rule in rules.raw:
        match = rule.pattern.search(rel)
        if match is not None:
            found.append(Finding(rel, 0, rule.id, rule.family, rule.severity,
                                 named(f"in the file's name: {rule.message}", match.group()),
                                 excerpt(rel, match.start())))
    raise_in_name(found, start)


def _comments(text: str, first_line: int, rel: str, rules: Prepared, found: list[Finding]
              ) -> None:
    """The prompt-injection rules on each HTML comment that spans lines, read as one line."""
    for index, flat in multiline_comments(text):
        line = first_line + index
        taken = {f.rule for f in found if f.line == line and f.path == rel}
        for rule in rules.text:
            if rule.family != "prompt-injection" or rule.id in taken:
                continue
            match = rule.pattern.search(flat)
            if match is not None and not (rule.exclude and rule.exclude.search(flat)):
                found.append(Finding(rel, line, rule.id, rule.family, rule.severity,
                                     rule.message, excerpt(flat, match.start())))


def _scan(path: str, rel: str, rules: Prepared, real_root: str | None,
          flows: Flows | None = None) -> list[Finding]:
    found: list[Finding] = []
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        _facts(rel, [(f"unreadable {exc.strerror}", 0, str(exc.strerror))], rules, found)
        return found
    _name(rel, rules, found)
    if stat.S_ISLNK(mode):
        if real_root is not None:
            _link(path, rel, real_root, rules, found)
        return found
    if not stat.S_ISREG(mode):
        return found
    content = read_content(path, os.path.basename(path))
    _facts(rel, content.facts, rules, found)
    document = is_document(rel)
    script = not document and is_script(rel, content.parts[0][0] if content.parts else None)
    for text, first_line in content.parts:
        start = len(found)
        scan_text(text, first_line, rel, rules, content.raw_rules, content.squashed, found)
        raise_intent(found, start, text, first_line, script)
        if document and first_line is not None:
            _comments(text, first_line, rel, rules, found)
            lower(found, start, text, first_line)
        elif flows is not None and first_line == 1:
            flows.add(rel, text)
    return _unique(found)


def _flows(skills: dict[str, Flows], rules: Prepared, found: list[Finding]) -> None:
    """A finding for each skill whose scripts read a credential in one place and send in
    another (the ``file`` rules read the fact ``flow <source> -> <sink>``)."""
    for flows in skills.values():
        fact = flows.fact()
        if fact is None:
            continue
        text, sink = fact
        start = len(found)
        for rule in rules.file:
            if rule.pattern.search(text) and not (rule.exclude and rule.exclude.search(text)):
                found.append(Finding(sink.path, sink.line, rule.id, rule.family, rule.severity,
                                     f"{rule.message}: {text[5:]}", sink.text))
        raise_intent(found, start, "", None, script=True)  # flows are read in scripts only


def _unique(found: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(found))


def scan_file(path: str, rel: str, rules: Sequence[Rule], root: str | None = None
              ) -> list[Finding]:
    """The findings in one file (``rel``: its path as reported). A link is reported when
    it leads out of ``root`` (by default the folder ``rel`` is relative to)."""
    if root is None:
        suffix = os.sep + rel.replace("/", os.sep)
        root = path[:-len(suffix)] if path.endswith(suffix) else os.path.dirname(path)
    return _scan(path, rel, prepare(rules), os.path.realpath(root))


def scan_tree(root: str, rules: Sequence[Rule], skip: AbstractSet[str] = frozenset()
              ) -> tuple[list[Finding], int]:
    """Every finding in the files under ``root`` (``.git`` and the folders in ``skip`` left
    out, links reported and not followed, a folder that cannot be read reported), most
    severe first; and how many files were scanned."""
    prepared = prepare(rules)
    real_root = os.path.realpath(root)
    found: list[Finding] = []
    files = 0
    errors: list[OSError] = []
    skill_of: dict[str, str] = {}  # folder -> the skill it belongs to (SKILL.md above it)
    skills: dict[str, Flows] = {}
    for folder, dirs, names in os.walk(root, onerror=errors.append):
        skill = folder if "SKILL.md" in names else skill_of.get(os.path.dirname(folder), root)
        if skill == folder != root and progress.wanted():
            progress.report("auditing", item=os.path.relpath(folder, root))
        skill_of[folder] = skill
        flows = skills.setdefault(skill, Flows())
        kept = []
        for name in sorted(dirs):
            path = os.path.join(folder, name)
            if name == ".git" or path in skip:
                continue
            if os.path.islink(path):
                found += _scan(path, os.path.relpath(path, root), prepared, real_root)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                regular = stat.S_ISREG(os.lstat(path).st_mode)
            except OSError:
                regular = False
            files += regular
            found += _scan(path, os.path.relpath(path, root), prepared, real_root, flows)
    _flows(skills, prepared, found)
    for error in errors:
        rel = os.path.relpath(str(error.filename or root), root)
        _facts(rel, [(f"unreadable {error.strerror}", 0, str(error.strerror))], prepared,
               found)
    found.sort(key=lambda f: (rank(f.severity), f.path, f.line, f.rule))
    return found, files



def scan_files(files: Sequence[tuple[str, str]], rules: Sequence[Rule], root: str
               ) -> list[list[Finding]]:
    """The findings in each of ``files`` (path, and its path as reported), each most severe
    first: single files such as agents (a link is reported when it leads out of ``root``)."""
    prepared = prepare(rules)
    real_root = os.path.realpath(root)
    results = []
    for path, rel in files:
        found = _scan(path, rel, prepared, real_root)
        found.sort(key=lambda f: (rank(f.severity), f.path, f.line, f.rule))
        results.append(found)
    return results
