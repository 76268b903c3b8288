"""`gitrev.Git.blob_digests`: the hashes of many revisions' blobs from one `git cat-file` run."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from generator.review.gitrev import Git


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_blob_digests_of_many_commits(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    contents = [b"one\n", b"two\n" * 10, b"three\n" * 1000]
    commits = []
    for content in contents:
        (tmp_path / "spec.yaml").write_bytes(content)
        _git(tmp_path, "add", "spec.yaml")
        _git(tmp_path, "commit", "-q", "-m", "c")
        commits.append(_git(tmp_path, "rev-parse", "HEAD"))
    git = Git(tmp_path)
    names = [f"{commit}:spec.yaml" for commit in commits] + [f"{commits[0]}:missing.yaml"]
    digests = git.blob_digests(names, limit=100)
    assert digests == {
        names[0]: hashlib.sha256(contents[0]).hexdigest(),
        names[1]: hashlib.sha256(contents[1]).hexdigest(),
    }  # the third is over the limit, the fourth is not there
    everything = git.blob_digests(names, limit=10**6)
    assert everything[names[2]] == hashlib.sha256(contents[2]).hexdigest()
