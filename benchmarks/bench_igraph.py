#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Side by side, in one invocation: wom's continuous-time SIR against igraph's on the same graph.

python3-igraph builds a Barabási–Albert graph (N = 100,000, m = 5 in the perf preset) and
writes it as an edge list; `wom run` simulates continuous-time SIR (beta = 0.05, gamma = 0.2,
one random initial infective, as igraph_sir starts) on that edge list with 1 and 2 threads;
igraph's SIR runs on the same graph. python3-igraph 0.10 has no SIR binding, so the script
calls igraph_sir (Gillespie; the same igraph 0.10 C core python3-igraph is built on) in
Debian's libigraph3 through ctypes; without that library it reports wom's side only.
Seconds per run are best of three (a shared machine); the mean final sizes (ever infected)
must agree within sampling error, which the script reports as a z score.

  /usr/bin/python3 benchmarks/bench_igraph.py --wom build/wom [--preset small|perf] [--json FILE]
"""

import argparse
import ctypes
import ctypes.util
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

import igraph


def load_average():
    return os.getloadavg()[0]


class IgraphC:
    """The few igraph C calls igraph_sir needs (igraph 0.10: 64-bit integers)."""

    class VectorInt(ctypes.Structure):
        _fields_ = [("stor_begin", ctypes.POINTER(ctypes.c_int64)), ("stor_end", ctypes.POINTER(ctypes.c_int64)),
                    ("end", ctypes.POINTER(ctypes.c_int64))]

    class Vector(ctypes.Structure):
        _fields_ = [("stor_begin", ctypes.POINTER(ctypes.c_double)), ("stor_end", ctypes.POINTER(ctypes.c_double)),
                    ("end", ctypes.POINTER(ctypes.c_double))]

    class VectorPtr(ctypes.Structure):
        _fields_ = [("stor_begin", ctypes.POINTER(ctypes.c_void_p)), ("stor_end", ctypes.POINTER(ctypes.c_void_p)),
                    ("end", ctypes.POINTER(ctypes.c_void_p)), ("item_destructor", ctypes.c_void_p)]

    def __init__(self):
        path = ctypes.util.find_library("igraph")
        if path is None:
            raise OSError("libigraph not found (Debian package libigraph3)")
        self.lib = ctypes.CDLL(path)
        lib = self.lib
        lib.igraph_version.argtypes = [ctypes.POINTER(ctypes.c_char_p)] + [ctypes.POINTER(ctypes.c_int)] * 3
        s = ctypes.c_char_p()
        a, b, c = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        lib.igraph_version(ctypes.byref(s), ctypes.byref(a), ctypes.byref(b), ctypes.byref(c))
        self.version = s.value.decode()
        if a.value != 0 or b.value != 10:
            raise OSError(f"libigraph {self.version}: this script speaks the igraph 0.10 C API")
        lib.igraph_rng_default.restype = ctypes.c_void_p
        lib.igraph_rng_seed.argtypes = [ctypes.c_void_p, ctypes.c_uint64]
        lib.igraph_vector_int_init.argtypes = [ctypes.c_void_p, ctypes.c_int64]
        lib.igraph_create.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_bool]
        lib.igraph_vector_ptr_init.argtypes = [ctypes.c_void_p, ctypes.c_int64]
        lib.igraph_vector_ptr_destroy_all.argtypes = [ctypes.c_void_p]
        lib.igraph_sir.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double, ctypes.c_int64, ctypes.c_void_p]
        lib.igraph_vector_int_destroy.argtypes = [ctypes.c_void_p]
        lib.igraph_destroy.argtypes = [ctypes.c_void_p]

    def check(self, code, what):
        if code != 0:
            raise RuntimeError(f"igraph: {what} failed with code {code}")

    def graph(self, n, edges):
        """igraph_t of an undirected graph from a flat list of endpoints."""
        vec = self.VectorInt()
        self.check(self.lib.igraph_vector_int_init(ctypes.byref(vec), len(edges)), "igraph_vector_int_init")
        arr = (ctypes.c_int64 * len(edges))(*edges)
        ctypes.memmove(vec.stor_begin, arr, ctypes.sizeof(arr))
        g = ctypes.create_string_buffer(4096)  # igraph_t is ~200 bytes; its layout stays opaque here
        self.check(self.lib.igraph_create(g, ctypes.byref(vec), n, False), "igraph_create")
        self.lib.igraph_vector_int_destroy(ctypes.byref(vec))
        return g

    def sir(self, g, beta, gamma, runs, seed):
        """Runs igraph_sir `runs` times; returns (seconds, final sizes)."""
        self.check(self.lib.igraph_rng_seed(self.lib.igraph_rng_default(), seed), "igraph_rng_seed")
        result = self.VectorPtr()
        self.check(self.lib.igraph_vector_ptr_init(ctypes.byref(result), 0), "igraph_vector_ptr_init")
        t0 = time.perf_counter()
        self.check(self.lib.igraph_sir(g, beta, gamma, runs, ctypes.byref(result)), "igraph_sir")
        seconds = time.perf_counter() - t0
        finals = []
        count = (ctypes.cast(result.end, ctypes.c_void_p).value - ctypes.cast(result.stor_begin, ctypes.c_void_p).value) // 8
        for i in range(count):
            # igraph_sir_t: times (vector), then no_s, no_i, no_r (int vectors): final size = N - S_end.
            item = ctypes.cast(result.stor_begin[i], ctypes.POINTER(ctypes.c_char))
            no_s = ctypes.cast(ctypes.addressof(item.contents) + ctypes.sizeof(self.Vector),
                               ctypes.POINTER(self.VectorInt)).contents
            length = (ctypes.cast(no_s.end, ctypes.c_void_p).value - ctypes.cast(no_s.stor_begin, ctypes.c_void_p).value) // 8
            finals.append(no_s.stor_begin[0] - no_s.stor_begin[length - 1])
        self.lib.igraph_vector_ptr_destroy_all(ctypes.byref(result))
        return seconds, finals


def wom_run(wom, scenario, out, threads):
    """One `wom run`; returns (run seconds, final sizes). The run's own timer (run_seconds)
    excludes process start, building the network from the edge list and writing the file."""
    subprocess.run([wom, "run", scenario, "-o", out, "--threads", str(threads)], check=True,
                   stdout=subprocess.DEVNULL)
    import h5py
    with h5py.File(out, "r") as f:
        seconds = float(f.attrs["run_seconds"])
        finals = [int(x) for x in f["summary/replicates"]["final_adopters"]]
    os.remove(out)
    return seconds, finals


def mean_sd(xs):
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wom", required=True)
    ap.add_argument("--preset", choices=["small", "perf"], default="perf")
    ap.add_argument("--json")
    args = ap.parse_args()
    n, m = (100_000, 5) if args.preset == "perf" else (5_000, 5)
    runs = 40 if args.preset == "perf" else 10
    beta, gamma = 0.05, 0.2
    report = {"benchmark": "bench_igraph", "preset": args.preset, "machine": platform.platform(),
              "hardware_threads": os.cpu_count(), "load_average_at_start": load_average(),
              "igraph_python": igraph.__version__, "agents": n, "m": m, "beta": beta, "gamma": gamma, "runs": runs}
    commit = subprocess.run([args.wom, "--version"], capture_output=True, text=True).stdout.strip()
    report["wom"] = commit

    with tempfile.TemporaryDirectory(prefix="wom-bench-igraph-") as tmp:
        g = igraph.Graph.Barabasi(n, m, start_from=None, outpref=False, directed=False, power=1, zero_appeal=1,
                                  implementation="psumtree")
        g.simplify()
        edges = g.get_edgelist()
        path = os.path.join(tmp, "ba.txt")
        with open(path, "w") as f:
            f.write("".join(f"{u} {v}\n" for u, v in edges))
        scenario = os.path.join(tmp, "sir.toml")
        with open(scenario, "w") as f:
            f.write(f"""[network]
edge_list = "ba.txt"

[model]
name = "sir"
beta = {beta}
gamma = {gamma}
update = "continuous"

[[channel]]
type = "seed"
strategy = "random"
count = 1

[run]
steps = 2000
replicates = {runs}
seed = 7
""")
        report["arcs"] = 2 * len(edges)
        print(f"bench_igraph: BA N = {n}, m = {m} from python3-igraph {igraph.__version__} ({2 * len(edges)} arcs); "
              f"continuous-time SIR beta = {beta}, gamma = {gamma}, 1 initial infective, {runs} runs; best of 3; "
              f"load {load_average():.2f}")
        rows = []
        for threads in (1, 2):
            best, finals = min((wom_run(args.wom, scenario, os.path.join(tmp, "out.h5"), threads) for _ in range(3)),
                               key=lambda r: r[0])
            mean, sd = mean_sd(finals)
            rows.append({"who": f"wom, {threads} thread(s)", "threads": threads, "seconds_per_run": best / runs,
                         "mean_final": mean, "sd_final": sd, "load_average": load_average()})
        try:
            c = IgraphC()
            ig = c.graph(n, [x for e in edges for x in e])
            best, finals = min((c.sir(ig, beta, gamma, runs, 7 + i) for i in range(3)), key=lambda r: r[0])
            c.lib.igraph_destroy(ig)
            mean, sd = mean_sd(finals)
            rows.append({"who": f"igraph_sir (C core {c.version}), 1 thread", "threads": 1,
                         "seconds_per_run": best / runs, "mean_final": mean, "sd_final": sd,
                         "load_average": load_average()})
            report["igraph_c"] = c.version
        except (OSError, RuntimeError) as e:
            print(f"bench_igraph: igraph's SIR not run: {e}")
            report["igraph_c"] = None
    igraph_row = next((r for r in rows if r["who"].startswith("igraph")), None)
    print(f"{'who':44s} {'s/run':>10s} {'mean final':>11s} {'sd':>8s} {'igraph/wom':>10s}")
    for r in rows:
        ratio = igraph_row["seconds_per_run"] / r["seconds_per_run"] if igraph_row and r is not igraph_row else None
        r["igraph_over_wom"] = ratio
        print(f"{r['who']:44s} {r['seconds_per_run']:10.4g} {r['mean_final']:11.1f} {r['sd_final']:8.1f} "
              f"{(f'{ratio:.1f}x' if ratio else ''):>10s}")
    if igraph_row:
        w = rows[0]
        z = (w["mean_final"] - igraph_row["mean_final"]) / math.sqrt(
            (w["sd_final"] ** 2 + igraph_row["sd_final"] ** 2) / runs + 1e-12)
        report["final_size_z"] = z
        print(f"mean final sizes differ by z = {z:.2f} (|z| < 3 expected: same process)")
    report["results"] = rows
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
