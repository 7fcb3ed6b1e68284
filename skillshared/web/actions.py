"""The dashboard's actions, each as the command the CLI would send for it: the page has no
operation of its own. ``sync claude`` is ``{"cmd": "sync", "args": {"targets":
["claude"]}}`` whether it comes from a terminal or from the page, and runs the same way
(through the daemon's worker, under its lock, written to the operation log).

Every body says ``dry_run``: the page sends the dry run first and shows it, and sends the
same body with ``dry_run: false`` only when the user confirms."""

from __future__ import annotations

from typing import Any

from skillshared.core.errors import NotFoundError, UsageError

MAX_TEXT = 4096  # characters in a name (a skill's path in the source may be long)

# action -> (required fields, optional fields)
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "sync": (frozenset({"target"}), frozenset({"kind"})),
    "release": (frozenset({"target"}), frozenset({"kind"})),
    "collect": (frozenset({"target"}), frozenset({"skill", "force"})),
    "restore": (frozenset({"target"}), frozenset({"backup", "kind", "force"})),
    "accept": (frozenset({"skill"}), frozenset()),
    "reject": (frozenset({"skill"}), frozenset()),
}
KINDS = ("skills", "agents")


def command(action: str, body: Any) -> tuple[str, dict[str, Any]]:
    """The command and arguments of ``action`` with ``body`` (a parsed JSON value); a body
    that is not what the action takes: :class:`UsageError` naming what is wrong."""
    if action not in FIELDS:
        raise NotFoundError(f"no action '{action}'",
                            hint=f"actions: {', '.join(sorted(FIELDS))}")
    if not isinstance(body, dict):
        raise UsageError("an action's body must be a JSON object")
    required, optional = FIELDS[action]
    unknown = sorted(set(body) - required - optional - {"dry_run"})
    if unknown:
        raise UsageError(f"{action} takes no field {', '.join(map(repr, unknown))}",
                         hint=f"fields: dry_run, {', '.join(sorted(required | optional))}")
    if not isinstance(body.get("dry_run"), bool):
        raise UsageError("dry_run must be true or false (every action says which)")
    if not isinstance(body.get("force", False), bool):
        raise UsageError("force must be true or false")
    force = body.get("force") is True  # (restore, collect: replace what is in the way)
    missing = sorted(required - set(body))
    if missing:
        raise UsageError(f"{action} needs {', '.join(missing)}")
    text = {k: _text(k, body.get(k), k in required) for k in (required | optional) - {"force"}}
    dry = bool(body["dry_run"])
    kind = text.get("kind")
    if kind is not None and kind not in KINDS:
        raise UsageError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    words = [kind] if kind == "agents" else []
    if action in ("sync", "release"):
        return "sync", {"targets": [*words, text["target"]], "dry_run": dry,
                        "force": action == "release"}
    if action == "collect":
        skill = text.get("skill")
        return "collect", {"targets": [text["target"]], "skill": [skill] if skill else [],
                           "dry_run": dry, "force": force}
    if action == "restore":
        return "restore", {"target": [*words, text["target"]], "from": text.get("backup"),
                           "dry_run": dry, "force": force}
    if action == "accept":  # its preview: the findings being accepted
        return "audit", {"names": [text["skill"]] if dry else ["accept", text["skill"]]}
    return "uninstall", {"names": [text["skill"]], "dry_run": dry}


def _text(key: str, value: Any, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{key} must be a name (a non-empty string)")
    if len(value) > MAX_TEXT or "\0" in value or "\n" in value:
        raise UsageError(f"{key} is not a name: too long, or it holds a NUL or a newline")
    return value
