#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `wom sweep` and `wom merge`: the real binary, real HDF5 files read back
with h5py, real `mpirun` ranks and a real SIGKILL.

usage: sweep_test.py WOM_BINARY SOURCE_DIR CASE   (CASE: see the CASES table at the bottom)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from h5contents import datasets  # noqa: E402
from checkpoint import checkpoint_points  # noqa: E402

WOM, SRC, CASE = sys.argv[1], sys.argv[2], sys.argv[3]

# A small scenario: each point takes milliseconds.
BASE = """\
[network]
generator = "barabasi_albert"
n = 400
m = 3

[model]
name = "independent_cascade"
probability = 0.05

[[channel]]
type = "seed"
strategy = "random"
count = 3

[run]
steps = 25
replicates = 6
seed = 17
"""

GRID = BASE + """
[sweep]
design = "grid"

[sweep.parameters]
"model.probability" = [0.05, 0.2]
"network.m" = [2, 4]
"channel.0.strategy" = ["random", "top_degree"]
"""

RUN_ATTRIBUTES = ["format_version", "complete", "wom_version", "git_commit", "scenario_path", "scenario", "overrides",
                  "command_line", "model", "seed", "threads", "started_utc", "finished_utc", "build_seconds",
                  "run_seconds", "agents", "arcs", "directed", "replicates", "steps", "step_hours"]
SERIES = ["new_adopters", "cumulative_adopters", "exposures", "active_sharers"]


def wom(*args, expect=0, launcher=()):
    p = subprocess.run([*launcher, WOM, *args], capture_output=True, text=True, timeout=300)
    if p.returncode != expect:
        sys.exit(f"{' '.join([*launcher, 'wom', *args])}: exit {p.returncode}, expected {expect}\n"
                 f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path




def assert_same_datasets(a, b, what):
    da, db = datasets(a), datasets(b)
    assert da.keys() == db.keys(), (what, sorted(da.keys() ^ db.keys()))
    for name in da:
        assert da[name] == db[name], f"{what}: dataset {name} differs"
    return len(da)


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def sweep_file():
    """Layout, values, statistics and provenance of a sweep file; a point is reproduced by `wom run`."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "grid.toml", GRID)
        out = os.path.join(d, "sweep.h5")
        p = wom("sweep", scenario, "-o", out, "--threads", "2")
        assert "sweep of 8 points (grid over model.probability, network.m, channel.0.strategy)" in p.stdout, p.stdout
        assert re.search(r"points: 8 \(8 simulated, 0 resumed", p.stdout), p.stdout
        assert "networks built: 2" in p.stdout, p.stdout  # network.m takes two values; the rest share them
        assert os.listdir(d) == ["grid.toml", "sweep.h5"], os.listdir(d)  # no checkpoint left behind
        with h5py.File(out, "r") as f:
            for name in RUN_ATTRIBUTES:
                assert name in f.attrs, name
            assert f.attrs["complete"] == 1 and f.attrs["format_version"] == 1
            assert text(f.attrs["scenario"]) == GRID
            assert f.attrs["sweep_points"] == 8 and f.attrs["replicates"] == 6 and f.attrs["steps"] == 25
            assert text(f.attrs["sweep_parameters"]).split("\n") == ["model.probability", "network.m",
                                                                      "channel.0.strategy"]
            assert text(f.attrs["sweep_parameter_types"]).split("\n") == ["float", "int", "string"]
            assert f.attrs["threads"] == 2 and f.attrs["mpi_ranks"] == 1 and text(f.attrs["shard"]) == ""
            points = f["sweep/points"][()]
            assert points.dtype.names == ("point", "model.probability", "network.m", "channel.0.strategy", "seed",
                                          "agents", "arcs", "directed")
            assert list(points["point"]) == list(range(8))
            assert list(points["model.probability"]) == [0.05] * 4 + [0.2] * 4  # first parameter slowest
            assert list(points["network.m"]) == [2, 2, 4, 4] * 2
            assert [text(s) for s in points["channel.0.strategy"]] == ["random", "top_degree"] * 4
            assert set(points["seed"]) == {17}  # common random numbers
            assert set(points["agents"]) == {400}
            overrides = [text(o) for o in f["sweep/overrides"][()]]
            assert overrides[5] == 'model.probability=0.2\nnetwork.m=2\nchannel.0.strategy="top_degree"', overrides[5]
            new = f["series/new_adopters"]
            assert new.shape == (8, 6, 26) and new.dtype == np.uint64
            assert [new.dims[i].label for i in range(3)] == ["point", "replicate", "step"]
            assert new.dims[2][0].name == "/series/time_hours"
            assert list(f["series/point"][()]) == list(range(8))
            cum = f["series/cumulative_adopters"][()]
            assert (np.cumsum(new[()], axis=2) == cum).all()
            reps = f["summary/replicates"][()]
            assert reps.shape == (8, 6)
            assert (reps["final_adopters"] == cum[:, :, -1]).all()
            stats = f["summary/points"][()]
            final = reps["final_fraction"]
            assert np.allclose(stats["final_fraction_mean"], final.mean(axis=1))
            assert np.allclose(stats["final_fraction_sd"], final.std(axis=1, ddof=1))
            half = 2.571 * final.std(axis=1, ddof=1) / np.sqrt(6)  # Student t, 5 degrees of freedom
            assert np.allclose(stats["final_fraction_ci95_high"] - stats["final_fraction_mean"], half)
            assert np.allclose(stats["final_fraction_mean"] - stats["final_fraction_ci95_low"], half)
            assert (stats["final_fraction_n"] == 6).all()
            defined = reps["steps_to_50"] >= 0
            assert (stats["steps_to_50_n"] == defined.sum(axis=1)).all()
            # More probability, more adoption.
            assert stats["final_fraction_mean"][4:].mean() > stats["final_fraction_mean"][:4].mean()
            swept = {name: cum[i] for i, name in enumerate(overrides)}
        # `wom run` with a point's overrides and seed reproduces its series exactly.
        run = os.path.join(d, "point5.h5")
        sets = [a for o in overrides[5].split("\n") for a in ("--set", o)]
        wom("run", scenario, "-o", run, "--quiet", "--seed", "17", *sets)
        with h5py.File(run, "r") as f:
            assert (f["series/cumulative_adopters"][()] == swept[overrides[5]]).all()
        # 1 and 2 threads: byte-identical datasets.
        one = os.path.join(d, "one.h5")
        wom("sweep", scenario, "-o", one, "--threads", "1", "--quiet")
        n = assert_same_datasets(out, one, "1 vs 2 threads")
    print(f"sweep_file: ok ({n} datasets identical for 1 and 2 threads)")


def sweep_mpi_identical():
    """mpirun -np 1, 2, 3 and no MPI at all give byte-identical datasets."""
    mpirun = shutil.which("mpirun")
    assert mpirun, "mpirun not found (apt-get install openmpi-bin)"
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "grid.toml", GRID)
        plain = os.path.join(d, "plain.h5")
        # Common random numbers off: each point its own seed and network, built on whichever rank.
        common = ["--set", "sweep.common_random_numbers=false", "--set", "run.replicates=4"]
        wom("sweep", scenario, "-o", plain, "--quiet", *common)
        launcher = [mpirun, "--allow-run-as-root", "--oversubscribe", "-np"]
        for ranks in (1, 2, 3):
            out = os.path.join(d, f"mpi{ranks}.h5")
            wom("sweep", scenario, "-o", out, "--quiet", "--threads", "1", *common, launcher=[*launcher, str(ranks)])
            with h5py.File(out, "r") as f:
                assert f.attrs["mpi_ranks"] == ranks, f.attrs["mpi_ranks"]
            n = assert_same_datasets(plain, out, f"no MPI vs {ranks} ranks")
            print(f"sweep_mpi_identical: {ranks} rank(s): {n} datasets identical to the run without MPI")
        # Ranks that share no memory (TCP, and MPI's point-to-point emulation of the counter the
        # ranks claim work from), as between the nodes of a cluster without RDMA.
        out = os.path.join(d, "tcp.h5")
        tcp = [mpirun, "--allow-run-as-root", "--oversubscribe", "--mca", "btl", "self,tcp", "--mca", "osc", "pt2pt"]
        wom("sweep", scenario, "-o", out, "--quiet", "--threads", "1", *common, launcher=[*tcp, "-np", "2"])
        n = assert_same_datasets(plain, out, "no MPI vs 2 ranks over TCP")
        print(f"sweep_mpi_identical: 2 ranks over TCP: {n} datasets identical to the run without MPI")
        # A point that fails while it is simulated, on whichever rank computes it (an edge list
        # with a bad line): every rank stops, exit 2, the problem said once, nothing written.
        good, broken = os.path.join(d, "good.txt"), os.path.join(d, "broken.txt")
        lines = [f"{i} {(7 * i + 3) % 300}\n" for i in range(300)]
        with open(good, "w") as f:
            f.writelines(lines)
        with open(broken, "w") as f:
            f.writelines(lines[:250] + ["x7 3\n"] + lines[250:])
        failing = write(d, "failing.toml", BASE.replace('generator = "barabasi_albert"\nn = 400\nm = 3', f'edge_list = "{good}"') + f"""
[sweep]
design = "grid"

[sweep.parameters]
"network.edge_list" = ["{good}", "{broken}", "{good}"]
"model.probability" = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
""")
        p = wom("sweep", failing, "-o", os.path.join(d, "failing.h5"), "--threads", "1", expect=2,
                launcher=[*launcher, "2"])
        assert p.stderr.count("wom: error:") == 1 and p.stderr.count("broken.txt:251: ") == 1, p.stderr
        assert not os.path.exists(os.path.join(d, "failing.h5"))
        # Killed half-way, then resumed under 2 ranks: only the missing points are shared out,
        # and the file equals an uninterrupted run's.
        long_sweep = write(d, "lhs.toml", LONG_SWEEP)
        resumed = os.path.join(d, "resumed.h5")
        killed_at = kill_half_way(long_sweep, resumed)
        p = wom("sweep", long_sweep, "-o", resumed, "--resume", "--threads", "1", launcher=[*launcher, "2"])
        assert f"({400 - len(killed_at)} simulated, {len(killed_at)} resumed from checkpoint)" in p.stdout, p.stdout
        whole = os.path.join(d, "whole.h5")
        wom("sweep", long_sweep, "-o", whole, "--quiet")
        n = assert_same_datasets(whole, resumed, "resumed under 2 ranks vs uninterrupted")
        print(f"sweep_mpi_identical: killed at {len(killed_at)} points, resumed under 2 ranks: {n} datasets identical")
        # An invalid sweep under mpirun: exit 2, the problem said once, nothing written.
        bad = write(d, "bad.toml", GRID.replace("[0.05, 0.2]", "[0.05, 2.0]"))
        p = wom("sweep", bad, "-o", os.path.join(d, "bad.h5"), expect=2, launcher=[*launcher, "2"])
        assert p.stderr.count("model.probability: expected a float in [0, 1], found 2") == 1, p.stderr
        assert not os.path.exists(os.path.join(d, "bad.h5"))
    print("sweep_mpi_identical: ok")


# 400 points of about a millisecond each (on a host where 12 replicates a point took 0.3 ms,
# the whole sweep fit in a few of the checkpoint's 20 ms writes): long enough to be killed
# half-way.
LONG_SWEEP = BASE.replace("n = 400", "n = 2000").replace("replicates = 6", "replicates = 48") + """
[sweep]
design = "latin_hypercube"
points = 400

[sweep.parameters]
"model.probability" = {low = 0.01, high = 0.3, log = true}
"channel.0.count" = {low = 1, high = 20}
"""


def kill_half_way(scenario, out):
    """Starts `wom sweep scenario -o out`, SIGKILLs it once its checkpoint holds 40 points, and
    returns the points the checkpoint holds."""
    progress = out + ".progress"
    proc = subprocess.Popen([WOM, "sweep", scenario, "-o", out, "--threads", "1", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_at = None
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("the sweep finished before it could be killed; make it longer")
        if os.path.exists(progress) and len(checkpoint_points(progress)) >= 40:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            killed_at = checkpoint_points(progress)
            break
        time.sleep(0.005)
    assert killed_at is not None, "no progress within 60 s"
    assert proc.returncode == -signal.SIGKILL
    assert not os.path.exists(out)  # a killed sweep leaves no output file, only its checkpoint
    assert 40 <= len(killed_at) < 400, len(killed_at)
    return killed_at


def sweep_resume_after_kill():
    """A sweep killed with SIGKILL half-way resumes without recomputing finished points, and
    its datasets equal an uninterrupted run's."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "lhs.toml", LONG_SWEEP)
        out = os.path.join(d, "out.h5")
        progress = out + ".progress"
        killed_at = kill_half_way(scenario, out)
        print(f"sweep_resume_after_kill: killed with {len(killed_at)} of 400 points in the checkpoint")

        # Without --resume the interrupted sweep is not silently overwritten.
        p = wom("sweep", scenario, "-o", out, expect=2)
        assert "--resume" in p.stderr, p.stderr
        assert checkpoint_points(progress) == killed_at

        p = wom("sweep", scenario, "-o", out, "--resume", "--threads", "2")
        m = re.search(r"points: 400 \((\d+) simulated, (\d+) resumed from checkpoint\)", p.stdout)
        assert m, p.stdout
        simulated, resumed = int(m.group(1)), int(m.group(2))
        assert resumed == len(killed_at) and simulated == 400 - resumed, (simulated, resumed, len(killed_at))
        assert not os.path.exists(progress)
        with h5py.File(out, "r") as f:
            assert f.attrs["resumed_points"] == resumed

        whole = os.path.join(d, "whole.h5")
        wom("sweep", scenario, "-o", whole, "--quiet")
        n = assert_same_datasets(whole, out, "resumed vs uninterrupted")
        # Resuming a finished sweep does nothing.
        p = wom("sweep", scenario, "-o", out, "--resume")
        assert "already complete" in p.stdout, p.stdout
        # A checkpoint of another sweep is refused, naming the difference.
        write(d, "out2.h5.progress", open(os.path.join(d, "lhs.toml")).read())
        p = wom("sweep", scenario, "-o", os.path.join(d, "out2.h5"), "--resume", expect=2)
        assert "not a wom sweep checkpoint" in p.stderr, p.stderr
    print(f"sweep_resume_after_kill: ok ({resumed} points resumed, {simulated} simulated; {n} datasets identical)")


def sweep_shard_merge():
    """--shard i/N files merged with `wom merge` equal the single run's file."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "grid.toml", GRID)
        single = os.path.join(d, "single.h5")
        wom("sweep", scenario, "-o", single, "--quiet")
        shards = []
        for i in range(3):
            shard = os.path.join(d, f"part{i}.h5")
            wom("sweep", scenario, "-o", shard, "--shard", f"{i}/3", "--quiet")
            with h5py.File(shard, "r") as f:
                assert text(f.attrs["shard"]) == f"{i}/3"
                assert list(f["series/point"][()]) == list(range(i, 8, 3))
            shards.append(shard)
        merged = os.path.join(d, "merged.h5")
        p = wom("merge", merged, shards[2], shards[0], shards[1])
        assert "merged 3 shard files: 8 points" in p.stdout, p.stdout
        n = assert_same_datasets(single, merged, "merged vs single")
        with h5py.File(merged, "r") as f:
            assert text(f.attrs["shard"]) == ""
        # A missing shard, a shard twice, a shard of another sweep: refused, nothing written.
        bad = os.path.join(d, "bad.h5")
        p = wom("merge", bad, shards[0], shards[1], expect=2)
        assert "missing" in p.stderr, p.stderr
        p = wom("merge", bad, shards[0], shards[1], shards[2], shards[1], expect=2)
        assert "is in both" in p.stderr, p.stderr
        other = os.path.join(d, "other.h5")
        wom("sweep", scenario, "-o", other, "--shard", "2/3", "--seed", "5", "--quiet")
        p = wom("merge", bad, shards[0], shards[1], other, expect=2)
        assert "different sweep" in p.stderr, p.stderr
        p = wom("merge", bad, single, scenario, expect=2)
        assert not os.path.exists(bad)
    print(f"sweep_shard_merge: ok ({n} datasets identical)")


def sweep_designs():
    """Random designs are reproducible and within their ranges; common random numbers switch."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "s.toml", BASE)
        args = ["--set", "sweep.design=latin_hypercube", "--set", "sweep.points=12",
                "--set", "model.probability={low=0.01,high=0.5,log=true}", "--set", "network.m={low=2,high=5}"]
        a, b = os.path.join(d, "a.h5"), os.path.join(d, "b.h5")
        wom("sweep", scenario, "-o", a, "--quiet", *args)
        wom("sweep", scenario, "-o", b, "--quiet", *args)
        assert_same_datasets(a, b, "the same design twice")
        with h5py.File(a, "r") as f:
            pts = f["sweep/points"][()]
            assert (pts["model.probability"] >= 0.01).all() and (pts["model.probability"] <= 0.5).all()
            assert set(pts["network.m"]) <= {2, 3, 4, 5}
            assert len(set(np.floor(np.log(pts["model.probability"] / 0.01) / np.log(50) * 12))) == 12  # LHS strata
            assert text(f.attrs["sweep_design"]) == "latin_hypercube"
        # Two points with the same values: identical with common random numbers, not without.
        same = ["--set", "model.probability=0.1,0.1"]
        crn, indep = os.path.join(d, "crn.h5"), os.path.join(d, "indep.h5")
        wom("sweep", scenario, "-o", crn, "--quiet", *same)
        wom("sweep", scenario, "-o", indep, "--quiet", *same, "--set", "sweep.common_random_numbers=false")
        with h5py.File(crn, "r") as f:
            c = f["series/cumulative_adopters"][()]
            assert (c[0] == c[1]).all()
        with h5py.File(indep, "r") as f:
            c = f["series/cumulative_adopters"][()]
            assert not (c[0] == c[1]).all()
            assert len(set(f["sweep/points"]["seed"])) == 2
        p = wom("sweep", scenario, "--dry-run", *args)
        assert "valid sweep: 12 points" in p.stdout and "nothing written" in p.stdout, p.stdout
    print("sweep_designs: ok")


def sweep_channels():
    """Channel series, money and spend are stacked by point like the adoption series; points
    must keep the same channels."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "ads.toml", BASE.replace("[run]", """[[channel]]
type = "sponsored"
budget = 10.0
cpm = 20.0
reach = 0.2
trust = 0.5

[run]"""))
        out = os.path.join(d, "ads.h5")
        wom("sweep", scenario, "-o", out, "--quiet", "--set", "channel.1.budget=0,50")
        with h5py.File(out, "r") as f:
            assert [text(c) for c in f["series/channel"][()]] == ["seed", "friends", "spontaneous", "sponsored"]
            assert f["series/channel_adoptions"].shape == (2, 6, 4, 26)
            assert [f["series/channel_adoptions"].dims[i].label for i in range(4)] == ["point", "replicate", "channel",
                                                                                      "step"]
            assert f["series/money_raised_cents"].shape == (2, 6, 26)
            spend = f["summary/channel_spend_cents"][()]
            assert spend.shape == (2, 6, 4)
            assert (spend[0] == 0).all() and (spend[1, :, 3] > 0).all()
            reps = f["summary/replicates"][()]
            assert (reps["spend_cents"] == spend.sum(axis=2)).all()
            adopt = f["series/channel_adoptions"][()]
            assert (adopt.sum(axis=2) == f["series/new_adopters"][()]).all()  # attribution adds up
            stats = f["summary/points"][()]
            assert np.allclose(stats["spend_cents_mean"], reps["spend_cents"].mean(axis=1))
        # Reproduced by `wom run`, channels included.
        run = os.path.join(d, "run.h5")
        wom("run", scenario, "-o", run, "--quiet", "--set", "channel.1.budget=50.0", "--seed", "17")
        with h5py.File(run, "r") as f, h5py.File(out, "r") as g:
            for name in ("channel_adoptions", "channel_spend_cents", "money_raised_cents", "new_adopters"):
                assert (f["series/" + name][()] == g["series/" + name][1]).all(), name
        p = wom("sweep", scenario, "-o", os.path.join(d, "bad.h5"), "--set", "channel.1.name=a,b", expect=2)
        assert "every point of a sweep must report on the same channels" in p.stderr, p.stderr
    print("sweep_channels: ok")


def sweep_bad_input():
    """Invalid sweeps exit 2 before simulating, at file:line:column, and write nothing."""
    with tempfile.TemporaryDirectory() as d:
        bad = write(d, "bad.toml", GRID.replace('"network.m" = [2, 4]', '"network.m" = [2, 4000]\n"run.steps" = [5, 6]'))
        out = os.path.join(d, "out.h5")
        p = wom("sweep", bad, "-o", out, expect=2)
        assert re.search(r"bad\.toml:25:19: network\.m: expected m < n \(n = 400\), found 4000", p.stderr), p.stderr
        assert re.search(r"bad\.toml:26:1: sweep\.parameters\.run\.steps: cannot be swept", p.stderr), p.stderr
        good = write(d, "good.toml", GRID)
        p = wom("sweep", good, "-o", out, "--set", "model.probability=0.1,x", expect=2)
        assert "--set model.probability=0.1,x: model.probability: expected float, found string" in p.stderr, p.stderr
        wom("sweep", good, "-o", out, "--shard", "3/3", expect=2)
        wom("sweep", good, expect=2)  # no -o
        wom("sweep", good, "-o", os.path.join(d, "no", "such", "dir.h5"), expect=2)
        assert sorted(os.listdir(d)) == ["bad.toml", "good.toml"], os.listdir(d)
        wom("sweep", good, "-o", out, "--quiet")
        p = wom("sweep", good, "-o", out, expect=2)
        assert "--force" in p.stderr, p.stderr
        wom("sweep", good, "-o", out, "--quiet", "--force")
        h = wom("sweep", "--help").stdout
        for flag in ("--set", "--resume", "--shard", "--threads", "--force", "--quiet", "--dry-run"):
            assert flag in h, flag
    print("sweep_bad_input: ok")


CASES = {f.__name__: f for f in (sweep_file, sweep_mpi_identical, sweep_resume_after_kill, sweep_shard_merge,
                                 sweep_designs, sweep_channels, sweep_bad_input)}

if __name__ == "__main__":
    CASES[CASE]()
