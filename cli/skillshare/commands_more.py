"""The command table, second part: installs and their upkeep, the audit, the source's own
commands (commit, new, enable/disable, analyze), the daemon and service, and the CLI's own
(version, help, completion). :mod:`skillshare.commands` joins both parts."""

from __future__ import annotations

from skillshare.cmdspec import (
    DRY_RUN,
    LIST_ALL,
    Arg,
    Command,
    audit_args,
    flag,
    positional,
    value,
)

MORE = (
    Command("install", "install skills: copy them in, or follow a team's repo (--track)",
            "skillshare install ~/Downloads/pdf-tools\n"
            "skillshare install github.com/team/skills/frontend   # each skill in it\n"
            "skillshare install github.com/team/skills --track\n"
            "skillshare install git@github.com:team/skills.git --track --name team\n"
            "skillshare install file:///srv/git/skills.git --track --into frontend\n"
            "skillshare install <url> --track -T high   # block HIGH findings too\n"
            "skillshare install -p   # re-create what .skillshare/config.yaml records\n"
            "skillshare install github.com/team/agents --kind agent   # agents only\n"
            "skillshare install ~/agents -a tutor,reviewer\n"
            "skillshare install anthropics/skills/skills/pdf   # owner/repo: GitHub\n"
            "skillshare install owner/repo -s pdf,'core-*' --exclude 'test-*'\n"
            "skillshare install git@host:team/skills.git//frontend --branch develop\n"
            "skillshare install pdf --update   # a recorded install, fetched again",
            positional("source", "a skill's folder, or a repository: URL, user@host:path, "
                                 "host/owner/repo[/subdir]; none: re-create every recorded "
                                 "install that is missing", nargs="?"),
            flag("-t", "--track",
                 help="clone it as a tracked repo (_name) kept up to date by git"),
            value("-b", "--branch", help="the branch to clone (default: the remote's)"),
            value("-s", "--skill", metavar="NAMES", help="install only these skills of the "
                  "source (comma-separated names or globs)"),
            value("--exclude", metavar="NAMES",
                  help="leave out these skills (comma-separated names or globs)"),
            flag("--all", help="install every skill found (the default without --skill)"),
            flag("-y", "--yes", help="accept without asking (nothing here asks)"),
            flag("-u", "--update", help="replace what is already there with the source's "
                                        "version (audited; the old one goes to the trash)"),
            flag("--audit-verbose", help="accepted; the findings are always listed"),
            value("--name", help="the skill's name, or the tracked repo's ('_' is added)"),
            value("--into", metavar="DIR", help="put it in this folder of the source"),
            flag("-f", "--force", help="install even if the audit finds something; replace "
                                       "a skill of the same name (it goes to the trash)"),
            value("--kind", help="skill or agent: install only that kind (default: what the "
                                 "source holds)"),
            value("-a", "--agent", metavar="NAMES",
                  help="install only these agents (comma-separated names)"),
            *audit_args("what is installed", "block"),
            LIST_ALL, DRY_RUN),
    Command("uninstall", "move a tracked repo, a skill or an agent to the trash",
            "skillshare uninstall _team-skills\nskillshare uninstall team-skills -p\n"
            "skillshare uninstall my-skill -n\n"
            "skillshare uninstall _team-skills --force   # even with uncommitted changes\n"
            "skillshare uninstall agents tutor           # an agent's file\n"
            "skillshare uninstall --kind agent team/tutor.md\n"
            "skillshare uninstall agents --all           # every agent\n"
            "skillshare uninstall 'core-*' -G frontend   # globs, a group folder\n"
            "skillshare uninstall --all -n               # then --all --force: every skill",
            positional("names", "[skills|agents], then tracked repos (_name, '_' optional), "
                       "skills (flat names) or agents (name or path)", nargs="*",
                       metavar="name"),
            value("--kind", metavar="KIND", help="skill or agent: only that kind (also a "
                  "leading word: skills, agents)"),
            flag("--all", help="every skill and tracked repo (with `agents`: every agent)"),
            Arg("append", ("-G", "--group"), "group", "every skill in this folder of the "
                "source (repeatable)", metavar="DIR"),
            flag("-f", "--force", help="also when a repo has uncommitted changes"),
            LIST_ALL, DRY_RUN),
    Command("update", "fast-forward tracked repos and re-install copied skills, auditing "
                      "what changed",
            "skillshare update _team-skills\nskillshare update --all\n"
            "skillshare update pdf-tools   # installed by copy: fetched again\n"
            "skillshare update --all -T high   # roll back on HIGH findings too\n"
            "skillshare update agents --all   # installed agents and repos of agents only\n"
            "skillshare update tutor          # an installed agent (its path, .md optional)\n"
            "skillshare update -G frontend 'core-*'   # a group folder, globs\n"
            "skillshare update --all --prune --diff   # trash skills gone upstream; list files",
            positional("names", "tracked repos (_name, '_' optional), installed skills or "
                                "agents ('agents' first: agents only)",
                       nargs="*", metavar="name"),
            flag("-a", "--all", help="every tracked repo and installed skill"),
            Arg("append", ("-G", "--group"), "group", "every installed skill and tracked repo "
                "in this folder of the source (repeatable)", metavar="DIR"),
            flag("--prune", help="move skills their repository no longer holds to the trash"),
            flag("--diff", help="list the files each update changed"),
            flag("--audit-verbose", help="accepted; the findings are always listed"),
            flag("-f", "--force", help="set local changes aside (git stash); keep an update "
                                       "the audit would roll back"),
            *audit_args("what changed", "roll back"),
            flag("-v", "--verbose", help="list every item (past 20 plain successes they are "
                                         "counted), and each update's commits (before → after)"),
            flag("-q", "--quiet", help="only problems (failed, blocked, missing, stale)"),
            DRY_RUN),
    Command("check", "say which tracked repos, installed skills and installed agents have "
                     "updates (fetch only)",
            "skillshare check\nskillshare check --json\n"
            "skillshare check agents   # every agent: installed (and its state) or local\n"
            "skillshare check review 'core-*'   # only these\n"
            "skillshare check -G frontend       # everything installed in frontend/",
            positional("names", "agents: the agents only (local ones too); skills: no agents; "
                       "else tracked repos, installed skills or globs", nargs="*",
                       metavar="[agents|skills] name"),
            flag("--all", help="everything (the default with no name)"),
            Arg("append", ("-G", "--group"), "group", "every installed skill and tracked repo "
                "in this folder of the source (repeatable)", metavar="DIR"),
            LIST_ALL,
            flag("-q", "--quiet", help="only what needs attention (behind, stale, missing, "
                                       "errors)")),
    Command("audit", "scan skills and agents for prompt injection, exfiltration and other "
                     "risks",
            "skillshare audit\nskillshare audit my-skill other-skill\n"
            "skillshare audit _team-skills\n"
            "skillshare audit agents     # only the agents\n"
            "skillshare audit tutor      # an agent (when no skill has that name)\n"
            "skillshare audit -G frontend -q   # a group folder; only what has findings\n"
            "skillshare audit -T high    # exit 1 on HIGH findings too\n"
            "skillshare audit --profile strict   # block at HIGH\n"
            "skillshare audit --format sarif > audit.sarif   # for GitHub code scanning\n"
            "skillshare audit --format markdown   # a report to paste in a pull request\n"
            "skillshare audit --analyzer static   # only the rules matched against text\n"
            "skillshare audit -p --init-rules   # a starter .skillshare/audit-rules.yaml\n"
            "skillshare audit rules      # the rules (see `audit rules --help`)\n"
            "skillshare audit rules --severity high --disabled\n"
            "skillshare audit rules disable 'credential-*' -p   # in the project's file\n"
            "skillshare audit rules severity destructive-commands-2 medium\n"
            "skillshare audit rules enable --pattern prompt-injection\n"
            "skillshare audit accept _team__evil   # let a held-back skill through\n"
            "skillshare audit accept --list   # what was accepted",
            positional("names", "skills | agents | rules first, then skills (flat name), "
                       "tracked repos (_name) or agents (name or path)", nargs="*",
                       metavar="name"),
            value("--kind", metavar="KIND", help="skill or agent: only that kind"),
            Arg("append", ("-G", "--group"), "group", "every skill in this folder of the "
                "source (repeatable)", metavar="DIR"),
            value("-T", "--threshold", metavar="LEVEL",
                  help="block at this severity or worse: critical, high, medium, low, info "
                       "(default: the profile's, else audit.block_threshold)"),
            value("--format", metavar="FORMAT", help="text, json (as --json), sarif (SARIF "
                  "2.1.0) or markdown (default: text)"),
            value("--profile", metavar="NAME", help="default (block at CRITICAL), strict "
                  "(HIGH) or permissive (CRITICAL, dedupe legacy)"),
            value("--dedupe", metavar="MODE", help="global (one finding per rule, file, line "
                  "and text; the default) or legacy (every finding as scanned)"),
            Arg("append", ("--analyzer",), "analyzer", "run only this analyzer (repeatable): "
                "static, dataflow, tier, integrity, metadata, structure, cross-skill "
                "(default: audit.enabled_analyzers, else all)", metavar="ID"),
            flag("-q", "--quiet", help="list only what has findings, then the summary"),
            LIST_ALL,
            flag("-y", "--yes", help="accepted for the original's scripts (nothing here asks)"),
            flag("--init-rules", help="write a starter audit-rules.yaml (global, or -p the "
                                      "project's); never over an existing one"),
            flag("--list", help="audit accept: the skills accepted, and whether each is "
                                "still as it was then"),
            flag("--revoke", help="audit accept: take the acceptance back (the skill is held "
                                  "back again)"),
            value("--pattern", metavar="NAME",
                  help="audit rules: only this group of rules (list), or the whole group "
                       "(disable, enable, severity)"),
            value("--severity", metavar="LEVEL",
                  help="audit rules: list the rules at this severity or worse"),
            flag("--disabled", help="audit rules: list only the rules turned off")),
    Command("commit", "commit the source's changes to its git repository, without pushing",
            "skillshare commit\nskillshare commit -m 'Update the review skill'\n"
            "skillshare commit --dry-run   # what would be committed",
            value("-m", "--message", help="the commit message (default: Update skills)"),
            DRY_RUN),
    Command("new", "create a skill: a folder in the source with a SKILL.md skeleton",
            "skillshare new code-review\nskillshare new code-review -p\n"
            "skillshare new pdf-tools -P tool-wrapper   # with references/\n"
            "skillshare new checks -P reviewer --category quality\n"
            "skillshare new my-skill --dry-run   # show the SKILL.md it would write",
            positional("name", "the skill's name: lower case letters, digits, '-' and '_', "
                               "starting with a letter"),
            value("-P", "--pattern", help="a design pattern: tool-wrapper, generator, "
                  "reviewer, inversion, pipeline or none (default: none)"),
            value("--category", help="with -P: library, verification, data, automation, "
                  "scaffold, quality, cicd, runbook or infra"),
            DRY_RUN),
    *(Command(verb, f"{verb} skills (or agents) by name or glob pattern: "
                    f"{'removes it from' if verb == 'enable' else 'adds it to'} the "
                    ".skillignore; sync then applies it",
              f"skillshare {verb} my-draft\nskillshare {verb} 'draft-*' 'frontend/**'\n"
              f"skillshare {verb} my-skill -p\nskillshare {verb} --kind agent tutor\n"
              f"skillshare {verb} my-draft --dry-run",
              positional("patterns", "skill names or patterns (.skillignore syntax)",
                         nargs="*", metavar="name|pattern"),
              value("--kind", metavar="KIND", help="skill or agent (agent: the agents "
                    "source's .agentignore)"),
              DRY_RUN) for verb in ("disable", "enable")),
    Command("analyze", "estimate each target's context cost (tokens) and lint every "
                       "SKILL.md",
            "skillshare analyze\nskillshare analyze --verbose   # the 10 largest "
            "descriptions\nskillshare analyze claude      # one target, in detail\n"
            "skillshare analyze --filter api --json\nskillshare analyze -p",
            positional("target", "only this target (shows its details)", nargs="?"),
            flag("-v", "--verbose", help="list each target's 10 largest descriptions and "
                                         "the lint findings"),
            value("--filter", metavar="TEXT", help="only skills whose path holds TEXT "
                                                   "(any case)")),
    Command("daemon", "start, stop or inspect the background daemon (skillshared)",
            "skillshare daemon start      # detach, wait until it answers\n"
            "skillshare daemon status\nskillshare daemon logs -f\n"
            "skillshare daemon restart    # after an upgrade\nskillshare daemon stop",
            positional("action", choices=("start", "stop", "restart", "status", "logs")),
            flag("-f", "--follow", help="logs: keep printing"),
            value("--tail", type=int, default=50, help="logs: the last N lines (0: all)")),
    Command("ui", "serve the live web dashboard from the daemon (on 127.0.0.1; starts the "
                  "daemon if needed) and print its one-time sign-in link; returns at once: "
                  "the daemon serves it until `ui stop`",
            "skillshare ui                # serve it; print the URL and the sign-in link\n"
            "skillshare ui --open         # open the sign-in link in the browser\n"
            "skillshare ui --port 0       # any free port (default 19420)\n"
            "skillshare ui status\nskillshare ui stop",
            positional("action", "start (the default), stop or status", nargs="?",
                       choices=("start", "stop", "status")),
            value("--port", type=int, help="the port on 127.0.0.1: 0-65535, 0 for any free "
                                           "one (default 19420)"),
            flag("--open", help="open the sign-in link in the browser (BROWSER is honoured)"),
            flag("--app", help="as --open (the original's app window)"),
            flag("--no-open", help="only print the link (the default)"),
            value("--host", help="accepted: 127.0.0.1, localhost or ::1 (the dashboard is "
                                 "served on loopback only)"),
            value("-b", "--base-path", metavar="PATH",
                  help="accepted: / only (no reverse-proxy path)"),
            flag("--clear-cache", help="accepted: nothing is cached (the pages ship with "
                                       "skillshare)")),
    Command("service", "run the daemon at login (systemd user unit / launchd agent)",
            "skillshare service install\nskillshare service install --no-start\n"
            "skillshare service status\nskillshare service uninstall",
            positional("action", choices=("install", "uninstall", "status")),
            flag("--no-start", help="install: only write the file; do not enable or start it"),
            DRY_RUN),
    Command("tui", "show or set the original's interactive-screens switch (kept for its "
                   "scripts: output here is always plain text)",
            "skillshare tui       # on (default), on or off\nskillshare tui off",
            positional("state", "on or off (none: show the setting)", nargs="?",
                       choices=("on", "off")),
            DRY_RUN),
    Command("version", "print the version", "skillshare version\nskillshare --version"),
    Command("help", "show the command list, or one command's help",
            "skillshare help\nskillshare help sync",
            positional("topic", "the command", nargs="?", metavar="command")),
    Command("completion", "print (or --install) the shell completion script",
            "source <(skillshare completion bash)\nskillshare completion zsh --install\n"
            "skillshare completion fish > ~/.config/fish/completions/skillshare.fish",
            positional("shell", nargs="?",
                       choices=("bash", "zsh", "fish", "powershell", "nushell")),
            flag("--install", help="write the script where the shell reads it")),
)
