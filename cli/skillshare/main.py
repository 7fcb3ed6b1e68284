"""``skillshare``: argument parsing, dispatch and the one place errors become exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from skillshare import __version__, render, transport
from skillshared.errors import EXIT_INTERRUPTED, EXIT_USAGE, SkillshareError, UsageError
from skillshared.paths import Paths

EPILOG = """\
examples:
  skillshare init                      create the config; add every AI CLI found here
  skillshare target add cursor         add a built-in target (path from the built-in table)
  skillshare target add my-tool ~/code/tool/skills
  skillshare sync --dry-run            preview, then: skillshare sync
  skillshare status                    what is synced where
  skillshare init -p --targets claude  per-project skills in ./.skillshare/

Run `skillshare <command> --help` for a command's options.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"error: {message} (hint: run `{self.prog} --help`)\n")


def _common() -> _Parser:
    common = _Parser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument("-p", "--project", action="store_const", const=True, dest="project",
                       help="project mode: use ./.skillshare/ (default when it exists here)")
    where.add_argument("-g", "--global", action="store_const", const=False, dest="project",
                       help="global mode, even inside a project")
    common.add_argument("--json", action="store_true", help="print one JSON document")
    common.add_argument("--no-daemon", action="store_true",
                        help="run in this process even if the daemon is running")
    return common


def _dry(parser: argparse.ArgumentParser, what: str = "change nothing; show what would happen"
         ) -> None:
    parser.add_argument("-n", "--dry-run", action="store_true", help=what)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="skillshare", description="Share one folder of AI-agent skills with "
                     "every AI CLI on this machine.", epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"skillshare {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    common = [_common()]

    def add(name: str, summary: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=common, help=summary, description=summary,
                              epilog=f"examples:\n{example}",
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    init = add("init", "create the config and the source folder (or ./.skillshare with -p)",
               "  skillshare init\n  skillshare init --targets claude,cursor --mode copy\n"
               "  skillshare init --source ~/dotfiles/skills --no-targets\n"
               "  skillshare init -p --targets claude")
    init.add_argument("--source", help="the skills folder (default: beside the config)")
    init.add_argument("--targets", help="comma-separated built-in targets to add")
    init.add_argument("--all-targets", action="store_true",
                      help="add every built-in target whose tool folder exists (the default)")
    init.add_argument("--no-targets", action="store_true", help="add no targets")
    init.add_argument("--mode", help="default mode: merge (default), symlink or copy")
    init.add_argument("--remote", help="git init the source and add this remote as origin")
    _dry(init)

    sync = add("sync", "distribute the source's skills to every target",
               "  skillshare sync\n  skillshare sync --dry-run\n  skillshare sync claude cursor"
               "\n  skillshare sync --force    # back up and replace entries in the way")
    sync.add_argument("targets", nargs="*", metavar="target", help="only these targets")
    _dry(sync)
    sync.add_argument("-f", "--force", action="store_true",
                      help="back up and replace entries that block a skill; allow mass pruning")

    add("status", "show the source, every target and the daemon", "  skillshare status --json")
    diff = add("diff", "show what sync would change, per target",
               "  skillshare diff\n  skillshare diff claude")
    diff.add_argument("target", nargs="?", help="only this target")
    add("list", "list the skills in the source", "  skillshare list --json")
    add("doctor", "check the setup; exit 1 if a check fails", "  skillshare doctor")
    log = add("log", "show the operation log", "  skillshare log --tail 5")
    log.add_argument("--tail", type=int, default=20, help="show the last N entries (0: all)")

    target = add("target", "manage targets: add, remove, list, show or edit one",
                 "  skillshare target list\n  skillshare target add cursor\n"
                 "  skillshare target add my-tool ~/code/tool/skills --mode copy\n"
                 "  skillshare target claude\n  skillshare target claude --mode symlink\n"
                 "  skillshare target claude --add-include 'team-*'\n"
                 "  skillshare target remove cursor   # turns our links into real copies")
    target.add_argument("words", nargs="*", metavar="add|remove|list|<name>",
                        help="add <name> [path] | remove <name>... | list | <name>")
    target.add_argument("--mode", help="merge, symlink or copy")
    for key in ("add-include", "remove-include", "add-exclude", "remove-exclude"):
        target.add_argument(f"--{key}", action="append", metavar="PATTERN", default=None,
                            help=f"{key.replace('-', ' ')} glob pattern (repeatable)")
    _dry(target)

    daemon = add("daemon", "start, stop or inspect the background daemon (skillshared)",
                 "  skillshare daemon start      # detach, wait until it answers\n"
                 "  skillshare daemon status\n  skillshare daemon logs -f\n"
                 "  skillshare daemon restart    # after an upgrade\n  skillshare daemon stop")
    daemon.add_argument("action", choices=["start", "stop", "restart", "status", "logs"])
    daemon.add_argument("-f", "--follow", action="store_true", help="logs: keep printing")
    daemon.add_argument("--tail", type=int, default=50, help="logs: the last N lines (0: all)")

    service = add("service", "run the daemon at login (systemd user unit / launchd agent)",
                  "  skillshare service install\n  skillshare service install --no-start\n"
                  "  skillshare service status\n  skillshare service uninstall")
    service.add_argument("action", choices=["install", "uninstall", "status"])
    service.add_argument("--no-start", action="store_true",
                         help="install: only write the file; do not enable or start it")
    _dry(service)
    return parser


def _target_args(ns: argparse.Namespace) -> dict[str, Any]:
    words = list(ns.words)
    first = words[0] if words else "list"
    args: dict[str, Any] = {"mode": ns.mode}
    for key in ("add_include", "remove_include", "add_exclude", "remove_exclude"):
        args[key] = getattr(ns, key)
    if first in ("list", "ls"):
        args["action"] = "list"
    elif first == "add":
        if len(words) not in (2, 3):
            raise _usage("usage: skillshare target add <name> [path]")
        args.update(action="add", name=words[1], path=words[2] if len(words) == 3 else None)
    elif first in ("remove", "rm"):
        args.update(action="remove", names=words[1:])
    else:
        if len(words) > 1:
            raise _usage(f"unexpected arguments after the target name: {' '.join(words[1:])}")
        args.update(action="info", name=first)
    return args


def _usage(message: str) -> SkillshareError:
    return UsageError(message, hint="run `skillshare target --help`")


def command_args(ns: argparse.Namespace, paths: Paths) -> dict[str, Any]:
    """The JSON-able arguments of a command (what the daemon receives, too)."""
    skip = {"command", "json", "no_daemon", "words"}
    args = {k: v for k, v in vars(ns).items() if k not in skip}
    if ns.command == "init" and ns.targets is not None:
        args["targets"] = [t.strip() for t in ns.targets.split(",") if t.strip()]
    if ns.command == "target":
        args = {"project": ns.project, "dry_run": ns.dry_run, **_target_args(ns)}
    args["cwd"] = str(paths.cwd)
    return {k: v for k, v in args.items() if v is not None}


def _daemon(ns: argparse.Namespace, paths: Paths) -> dict[str, Any]:
    from skillshare import daemonctl

    if ns.action == "logs":
        if ns.tail < 0:
            raise UsageError("--tail must be 0 or more")
        if ns.follow:
            for line in daemonctl.log_lines(paths, ns.tail):
                print(line if ns.json else daemonctl.pretty(line), flush=True)
            for line in daemonctl.follow(paths):
                print(line if ns.json else daemonctl.pretty(line), flush=True)
        lines = daemonctl.log_lines(paths, ns.tail)
        return {"file": str(paths.daemon_log), "lines": [daemonctl.pretty(x) for x in lines],
                "entries": [daemonctl.parse(x) for x in lines]}
    action = {"start": daemonctl.start, "stop": daemonctl.stop, "restart": daemonctl.restart,
              "status": daemonctl.status}[ns.action]
    return action(paths)


def _service(ns: argparse.Namespace, paths: Paths) -> dict[str, Any]:
    from skillshared import servicefiles

    if ns.action == "install":
        return servicefiles.install(paths, start=not ns.no_start, dry_run=ns.dry_run)
    if ns.action == "uninstall":
        return servicefiles.uninstall(paths, dry_run=ns.dry_run)
    return servicefiles.status(paths)


# Commands that manage the daemon itself: they run in this process.
LOCAL = {"daemon": _daemon, "service": _service}


def _print_error(exc: SkillshareError, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": False, "error": exc.to_dict()}, indent=2))
    hint = f" (hint: {exc.hint})" if exc.hint else ""
    print(f"error: {exc.message}{hint}", file=sys.stderr)
    for detail in exc.details:
        print(f"  - {detail}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        paths = Paths.from_env()
    except FileNotFoundError:
        print("error: the current folder no longer exists (hint: cd to an existing folder)",
              file=sys.stderr)
        return 1
    try:
        if ns.command in LOCAL:
            result = LOCAL[ns.command](ns, paths)
        else:
            args = command_args(ns, paths)
            result = transport.call(ns.command, args, paths, no_daemon=ns.no_daemon)
    except SkillshareError as exc:
        _print_error(exc, ns.json)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if paths.env.get("SKILLSHARE_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc} (hint: this is a bug; run "
              "again with SKILLSHARE_DEBUG=1 for the traceback and report it)", file=sys.stderr)
        return 1
    text, code = render.render(ns.command, result, paths)
    if ns.json:
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    elif text:
        print(text)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
