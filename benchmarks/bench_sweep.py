#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Sweep throughput of the real `wom sweep`: points per second with 1 and 2 threads and with 2
MPI ranks (1 thread each), and the scheduling overhead per point: the share of the workers'
time spent outside simulating and building networks (dispatch, result transfer, checkpoint,
waiting), from the file's own timing attributes:

    overhead = 1 - (simulate_seconds + build_seconds) / (run_seconds * threads * ranks)

Target: under 1 %. Prints a table and writes JSON (figures, commit, machine).

    bench_sweep.py --wom build/wom [--preset small|perf] [--mpi on|off] [--json FILE]

perf: 1,000 points x 10 replicates of independent cascade on Barabási–Albert N = 10,000 (a
random design over the probability; every point shares the network). small: 40 points x 2
replicates on N = 1,000 (a smoke test in ctest, label benchmark).
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import h5py

PRESETS = {
    "small": {"n": 1000, "points": 40, "replicates": 2, "repeats": 1},
    "perf": {"n": 10000, "points": 1000, "replicates": 10, "repeats": 3},
}

SCENARIO = """\
# bench_sweep: {points} points x {replicates} replicates, IC on Barabasi-Albert N = {n}
[network]
generator = "barabasi_albert"
n = {n}
m = 3

[model]
name = "independent_cascade"
probability = 0.05

[[channel]]
type = "seed"
strategy = "random"
count = 10

[run]
steps = 50
replicates = {replicates}
seed = 2024

[sweep]
design = "random"
points = {points}

[sweep.parameters]
"model.probability" = {{low = 0.01, high = 0.3, log = true}}
"""


def measure(wom, scenario, folder, threads, ranks, mpirun, repeats):
    best = None
    for rep in range(repeats):
        out = os.path.join(folder, f"t{threads}_r{ranks}_{rep}.h5")
        cmd = [wom, "sweep", scenario, "-o", out, "--threads", str(threads), "--quiet"]
        if ranks > 1:
            cmd = [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", str(ranks), *cmd]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - t0
        with h5py.File(out, "r") as f:
            a = {k: float(f.attrs[k]) for k in ("run_seconds", "simulate_seconds", "build_seconds")}
            points = int(f.attrs["sweep_points"])
            assert int(f.attrs["mpi_ranks"]) == ranks, (f.attrs["mpi_ranks"], ranks)
        os.remove(out)
        workers = threads * ranks
        busy = a["simulate_seconds"] + a["build_seconds"]
        figure = {
            "threads": threads,
            "ranks": ranks,
            "points": points,
            "points_per_second": points / a["run_seconds"],
            "points_per_second_end_to_end": points / wall,
            "process_seconds": wall,
            "run_seconds": a["run_seconds"],
            "simulate_seconds": a["simulate_seconds"],
            "build_seconds": a["build_seconds"],
            "overhead_fraction": max(0.0, 1.0 - busy / (a["run_seconds"] * workers)),
            "overhead_ms_per_point": max(0.0, a["run_seconds"] * workers - busy) / points * 1e3,
            "simulate_ms_per_point": a["simulate_seconds"] / points * 1e3,
        }
        # Best of the repeats: this machine is shared and its speed drifts.
        if best is None or figure["run_seconds"] < best["run_seconds"]:
            best = figure
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wom", required=True)
    parser.add_argument("--preset", choices=PRESETS, default="small")
    parser.add_argument("--mpi", choices=("on", "off"), default="on")
    parser.add_argument("--json")
    args = parser.parse_args()
    preset = PRESETS[args.preset]
    mpirun = shutil.which("mpirun")
    configs = [(1, 1), (2, 1)]
    if args.mpi == "on":
        if mpirun is None:
            sys.exit("bench_sweep: --mpi on, but there is no mpirun (apt-get install openmpi-bin)")
        configs.append((1, 2))
    with tempfile.TemporaryDirectory() as folder:
        scenario = os.path.join(folder, "bench.toml")
        with open(scenario, "w") as f:
            f.write(SCENARIO.format(**preset))
        figures = [measure(args.wom, scenario, folder, t, r, mpirun, preset["repeats"]) for t, r in configs]
    print(f"bench_sweep ({args.preset}): {preset['points']} points x {preset['replicates']} replicates, "
          f"IC on BA N = {preset['n']}")
    print(f"  {'threads x ranks':>16} {'points/s':>10} {'end-to-end':>11} {'sim ms/pt':>10} "
          f"{'overhead ms/pt':>15} {'overhead':>9}")
    for g in figures:
        print(f"  {g['threads']:>8} x {g['ranks']:<5} {g['points_per_second']:>10.1f} "
              f"{g['points_per_second_end_to_end']:>11.1f} {g['simulate_ms_per_point']:>10.3f} "
              f"{g['overhead_ms_per_point']:>15.4f} {100 * g['overhead_fraction']:>8.2f}%")
    if args.json:
        commit = subprocess.run([args.wom, "--version"], capture_output=True, text=True).stdout.strip()
        with open(args.json, "w") as f:
            json.dump({"benchmark": "bench_sweep", "preset": args.preset, "wom": commit,
                       "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                   "processor": platform.processor()},
                       "workload": preset, "figures": figures}, f, indent=2)
        print(f"  wrote {args.json}")


if __name__ == "__main__":
    main()
