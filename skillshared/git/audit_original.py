"""User audit rule files, in this tool's format or in the original Go skillshare's (v0.20).

Files are read in order: the shipped rules, the user's ``<config dir>/audit-rules.yaml``,
then a project's ``.skillshare/audit-rules.yaml``; each file is read in one format.

**Telling the formats apart.** A file is read in the original's format when it has no
top-level ``version``, no entry uses a field only this tool has (``family``, ``scan``,
``ignore_case``), and at least one entry does what only the original's format does: has a
``regex`` key, has no ``id`` (a group entry), names one of the original's built-in rule ids
(``destructive-commands-2``), or changes a rule without giving its ``pattern``
(``{id: x, severity: LOW}``). An empty file, or ``rules:`` with nothing under it (what the
original's ``audit rules init`` writes, all of it comments), holds no rules. Every other
file is read in this tool's format, as before (SPEC §8).

**The original's format** (its ``internal/audit/patterns.go``, ``rules_mutate.go`` and
``website/docs/reference/commands/audit-rules.md``): a list ``rules`` of entries with
``id``, ``severity`` (a name or CRIT/C/H/MED/M/L/I, any case), ``pattern`` (the name of a
group of rules, not a regular expression), ``message``, ``regex`` (an RE2 regular expression
matched against each line, case-sensitive unless it says ``(?i)``), ``exclude`` (a line that
also matches it is not reported) and ``enabled``. Empty strings (its ``audit rules``
commands write ``severity: ""`` and the like) count as absent. Entries without an ``id`` but
with a ``pattern`` act on the whole group and are applied first, then entries with an id:

- an id with a ``regex``: a rule of its own (family = its ``pattern``); when the id is one
  of the original's built-ins, the rule replaces it;
- an id without one: ``enabled`` turns that rule off or on again, ``severity`` changes it;
- a group entry: ``enabled: false`` turns the group off, ``severity`` changes all of it.

**The original's built-ins here.** Each of the original's built-in rule ids stands for the
rules of ours that look for the same thing (:data:`COUNTERPARTS`); several may share one
of ours (``fetch-with-pipe-0`` and ``-1``, curl and wget piped to a shell, are both our
``curl-pipe-shell``). One of our rules is off when every original rule it stands for is off
or replaced, and it never reports milder than any of them that is still on. Where the
original's rule has no counterpart here, or ours stays on (or keeps its severity) because it
stands for others too, a warning says so.

Nothing of the original's format stops the audit: what cannot be used (an unknown field, a
bad value, a regular expression Python cannot run, an id or group no rule here has) is a
warning naming the file and the key path (``rules[3].regex: ...``), and the rest applies.
A file that cannot be read at all (too large, not YAML, not a mapping, ``rules`` not a
list) is an error naming it, in both formats.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshared.core import yamlio
from skillshared.core.config import SEVERITIES
from skillshared.core.errors import ConfigError
from skillshared.git import audit

MAX_RULES_BYTES = 1 << 20  # a larger user rule file is refused
ORIGINAL = "original"  # the formats, as reported
OURS = "skillshare"
_OURS_ONLY = {"family", "scan", "ignore_case"}
_ORIGINAL_KEYS = ("id", "severity", "pattern", "message", "regex", "exclude", "enabled")

# -- the original's built-in rules, and ours that stand for them --------------------------------

# Its regex rules (internal/audit/rules.yaml): id -> our rules looking for the same thing.
_REGEX_RULES: dict[str, tuple[str, ...]] = {
    "prompt-injection-0": ("ignore-previous-instructions", "injection-phrase-obfuscated"),
    "prompt-injection-1": ("new-instructions-override",),
    "prompt-injection-2": ("fake-system-tags",),
    "prompt-injection-3": ("jailbreak-mode", "injection-phrase-obfuscated"),
    "prompt-injection-4": ("hide-from-user", "injection-phrase-obfuscated"),
    "hidden-comment-injection-0": ("hidden-comment-instructions",),
    "hidden-comment-injection-1": ("hidden-comment-instructions",),
    "hidden-unicode-0": ("zero-width-characters",),
    "hidden-unicode-1": ("unicode-tag-characters",),
    "hidden-unicode-2": ("bidi-override",),
    "hidden-unicode-3": ("zero-width-characters",),
    "data-exfiltration-0": ("secret-sent-with-curl",),
    "data-exfiltration-1": ("secret-sent-with-curl",),
    "data-exfiltration-2": (),  # markdown images with a query string
    "data-exfiltration-3": ("dns-exfiltration",),
    "config-manipulation-0": (),
    "self-propagation-0": (),
    "untrusted-install-0": (),
    "untrusted-install-1": (),
    "destructive-commands-0": ("rm-rf-root",),
    "destructive-commands-1": ("chmod-777-root",),
    "destructive-commands-2": ("sudo",),
    "destructive-commands-3": ("disk-wipe",),
    "destructive-commands-4": ("disk-wipe",),
    "dynamic-code-exec-0": (),
    "dynamic-code-exec-1": (),
    "shell-execution-0": (),
    "obfuscation-0": ("base64-decode-run",),
    "escape-obfuscation-0": (),
    "suspicious-fetch-0": (),
    "insecure-http-0": ("insecure-http-download",),
    "external-link-0": (),
    "fetch-with-pipe-0": ("curl-pipe-shell",),
    "fetch-with-pipe-1": ("curl-pipe-shell",),
    "fetch-with-pipe-2": ("fetch-pipe-interpreter",),
    "ip-address-url-0": (),
    "data-uri-0": (),
    "hardcoded-secret-0": (),  # Google API keys
    "hardcoded-secret-1": ("aws-access-key",),
    "hardcoded-secret-2": ("github-token",),
    "hardcoded-secret-3": ("github-token",),
    "hardcoded-secret-4": ("slack-or-stripe-key",),
    "hardcoded-secret-5": ("openai-style-key",),
    "hardcoded-secret-6": ("openai-style-key",),
    "hardcoded-secret-7": ("slack-or-stripe-key",),
    "hardcoded-secret-8": ("private-key-block",),
    "hardcoded-secret-9": ("generic-secret-assignment",),
    "shell-chain-0": (),
}
# Its checks that are not regex rules (structural, analyzability, tier, cross-skill).
_CHECKS = ("dangling-link", "content-tampered", "content-oversize", "content-missing",
           "content-unexpected", "low-analyzability", "tier-stealth",
           "tier-destructive-network", "tier-network-heavy", "tier-interpreter",
           "tier-interpreter-network", "cross-skill-exfiltration",
           "cross-skill-privilege-network", "cross-skill-stealth",
           "cross-skill-cred-interpreter")
# Its credential-access table (internal/audit/credentials.go): a path family and how it may
# be reached, each way an id of its own: "credential-access-<name>[-copy|-redirect|-dd|-exfil]".
_WAYS = {"all": ("", "-copy", "-redirect", "-dd", "-exfil"), "exfil": ("", "-copy", "-exfil"),
         "copy": ("", "-copy"), "read": ("",)}
_CREDENTIALS = {
    "all": "ssh-private-key aws-credentials etc-shadow ssl-private etc-passwd",
    "exfil": "git-credentials netrc gnupg kube-config vault-token pgpass azure-creds "
             "gcloud-creds op-cli age-keys",
    "copy": "terraform-creds gnome-keyring ssh-host-key docker-config password-store",
    "read": "env-file npmrc pypirc gem-credentials mysql-cnf gh-cli-token macos-keychain-user "
            "macos-keychain-sys terraformrc cargo-credentials shell-history openvpn auth-log "
            "unknown-dotdir",
}


def _credential_rules() -> dict[str, tuple[str, ...]]:
    """Reading or copying a credential file is our ``read-ssh-keys``; sending it off (the
    ``-exfil`` ids: scp, rsync) our ``credential-file-sent``."""
    found: dict[str, tuple[str, ...]] = {}
    for ways, names in _CREDENTIALS.items():
        for name in names.split():
            for way in _WAYS[ways]:
                ours = "credential-file-sent" if way == "-exfil" else "read-ssh-keys"
                found[f"credential-access-{name}{way}"] = (ours,)
    return found


COUNTERPARTS: dict[str, tuple[str, ...]] = {
    **_REGEX_RULES, **_credential_rules(), **dict.fromkeys(_CHECKS, ())}


def _group_of(original_id: str) -> str:
    if original_id == "hidden-unicode-1":
        return "invisible-payload"
    if original_id.startswith("credential-access-"):
        return "credential-access"
    return original_id if original_id in _CHECKS else original_id.rsplit("-", 1)[0]


GROUPS: dict[str, tuple[str, ...]] = {}
for _id in COUNTERPARTS:
    GROUPS[_group_of(_id)] = (*GROUPS.get(_group_of(_id), ()), _id)
STANDS_FOR: dict[str, tuple[str, ...]] = {}  # ours -> the original's rules it stands for
for _id, _ours in COUNTERPARTS.items():
    for _one in _ours:
        STANDS_FOR[_one] = (*STANDS_FOR.get(_one, ()), _id)


def _listed(ids: Iterable[str], most: int = 3) -> str:
    items = [f"`{i}`" for i in ids]
    more = f" and {len(items) - most} more" if len(items) > most else ""
    return ", ".join(items[:most]) + more


# -- telling the formats apart -----------------------------------------------------------------


def _original_sign(entry: Mapping[str, Any]) -> bool:
    rule_id = entry.get("id")
    if "regex" in entry or not rule_id:
        return True
    if isinstance(rule_id, str) and rule_id in COUNTERPARTS:
        return True
    return "pattern" not in entry and entry.get("enabled") is not False


def is_original(doc: Any) -> bool:
    """Whether a rule file (parsed) is in the original's format (see the module docstring)."""
    if doc is None:
        return True
    if not isinstance(doc, Mapping) or "version" in doc:
        return False
    entries = doc.get("rules")
    if entries is None:
        return "rules" in doc
    if not isinstance(entries, list):
        return False
    mappings = [e for e in entries if isinstance(e, Mapping)]
    if any(key in e for e in mappings for key in _OURS_ONLY):
        return False
    return any(_original_sign(e) for e in mappings)


# -- the original's regular expressions (RE2) in Python ----------------------------------------

_POSIX = {"alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7F", "blank": "\\t ",
          "cntrl": "\\x00-\\x1F\\x7F", "digit": "0-9", "graph": "!-~", "lower": "a-z",
          "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ",
          "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f"}
_GO_SYNTAX = re.compile(r"\\Q(.*?)(?:\\E|$)|\\x\{([0-9A-Fa-f]{1,8})\}|\\z|\\[pP]|\\C|\\."
                        r"|\[:(\^?)(\w+):\]|\(\?<(?=\w)|\(\?([imsU]+)\)|[^\\[(]+|.", re.S)


def _go_piece(match: re.Match[str], at_start: bool) -> str:
    """One piece of an RE2 expression in Python's syntax; raises ValueError for what
    Python's ``re`` has no form of."""
    text = match.group(0)
    if match.group(1) is not None:
        return re.escape(match.group(1))
    if match.group(2) is not None:
        return f"\\U{int(match.group(2), 16):08X}"
    if text == "\\z":
        return "\\Z"
    if text in ("\\p", "\\P", "\\C"):
        raise ValueError(f"`{text}` (Unicode classes, single bytes) has no form here")
    if match.group(4) is not None:
        if match.group(3) or match.group(4) not in _POSIX:
            raise ValueError(f"the class `{text}` has no form here")
        return _POSIX[match.group(4)]
    if text == "(?<":
        return "(?P<"
    if match.group(5) is not None:
        if "U" in match.group(5):
            raise ValueError("the ungreedy flag `U` has no form here")
        if not at_start:
            raise ValueError(f"flags `{text}` after the start of the expression have no form "
                             "here (use a group: `(?i:...)`)")
    return text


def go_regex(pattern: str) -> re.Pattern[str]:
    """An RE2 expression (the original's ``regex`` and ``exclude``) compiled for Python
    (case-sensitive unless it says otherwise); raises ValueError saying what cannot be."""
    parts = [_go_piece(m, re.fullmatch(r"(\(\?[imsU]+\))*", pattern[:m.start()]) is not None)
             for m in _GO_SYNTAX.finditer(pattern)]
    try:
        return re.compile("".join(parts))
    except re.error as exc:
        raise ValueError(f"not a regular expression Python can run: {exc}") from None


def _scan_for(pattern: str) -> str:
    """``raw`` when a pattern looks for characters past ASCII (the text scan folds them
    away), else ``text``."""
    if not pattern.isascii() or re.search(r"\\(u|U|N\{|x\{|x[89A-Fa-f])", pattern):
        return "raw"
    return "text"


# -- one entry of the original's format -------------------------------------------------------


@dataclass
class _Entry:
    where: str
    id: str = ""
    severity: str = ""
    pattern: str = ""
    message: str = ""
    regex: str = ""
    exclude: str = ""
    enabled: bool | None = None


def _severity(value: str) -> str | None:
    upper = value.strip().upper()
    return upper if upper in SEVERITIES else audit.SHORT.get(upper.lower())


def _entry(raw: Any, where: str, warnings: list[str]) -> _Entry | None:
    """An entry, its values checked; None when it cannot be used (a warning says why)."""
    if not isinstance(raw, Mapping):
        warnings.append(f"{where}: must be a mapping (left out)")
        return None
    entry = _Entry(where)
    for key, value in raw.items():
        at = f"{where}.{key}"
        if key not in _ORIGINAL_KEYS:
            ours = " (a field of this tool's format; a file is read in one format)" \
                if key in _OURS_ONLY else ""
            warnings.append(f"{at}: not a field of the original's format: ignored{ours}")
        elif key == "enabled":
            if value is not None and not isinstance(value, bool):
                warnings.append(f"{at}: must be true or false (the entry is left out)")
                return None
            entry.enabled = value
        elif value is not None and not isinstance(value, str):
            warnings.append(f"{at}: must be text (the entry is left out)")
            return None
        else:
            setattr(entry, key, value or "")
    if entry.severity and _severity(entry.severity) is None:
        warnings.append(f"{where}.severity: must be one of {', '.join(SEVERITIES)} "
                        f"(or C, CRIT, H, M, MED, L, I), not {entry.severity!r} "
                        "(the entry is left out)")
        return None
    entry.severity = _severity(entry.severity) or ""
    return entry


def _custom_rule(entry: _Entry, warnings: list[str]) -> audit.Rule | None:
    """The rule an entry with a ``regex`` defines; None (with a warning) when it cannot."""
    if not entry.severity:
        warnings.append(f"{entry.where}.severity: required for a rule with a regex "
                        "(the rule is left out)")
        return None
    try:
        pattern = go_regex(entry.regex)
    except ValueError as exc:
        warnings.append(f"{entry.where}.regex: {exc} (the rule is left out)")
        return None
    try:
        exclude = go_regex(entry.exclude) if entry.exclude else None
    except ValueError as exc:
        warnings.append(f"{entry.where}.exclude: {exc} (the rule is left out)")
        return None
    rule = audit.make_rule(entry.id, entry.pattern or "custom", entry.severity,
                           pattern.pattern, entry.message, flags=pattern.flags & ~re.UNICODE,
                           scan=_scan_for(entry.regex))
    return dataclasses.replace(rule, exclude=exclude)


# -- applying a file of the original's format -------------------------------------------------


@dataclass
class View:
    """The original's built-in rules (by its ids) as the files so far leave them."""

    off: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    turned_off: set[str] = field(default_factory=set)  # ours, turned off through this view


@dataclass
class _Layer:
    state: audit.RuleState
    view: View
    warnings: list[str]
    touched: dict[str, list[_Entry]] = field(default_factory=dict)  # original id -> entries

    def note_touched(self, original_id: str, entry: _Entry) -> None:
        self.touched.setdefault(original_id, []).append(entry)
        if not COUNTERPARTS[original_id]:
            kind = "check" if original_id in _CHECKS else "rule"
            self.warnings.append(f"{entry.where}.id: the original's {kind} `{original_id}` "
                                 "has no counterpart here: nothing to change")

    def set_rule(self, rule_id: str, *, enabled: bool | None, severity: str) -> None:
        if enabled is False:
            self.state.off.add(rule_id)
        elif enabled:
            self.state.off.discard(rule_id)
        if severity:
            rule = self.state.rules[rule_id]
            self.state.rules[rule_id] = dataclasses.replace(rule, severity=severity)


def _group(layer: _Layer, entry: _Entry) -> None:
    originals = GROUPS.get(entry.pattern, ())
    added = [rule_id for rule_id, rule in layer.state.rules.items()
             if rule_id not in layer.state.shipped and rule.family == entry.pattern]
    if not originals and not added:
        layer.warnings.append(f"{entry.where}.pattern: no rule of the original's or here is "
                              f"in the group `{entry.pattern}`: nothing to change")
        return
    for rule_id in added:
        layer.set_rule(rule_id, enabled=False if entry.enabled is False else None,
                       severity=entry.severity)
    for original_id in originals:
        if entry.enabled is False:
            layer.view.off.add(original_id)
        if entry.severity:
            layer.view.severity[original_id] = entry.severity
        layer.touched.setdefault(original_id, []).append(entry)
    if originals and not any(COUNTERPARTS[o] for o in originals):
        layer.warnings.append(f"{entry.where}.pattern: the original's group `{entry.pattern}` "
                              "has no counterpart here")


def _by_id(layer: _Layer, entry: _Entry) -> None:
    state, view = layer.state, layer.view
    if entry.regex and entry.enabled is not False:
        rule = _custom_rule(entry, layer.warnings)
        if rule is None:
            return
        state.rules[entry.id] = rule
        state.off.discard(entry.id)
        if entry.id in COUNTERPARTS:
            view.replaced.add(entry.id)
            layer.touched.setdefault(entry.id, []).append(entry)
    elif entry.id in state.rules:
        layer.set_rule(entry.id, enabled=entry.enabled, severity=entry.severity)
    elif entry.id in COUNTERPARTS:
        if entry.enabled is not None:
            (view.off.add if entry.enabled is False else view.off.discard)(entry.id)
        if entry.severity:
            view.severity[entry.id] = entry.severity
        layer.note_touched(entry.id, entry)
    else:
        layer.warnings.append(f"{entry.where}.id: `{entry.id}` is no rule of the original's "
                              "nor one here, and the entry has no regex: nothing to change")


def _settle(layer: _Layer) -> None:
    """Turn our counterparts of the touched original rules off or on, set their severity,
    and say where one of ours does not follow an entry (it stands for others too)."""
    state, view = layer.state, layer.view
    ours = {one for original_id in layer.touched for one in COUNTERPARTS[original_id]}
    for one in sorted(ours & set(state.rules)):
        live = [o for o in STANDS_FOR[one] if o not in view.off and o not in view.replaced]
        if not live:
            state.off.add(one)
            view.turned_off.add(one)
            continue
        if one in view.turned_off:
            state.off.discard(one)
            view.turned_off.discard(one)
        if any(o in view.severity for o in live):
            default = state.shipped[one].severity
            worst = min((view.severity.get(o, default) for o in live), key=audit.rank)
            state.rules[one] = dataclasses.replace(state.rules[one], severity=worst)
        _notes(layer, one, live)


def _notes(layer: _Layer, one: str, live: list[str]) -> None:
    """A warning for each entry our rule ``one`` does not follow (it stands for others)."""
    by_entry: dict[int, tuple[_Entry, list[str]]] = {}
    for original_id, entries in layer.touched.items():
        if one in COUNTERPARTS[original_id]:
            for entry in entries:
                by_entry.setdefault(id(entry), (entry, []))[1].append(original_id)
    severity = layer.state.rules[one].severity
    for entry, originals in by_entry.values():
        others = [o for o in live if o not in originals]
        did = f"our `{one}` looks for what the original's {_listed(originals)} did"
        if entry.enabled is False or entry.regex:  # ``live`` is why it stays on
            layer.warnings.append(f"{entry.where}: {did} and stays on: it also stands for "
                                  f"{_listed(live)}")
        elif entry.severity and severity != entry.severity:
            layer.warnings.append(f"{entry.where}.severity: {did} and reports at {severity}: "
                                  f"it also stands for {_listed(others)}")


def _place(warning: str) -> int:
    """Where in its file a warning points (the entry's index; -1 for the file itself)."""
    found = re.search(r": rules\[(\d+)\]", warning)
    return int(found.group(1)) if found else -1


def apply(state: audit.RuleState, view: View, doc: Any, origin: str,
          warnings: list[str]) -> int:
    """Apply a file of the original's format (its warnings in the order of its entries);
    returns how many entries it has."""
    if doc is None:
        return 0
    mine: list[str] = [f"{origin}: {key}: not a field of the original's format: ignored"
                       for key in doc if key != "rules"]
    layer = _Layer(state, view, mine)
    entries = [_entry(raw, f"{origin}: rules[{index}]", mine)
               for index, raw in enumerate(doc.get("rules") or [])]
    usable = [e for e in entries if e is not None]
    for entry in usable:
        if not entry.id and (entry.regex or not entry.pattern):
            what = "a rule with a regex needs an id" if entry.regex else \
                "an entry needs an `id` (a rule) or a `pattern` (a group of rules)"
            mine.append(f"{entry.where}.id: missing: {what} (the entry is left out)")
        elif not entry.id:
            _group(layer, entry)
    for entry in usable:
        if entry.id:
            _by_id(layer, entry)
    _settle(layer)
    warnings.extend(sorted(mine, key=_place))
    return len(entries)


# -- reading the files ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFile:
    path: Path
    format: str  # ORIGINAL or OURS
    entries: int

    def describe(self) -> str:
        form = "the original skillshare's format" if self.format == ORIGINAL else \
            "skillshare's format"
        return f"{self.path}: {form}, {self.entries} entries"


@dataclass
class RuleSet:
    rules: list[audit.Rule]
    files: list[RuleFile]
    warnings: list[str]


_MISSING = object()


def _read(path: Path) -> Any:
    """A rule file parsed; _MISSING when there is none (an error for one that cannot be
    read)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_RULES_BYTES + 1)
    except FileNotFoundError:
        return _MISSING
    except OSError as exc:
        raise ConfigError(f"audit rules: cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_RULES_BYTES:
        raise ConfigError(f"audit rules: {path} is larger than {MAX_RULES_BYTES >> 20} MiB",
                          hint="a rule file holds rules, not data: cut it down")
    try:
        return yamlio.load(data.decode("utf-8"), str(path))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"audit rules: {path}: not UTF-8 text (byte {exc.start})") from None
    except yamlio.YamlError as exc:
        raise ConfigError(f"audit rules: {exc}") from None


def load_rule_set(extra: Iterable[Path] = ()) -> RuleSet:
    """The shipped rules, then each of ``extra`` that exists, in its format. A file that
    cannot be read, or a bad file of this tool's format, is an error naming every problem;
    the original's format gives warnings instead."""
    state, view = audit.shipped_rules(), View()
    files: list[RuleFile] = []
    problems: list[str] = []
    warnings: list[str] = []
    for path in extra:
        doc = _read(path)
        if doc is _MISSING:
            continue
        if is_original(doc):
            files.append(RuleFile(path, ORIGINAL, apply(state, view, doc, str(path), warnings)))
        else:
            audit.merge(state, doc, str(path), problems)
            entries = doc.get("rules") if isinstance(doc, Mapping) else None
            files.append(RuleFile(path, OURS, len(entries) if isinstance(entries, list) else 0))
    if problems:
        raise ConfigError("audit rules: the file has problems", details=problems,
                          hint="fix them, or move the file away to use the built-in rules")
    return RuleSet(state.active(), files, warnings)


def user_rules_report(config_dir: Path, project_dir: Path | None) -> list[str]:
    """For ``doctor``: each user rule file (global, then the project's), whether it is
    there, its format and entries, then every warning or error, one line each."""
    paths = [config_dir / audit.RULES_FILE]
    if project_dir is not None:
        paths.append(project_dir / ".skillshare" / audit.RULES_FILE)
    lines = [f"{p}: not there" for p in paths if not p.exists()]
    try:
        found = load_rule_set(paths)
    except ConfigError as exc:
        return [*lines, f"error: {exc.message}", *exc.details]
    return [*lines, *(f.describe() for f in found.files),
            *(f"warning: {w}" for w in found.warnings)]
