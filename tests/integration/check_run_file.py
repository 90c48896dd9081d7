#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check a wom run file for internal consistency (layout: docs/output.md).

usage: check_run_file.py FILE.h5

Reads the file through python/wom_reader.py, so it also tests the reader, and checks that
the series, the summary table and the per-agent data tell one story. Prints one line per
check; exits 0 if all pass, 1 if any fails, 2 if the file cannot be read at all.
"""

import pathlib
import sys

import h5py
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "python"))
import wom_reader  # noqa: E402  (needs the path above)


class Checks:
    """Runs named checks, prints each outcome, remembers failures."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {name}")
        else:
            self.failed.append(name)
            print(f"FAIL  {name}" + (f": {detail}" if detail else ""))


def first_step_reaching(cumulative, final, percent):
    """First step whose cumulative count is >= percent% of final (exact integer test), or -1."""
    if final == 0:
        return -1
    reached = np.nonzero(cumulative.astype(object) * 100 >= final * percent)[0]
    return int(reached[0]) if len(reached) else -1


def check_attributes(c, attrs):
    c.check("format_version == 1", attrs.get("format_version") == 1, repr(attrs.get("format_version")))
    c.check("complete == 1", attrs.get("complete") == 1, repr(attrs.get("complete")))
    expected = ("wom_version", "git_commit", "scenario_path", "scenario", "overrides", "command_line",
                "model", "seed", "threads", "started_utc", "finished_utc", "build_seconds",
                "run_seconds", "agents", "arcs", "directed", "replicates", "steps", "step_hours")
    missing = [name for name in expected if name not in attrs]
    c.check("all root attributes present", not missing, f"missing {missing}")
    c.check("directed is 0 or 1", attrs.get("directed") in (0, 1), repr(attrs.get("directed")))


def check_series(c, run, shape):
    a = run["attrs"]
    for name, values in run["series"].items():
        c.check(f"series/{name} shape {shape} uint64", values.shape == shape and values.dtype == np.uint64,
                f"{values.shape} {values.dtype}")
    c.check("series/step == 0..steps", np.array_equal(run["step"], np.arange(shape[1])), str(run["step"]))
    c.check("series/replicate == 0..replicates-1",
            np.array_equal(run["replicate"], np.arange(shape[0])), str(run["replicate"]))
    c.check("series/time_hours == step * step_hours",
            np.array_equal(run["time_hours"], run["step"] * a["step_hours"]), str(run["time_hours"]))
    new, cumulative = run["series"]["new_adopters"], run["series"]["cumulative_adopters"]
    c.check("cumulative_adopters == cumsum(new_adopters) per replicate",
            np.array_equal(cumulative, np.cumsum(new, axis=1, dtype=np.uint64)))
    c.check("cumulative_adopters <= agents", bool((cumulative <= a["agents"]).all()))


def check_dimension_scales(c, path):
    with h5py.File(path, "r") as f:
        for name in wom_reader.SERIES:
            ds = f["series"][name]
            dim0 = [scale.name for scale in ds.dims[0].values()]
            dim1 = [scale.name for scale in ds.dims[1].values()]
            c.check(f"series/{name} dim 0 scale is /series/replicate", dim0[:1] == ["/series/replicate"],
                    str(dim0))
            c.check(f"series/{name} dim 1 scales are time_hours, step",
                    dim1 == ["/series/time_hours", "/series/step"], str(dim1))
            c.check(f"series/{name} has units", ds.attrs.get("units") in ("agents", "arcs"),
                    repr(ds.attrs.get("units")))
        c.check("time_hours units == hours", f["series/time_hours"].attrs.get("units") == "hours")
        if "agents" in f:
            ds = f["agents/adoption_step"]
            c.check("agents/adoption_step scales are replicate, label",
                    ds.dims[0][0].name == "/series/replicate" and ds.dims[1][0].name == "/agents/label")


def check_summary(c, run, shape):
    a = run["attrs"]
    s = run["summary"]
    new = run["series"]["new_adopters"]
    cumulative = run["series"]["cumulative_adopters"]
    exposures = run["series"]["exposures"]
    c.check("summary has one row per replicate", len(s) == shape[0], str(len(s)))
    if len(s) != shape[0]:
        return
    c.check("summary.replicate == 0..replicates-1", np.array_equal(s["replicate"], np.arange(shape[0])))
    c.check("summary.final_adopters == cumulative[:, -1]",
            np.array_equal(s["final_adopters"], cumulative[:, -1]),
            f"{s['final_adopters']} vs {cumulative[:, -1]}")
    c.check("summary.final_fraction == final_adopters / agents",
            np.allclose(s["final_fraction"], s["final_adopters"] / max(a["agents"], 1), rtol=1e-12, atol=0),
            str(s["final_fraction"]))
    c.check("summary.exposures == sum of series exposures",
            np.array_equal(s["exposures"], exposures.sum(axis=1, dtype=np.uint64)),
            f"{s['exposures']} vs {exposures.sum(axis=1)}")

    peak_bad, reach_bad, last_bad = [], [], []
    for r in range(shape[0]):
        row = s[r]
        later = new[r, 1:]  # the peak is over steps >= 1: step 0 holds the seeds
        if shape[1] > 1 and later.max() > 0:
            peak_step, peak = int(np.argmax(later)) + 1, int(later.max())  # argmax: earliest tie
        else:
            peak_step, peak = -1, 0
        if (row["peak_step"], row["peak_adopters"]) != (peak_step, peak):
            peak_bad.append(f"replicate {r}: file {row['peak_step']}/{row['peak_adopters']}, "
                            f"series {peak_step}/{peak}")
        final = int(cumulative[r, -1])
        for field, percent in (("steps_to_50", 50), ("steps_to_90", 90)):
            expected = first_step_reaching(cumulative[r], final, percent)
            if row[field] != expected:
                reach_bad.append(f"replicate {r} {field}: file {row[field]}, series {expected}")
        last = int(row["last_step"])
        if not 0 <= last < shape[1]:
            last_bad.append(f"replicate {r}: last_step {last} outside 0..{shape[1] - 1}")
        elif new[r, last + 1:].any() or (cumulative[r, last:] != cumulative[r, last]).any():
            last_bad.append(f"replicate {r}: activity after last_step {last}")
    c.check("summary.peak_step/peak_adopters match new_adopters", not peak_bad, "; ".join(peak_bad))
    c.check("summary.steps_to_50/90 match cumulative_adopters", not reach_bad, "; ".join(reach_bad))
    c.check("series repeat the final state after summary.last_step", not last_bad, "; ".join(last_bad))


def check_agents(c, run, shape):
    adoption, label = run["adoption_step"], run["label"]
    if adoption is None:
        c.check("no per-agent data (none recorded)", label is None)
        return
    agents = run["attrs"]["agents"]
    c.check("agents/adoption_step shape [replicate, agent] int32",
            adoption.shape == (shape[0], agents) and adoption.dtype == np.int32, str(adoption.shape))
    c.check("agents/label shape [agent] uint64", label.shape == (agents,) and label.dtype == np.uint64)
    if adoption.shape != (shape[0], agents):
        return
    c.check("adoption steps in -1..steps", bool(((adoption >= -1) & (adoption < shape[1])).all()))
    counts = np.stack([np.bincount(row[row >= 0], minlength=shape[1])[:shape[1]] for row in adoption]) \
        if shape[0] else np.zeros(shape, dtype=np.int64)
    c.check("adoptions per step == new_adopters", np.array_equal(counts, run["series"]["new_adopters"]))
    c.check("agents ever adopted == summary.final_adopters",
            np.array_equal((adoption >= 0).sum(axis=1), run["summary"]["final_adopters"]))


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} FILE.h5", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        run = wom_reader.load_run(path)
    except (OSError, ValueError, KeyError) as error:
        print(f"FAIL  {path} cannot be loaded: {error}")
        return 2
    c = Checks()
    a = run["attrs"]
    shape = (a["replicates"], a["steps"] + 1)
    check_attributes(c, a)
    check_series(c, run, shape)
    check_dimension_scales(c, path)
    check_summary(c, run, shape)
    check_agents(c, run, shape)
    print(f"{path}: {c.passed} checks passed, {len(c.failed)} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
