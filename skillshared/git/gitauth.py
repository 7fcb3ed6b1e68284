"""HTTPS tokens from the environment, offered to git as a credential helper.

The token of the repository's platform (``GITHUB_TOKEN`` or ``GH_TOKEN``, ``GITLAB_TOKEN``,
``BITBUCKET_TOKEN`` with ``BITBUCKET_USERNAME``, ``AZURE_DEVOPS_TOKEN``), else
``SKILLSHARE_GIT_TOKEN``, is handed to git when an HTTPS server asks for credentials, with
the user name that platform expects. The helper reads the token from git's environment
when git runs it: the token is never part of a URL, an argument, a file, a record or a
message (git's own error text is cleared of it too, see :func:`redact`).
"""

from __future__ import annotations

from collections.abc import Mapping

from skillshared.core.gittokens import SECRET_VARS

# Run by git as ``credential.helper`` (``!`` makes it a shell command): for a ``get`` of an
# https server, the platform is told by the host name, as the original tool tells it.
_HELPER = r"""!f() {
test "$1" = get || exit 0
proto= host= user=
while IFS= read -r line; do case $line in
  protocol=*) proto=${line#protocol=} ;; host=*) host=${line#host=} ;;
  username=*) user=${line#username=} ;; esac; done
test "$proto" = https || exit 0
host=$(printf '%s' "$host" | tr 'A-Z' 'a-z'); host=${host%%:*}
token= name=x-access-token
case $host in
  *github*) token=${GITHUB_TOKEN:-$GH_TOKEN} ;;
  *gitlab*) token=$GITLAB_TOKEN name=oauth2 ;;
  *bitbucket*) token=$BITBUCKET_TOKEN name=${BITBUCKET_USERNAME:-x-token-auth} ;;
  dev.azure.com|ssh.dev.azure.com|*.visualstudio.com) token=$AZURE_DEVOPS_TOKEN ;;
esac
if test -z "$token"; then
  token=$SKILLSHARE_GIT_TOKEN
  case $host in *gitlab*) name=oauth2 ;; *bitbucket*) name=x-token-auth ;;
    *) name=x-access-token ;; esac
  test -n "$user" && name=$user
fi
test -n "$token" || exit 0
printf 'username=%s\npassword=%s\n' "$name" "$token"
}; f"""

REDACTED = "[REDACTED]"


def helper_args(env: Mapping[str, str]) -> list[str]:
    """The ``-c`` options that let git ask for the environment's token (none when no token
    is set: git then runs as it always does)."""
    if not any(env.get(name) for name in SECRET_VARS if name != "BITBUCKET_USERNAME"):
        return []
    return ["-c", f"credential.helper={_HELPER}"]


def redact(text: str, env: Mapping[str, str]) -> str:
    """``text`` with every token of ``env`` replaced."""
    for name in SECRET_VARS:
        secret = "" if name == "BITBUCKET_USERNAME" else env.get(name, "")
        if len(secret) >= 8:  # (a shorter one could be a word)
            text = text.replace(secret, REDACTED)
    return text


_AUTH = ("authentication failed", "access denied", "could not read username",
         "terminal prompts disabled")
_SSL = ("ssl certificate problem", "certificate verify failed", "self signed certificate",
        "unable to get local issuer certificate")


def hint(err: str, env: Mapping[str, str]) -> str | None:
    """What to do about a clone or pull that git refused for want of credentials or a
    trusted certificate (None for any other failure)."""
    text = err.lower()
    if any(m in text for m in _SSL):
        return ("the server's certificate is not trusted: set GIT_SSL_CAINFO to its CA "
                "bundle, or use an SSH address (git@host:owner/repo.git)")
    if not any(m in text for m in _AUTH):
        return None
    if helper_args(env):
        return "the token was refused: check its permissions and expiry"
    return ("the server wants credentials: use an SSH address (git@host:owner/repo.git), or "
            "set a token (GITHUB_TOKEN, GITLAB_TOKEN, BITBUCKET_TOKEN, AZURE_DEVOPS_TOKEN "
            "or SKILLSHARE_GIT_TOKEN)")
