#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Faults met by a real `wom` process: real signals sent to it mid-run and mid-write, a
file-size limit and a full file system while it writes, and input that is accepted as
documented (self-loops, duplicate arcs, 64-bit ids). Each checks what is left on disk.

usage: faults_test.py WOM_BINARY SOURCE_DIR CASE
"""
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from checkpoint import checkpoint_points  # noqa: E402
from h5contents import datasets  # noqa: E402

WOM, SRC, CASE = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
EXAMPLES = os.path.join(SRC, "scenarios", "examples")

# Long enough to be interrupted mid-simulation (seconds, more under sanitizers); the
# interrupt is sent once the process shows it is working, never after a fixed sleep alone.
SLOW = """\
[network]
generator = "barabasi_albert"
n = 200000
m = 4

[model]
name = "independent_cascade"
probability = 0.08

[[channel]]
type = "seed"
strategy = "random"
count = 20

[run]
steps = 60
replicates = 100000
"""

SWEEP = """\
[network]
generator = "barabasi_albert"
n = 3000
m = 3

[model]
name = "independent_cascade"
probability = 0.05

[[channel]]
type = "seed"
strategy = "random"
count = 3

[run]
steps = 30
replicates = 400
seed = 5

[sweep]
design = "grid"

[sweep.parameters]
"model.probability" = [0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20]
"network.m" = [2, 3, 4, 5, 6, 7]
"""


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def wait_until(condition, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.02)
    sys.exit(f"timed out after {timeout} s waiting for {what}")


def cpu_seconds(pid):
    """User + system CPU time of a live process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def expect_interrupted(p, sig, folder, keep=()):
    out, err = p.communicate(timeout=120)
    return check_interrupted(p.returncode, err, sig, folder, keep)


def check_interrupted(returncode, err, sig, folder, keep=()):
    name = signal.Signals(sig).name
    assert returncode == 128 + sig, (returncode, err)
    assert re.fullmatch(rf"wom: interrupted by {name}; (removed the incomplete output file|no output file written)"
                        r"(; .*)?\n", err), err
    left = sorted(os.listdir(folder))
    assert left == sorted(keep), f"left behind after {name}: {left}"
    return err


def graph_file_is_whole(path):
    """A graph file (layout: sim/network/csr_file.hpp) with its magic and every array its
    header announces, padded to 64 bytes."""
    with open(path, "rb") as f:
        header = f.read(64)
    if len(header) < 64 or header[:8] != b"\x89WOMCSR\n":
        return False
    flags, agents, arcs = (int.from_bytes(header[a:b], "little") for a, b in ((12, 16), (16, 24), (24, 32)))
    padded = lambda n: (n + 63) // 64 * 64  # noqa: E731
    size = 64 + padded((agents + 1) * 8) + padded(arcs * 4)
    size += padded(arcs * 4) if flags & 2 else 0
    size += padded(agents * 8) if flags & 4 else 0
    return os.path.getsize(path) == size


def published_first(p, sig, folder, name):
    """After a signal sent while the output was being written: True (and the output removed,
    for another try) if the rename won the race, that is if wom finished, or was interrupted
    only once the complete file was in place and said so; the file is then whole. Otherwise
    checks what an interrupt leaves and says (check_interrupted) and returns False."""
    out, err = p.communicate(timeout=120)
    if p.returncode == 0 or "the output file was already complete" in err:
        assert p.returncode in (0, 128 + sig), (p.returncode, err)
        assert os.listdir(folder) == [name], os.listdir(folder)
        path = os.path.join(folder, name)
        if name.endswith(".h5"):
            with h5py.File(path, "r") as f:
                assert f.attrs["complete"] == 1
        else:
            assert graph_file_is_whole(path), path
        os.remove(path)
        return True
    check_interrupted(p.returncode, err, sig, folder)
    return False


def interrupt_run():
    """SIGINT and SIGTERM while `wom run` simulates: exit 130/143, nothing written."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "slow.toml", SLOW)
        os.mkdir(os.path.join(d, "out"))
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            p = subprocess.Popen([WOM, "run", scenario, "-o", os.path.join(d, "out", "r.h5"), "--threads", "2"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Simulating: the process has spent CPU beyond loading and building.
            wait_until(lambda: p.poll() is not None or cpu_seconds(p.pid) > 1.0, 60, "wom to start simulating")
            assert p.poll() is None, "the run finished before it could be interrupted; make SLOW slower"
            p.send_signal(sig)
            expect_interrupted(p, sig, os.path.join(d, "out"))
            print(f"interrupt_run: {signal.Signals(sig).name}: exit {128 + sig}, no file")


def interrupt_while_writing():
    """SIGTERM once the temporary output exists (the HDF5 file is being written): it goes."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "big.toml", SLOW.replace("replicates = 100000", "replicates = 300")
                         + "\n[output]\nadoption_steps = true\n")
        out = os.path.join(d, "out")
        os.mkdir(out)
        for attempt in range(5):
            p = subprocess.Popen([WOM, "run", scenario, "-o", os.path.join(out, "r.h5"), "--quiet"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_until(lambda: p.poll() is not None or any(".partial-" in n for n in os.listdir(out)), 300,
                       "the temporary output to appear")
            p.send_signal(signal.SIGTERM)  # a process that already finished ignores it
            if not published_first(p, signal.SIGTERM, out, "r.h5"):
                break
        else:
            sys.exit("never interrupted while writing")
        print("interrupt_while_writing: SIGTERM during the HDF5 write: exit 143, temporary removed")


def interrupt_sweep_resume():
    """SIGINT mid-sweep keeps the checkpoint and no output; --resume completes the sweep into
    the same datasets as an uninterrupted sweep."""
    with tempfile.TemporaryDirectory() as d:
        scenario = write(d, "sweep.toml", SWEEP)
        whole = os.path.join(d, "whole.h5")
        subprocess.run([WOM, "sweep", scenario, "-o", whole, "--quiet", "--threads", "2"], check=True)
        out = os.path.join(d, "out")
        os.mkdir(out)
        target = os.path.join(out, "s.h5")
        progress = target + ".progress"
        # The whole sweep takes about a second on one thread (400 replicates a point: with 40,
        # every point was done before the checkpoint's first write on a faster host), so the
        # signal can still land after the last point was recorded; such a try is still checked
        # (no output, checkpoint kept), then repeated until one lands mid-sweep. One thread
        # gives the signal the most room.
        for attempt in range(8):
            p = subprocess.Popen([WOM, "sweep", scenario, "-o", target, "--threads", "1", "--quiet"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Some points recorded (the checkpoint grows past its header).
            wait_until(lambda: p.poll() is not None or (os.path.exists(progress) and os.path.getsize(progress) > 1000),
                       120, "points in the checkpoint")
            if p.poll() is not None:  # finished first: a complete file, no checkpoint
                assert p.returncode == 0, p.communicate()
                assert sorted(os.listdir(out)) == ["s.h5"], os.listdir(out)
                os.remove(target)
                continue
            p.send_signal(signal.SIGINT)
            err = expect_interrupted(p, signal.SIGINT, out, keep=["s.h5.progress"])
            assert "--resume" in err, err
            if len(checkpoint_points(progress)) < 60:
                break
            os.remove(progress)
        else:
            sys.exit("never interrupted mid-sweep in 8 tries")
        # Without --resume the interrupted sweep is pointed out, not overwritten.
        q = subprocess.run([WOM, "sweep", scenario, "-o", target, "--quiet"], capture_output=True, text=True)
        assert q.returncode == 2 and "--resume" in q.stderr, q.stderr
        r = subprocess.run([WOM, "sweep", scenario, "-o", target, "--resume", "--threads", "2"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        resumed = int(re.search(r"(\d+) resumed from checkpoint", r.stdout).group(1))
        assert 0 < resumed < 60, r.stdout
        assert sorted(os.listdir(out)) == ["s.h5"], os.listdir(out)
        a, b = datasets(whole), datasets(target)
        assert a.keys() == b.keys()
        for name in a:
            assert a[name] == b[name], f"{name} differs after interrupt + --resume"
        print(f"interrupt_sweep_resume: SIGINT kept {resumed} points; --resume gave identical datasets")


def interrupt_graph():
    """SIGINT while `wom graph` parses an edge list, and SIGTERM once its graph file is being
    written: exit 130/143 and no graph file, whole or partial."""
    with tempfile.TemporaryDirectory() as d:
        # 4 M distinct edges over 4 M agents (a block of 100,000 scattered edges, shifted 40
        # times): parsing takes about a second and the graph file is 64 MB, so both the parse
        # and the write last long enough for a signal to land in them.
        block = [((i * 7919) % 100000, (i * 104729 + 17) % 100000) for i in range(100000)]
        edges = os.path.join(d, "edges.txt")
        with open(edges, "w") as f:
            for shift in range(0, 4000000, 100000):
                f.write("".join(f"{a + shift} {b + shift}\n" for a, b in block))
        out = os.path.join(d, "out")
        os.mkdir(out)
        target = os.path.join(out, "g.wgraph")
        p = subprocess.Popen([WOM, "graph", edges, "-o", target], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        wait_until(lambda: p.poll() is not None or cpu_seconds(p.pid) > 0.3, 60, "wom graph to start parsing")
        assert p.poll() is None, "wom graph finished before it could be interrupted; make the edge list longer"
        p.send_signal(signal.SIGINT)
        expect_interrupted(p, signal.SIGINT, out)
        for attempt in range(5):  # the write is short: the rename may win the race
            p = subprocess.Popen([WOM, "graph", edges, "-o", target], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            wait_until(lambda: p.poll() is not None or any(".partial-" in n for n in os.listdir(out)), 300,
                       "the temporary graph file to appear")
            p.send_signal(signal.SIGTERM)
            if published_first(p, signal.SIGTERM, out, "g.wgraph"):
                continue
            print(f"interrupt_graph: SIGINT while parsing and SIGTERM while writing (try {attempt + 1}): no file")
            return
        sys.exit("never interrupted while the graph file was written")


def big_run_args(folder):
    scenario = write(folder, "lt.toml", open(os.path.join(EXAMPLES, "lt_facebook.toml")).read().replace(
        "../../../shared/data/", os.path.join(SRC, "..", "shared", "data") + "/"))
    return [WOM, "run", scenario, "--quiet", "--set", "output.adoption_steps=true", "--set", "run.replicates=100"]


def expect_write_failure(p, folder, reason):
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "HDF5-DIAG" not in p.stderr and "#000" not in p.stderr, p.stderr
    lines = p.stderr.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("wom: error: HDF5: cannot "), p.stderr
    assert reason in lines[0], p.stderr
    # The message names the output the user asked for, not the temporary file it removed.
    assert "file '" + os.path.join(folder, "r.h5") + "'" in lines[0] and ".partial" not in lines[0], p.stderr
    assert os.listdir(folder) == [], os.listdir(folder)


def full_disk_rlimit():
    """A file-size limit (ulimit -f) reached while writing: one clear line, exit 2, no file."""
    with tempfile.TemporaryDirectory() as d:
        args = big_run_args(d)
        out = os.path.join(d, "out")
        os.mkdir(out)
        limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, resource.RLIM_INFINITY))
        p = subprocess.run([*args, "-o", os.path.join(out, "r.h5")], capture_output=True, text=True, preexec_fn=limit)
        expect_write_failure(p, out, "File too large")
        print("full_disk_rlimit: " + p.stderr.strip())


def full_disk_tmpfs():
    """A full file system (a 256 KiB tmpfs) while writing: one clear line, exit 2, no file.
    Needs the right to mount (root in CI); elsewhere the ulimit case covers the same path."""
    with tempfile.TemporaryDirectory() as d:
        args = big_run_args(d)
        out = os.path.join(d, "small")
        os.mkdir(out)
        if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", out],
                                                capture_output=True).returncode != 0:
            print("full_disk_tmpfs: cannot mount a tmpfs here; covered by full_disk_rlimit")
            return
        try:
            p = subprocess.run([*args, "-o", os.path.join(out, "r.h5")], capture_output=True, text=True)
            expect_write_failure(p, out, "No space left on device")
            print("full_disk_tmpfs: " + p.stderr.strip())
            # Read-only file system: refused up front, before simulating.
            subprocess.run(["mount", "-o", "remount,ro", out], check=True)
            p = subprocess.run([*args, "-o", os.path.join(out, "r.h5")], capture_output=True, text=True)
            assert p.returncode == 2 and re.fullmatch(r"wom: error: .*/r\.h5: cannot write in output folder '.*': "
                                                      r"read-only file system\n", p.stderr), p.stderr
            print("full_disk_tmpfs: read-only: " + p.stderr.strip())
        finally:
            subprocess.run(["umount", out], check=True)


def handled_input():
    """Self-loops dropped, duplicate arcs merged, 64-bit ids remapped (docs/errors.md)."""
    with tempfile.TemporaryDirectory() as d:
        # Undirected: {1,2}, {2,3} and {1, 2^64-1}; a self-loop, a repeat and a reversed repeat.
        big = 2**64 - 1
        write(d, "e.txt", f"1 1\n1 2\n2 1\n1 2\n2 3\n1 {big}\n")
        scenario = write(d, "s.toml", '[network]\nedge_list = "e.txt"\n\n[model]\nname = "independent_cascade"\n'
                         'probability = 1.0\n\n[[channel]]\ntype = "seed"\nstrategy = "explicit"\nids = [1]\n\n'
                         '[run]\nsteps = 5\n\n[output]\nadoption_steps = true\n')
        out = os.path.join(d, "r.h5")
        p = subprocess.run([WOM, "run", scenario, "-o", out], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert re.search(r"on 4 agents, 6 arcs", p.stdout), p.stdout
        with h5py.File(out, "r") as f:
            assert f.attrs["arcs"] == 6 and f.attrs["agents"] == 4
            labels = [int(x) for x in f["agents/label"][:]]
            assert labels == [1, 2, 3, big], labels
            assert f["series/cumulative_adopters"][0, -1] == 4
        print("handled_input: self-loop dropped, duplicates merged, 64-bit id kept as a label")


CASES = {f.__name__: f for f in (interrupt_run, interrupt_while_writing, interrupt_sweep_resume, interrupt_graph,
                                 full_disk_rlimit,
                                 full_disk_tmpfs, handled_input)}
CASES[CASE]()
