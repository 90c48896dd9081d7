#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `wom graph`: the binary graph file it writes loads through a scenario's
`edge_list` and gives the same run as the text edge list; bad input exits 2 and writes nothing.

usage: graph_command_test.py WOM_BINARY SOURCE_DIR CASE   (CASE: see CASES at the bottom)
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from h5contents import datasets  # noqa: E402

WOM, SRC, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
DATA = os.path.abspath(os.path.join(SRC, "..", "shared", "data"))


def wom(*args, expect=0):
    p = subprocess.run([WOM, *args], capture_output=True, text=True)
    if p.returncode != expect:
        sys.exit(f"wom {' '.join(args)}: exit {p.returncode}, expected {expect}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def scenario(folder, edge_list):
    path = os.path.join(folder, f"s_{os.path.basename(edge_list)}.toml")
    with open(path, "w") as f:
        f.write(f"""[network]
edge_list = "{edge_list}"
directed = true

[trust]
rule = "inverse_in_degree"

[model]
name = "linear_threshold"

[[channel]]
type = "seed"
strategy = "random"
count = 30

[run]
steps = 40
replicates = 8
seed = 11
""")
    return path


def same_run_as_text():
    """A run on the graph file equals the run on the edge list it was made from."""
    with tempfile.TemporaryDirectory() as d:
        text = os.path.join(DATA, "wiki-Vote.txt")
        cache = os.path.join(d, "wiki.wgraph")
        p = wom("graph", text, "-o", cache, "--directed")
        assert "7115 agents, 103689 arcs (directed)" in p.stdout, p.stdout
        assert os.path.getsize(cache) > 0
        outs = []
        for edges in (text, cache):
            out = os.path.join(d, os.path.basename(edges) + ".h5")
            wom("run", scenario(d, edges), "-o", out, "--threads", "2")
            outs.append(datasets(out))
        a, b = outs
        assert a.keys() == b.keys(), (sorted(a), sorted(b))
        for k in a:
            assert a[k] == b[k], f"{k} differs between the edge list and its graph file"


def bad_input_exit_2():
    """Malformed edge lists, a wrong directedness and a graph file as input exit 2, writing nothing."""
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.txt")
        with open(bad, "w") as f:
            f.write("1 2\n2 x\n")
        out = os.path.join(d, "bad.wgraph")
        p = wom("graph", bad, "-o", out, expect=2)
        assert "bad.txt:2: expected an unsigned integer agent id" in p.stderr, p.stderr
        assert sorted(os.listdir(d)) == ["bad.txt"], os.listdir(d)

        cache = os.path.join(d, "g.wgraph")
        wom("graph", os.path.join(DATA, "karate.txt"), "-o", cache)
        p = wom("graph", cache, "-o", os.path.join(d, "again.wgraph"), expect=2)
        assert "is already a wom graph file" in p.stderr, p.stderr
        p = wom("run", scenario(d, cache), "-o", os.path.join(d, "r.h5"), expect=2)  # scenario says directed
        assert "network.directed = true" in p.stderr and "holds an undirected graph" in p.stderr, p.stderr
        assert not os.path.exists(os.path.join(d, "r.h5"))


CASES = {f.__name__: f for f in (same_run_as_text, bad_input_exit_2)}

if __name__ == "__main__":
    CASES[CASE]()
