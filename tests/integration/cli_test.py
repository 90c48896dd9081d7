#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the `wom` executable: real runs, real HDF5 files read back with h5py.

usage: cli_test.py WOM_BINARY SOURCE_DIR CASE   (CASE: see the CASES table at the bottom)
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from h5contents import datasets  # noqa: E402

WOM, SRC, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
EXAMPLES = os.path.join(SRC, "scenarios", "examples")
sys.path.insert(0, os.path.join(SRC, "python"))
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))


def wom(*args, expect=0):
    p = subprocess.run([WOM, *args], capture_output=True, text=True)
    if p.returncode != expect:
        sys.exit(f"wom {' '.join(args)}: exit {p.returncode}, expected {expect}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p




def run_and_check_file():
    """wom run writes a complete file whose contents agree with the printed summary."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "run.h5")
        p = wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", out, "--threads", "2")
        subprocess.run(["/usr/bin/python3", os.path.join(SRC, "tests", "integration", "check_run_file.py"), out], check=True)
        printed = float(re.search(r"final adopters\s+([0-9.]+)", p.stdout).group(1))
        with h5py.File(out, "r") as f:
            final = f["series/cumulative_adopters"][:, -1]
            assert abs(final.mean() - printed) <= 0.05 + 1e-9, (final.mean(), printed)
            assert f.attrs["threads"] == 2
            assert "ic_karate.toml" in f.attrs["command_line"]
            scen = f.attrs["scenario"]
            scen = scen.decode() if isinstance(scen, bytes) else scen
            assert scen == open(os.path.join(EXAMPLES, "ic_karate.toml")).read()
        assert [n for n in os.listdir(d)] == ["run.h5"], os.listdir(d)
    print("run_and_check_file: ok")


def threads_identical():
    """--threads 1 and --threads 2 give byte-identical datasets (IC and LT, real data)."""
    with tempfile.TemporaryDirectory() as d:
        for scenario in ("ic_barabasi_albert.toml", "lt_facebook.toml"):
            files = []
            for t in ("1", "2"):
                out = os.path.join(d, f"{scenario}.{t}.h5")
                wom("run", os.path.join(EXAMPLES, scenario), "-o", out, "--threads", t, "--quiet",
                    "--set", "output.adoption_steps=true")
                files.append(datasets(out))
            assert files[0].keys() == files[1].keys()
            assert "agents/adoption_step" in files[0]
            for name in files[0]:
                assert files[0][name] == files[1][name], f"{scenario}: dataset {name} differs between 1 and 2 threads"
            print(f"threads_identical: {scenario}: {len(files[0])} datasets identical")


def seed_changes_result():
    """--seed S reproduces itself and differs from another seed."""
    with tempfile.TemporaryDirectory() as d:
        outs = []
        for i, s in enumerate(("5", "5", "6")):
            out = os.path.join(d, f"{i}.h5")
            wom("run", os.path.join(EXAMPLES, "ic_barabasi_albert.toml"), "-o", out, "--seed", s, "--quiet")
            outs.append(datasets(out)["series/cumulative_adopters"])
        assert outs[0] == outs[1] and outs[0] != outs[2]
    print("seed_changes_result: ok")


def bad_input_exit_2():
    """Invalid scenarios and flags exit with status 2, name the problem, and write nothing."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out.h5")
        bad = os.path.join(d, "bad.toml")
        with open(bad, "w") as f:
            f.write('[network]\ngenerator = "barabasi_albert"\nn = 100\nm = 2\n\n[model]\nname = "independent_cascade"\nprobabilty = 0.1\n\n[[channel]]\ntype = "seed"\n')
        p = wom("run", bad, "-o", out, expect=2)
        assert re.search(r"bad\.toml:8:1: model\.probabilty", p.stderr), p.stderr
        p = wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", out, "--set", "model.probability=1.5", expect=2)
        assert "model.probability" in p.stderr, p.stderr
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", out, "--threads", "0", expect=2)
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), expect=2)  # no -o
        wom("run", os.path.join(d, "missing.toml"), "-o", out, expect=2)
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", os.path.join(d, "no", "such", "dir.h5"), expect=2)
        wom("frobnicate", expect=2)
        assert os.listdir(d) == ["bad.toml"], os.listdir(d)
        # An existing output is kept unless --force.
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", out, "--quiet")
        before = open(out, "rb").read()
        p = wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", out, "--seed", "9", expect=2)
        assert "--force" in p.stderr
        assert open(out, "rb").read() == before
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", out, "--seed", "9", "--force", "--quiet")
    print("bad_input_exit_2: ok")


def validate_help_version():
    p = wom("validate", os.path.join(EXAMPLES, "lt_facebook.toml"))
    assert "[model]" in p.stdout and "linear_threshold" in p.stdout, p.stdout
    assert "wom" in wom("--version").stdout
    h = wom("run", "--help").stdout
    for flag in ("--threads", "--seed", "--set", "--output", "--force"):
        assert flag in h, flag
    print("validate_help_version: ok")


def compare_writes_table():
    """wom compare prints the table and writes every run plus the table; channels add up."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cmp.h5")
        names = ("sponsored_posts", "friend_referrals", "influencer_posts")
        p = wom("compare", *[os.path.join(EXAMPLES, n + ".toml") for n in names], "-o", out, "--threads", "2",
                "--set", "run.replicates=6")
        for n in names:
            assert n in p.stdout.splitlines()[0], p.stdout
        printed = re.search(r"adopters \(final\)\s+([0-9.]+)", p.stdout).group(1)
        with h5py.File(out, "r") as f:
            assert f.attrs["complete"] == 1 and f.attrs["kind"] == "comparison"
            variants = [v.decode() if isinstance(v, bytes) else v for v in f["comparison/variant"][:]]
            assert variants == list(names), variants
            metrics = [m.decode() if isinstance(m, bytes) else m for m in f["comparison/metric"][:]]
            mean = f["comparison/mean"][:]
            for i, n in enumerate(names):
                g = f["variants/" + n]
                final = g["series/cumulative_adopters"][:, -1]
                assert abs(mean[i, metrics.index("adopters (final)")] - final.mean()) < 1e-9
                by_channel = g["series/channel_adoptions"][:]
                assert (by_channel.sum(axis=1) == g["series/new_adopters"][:]).all(), n
                channels = [c.decode() if isinstance(c, bytes) else c for c in g["series/channel"][:]]
                assert channels[:3] == ["seed", "friends", "spontaneous"], channels
            assert abs(float(printed) - mean[0, metrics.index("adopters (final)")]) <= 0.05 + 1e-9
    print("compare_writes_table: ok")


def check_tree_file():
    """A referral programme on a real edge list, with per-agent steps and the referral tree:
    the checker finds the channels, layers, tree and cascade metrics consistent, and names
    what is wrong in copies altered one dataset at a time."""
    checker = os.path.join(SRC, "tests", "integration", "check_run_file.py")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "run.h5")
        wom("run", os.path.join(EXAMPLES, "friend_referrals.toml"), "-o", out, "--quiet", "--set", "run.replicates=4",
            "--set", "output.referral_tree=true", "--set", "output.adoption_steps=true")
        p = subprocess.run(["/usr/bin/python3", checker, out], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout
        with h5py.File(out, "r") as f:
            assert len(f["referral_tree/edges"]) == f["summary/replicates"]["final_adopters"].sum()
            labels = f["agents/label"][()]  # agents are indexed in order of first appearance
            assert not np.array_equal(labels, np.arange(len(labels))), "ids should not be in index order"

        def altered(name, change):
            copy = os.path.join(d, f"{name}.h5")
            with open(out, "rb") as src, open(copy, "wb") as dst:
                dst.write(src.read())
            with h5py.File(copy, "r+") as f:
                change(f)
            p = subprocess.run(["/usr/bin/python3", checker, copy], capture_output=True, text=True)
            assert p.returncode == 1, (name, p.stdout)
            return {line[6:].split(":")[0] for line in p.stdout.splitlines() if line.startswith("FAIL")}

        def reorder(f):  # two adopters of one step swapped
            e = f["referral_tree/edges"][()]
            i = next(i for i in range(len(e) - 1) if e["step"][i] == e["step"][i + 1] > 0)
            e[[i, i + 1]] = e[[i + 1, i]]
            f["referral_tree/edges"][...] = e

        def unparent(f):  # one referral loses its source: one tree more
            e = f["referral_tree/edges"][()]
            e["source"][np.nonzero(e["source"] >= 0)[0][0]] = -1
            f["referral_tree/edges"][...] = e

        def recredit(f):  # one adoption moved from friends to the referral programme
            a = f["series/channel_adoptions"][()]
            r, t = (int(x[0]) for x in np.nonzero(a[:, 1, :] > 0))
            a[r, 1, t] -= 1
            a[r, 3, t] += 1
            f["series/channel_adoptions"][...] = a

        assert altered("reorder", reorder) == {"referral tree rows sorted by (replicate, step, adopter)"}
        assert altered("unparent", unparent) == {"summary/cascade == metrics of the referral tree's forest"}
        failed = altered("recredit", recredit)
        assert failed == {
            "summary/channel_adoptions == channel_adoptions summed over steps",
            "referral tree rows per (replicate, channel) == channel adoptions"}, failed
    print("check_tree_file: ok")


CASES = {f.__name__: f for f in (check_tree_file, compare_writes_table, run_and_check_file, threads_identical, seed_changes_result, bad_input_exit_2,
                                  validate_help_version)}
if __name__ == "__main__":
    CASES[CASE]()
