"""The commands and their arguments, as data (the table's second part is
:mod:`skillshare.commands_more`; its pieces are :mod:`skillshare.cmdspec`), and the quick
parse of a command line.

Both parsers read this table: :func:`quick_parse` handles the plain command lines people
type (exact option names, ``--opt value`` or ``--opt=value``, the positionals in one run)
without importing argparse, which with its help formatter costs more than the rest of a
``skillshare status`` that the daemon answers. Anything else (``--help``, an error, an
abbreviated option, ``-nf``, ``--``) returns None and goes to the argparse parser that
:mod:`skillshare.parser` builds from the same table, which prints help and errors. A
property test checks that whatever the quick parse accepts, argparse reads the same way.
"""

from __future__ import annotations

from types import SimpleNamespace

from skillshare.cmdspec import (
    COMMON,
    DRY_RUN,
    FORCE_COLLECT,
    Command,
    append,
    flag,
    positional,
    value,
)
from skillshare.commands_more import MORE

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# the commands that say what they changed: every change (-v), or only problems (-q)
VERBOSE = flag("-v", "--verbose", help="one line per change (link made, copy updated, entry "
                                       "pruned, conflict)")
QUIET = flag("-q", "--quiet", help="only problems (conflicts, errors, what was held back)")

COMMANDS = {c.name: c for c in (
    Command("init", "create the config and the source folder (or ./.skillshare with -p)",
            "skillshare init\nskillshare init --targets claude,cursor --mode copy\n"
            "skillshare init --source ~/dotfiles/skills --no-targets\n"
            "skillshare init -p --targets claude\n"
            "skillshare init --copy-from claude --git --skill\n"
            "skillshare init --discover --select codex,cursor --mode copy",
            value("-s", "--source", help="the skills folder (default: beside the config)"),
            value("-t", "--targets", help="comma-separated built-in targets to add"),
            flag("--all-targets",
                 help="add every built-in target whose tool folder exists (the default)"),
            flag("--no-targets", help="add no targets"),
            value("-m", "--mode", help="default mode: merge (default), symlink or copy; "
                                       "with --discover: the new targets' mode"),
            value("--remote", help="git init the source and add this remote as origin (also "
                                   "on an existing setup)"),
            value("-c", "--copy-from", metavar="NAME|PATH",
                  help="copy the skills of a built-in target's folder, or of a folder, into "
                       "the new source"),
            flag("--no-copy", help="start with an empty source (the default)"),
            flag("--git", help="git init the source (implied by --remote)"),
            flag("--no-git", help="no git repository in the source"),
            value("--git-root", metavar="SCOPE",
                  help="what git versions (push, pull): skills (default), agents, extras or "
                       "root (all of them; the config file is ignored)"),
            flag("--skill", help="add the built-in `skillshare` skill to the source"),
            flag("--no-skill", help="do not add the built-in skill (the default)"),
            flag("-d", "--discover", help="on an existing setup: add the built-in targets "
                                          "found since (all of them, or --select)"),
            value("--select", metavar="NAMES", help="with --discover: only these targets "
                                                    "(comma-separated)"),
            value("--subdir", metavar="NAME", help="keep the skills in this subfolder of the "
                                                   "source folder"),
            value("--config", metavar="local", help="-p: local keeps the project's config.yaml "
                                                    "out of git (each developer's own targets)"),
            flag("-f", "--force", help="on an existing setup: put the editors' schema comment "
                                       "first in the config (nothing else is changed)"),
            DRY_RUN),
    Command("sync", "distribute the source's skills (or agents, extras, --all) to every "
                    "target",
            "skillshare sync\nskillshare sync --dry-run\nskillshare sync claude cursor\n"
            "skillshare sync --force    # back up and replace entries in the way\n"
            "skillshare sync agents     # only agents\nskillshare sync extras     # only extras\n"
            "skillshare sync --all      # skills, agents and extras",
            positional("targets", "agents | extras, then only these targets", nargs="*",
                       metavar="[agents|extras] target"),
            flag("--all", help="sync skills, agents and extras"),
            flag("-q", "--quiet", help="only problems (conflicts, errors, held pruning): no "
                                       "context cost either (--json still has it)"),
            VERBOSE, DRY_RUN,
            flag("-f", "--force",
                 help="back up and replace entries that block a skill; allow mass pruning")),
    Command("status", "show the source, every target and the daemon",
            "skillshare status --json\n"
            "skillshare status --catalog          # what each AI tool really loads\n"
            "skillshare status --catalog cursor   # one tool: its skills, agents, duplicates\n"
            "skillshare status --catalog --json",
            flag("--catalog", help="what each tool loads: its folders' skills and agents, "
                                   "duplicates, context size"),
            positional("tool", "with --catalog: only this tool (a target's name)", nargs="?")),
    Command("diff", "show what sync would change, per target",
            "skillshare diff\nskillshare diff claude\nskillshare diff --target claude --stat\n"
            "skillshare diff claude --patch   # content of copies edited in the target\n"
            "skillshare diff agents claude    # only claude's agents folder\n"
            "skillshare diff skills           # only the skills' targets",
            positional("name", "only this target (after skills or agents: only that kind "
                       "of folder)", nargs="*", metavar="[skills|agents] target"),
            value("-t", "--target", metavar="NAME", help="only this target"),
            flag("--stat", help="list the files that differ in folders in the target"),
            flag("--patch", help="also show their content diff (target old, source new)")),
    Command("list", "list the skills and agents in the source",
            "skillshare list --json\nskillshare list agents   # only the agents\n"
            "skillshare list skills\nskillshare list react --type github --sort newest\n"
            "skillshare list --all --verbose",
            positional("only", "skills | agents: only that kind; anything else: a pattern "
                       "that names, paths or sources must contain", nargs="?",
                       metavar="skills|agents|pattern"),
            value("--kind", metavar="KIND", help="skill or agent: only that kind"),
            value("-t", "--type", metavar="TYPE", help="only tracked, local or github skills"),
            value("-s", "--sort", metavar="ORDER", help="name (default), newest or oldest"),
            flag("-v", "--verbose", help="show each skill's source, type and install date"),
            flag("--all", help="skills and agents")),
    Command("doctor", "check the setup; exit 1 if a check fails", "skillshare doctor"),
    Command("log", "show the operation log",
            "skillshare log --tail 5\nskillshare log --cmd sync --status error\n"
            "skillshare log --since 2d --stats\nskillshare log --audit --json\n"
            "skillshare log --clear",
            value("-t", "--tail", type=int, default=20,
                  help="show the last N entries (0: all)"),
            value("--cmd", metavar="NAME", help="only this command's entries (sync, audit...)"),
            value("--status", metavar="STATUS", help="only ok, error, partial or blocked"),
            value("--since", metavar="WHEN", help="only since 30m, 2h, 2d, 1w or 2006-01-02"),
            flag("-a", "--audit", help="only the audit entries"),
            flag("--stats", help="totals, success rate and a per-command count"),
            flag("-c", "--clear", help="empty the operations log (with --audit: audit.log)")),
    Command("target", "manage targets: add, remove, list, show or edit one",
            "skillshare target list\nskillshare target add cursor\n"
            "skillshare target add my-tool ~/code/tool/skills --mode copy\n"
            "skillshare target claude\nskillshare target claude --mode symlink\n"
            "skillshare target claude --add-include 'team-*'\n"
            "skillshare target claude --agent-mode copy --add-agent-exclude 'draft-*'\n"
            "skillshare target cursor --target-naming standard -n\n"
            "skillshare target remove cursor   # turns our links into real copies\n"
            "skillshare target remove --all -n # what removing every target would do",
            positional("words", "add <name> [path] | remove <name>... | list | <name>",
                       nargs="*", metavar="add|remove|list|<name>"),
            value("-m", "--mode", help="merge, symlink or copy"),
            value("--agent-mode", help="the agents folder's mode: merge, symlink or copy"),
            value("--target-naming", help="how skills are named in the target: flat "
                                          "(a__b) or standard (the SKILL.md name)"),
            *(append(f"--{key}", f"{key.replace('-', ' ')} glob pattern (repeatable)",
                     "PATTERN")
              for key in ("add-include", "remove-include", "add-exclude", "remove-exclude",
                          "add-agent-include", "remove-agent-include", "add-agent-exclude",
                          "remove-agent-exclude")),
            flag("-a", "--all", help="with remove: every target"),
            DRY_RUN),
    Command("extras", "manage extras: rules, commands, prompts... synced as plain files",
            "skillshare extras list\n"
            "skillshare extras init rules --target ~/.claude/rules --target ~/.cursor/rules\n"
            "skillshare extras init commands --target claude --target cursor --target codex\n"
            "skillshare extras init prompts --target .claude/prompts --mode copy -p\n"
            "skillshare extras rules --mode copy --target ~/.cursor/rules\n"
            "skillshare extras agents --flatten\n"
            "skillshare extras rules --add-target ~/.config/opencode/rules\n"
            "skillshare extras rules --remove-target ~/.cursor/rules --prune\n"
            "skillshare extras collect rules --from ~/.claude/rules --dry-run\n"
            "skillshare extras source ~/company/extras\nskillshare extras remove rules\n"
            "skillshare sync extras     # then bring the targets in line",
            positional("what", "list | init <name> | remove <name> | source [path] | "
                       "collect <name> | <name>", nargs="*",
                       metavar="list|init|remove|source|collect|<name>"),
            append("--target", "a target folder (repeatable with init; for commands also "
                   "claude, cursor, codex); with --mode/--flatten: the target to change",
                   "PATH"),
            value("--mode", help="merge (default), copy or symlink"),
            flag("--flatten", help="put every file at the target's top (not with symlink)"),
            flag("--no-flatten", help="keep the source's folders in the target"),
            value("--source", metavar="PATH", help="init: the extra's own source folder "
                                                   "(global mode only)"),
            flag("-f", "--force", help="init: replace an extra of the same name"),
            value("--add-target", metavar="PATH", help="add a target to the extra"),
            value("--remove-target", metavar="PATH", help="remove a target from the extra"),
            flag("--prune", help="with --remove-target: also remove what skillshare put there "
                                 "(its links, and copies still equal to the source)"),
            value("--from", metavar="PATH", help="collect: the target to collect from"),
            DRY_RUN),
    Command("collect", "bring skills (or agents) made in a target back into the source",
            "skillshare collect claude\nskillshare collect claude --dry-run\n"
            "skillshare collect --all\n"
            "skillshare collect claude --force   # replace differing source skills "
            "(old ones go to the trash)\n"
            "skillshare collect agents claude    # agent files of claude's agents folder\n"
            "skillshare collect claude --skill draft --skill notes   # only these",
            positional("targets", "the targets to collect from ('agents' first: collect "
                                  "agents)", nargs="*", metavar="target"),
            flag("-a", "--all", help="collect from every target"),
            append("--skill", "collect only this local skill, named as the target holds it "
                   "(repeatable)", "NAME"),
            VERBOSE, QUIET, DRY_RUN, FORCE_COLLECT),
    Command("push", "commit the source's changes and push them to its git remote",
            "skillshare push\nskillshare push -m 'Add the review skill'\nskillshare push -n",
            value("-m", "--message", help="the commit message (default: names the skills "
                                          "changed)"),
            DRY_RUN),
    Command("pull", "fetch and fast-forward the source from its git remote, then sync",
            "skillshare pull\nskillshare pull --dry-run\n"
            "skillshare pull claude    # old name of: skillshare collect claude",
            positional("targets", "(old form) collect from these targets instead",
                       nargs="*", metavar="target"),
            flag("--remote", help="pull from the git remote (the default; accepted for "
                                  "compatibility)"),
            DRY_RUN,
            flag("-f", "--force", help="sync with --force after pulling (with targets: "
                                       "collect --force)")),
    Command("backup", "back up targets; list, verify or clean up backups",
            "skillshare backup          # skills' targets, agents folders and extras\n"
            "skillshare backup claude\nskillshare backup agents   # only agents folders\n"
            "skillshare backup skills claude   # only claude's skills folder\n"
            "skillshare backup --dry-run\n"
            "skillshare backup --list\nskillshare backup --verify\n"
            "skillshare backup --cleanup -n   # what retention would remove",
            positional("targets", "only these targets (after skills or agents: only that "
                       "kind of folder)", nargs="*", metavar="[skills|agents] target"),
            flag("--all", help="every kind: skills' targets, agents folders and extras (the "
                               "default)"),
            value("-t", "--target", metavar="NAME", help="only this target (as a name after "
                                                         "backup)"),
            flag("-l", "--list", help="list the backups"),
            flag("--verify", help="re-check every file against its checksum"),
            flag("-c", "--cleanup", help="remove old backups (backup.keep, max_age_days, "
                                   "max_total_mb)"),
            value("--from", metavar="TIMESTAMP", help="--verify: only this backup"),
            VERBOSE, QUIET, DRY_RUN),
    Command("restore", "put a target back as a backup holds it",
            "skillshare restore          # the list of backups\n"
            "skillshare restore claude\n"
            "skillshare restore claude --from 2026-01-19_10-00-00\n"
            "skillshare restore claude --dry-run\n"
            "skillshare restore claude --force   # replace entries that are not ours\n"
            "skillshare restore agents claude    # claude's agents folder (claude@agents)\n"
            "skillshare restore --all claude     # its skills and its agents",
            positional("target", "the target to restore (after agents: its agents folder); "
                       "none: list the backups", nargs="*", metavar="[skills|agents] target"),
            flag("--all", help="the target's skills and its agents folder, each from its "
                               "latest backup (or --from)"),
            value("--from", metavar="TIMESTAMP", help="this backup (default: the latest)"),
            QUIET, DRY_RUN,
            flag("-f", "--force", help="replace entries that did not come from skillshare "
                                       "(they are backed up first); the original's -f is "
                                       "--from, here -f is --force as in every command")),
    Command("trash", "list, restore or delete soft-deleted skills (or agents)",
            "skillshare trash\nskillshare trash restore my-skill\n"
            "skillshare trash delete my-skill\nskillshare trash empty --force\n"
            "skillshare trash agents                # the trashed agents\n"
            "skillshare trash agents restore tutor  # back to the agents source\n"
            "skillshare trash --all list            # skills and agents, one list",
            positional("words", "[skills|agents] list | restore <name> | delete <name> | "
                       "empty", nargs="*", metavar="[agents] list|restore|delete|empty"),
            value("--kind", metavar="KIND", help="skill or agent: which trash (default: "
                  "skill; also a leading word: skills, agents)"),
            flag("--all", help="both trashes: list them as one, empty both, restore or "
                               "delete a name found in either"),
            flag("-f", "--force", help="empty: do not ask"),
            DRY_RUN),
    *MORE,
)}
COMMANDS["help"].args[0].choices = tuple(COMMANDS)


def quick_parse(argv: Sequence[str]) -> SimpleNamespace | None:
    """The parsed command line, or None when argparse must read it (see the module)."""
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None:
        return None
    specs = (*COMMON, *command.args)
    options = {f: a for a in specs for f in a.flags}
    pos = next((a for a in command.args if a.kind == "positional"), None)
    values: dict[str, Any] = {"command": command.name}
    values.update((a.dest, a.initial()) for a in specs)
    seen: set[str] = set()
    run: list[str] = []
    run_ended = False
    tokens = iter(argv[1:])
    for token in tokens:
        if not token.startswith("-") or token == "-":
            if run_ended:
                return None  # positionals on both sides of an option
            run.append(token)
            continue
        run_ended = bool(run)
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        arg = options.get(name)
        if arg is None or (arg.dest in seen and arg.kind != "append"):
            return None
        seen.add(arg.dest)
        if not arg.takes_value:
            if eq:
                return None
            values[arg.dest] = True if arg.kind == "flag" else arg.const
            continue
        text = inline if eq else next(tokens, None)
        if text is None or (not eq and text.startswith("-")):
            return None
        try:
            item = arg.type(text) if arg.type else text
        except ValueError:
            return None
        if arg.kind == "append":
            values[arg.dest] = [*(values[arg.dest] or []), item]
        else:
            values[arg.dest] = item
    if pos is None:
        return None if run else SimpleNamespace(**values)
    if pos.nargs == "*":
        values[pos.dest] = run
    elif len(run) == 1 or (pos.nargs == "?" and not run):
        values[pos.dest] = run[0] if run else pos.initial()
    else:
        return None
    if pos.choices is not None and values[pos.dest] not in pos.choices:
        return None
    return SimpleNamespace(**values)
