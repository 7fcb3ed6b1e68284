"""The original Go skillshare's (v0.20) built-in rule ids and groups, the rules of ours that
stand for each, and how a user rule file in its format is told from one in ours (see
:mod:`skillshared.audit.original`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

OURS_ONLY = {"family", "scan", "ignore_case"}

# -- the original's built-in rules, and ours that stand for them --------------------------------

# Its regex rules (internal/audit/rules.yaml): id -> our rules looking for the same thing.
_REGEX_RULES: dict[str, tuple[str, ...]] = {
    "prompt-injection-0": ("ignore-previous-instructions", "injection-phrase-obfuscated",
                           "injection-phrases-more"),
    "prompt-injection-1": ("new-instructions-override", "system-label-line"),
    "prompt-injection-2": ("fake-system-tags", "fake-system-boundary"),
    "prompt-injection-3": ("jailbreak-mode", "injection-phrase-obfuscated", "jailbreak-label"),
    "prompt-injection-4": ("hide-from-user", "injection-phrase-obfuscated"),
    "hidden-comment-injection-0": ("hidden-comment-instructions", "hidden-comment-to-agent"),
    "hidden-comment-injection-1": ("hidden-comment-instructions", "hidden-comment-to-agent"),
    "hidden-unicode-0": ("zero-width-characters",),
    "hidden-unicode-1": ("unicode-tag-characters",),
    "hidden-unicode-2": ("bidi-override",),
    "hidden-unicode-3": ("zero-width-characters", "invisible-format-characters"),
    "data-exfiltration-0": ("secret-sent-with-curl",),
    "data-exfiltration-1": ("secret-sent-with-curl",),
    "data-exfiltration-2": ("markdown-image-query",),
    "data-exfiltration-3": ("dns-exfiltration",),
    "config-manipulation-0": ("agent-config-write", "agent-config-implant"),
    "self-propagation-0": ("self-propagation",),
    "untrusted-install-0": ("untrusted-package-run",),
    "untrusted-install-1": ("untrusted-package-run",),
    "destructive-commands-0": ("rm-rf-root", "rm-rf-workdir", "delete-home-in-code"),
    "destructive-commands-1": ("chmod-777-root", "chmod-world-writable"),
    "destructive-commands-2": ("sudo",),
    "destructive-commands-3": ("disk-wipe", "dd-command"),
    "destructive-commands-4": ("disk-wipe", "filesystem-tools"),
    "dynamic-code-exec-0": ("dynamic-code-exec",),
    "dynamic-code-exec-1": ("dynamic-code-exec",),
    "shell-execution-0": ("shell-execution",),
    "obfuscation-0": ("base64-decode-run", "exec-decoded-code"),
    "escape-obfuscation-0": ("escape-sequences",),
    "suspicious-fetch-0": ("fetch-url",),
    "insecure-http-0": ("insecure-http-download",),
    "external-link-0": ("external-link",),
    "fetch-with-pipe-0": ("curl-pipe-shell",),
    "fetch-with-pipe-1": ("curl-pipe-shell",),
    "fetch-with-pipe-2": ("fetch-pipe-interpreter",),
    "ip-address-url-0": ("ip-address-url",),
    "data-uri-0": ("markdown-data-uri",),
    "hardcoded-secret-0": ("google-api-key",),
    "hardcoded-secret-1": ("aws-access-key",),
    "hardcoded-secret-2": ("github-token",),
    "hardcoded-secret-3": ("github-token",),
    "hardcoded-secret-4": ("slack-or-stripe-key",),
    "hardcoded-secret-5": ("openai-style-key",),
    "hardcoded-secret-6": ("openai-style-key",),
    "hardcoded-secret-7": ("slack-or-stripe-key",),
    "hardcoded-secret-8": ("private-key-block",),
    "hardcoded-secret-9": ("generic-secret-assignment",),
    "shell-chain-0": ("shell-chain",),
}
# Its checks that are not regex rules (structural, analyzability, integrity, trust, tier,
# cross-skill). Ours make each under the same id (the analyzers of ``audit``), so a rule file
# turns one off (``enabled: false``) or sets its severity by that id; ``content-integrity``
# stands for the four content checks, as the original reads it.
CHECKS = ("dangling-link", "content-tampered", "content-oversize", "content-missing",
           "content-unexpected", "content-integrity", "low-analyzability", "tier-stealth",
           "tier-destructive-network", "tier-network-heavy", "tier-interpreter",
           "tier-interpreter-network", "cross-skill-exfiltration",
           "cross-skill-privilege-network", "cross-skill-stealth",
           "cross-skill-cred-interpreter", "publisher-mismatch", "authority-language")
CHECK_ALIASES = {"content-integrity": ("content-tampered", "content-oversize",
                                       "content-missing", "content-unexpected")}
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


# the files of the table our `read-secret-files` also looks for
_SECRET_FILES = {"env-file", "npmrc", "pypirc", "pgpass", "mysql-cnf", "vault-token",
                 "kube-config", "docker-config", "gh-cli-token", "terraform-creds",
                 "cargo-credentials", "gem-credentials", "ssl-private", "ssh-host-key"}


def _credential_rules() -> dict[str, tuple[str, ...]]:
    """Reading or copying a credential file is our ``read-ssh-keys``; sending it off (the
    ``-exfil`` ids: scp, rsync) our ``credential-file-sent``."""
    found: dict[str, tuple[str, ...]] = {}
    for ways, names in _CREDENTIALS.items():
        for name in names.split():
            for way in _WAYS[ways]:
                ours = "credential-file-sent" if way == "-exfil" else "read-ssh-keys"
                more = ("read-secret-files",) if name in _SECRET_FILES and not way else ()
                found[f"credential-access-{name}{way}"] = (ours, *more)
    return found


# Its checks that ours stand for (the rest have none).
_CHECKED = {"tier-stealth": ("stealth-commands",)}
COUNTERPARTS: dict[str, tuple[str, ...]] = {
    **_REGEX_RULES, **_credential_rules(), **dict.fromkeys(CHECKS, ()), **_CHECKED}


def _group_of(original_id: str) -> str:
    if original_id == "hidden-unicode-1":
        return "invisible-payload"
    if original_id.startswith("credential-access-"):
        return "credential-access"
    return original_id if original_id in CHECKS else original_id.rsplit("-", 1)[0]


GROUPS: dict[str, tuple[str, ...]] = {}
for _id in COUNTERPARTS:
    GROUPS[_group_of(_id)] = (*GROUPS.get(_group_of(_id), ()), _id)
STANDS_FOR: dict[str, tuple[str, ...]] = {}  # ours -> the original's rules it stands for
for _id, _ours in COUNTERPARTS.items():
    for _one in _ours:
        STANDS_FOR[_one] = (*STANDS_FOR.get(_one, ()), _id)


def listed(ids: Iterable[str], most: int = 3) -> str:
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
    if any(key in e for e in mappings for key in OURS_ONLY):
        return False
    return any(_original_sign(e) for e in mappings)

