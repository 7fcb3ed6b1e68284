"""The daemon's service file: rendered, and where it goes.

Linux gets a systemd user unit, macOS a launchd agent, both rendered from the templates in
``service-files/`` (installed as the package ``skillshared.service_files``) with the absolute
path of the installed ``skillshared`` script. :mod:`skillshared.system.servicemanager` installs,
removes and inspects it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.paths import Paths

SYSTEMD = "systemd"
LAUNCHD = "launchd"
KINDS = (SYSTEMD, LAUNCHD)
PROGRAM_NAME = "skillshared"
UNIT_NAME = "skillshared.service"
LABEL = "dev.skillshare.skillshared"
TEMPLATE_PACKAGE = "skillshared.service_files"
TEMPLATES = {SYSTEMD: ("systemd", UNIT_NAME), LAUNCHD: ("launchd", f"{LABEL}.plist")}
FILE_MODE = 0o644
PROBE_TIMEOUT = 10.0
COMMAND_TIMEOUT = 60.0
# systemd refuses these in an executable's path, quoted or not ("special characters").
SYSTEMD_REFUSED = "\"'\\"
_PLACEHOLDER = re.compile(r"@[A-Z_]+@")

# -- rendering --------------------------------------------------------------------------------


def _check_path(value: Path | str, what: str) -> str:
    """``value`` as text, if it is absolute, UTF-8 and free of control characters."""
    text = os.fspath(value)
    if not os.path.isabs(text):
        raise UsageError(f"{what} must be an absolute path (got {text!r})",
                         hint="give the full path, starting with /")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise UsageError(f"{what} must not contain a newline or another control character "
                         f"(got {text!r})", hint="move it to a path without such characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid UTF-8 (got {text!r})",
                         hint="move it to a path with a UTF-8 name") from None
    return text


def _systemd_value(text: str) -> str:
    """``text`` with systemd's specifier character ``%`` doubled."""
    return text.replace("%", "%%")


def _systemd_program(program: str) -> str:
    """The program path as one quoted ExecStart word."""
    refused = sorted({char for char in program if char in SYSTEMD_REFUSED})
    if refused:
        raise UsageError(
            f"systemd cannot run a program whose path contains {' or '.join(refused)}: "
            f"{program}", hint="install skillshare in a folder whose path has no quotes or "
                               "backslashes (for example with pipx)")
    return f'"{_systemd_value(program)}"'


def _template(kind: str) -> str:
    folder, name = TEMPLATES[kind]
    return (resources.files(TEMPLATE_PACKAGE) / folder / name).read_text(encoding="utf-8")


def _docs_uri() -> str:
    """``file:`` URI of the packaged README that explains the service files."""
    readme = Path(str(resources.files(TEMPLATE_PACKAGE) / "README.md"))
    return readme.absolute().as_uri()


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace each placeholder in one pass (a value is never scanned for placeholders)."""
    missing = sorted(set(_PLACEHOLDER.findall(template)) - values.keys())
    if missing:
        raise SkillshareError(f"service template has unknown placeholders: {', '.join(missing)}",
                              hint="reinstall skillshare; the packaged templates are damaged")
    return _PLACEHOLDER.sub(lambda match: values[match.group(0)], template)


def render(kind: str, program: Path | str, *, log_file: Path | str | None = None) -> str:
    """The service file of ``kind`` (``"systemd"`` or ``"launchd"``) that runs ``program``.

    ``program`` must be an absolute path without control characters; it is quoted and has
    ``%`` doubled in the unit, and is XML-escaped in the plist. ``log_file`` is where launchd
    sends the daemon's stdout and stderr (default ``/dev/null``, launchd's own default);
    systemd sends them to the journal and ignores it.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown service kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    program_text = _check_path(program, "the program path")
    if kind == SYSTEMD:
        values = {"@PROGRAM@": _systemd_program(program_text),
                  "@DOCS@": _systemd_value(_docs_uri())}
    else:
        log_text = _check_path(log_file if log_file is not None else os.devnull, "the log file")
        values = {"@PROGRAM@": xml_escape(program_text), "@LOG_FILE@": xml_escape(log_text)}
    return _fill(_template(kind), values)


# -- where things are -------------------------------------------------------------------------


def service_kind(paths: Paths) -> str:
    """``"systemd"`` on Linux, ``"launchd"`` on macOS; any other platform is refused."""
    if paths.platform.startswith("linux"):
        return SYSTEMD
    if paths.platform == "darwin":
        return LAUNCHD
    raise SkillshareError(
        f"running skillshared as a service is not supported on this platform "
        f"({paths.platform})", hint="start `skillshared` from your own service manager or "
                                    "login script, or run `skillshare daemon start`")


def _config_home(paths: Paths) -> Path:
    value = paths.env.get("XDG_CONFIG_HOME", "")
    return Path(value) if value and os.path.isabs(value) else paths.home / ".config"


def unit_path(paths: Paths) -> Path:
    """Where the service file goes for this platform."""
    if service_kind(paths) == SYSTEMD:
        return _config_home(paths) / "systemd" / "user" / UNIT_NAME
    return paths.home / "Library" / "LaunchAgents" / f"{LABEL}.plist"


def _is_program(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def program_path(paths: Paths) -> Path:
    """The absolute path of the installed ``skillshared`` script.

    The one beside the running interpreter wins (the same installation as this code), then
    the first on ``PATH``.
    """
    if sys.executable:
        beside = Path(sys.executable).parent / PROGRAM_NAME
        if beside.is_absolute() and _is_program(beside):
            return beside
    found = shutil.which(PROGRAM_NAME, path=paths.env.get("PATH"))
    if found:
        return Path(os.path.normpath(paths.cwd / found))
    raise NotFoundError(
        "cannot find the installed `skillshared` program (not beside the Python running "
        "skillshare, nor on PATH)",
        hint="install skillshare with pip or pipx so that `skillshared` is on your PATH")


def expected(paths: Paths, kind: str, program: Path) -> str:
    log_file = paths.daemon_log if kind == LAUNCHD else None
    return render(kind, program, log_file=log_file)


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SkillshareError(f"cannot read {path}: {exc}",
                              hint="check the file's permissions, or remove it") from None
