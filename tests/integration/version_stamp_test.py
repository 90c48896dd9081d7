# SPDX-License-Identifier: MIT
"""cmake/WomVersion.cmake, the commit every binary and output file records: a clean checkout
gives the bare commit, a tracked file changed gives <commit>-modified, an untracked file alone
does not count, and outside git the commit is "unknown".

usage: version_stamp_test.py CMAKE SOURCE_DIR"""
import pathlib
import re
import subprocess
import sys
import tempfile

cmake, source = sys.argv[1], pathlib.Path(sys.argv[2])


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def stamp(repo, out):
    subprocess.run([cmake, f"-DSOURCE_DIR={repo}", "-DPROJECT_VERSION=9.9.9", f"-DIN={source / 'sim/version.hpp.in'}",
                    f"-DOUT={out}", "-P", str(source / "cmake/WomVersion.cmake")], check=True)
    m = re.search(r'kGitCommit = "([^"]*)"', out.read_text())
    assert m, out.read_text()
    return m.group(1)


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    outside = tmp / "outside"
    outside.mkdir()
    assert stamp(outside, tmp / "v0.hpp") == "unknown"

    repo = tmp / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "model.hpp").write_text("int x = 1;\n")
    git(repo, "add", "model.hpp")
    git(repo, "commit", "-q", "-m", "first")
    head = git(repo, "rev-parse", "--short=12", "HEAD")

    assert stamp(repo, tmp / "v1.hpp") == head
    (repo / "notes.txt").write_text("untracked\n")
    assert stamp(repo, tmp / "v2.hpp") == head, "an untracked file is not a change to the build"
    (repo / "model.hpp").write_text("int x = 2;\n")
    assert stamp(repo, tmp / "v3.hpp") == head + "-modified"
    git(repo, "commit", "-q", "-am", "second")
    assert stamp(repo, tmp / "v4.hpp") == git(repo, "rev-parse", "--short=12", "HEAD")
print("version stamp: clean, untracked, modified and outside-git cases as documented")
