"""``skillshare``: argument parsing, dispatch and the one place errors become exit codes."""

from __future__ import annotations

import json
import sys
import time
from types import SimpleNamespace

from skillshare import colour, render, textout, transport
from skillshare.commands import quick_parse
from skillshared.core.errors import EXIT_INTERRUPTED, EXIT_USAGE, SkillshareError, UsageError
from skillshared.core.locations import Locations

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


def _target_args(ns: SimpleNamespace) -> dict[str, Any]:
    words = list(ns.words)
    first = words[0] if words else "list"
    args: dict[str, Any] = {"mode": ns.mode, "agent_mode": ns.agent_mode,
                            "target_naming": ns.target_naming}
    if getattr(ns, "all", False) and first not in ("remove", "rm"):
        raise _usage("--all goes with `target remove`")
    for key in ("add_include", "remove_include", "add_exclude", "remove_exclude",
                "add_agent_include", "remove_agent_include", "add_agent_exclude",
                "remove_agent_exclude"):
        args[key] = getattr(ns, key)
    if first in ("list", "ls"):
        args["action"] = "list"
    elif first == "add":
        if len(words) not in (2, 3):
            raise _usage("`target add` takes a name and, for a tool that is not built in, "
                         "its path (usage: skillshare target add <name> [path])")
        args.update(action="add", name=words[1], path=words[2] if len(words) == 3 else None)
    elif first in ("remove", "rm"):
        args.update(action="remove", names=words[1:], all=getattr(ns, "all", False))
    else:
        if len(words) > 1:
            raise _usage(f"unexpected arguments after the target name '{first}': "
                         f"{' '.join(words[1:])}")
        args.update(action="info", name=first)
    return args


def _usage(message: str, command: str = "target") -> SkillshareError:
    return UsageError(message, hint=f"run `skillshare {command} --help`")


def _trash_args(ns: SimpleNamespace) -> dict[str, Any]:
    """``trash [skills|agents] [list|restore <name>|delete <name>|empty]``: a leading kind
    word is sent as --kind (both, and different, are refused: as with --all, by the
    command)."""
    words, kind = list(ns.words), {"kind": ns.kind, "all": ns.all}
    if words and words[0] in ("skills", "skill", "agents", "agent"):
        if ns.kind is not None and ns.kind.lower().rstrip("s") != words[0].rstrip("s"):
            raise _usage(f"--kind {ns.kind} and '{words[0]}' disagree", "trash")
        kind, words = {"kind": words[0], "all": ns.all}, words[1:]
    action = words[0] if words else "list"
    if action not in ("list", "ls", "empty", "restore", "delete", "rm"):
        raise _usage(f"unknown trash action '{action}': one of list, restore, delete, empty",
                     "trash")
    if action in ("list", "ls", "empty"):
        if len(words) > 1:
            raise _usage(f"`trash {action}` takes no name", "trash")
        return {"action": action, **kind}
    if len(words) != 2:
        raise _usage(f"`trash {action}` takes one name (usage: skillshare trash {action} "
                     "<name>)", "trash")
    return {"action": action, "name": words[1], **kind}


def command_args(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    """The JSON-able arguments of a command (what the daemon receives, too)."""
    skip = {"color", "command", "json", "no_daemon", "no_tui", "words"}
    args = {k: v for k, v in vars(ns).items() if k not in skip}
    if ns.command == "init" and ns.targets is not None:
        args["targets"] = [t.strip() for t in ns.targets.split(",") if t.strip()]
    if ns.command == "target":
        args = {"project": ns.project, "dry_run": ns.dry_run, **_target_args(ns)}
    if ns.command == "trash":
        args = {"project": ns.project, "dry_run": ns.dry_run, "force": ns.force,
                **_trash_args(ns)}
    args["cwd"] = where.cwd
    return {k: v for k, v in args.items() if v is not None}


def _daemon(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    from skillshare import daemonctl

    if ns.action == "logs":
        if ns.tail < 0:
            raise UsageError("--tail must be 0 or more")
        if ns.follow:
            for line in daemonctl.follow(where, ns.tail):
                if line:
                    textout.write(daemonctl.json_line(line) if ns.json
                                  else daemonctl.pretty(line))
                elif textout.closed(sys.stdout):  # an idle tick: is anyone still reading?
                    raise textout.OutputClosed
        lines = daemonctl.log_lines(where, ns.tail)
        return {"file": daemonctl.log_file(where), "lines": [daemonctl.pretty(x) for x in lines],
                "entries": [daemonctl.parse(x) for x in lines]}
    action = {"start": daemonctl.start, "stop": daemonctl.stop, "restart": daemonctl.restart,
              "status": daemonctl.status}[ns.action]
    return dict(action(where))


def _service(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    from skillshared.core.paths import Paths
    from skillshared.system import servicemanager

    paths = Paths.of(where)
    if ns.action == "install":
        return dict(servicemanager.install(paths, start=not ns.no_start, dry_run=ns.dry_run))
    if ns.action == "uninstall":
        return dict(servicemanager.uninstall(paths, dry_run=ns.dry_run))
    return dict(servicemanager.status(paths))


def _version(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    from skillshare import helpcmd

    return helpcmd.version()


def _help(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    from skillshare import helpcmd

    return helpcmd.help_result(ns.topic)


def _completion(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    from skillshare import completion

    return completion.run(ns.shell, ns.install, where)


def _ui(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    from skillshare import uicmd

    return uicmd.run(ns, where)


# Commands that manage the daemon itself, or answer from the command line's own data: they
# run in this process.
LOCAL = {"daemon": _daemon, "service": _service, "version": _version, "help": _help,
         "completion": _completion, "ui": _ui}


def _confirmed(args: dict[str, Any], where: Locations, no_daemon: bool) -> bool:
    """``trash empty`` on a terminal asks first (elsewhere it needs --force)."""
    if args["action"] != "empty" or args["force"] or args["dry_run"] or not sys.stdin.isatty():
        return True
    listed = transport.call("trash", {**args, "action": "list"}, where, no_daemon=no_daemon)
    if not listed["items"]:
        return True
    answer = textout.ask(f"Permanently delete {len(listed['items'])} items from the trash? "
                         "[y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        return False
    args["force"] = True
    return True


def _ask_blocked(result: dict[str, Any], args: dict[str, Any], where: Locations,
                 no_daemon: bool) -> dict[str, Any]:
    """``update`` on a terminal: for each update the audit blocked (already rolled back),
    show the findings and ask; the accepted ones are applied at exactly the version seen."""
    accept = []
    for item in result["items"]:
        if not item.get("blocked_at"):
            continue
        said = "\n".join([f"{item['name']}: {item['error']}",
                           *(f"    {detail}" for detail in item.get("details") or [])])
        textout.write(textout.shorten(said, where.home))
        answer = textout.ask(f"Apply the update of {item['name']} anyway? [y/N] ")
        if answer.strip().lower() in ("y", "yes"):
            accept.append(f"{item['name']}@{item['blocked_at']}")
    if not accept:
        return result
    names = [a.rpartition("@")[0] for a in accept]
    again = transport.call("update", {**args, "all": False, "names": names, "accept": accept},
                           where, no_daemon=no_daemon)
    redone = {i["name"]: i for i in again["items"]}
    items = [redone.get(i["name"], i) for i in result["items"]]
    from skillshared.commands.updatecmd import FAILED

    failed = sum(i["status"] in FAILED for i in items)
    return {**result, "items": items, "summary": {"failed": failed}}


def engine_command(ns: SimpleNamespace) -> str:
    """The engine's command for a command line: ``status --catalog`` is the catalog's own
    (another result, answered fresh by the daemon)."""
    return "catalog" if ns.command == "status" and ns.catalog else str(ns.command)


def _call(ns: SimpleNamespace, args: dict[str, Any], where: Locations) -> dict[str, Any]:
    """Run the command, with a progress line on a terminal while it works."""
    line = None
    if not ns.json and sys.stderr.isatty():
        from skillshare import progressline

        line = progressline.watcher(ns)
    cmd = engine_command(ns)
    if line is None:
        return transport.call(cmd, args, where, no_daemon=ns.no_daemon)
    with line:
        return transport.call(cmd, args, where, no_daemon=ns.no_daemon, on_progress=line)


def _print_error(exc: SkillshareError, as_json: bool) -> None:
    if as_json:
        textout.write(json.dumps({"ok": False, "error": exc.to_dict()}, indent=2))
    hint = f" (hint: {exc.hint})" if exc.hint else ""
    lines = [f"error: {exc.message}{hint}", *(f"  - {detail}" for detail in exc.details)]
    text = "\n".join(lines)  # (text: paths under home as ~/…; beside --json: as it says)
    textout.write(text if as_json else textout.shorten(text, textout.home_folder()), err=True)


def parse(argv: Sequence[str]) -> SimpleNamespace | None:
    """The command line read (argparse only when the quick parse cannot: help, errors, rare
    forms); None when no command was given and the help was printed. A usage error is a
    UsageError (its usage line in ``usage``)."""
    ns = quick_parse(_hoisted(argv))
    if ns is not None:
        return ns
    from skillshare.parser import ParseError, build_parser, parse_line

    parser = build_parser()
    try:
        values = vars(parse_line(parser, argv))
    except ParseError as exc:
        error = UsageError(exc.message, hint=exc.hint)
        error.usage = exc.usage  # type: ignore[attr-defined]
        error.guess = exc.guess  # type: ignore[attr-defined]
        raise error from None
    if values["command"] is None:
        parser.print_help()
        return None
    return SimpleNamespace(**values)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line's entry point. Output into a pipe whose reader went away
    (``skillshare list | head -1``) ends the command quietly with :data:`textout.EXIT_PIPE`,
    as standard tools do; the command's work is done by then (output comes after it)."""
    textout.setup_streams()
    try:
        try:
            return _main(sys.argv[1:] if argv is None else argv)
        finally:
            textout.finish()
    except textout.OutputClosed:
        textout.silence()
        return textout.EXIT_PIPE
    except textout.OutputFailed as exc:  # a full disk, say: said once, on stderr
        textout.silence(stderr=False)
        try:
            textout.write(f"error: cannot write the output: {exc} (hint: what the command did "
                          "is done; make room where its output goes, or send it elsewhere, "
                          "to see it)", err=True)
        except (textout.OutputClosed, textout.OutputFailed):
            textout.silence()
        return 1


def _wants_json(argv: Sequence[str]) -> bool:
    """``--json`` (or ``-j``) is on the command line (before a ``--``), as far as a line that
    could not be parsed tells."""
    words = list(argv)
    before = words[:words.index("--")] if "--" in words else words
    if "--json" in before or "-j" in before:
        return True
    clusters = [w for w in before if len(w) > 2 and w[0] == "-" and w[1] != "-" and "j" in w]
    if not clusters:
        return False
    from skillshare.leading import is_json_cluster

    return any(map(is_json_cluster, clusters))


def _hoisted(argv: Sequence[str]) -> list[str]:
    """``argv`` with the common options before the command moved after it (see
    :mod:`skillshare.leading`, loaded only for such a line)."""
    if not argv or not argv[0].startswith("-"):
        return list(argv)
    from skillshare.leading import hoist

    return hoist(argv)


def _main(argv: Sequence[str]) -> int:
    colour.choose(argv, _wants_json(argv))
    if list(argv) in (["-v"], ["--version"]):  # the original's short answer, at no cost
        from skillshare.helpcmd import version_line

        textout.write(version_line())
        return 0
    first = _hoisted(argv)[:1]
    if first and first[0] in ("hub", "search", "upgrade"):  # (helpcmd.NOT_HERE's keys)
        from skillshare.helpcmd import NOT_HERE

        why, instead = NOT_HERE[first[0]]
        _print_error(UsageError(f"`skillshare {first[0]}`: {why}", hint=instead),
                     _wants_json(argv))
        return EXIT_USAGE
    try:
        ns = parse(argv)
    except UsageError as exc:
        from skillshare import mistakes

        mistakes.report(exc, None, _wants_json(argv))
        return exc.exit_code
    if ns is None:
        return EXIT_USAGE
    try:
        where = Locations.from_env()
    except FileNotFoundError:
        _print_error(SkillshareError("the current folder no longer exists",
                                     hint="cd to an existing folder"), ns.json)
        return 1
    seconds = None  # (how long a command of the engine took, for --json's duration)
    try:
        if ns.command in LOCAL:
            result = LOCAL[ns.command](ns, where)
        else:
            args = command_args(ns, where)
            if ns.command == "trash" and not _confirmed(args, where, ns.no_daemon):
                textout.write("Cancelled; nothing was deleted")
                return 0
            started = time.monotonic()
            result = _call(ns, args, where)
            seconds = time.monotonic() - started
            if (ns.command == "update" and not ns.json and not ns.dry_run
                    and sys.stdin.isatty()):
                result = _ask_blocked(result, args, where, ns.no_daemon)
    except (textout.OutputClosed, textout.OutputFailed):
        raise  # (a prompt's, or `daemon logs -f`'s)
    except SkillshareError as exc:
        from skillshare import mistakes

        mistakes.improve(exc, ns, argv)
        if exc.code == "usage":
            mistakes.report(exc, ns.command, ns.json)
        else:
            _print_error(exc, ns.json)
        return exc.exit_code
    except OSError as exc:
        from skillshared.core.errors import from_os_error

        error = from_os_error(exc, f"{ns.command} failed")
        _print_error(error, ns.json)
        return error.exit_code
    except KeyboardInterrupt:
        interrupted = SkillshareError("interrupted", hint="`skillshare status` shows where "
                                      "things stand")
        interrupted.code = "interrupted"
        _print_error(interrupted, ns.json)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if where.debug:
            raise
        internal = SkillshareError(f"internal error: {type(exc).__name__}: {exc}",
                                   hint="this is a bug; run again with SKILLSHARE_DEBUG=1 "
                                        "for the traceback and report it")
        internal.code = "internal"
        _print_error(internal, ns.json)
        return 1
    # -v and -q change only the text: the renderer reads them from the result it is given
    voice = {k: True for k in ("verbose", "quiet") if getattr(ns, k, False) is True}
    text, code = render.render(engine_command(ns), {**result, **voice}, where.home)
    if ns.json:
        textout.write(render.json_text(engine_command(ns), result, seconds))
    elif text:
        textout.write(text)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
