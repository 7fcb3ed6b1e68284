"""Install sources on GitLab (nested groups; ``gitlab_hosts``), Azure DevOps (``ado:``,
dev.azure.com, visualstudio.com, SSH; ``azure_hosts``) and other hosts, read as the original
skillshare reads them (no network: a pure function), each broken form refused with the form
it should have; HTTPS tokens from the environment handed to git by a credential helper and
never written anywhere. End-to-end installs reach bare repositories over file:// through
git's ``url.<base>.insteadOf`` in a test-local global git config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from skillshared.core.errors import UsageError
from skillshared.core.gittokens import SECRET_VARS
from skillshared.git import gitauth, gitops, source_forms, sources
from skillshared.git.gitops import GitError
from skillshared.git.source_forms import NO_HOSTS, Hosts, hosts_of
from tests.conftest import CliRunner, write_config
from tests.team_repos import team_repo

AZ = "https://dev.azure.com/myorg/myproject/_git/myrepo"
GL = "https://gitlab.com/group/sub/repo"
CORP = Hosts(gitlab=frozenset({"git.company.com"}), azure=frozenset({"tfs.corp.example"}))


@pytest.mark.parametrize("raw, url, subdir", [
    # Azure DevOps
    ("ado:myorg/myproject/myrepo", AZ, None),
    ("ado:myorg/myproject/myrepo/skills/react", AZ, "skills/react"),
    (AZ, AZ, None),
    (f"{AZ}.git/skills/pdf/", AZ, "skills/pdf"),
    ("https://myorg@dev.azure.com/myorg/myproject/_git/myrepo", AZ, None),
    (f"{AZ}?path=/skills/pdf&version=GBmain", AZ, "skills/pdf"),
    ("https://myorg.visualstudio.com/myproject/_git/myrepo/sub", AZ, "sub"),
    ("git@ssh.dev.azure.com:v3/myorg/myproject/myrepo",
     "git@ssh.dev.azure.com:v3/myorg/myproject/myrepo", None),
    ("git@ssh.dev.azure.com:v3/myorg/myproject/myrepo.git//skills/x",
     "git@ssh.dev.azure.com:v3/myorg/myproject/myrepo", "skills/x"),
    # GitLab: the whole path, unless .git or a web page's /-/ says where the repo ends
    ("gitlab.com/group/sub/repo", GL, None),
    (GL, GL, None),
    (f"{GL}/", GL, None),
    (f"{GL}/-/tree/main/skills/pdf", GL, "skills/pdf"),
    (f"{GL}/-/blob/main/skills/pdf/SKILL.md", GL, "skills/pdf"),
    (f"{GL}/-/tree/main", GL, None),
    ("gitlab.com/group/sub/repo.git/skills/pdf", f"{GL}.git", "skills/pdf"),
    ("https://gitlab.corp.example:8443/a/b/c/d", "https://gitlab.corp.example:8443/a/b/c/d",
     None),
    ("jihulab.com/a/b/c", "https://jihulab.com/a/b/c", None),
    # any other host: owner/repo, then the folder
    ("git.company.com/team/frontend/ui", "https://git.company.com/team/frontend", "ui"),
    ("git.company.com/team/frontend/ui.git", "https://git.company.com/team/frontend/ui.git",
     None),
    ("https://github.com/team/skills/tree/main/skills/pdf", "https://github.com/team/skills",
     "skills/pdf"),
    ("https://bitbucket.org/team/skills/src/main/skills/pdf/SKILL.md",
     "https://bitbucket.org/team/skills", "skills/pdf"),
    ("https://tfs.corp.example/Coll/Proj/_git/Repo/skills", "https://tfs.corp.example/Coll/Proj",
     "_git/Repo/skills"),
])
def test_each_form_resolves_as_the_original_reads_it(raw: str, url: str,
                                                     subdir: str | None) -> None:
    assert sources.resolve(raw) == (url, subdir)


@pytest.mark.parametrize("raw, url, subdir", [
    ("git.company.com/team/frontend/ui", "https://git.company.com/team/frontend/ui", None),
    ("https://GIT.company.com:8443/team/frontend/ui/-/tree/dev/x",
     "https://GIT.company.com:8443/team/frontend/ui", "x"),
    ("https://tfs.corp.example/Coll/Proj/_git/Repo/skills",
     "https://tfs.corp.example/Coll/Proj/_git/Repo", "skills"),
    ("http://tfs.corp.example:8080/tfs/Coll/Proj/_git/Repo",
     "http://tfs.corp.example:8080/tfs/Coll/Proj/_git/Repo", None),
])
def test_the_configured_hosts_are_gitlab_and_azure_devops_servers(raw: str, url: str,
                                                                  subdir: str | None) -> None:
    assert sources.resolve(raw, CORP) == (url, subdir)


@pytest.mark.parametrize("raw, words", [
    ("ado:myorg/myproject", "ado:<org>/<project>/<repo>"),
    ("ado:", "ado:<org>/<project>/<repo>"),
    ("ado:myorg//myrepo", "ado:<org>/<project>/<repo>"),
    ("ado:my org/p/r", "ado:<org>/<project>/<repo>"),
    ("https://dev.azure.com/myorg/myproject/_git/", "names no repository"),
    ("https://dev.azure.com/myorg//_git/myrepo", "names no repository"),
    ("git@ssh.dev.azure.com:v3/myorg/myproject", "v3/<org>/<project>/<repo>"),
    ("git@ssh.dev.azure.com:v3/a/b/c/d", "v3/<org>/<project>/<repo>"),
    ("ado:myorg/myproject/myrepo/../../x", "invalid folder"),
    (f"{AZ}/skills/../../x", "invalid folder"),
    (f"{GL}/-/tree/main/../../../x", "invalid folder"),
    ("gitlab.com/group/repo.git/.git/hooks", "invalid folder"),
])
def test_each_broken_form_is_refused_with_the_form_it_should_have(raw: str,
                                                                  words: str) -> None:
    with pytest.raises(UsageError) as caught:
        sources.resolve(raw)
    assert words in f"{caught.value.message} {caught.value.hint}"


def test_host_lists_come_from_the_config_and_the_environment() -> None:
    doc = {"gitlab_hosts": ["Git.Company.com", "https://bad.example", "", 3],
           "azure_hosts": ["tfs.corp.example"]}
    env = {"SKILLSHARE_GITLAB_HOSTS": "code.example.org, bad:22 ,",
           "SKILLSHARE_AZURE_HOSTS": "ado.example.net"}
    assert hosts_of(doc, env) == Hosts(
        gitlab=frozenset({"git.company.com", "code.example.org"}),
        azure=frozenset({"tfs.corp.example", "ado.example.net"}))
    assert hosts_of({"gitlab_hosts": "not a list"}, {}) == NO_HOSTS
    assert CORP.is_gitlab("GIT.COMPANY.COM") and CORP.is_gitlab("gitlab.anything.example")
    assert not CORP.is_gitlab("git.other.com") and not NO_HOSTS.is_azure("tfs.corp.example")


@pytest.mark.parametrize("raw, name", [
    ("ado:myorg/myproject/myrepo", "_myorg-myproject-myrepo"),
    ("https://myorg.visualstudio.com/myproject/_git/myrepo", "_myorg-myproject-myrepo"),
    ("git@ssh.dev.azure.com:v3/myorg/myproject/myrepo", "_myorg-myproject-myrepo"),
    ("gitlab.com/group/sub/repo", "_group-sub-repo"),
    ("git@gitlab.com:group/sub/repo.git", "_group-sub-repo"),
    ("team/skills", "_team-skills"),
])
def test_tracked_repos_are_named_after_their_whole_path(raw: str, name: str) -> None:
    assert sources.repo_name(sources.clone_url(raw), None) == name


# -- tokens -----------------------------------------------------------------------------------

TOKENS = {"GITHUB_TOKEN": "ghp-secret-github", "GITLAB_TOKEN": "glpat-secret-gitlab",
          "BITBUCKET_TOKEN": "bb-secret-bitbucket", "AZURE_DEVOPS_TOKEN": "ado-secret-azure",
          "SKILLSHARE_GIT_TOKEN": "generic-secret-any"}


def ask_git(env: dict[str, str], request: str) -> subprocess.CompletedProcess[str]:
    """What ``git credential fill`` answers (as clone asks it), run as gitops runs git."""
    mine = {k: v for k, v in os.environ.items() if k not in SECRET_VARS}  # (a developer's)
    full = {**mine, **env}
    return subprocess.run(["git", *gitops.SAFE_CONFIG, *gitauth.helper_args(full),
                           "credential", "fill"], input=request, capture_output=True,
                          text=True, env=gitops.quiet_env(full), timeout=30, check=False)


@pytest.mark.parametrize("host, user, token", [
    ("github.com", "x-access-token", TOKENS["GITHUB_TOKEN"]),
    ("gitlab.example.com:8443", "oauth2", TOKENS["GITLAB_TOKEN"]),
    ("bitbucket.org", "x-token-auth", TOKENS["BITBUCKET_TOKEN"]),
    ("dev.azure.com", "x-access-token", TOKENS["AZURE_DEVOPS_TOKEN"]),
    ("Myorg.VisualStudio.com", "x-access-token", TOKENS["AZURE_DEVOPS_TOKEN"]),
    ("git.company.com", "x-access-token", TOKENS["SKILLSHARE_GIT_TOKEN"]),
])
def test_git_is_given_the_token_of_the_platform_it_asks_about(host: str, user: str,
                                                               token: str) -> None:
    answer = ask_git(TOKENS, f"protocol=https\nhost={host}\n\n")
    assert answer.returncode == 0, answer.stderr
    assert f"username={user}\npassword={token}\n" in answer.stdout


def test_the_generic_token_stands_in_with_the_platforms_user_name() -> None:
    env = {"SKILLSHARE_GIT_TOKEN": "generic-secret-any", "BITBUCKET_USERNAME": "me"}
    for host, user in [("gitlab.com", "oauth2"), ("bitbucket.org", "x-token-auth"),
                       ("github.com", "x-access-token")]:
        answer = ask_git(env, f"protocol=https\nhost={host}\n\n")
        assert f"username={user}\npassword=generic-secret-any\n" in answer.stdout
    named = ask_git(env, "protocol=https\nhost=git.example.org\nusername=alice\n\n")
    assert "username=alice\npassword=generic-secret-any\n" in named.stdout
    app = ask_git({"BITBUCKET_TOKEN": "app-password-1", "BITBUCKET_USERNAME": "me"},
                  "protocol=https\nhost=bitbucket.org\n\n")
    assert "username=me\npassword=app-password-1\n" in app.stdout


def test_no_token_is_offered_over_plain_http_or_when_none_is_set() -> None:
    plain = ask_git(TOKENS, "protocol=http\nhost=github.com\n\n")
    assert plain.returncode != 0 and TOKENS["GITHUB_TOKEN"] not in plain.stdout + plain.stderr
    assert gitauth.helper_args({"PATH": "/bin", "BITBUCKET_USERNAME": "me"}) == []
    bare = ask_git({}, "protocol=https\nhost=github.com\n\n")
    assert bare.returncode != 0 and "password=" not in bare.stdout


def test_git_messages_never_show_a_token(tmp_path: Path) -> None:
    work, _ = team_repo(tmp_path)
    env = {**os.environ, "GITHUB_TOKEN": "ghp-secret-github"}
    with pytest.raises(GitError) as caught:
        gitops.run(["checkout", "ghp-secret-github"], cwd=str(work), env=env)
    assert "ghp-secret-github" not in caught.value.message
    assert gitauth.REDACTED in caught.value.message


# -- end to end -------------------------------------------------------------------------------

def map_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bare: Path, *urls: str) -> None:
    """A global git config that sends each of ``urls`` to ``bare`` (no network)."""
    lines = [f'[url "file://{bare}"]'] + [f"\tinsteadOf = {url}" for url in urls]
    config = tmp_path / "gitconfig"
    config.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))


def no_token_anywhere(root: Path, *outputs: str) -> None:
    for text in outputs:
        assert not any(t in text for t in TOKENS.values()), text
    for folder, _, files in os.walk(root):
        for name in files:
            data = Path(folder, name).read_bytes()
            found = [t for t in TOKENS.values() if t.encode() in data]
            assert not found, f"{found} in {Path(folder, name)}"


@pytest.fixture
def corp(home: Path, source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A global setup with one target and corp's hosts listed; the tokens set; returns
    the bare repository (skills frontend/react and review)."""
    write_config(home, "gitlab_hosts:\n  - git.company.test\nazure_hosts:\n  - tfs.corp.test\n"
                       "targets:\n  claude:\n    path: ~/.claude/skills\n")
    source.mkdir(parents=True)
    (home / ".claude/skills").mkdir(parents=True)
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    return team_repo(tmp_path)[1]


def test_install_a_folder_of_an_azure_devops_repository(
        cli: CliRunner, corp: Path, source: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    map_url(tmp_path, monkeypatch, corp, "https://dev.azure.com/org/proj/_git/skills")
    raw = "https://org.visualstudio.com/proj/_git/skills/frontend/react"
    result = cli("install", raw, "--json")
    assert result.code == 0, result.err
    assert (source / "react/SKILL.md").is_file() and not (source / "review").exists()
    again = cli("install", "ado:org/proj/skills/review", "--json")
    assert again.code == 0, again.err
    assert (source / "review/SKILL.md").is_file()
    assert cli("sync").code == 0
    no_token_anywhere(tmp_path, result.out, result.err, again.out, again.err)


@pytest.mark.parametrize("raw, name", [
    ("ado:org/proj/skills", "_org-proj-skills"),
    ("git.company.test/team/sub/skills", "_team-sub-skills"),
    ("https://gitlab.example.com/group/sub/skills", "_group-sub-skills"),
    ("https://tfs.corp.test/Coll/Proj/_git/skills", "_Coll-Proj-skills"),
])
def test_track_a_repository_by_its_whole_path(
        cli: CliRunner, corp: Path, source: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, raw: str, name: str) -> None:
    map_url(tmp_path, monkeypatch, corp, "https://dev.azure.com/org/proj/_git/skills",
            "https://git.company.test/team/sub/skills",
            "https://gitlab.example.com/group/sub/skills",
            "https://tfs.corp.test/Coll/Proj/_git/skills")
    result = cli("install", raw, "--track", "--json")
    assert result.code == 0, result.err
    assert result.json()["name"] == name
    assert (source / name / "frontend/react/SKILL.md").is_file()
    updated = cli("update", name, "--json")
    assert updated.code == 0, updated.err
    no_token_anywhere(tmp_path, result.out, result.err, updated.out, updated.err)


def test_without_gitlab_hosts_a_custom_domain_is_read_as_owner_and_repo(
        cli: CliRunner, home: Path, source: Path, corp: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    before = sorted(os.listdir(source))
    refused = cli("install", "git.company.test/team/sub/skills", "--track")
    assert refused.code != 0 and "names a folder" in refused.err
    assert sorted(os.listdir(source)) == before
    monkeypatch.setenv("SKILLSHARE_GITLAB_HOSTS", "git.company.test")
    map_url(tmp_path, monkeypatch, corp, "https://git.company.test/team/sub/skills")
    done = cli("install", "git.company.test/team/sub/skills", "--track", "--json")
    assert done.code == 0, done.err
    assert (source / "_team-sub-skills/.git").is_dir()


@pytest.mark.usefixtures("corp")
def test_a_failed_clone_names_no_token(cli: CliRunner, source: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nowhere.git"
    map_url(tmp_path, monkeypatch, missing, "https://dev.azure.com/org/proj/_git/gone")
    result = cli("install", "ado:org/proj/gone", "--json")
    assert result.code != 0
    assert "git clone failed" in result.err
    assert os.listdir(source) == []
    no_token_anywhere(tmp_path, result.out, result.err)


# -- nested paths on hosts not known as GitLab ------------------------------------------------

def test_a_longer_path_is_tried_when_owner_and_repo_is_no_repository() -> None:
    assert list(source_forms.nested_candidates("https://domain.com/dir1/dir2", "dir3/dir4",
                                               NO_HOSTS)) == [
        ("https://domain.com/dir1/dir2", "dir3/dir4"),
        ("https://domain.com/dir1/dir2/dir3", "dir4"),
        ("https://domain.com/dir1/dir2/dir3/dir4", None)]
    for url, subdir in [("https://gitlab.com/a/b", "c"), ("https://domain.com/a/b.git", "c"),
                        (AZ, "skills"), ("git@domain.com:a/b.git", "c"),
                        ("https://domain.com/a/b", None)]:
        assert list(source_forms.nested_candidates(url, subdir, NO_HOSTS)) == [(url, subdir)]
    assert len(list(source_forms.nested_candidates("https://git.company.com/a/b", "c",
                                                   CORP))) == 1


@pytest.mark.parametrize("err, again", [
    ("fatal: repository 'https://domain.com/dir1/dir2/' not found", True),
    ("fatal: unable to access 'https://domain.com/d/': The requested URL returned error: 404",
     True),
    ("fatal: '/srv/x' does not appear to be a git repository", True),
    ("fatal: could not read Username for 'https://domain.com': terminal prompts disabled",
     False),
    ("fatal: unable to access: SSL certificate problem: self signed certificate", False),
    ("warning: Could not find remote branch nope to clone.\n"
     "fatal: Remote branch nope not found in upstream origin", False),
    ("fatal: unable to access 'https://domain.com/': Could not resolve host: domain.com", False),
])
def test_only_a_missing_repository_makes_the_longer_paths_tried(err: str, again: bool) -> None:
    assert source_forms.not_there(err) is again


def test_install_from_a_nested_group_on_an_unknown_host(
        cli: CliRunner, corp: Path, source: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    map_url(tmp_path, monkeypatch, corp, "https://git.example.test/dir1/dir2/dir3")
    with (tmp_path / "gitconfig").open("a") as config:
        config.write(f'[url "file://{tmp_path / "nowhere.git"}"]\n'
                     "\tinsteadOf = https://git.example.test/dir1/dir2\n")
    result = cli("install", "git.example.test/dir1/dir2/dir3/frontend/react", "--json")
    assert result.code == 0, result.err
    assert result.json()["url"] == "https://git.example.test/dir1/dir2/dir3"
    assert (source / "react/SKILL.md").is_file()
    wrong = cli("install", "git.example.test/dir1/dir2/dir3/review", "--branch", "nope")
    assert wrong.code != 0 and "Remote branch nope not found" in wrong.err
    assert "dir3/review" not in wrong.err  # a missing branch: no longer path is tried
    assert not (source / "review").exists()
    nowhere = cli("install", "git.example.test/dir1/dir2/x/y")
    assert nowhere.code != 0
    assert "also tried https://git.example.test/dir1/dir2/x" in nowhere.err
    assert sorted(os.listdir(source)) == [".skillshare-installed.json", "react"]


def test_a_refused_login_says_how_to_give_credentials() -> None:
    err = "fatal: could not read Username for 'https://x.example': terminal prompts disabled"
    assert "GITLAB_TOKEN" in (gitauth.hint(err, {}) or "")
    assert "refused" in (gitauth.hint(err, {"GITLAB_TOKEN": "glpat-secret-gitlab"}) or "")
    assert "GIT_SSL_CAINFO" in (gitauth.hint("SSL certificate problem: x", {}) or "")
    assert gitauth.hint("fatal: repository not found", {}) is None


def test_a_projects_config_names_its_own_hosts(cli: CliRunner, work: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (work / ".claude").mkdir()
    assert cli("init", "-p").code == 0
    config = work / ".skillshare/config.yaml"
    config.write_text("gitlab_hosts:\n  - git.team.test\n" + config.read_text())
    bare = team_repo(tmp_path)[1]
    map_url(tmp_path, monkeypatch, bare, "https://git.team.test/group/sub/skills")
    result = cli("install", "git.team.test/group/sub/skills", "--track", "-p", "--json")
    assert result.code == 0, result.err
    assert (work / ".skillshare/skills/_group-sub-skills/frontend/react/SKILL.md").is_file()
    assert "source: git.team.test/group/sub/skills\n" in config.read_text()
