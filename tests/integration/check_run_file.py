#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check a wom run file for internal consistency (layout: docs/output.md).

usage: check_run_file.py FILE.h5

Reads the file through python/wom_reader.py, so it also tests the reader, and checks that
the series, the summary table, the per-agent data, the channel and layer series and the
referral tree tell one story. Prints one line per
check; exits 0 if all pass, 1 if any fails, 2 if the file cannot be read at all.
"""

import pathlib
import sys
import tomllib

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


def word_of_mouth_channels(attrs, names):
    """Indices of the channels that credit word of mouth: friends and every referral programme
    (named in the scenario text; None when overrides may have changed the channels)."""
    if any(o.startswith("channel") for o in str(attrs.get("overrides", "")).split()):
        return None
    scenario = tomllib.loads(attrs["scenario"])
    referral = {c.get("name", c["type"]) for c in scenario.get("channel", []) if c.get("type") == "referral"}
    return [i for i, name in enumerate(names) if name == "friends" or name in referral]


def check_channels_and_layers(c, path, run, shape):
    """Channel and layer series against the adoption series and their per-replicate totals."""
    s, new, exposures = run["summary"], run["series"]["new_adopters"], run["series"]["exposures"]
    with h5py.File(path, "r") as f:
        if "channel" not in f["series"]:  # every run writes them; a hand-made RunResult may not
            c.check("no channel or layer series (none written)", "layer" not in f["series"])
            return
        names = [n.decode() if isinstance(n, bytes) else n for n in f["series/channel"][()]]
        adoptions = f["series/channel_adoptions"][()]
        c.check("channels begin seed, friends, spontaneous", names[:3] == ["seed", "friends", "spontaneous"],
                str(names))
        c.check("channel series shape [replicate, channel, step]",
                adoptions.shape == (shape[0], len(names), shape[1]), str(adoptions.shape))
        if adoptions.shape != (shape[0], len(names), shape[1]):
            return
        c.check("channel_adoptions summed over channels == new_adopters",
                np.array_equal(adoptions.sum(axis=1, dtype=np.uint64), new))
        c.check("seed channel adopts at step 0 only, all of step 0",
                np.array_equal(adoptions[:, 0, 0], new[:, 0]) and not adoptions[:, 0, 1:].any())
        c.check("channel_exposures of friends == exposures",
                np.array_equal(f["series/channel_exposures"][:, 1, :], exposures))
        spend = f["series/channel_spend_cents"][()]
        c.check("summary/channel_adoptions == channel_adoptions summed over steps",
                np.array_equal(f["summary/channel_adoptions"][()], adoptions.sum(axis=2, dtype=np.uint64)))
        c.check("summary/channel_spend_cents == channel_spend_cents summed over steps",
                np.array_equal(f["summary/channel_spend_cents"][()], spend.sum(axis=2)))
        c.check("summary.spend_cents == all channels' spend",
                np.array_equal(s["spend_cents"], spend.sum(axis=(1, 2))))
        money = f["series/money_raised_cents"][()]
        c.check("money_raised_cents is cumulative (never falls)", bool((np.diff(money, axis=1) >= 0).all()))
        c.check("summary.money_cents == money_raised_cents at the last step",
                np.array_equal(s["money_cents"], money[:, -1]))
        c.check("summary.donors <= final_adopters", bool((s["donors"] <= s["final_adopters"]).all()))

        layers = f["series/layer_adoptions"][()]
        c.check("layer series shape [replicate, layer, step]",
                layers.shape == (shape[0], len(f["series/layer"]), shape[1]), str(layers.shape))
        c.check("summary/layer_adoptions == layer_adoptions summed over steps",
                np.array_equal(f["summary/layer_adoptions"][()], layers.sum(axis=2, dtype=np.uint64)))
        word_of_mouth = word_of_mouth_channels(run["attrs"], names)
        if word_of_mouth is not None:
            c.check("layer_adoptions summed over layers == word-of-mouth channels' adoptions",
                    np.array_equal(layers.sum(axis=1, dtype=np.uint64),
                                   adoptions[:, word_of_mouth, :].sum(axis=1, dtype=np.uint64)),
                    f"word-of-mouth channels {[names[i] for i in word_of_mouth]}")


def forest_metrics(rows):
    """Referral-forest metrics of one replicate's tree rows (docs/output.md, /summary/cascade):
    depth, largest generation, trees, largest tree, structural virality. A row's parent is the
    row whose adopter is its source, if that adoption came at an earlier step."""
    step_of = {int(r["adopter"]): int(r["step"]) for r in rows}
    parent = {}
    for r in rows:
        a, src = int(r["adopter"]), int(r["source"])
        parent[a] = src if src >= 0 and src in step_of and step_of[src] < int(r["step"]) else None
    generation, root = {}, {}
    for a in sorted(parent, key=lambda x: step_of[x]):  # parents adopt earlier: seen first
        p = parent[a]
        generation[a] = 0 if p is None else generation[p] + 1
        root[a] = a if p is None else root[p]
    if not parent:
        return -1, 0, 0, 0, float("nan")
    sizes = {}
    for a in parent:
        sizes[root[a]] = sizes.get(root[a], 0) + 1
    per_generation = np.bincount(list(generation.values()))
    # Mean distance over pairs in the same tree: each edge lies on s * (n - s) of its tree's
    # paths, s the number of adopters below it.
    below = dict.fromkeys(parent, 1)
    for a in sorted(parent, key=lambda x: -step_of[x]):  # children before parents
        if parent[a] is not None:
            below[parent[a]] += below[a]
    distance = sum(below[a] * (sizes[root[a]] - below[a]) for a in parent if parent[a] is not None)
    pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    virality = distance / pairs if pairs else float("nan")
    return max(generation.values()), int(per_generation.max()), len(sizes), max(sizes.values()), virality


def check_referral_tree(c, path, run, shape):
    with h5py.File(path, "r") as f:
        if "referral_tree" not in f:
            c.check("no referral tree (none recorded)", "summary/cascade" not in f)
            return
        edges, cascade = f["referral_tree/edges"][()], f["summary/cascade"][()]
        adoptions = f["series/channel_adoptions"][()]
    new, s = run["series"]["new_adopters"], run["summary"]
    order = np.lexsort((edges["adopter"], edges["step"], edges["replicate"]))
    c.check("referral tree rows sorted by (replicate, step, adopter)", np.array_equal(order, np.arange(len(edges))))
    per_step = np.zeros(shape, dtype=np.uint64)
    np.add.at(per_step, (edges["replicate"], edges["step"]), 1)
    c.check("referral tree rows per (replicate, step) == new_adopters", np.array_equal(per_step, new))
    per_channel = np.zeros(adoptions.shape[:2], dtype=np.uint64)
    np.add.at(per_channel, (edges["replicate"], edges["channel"]), 1)
    c.check("referral tree rows per (replicate, channel) == channel adoptions",
            np.array_equal(per_channel, adoptions.sum(axis=2, dtype=np.uint64)))
    if run["adoption_step"] is not None:
        index = {int(label): i for i, label in enumerate(run["label"])}
        steps = run["adoption_step"][edges["replicate"], [index[int(a)] for a in edges["adopter"]]]
        c.check("referral tree steps == agents/adoption_step", np.array_equal(steps, edges["step"]))
    c.check("summary/cascade has one row per replicate",
            np.array_equal(cascade["replicate"], np.arange(shape[0])), str(cascade["replicate"]))
    bad = []
    for r in range(min(shape[0], len(cascade))):
        depth, generation, trees, largest, virality = forest_metrics(edges[edges["replicate"] == r])
        row = cascade[r]
        same = (row["depth"], row["largest_generation"], row["trees"], row["largest_tree"]) == \
            (depth, generation, trees, largest)
        same_virality = (np.isnan(virality) and np.isnan(row["structural_virality"])) or \
            abs(row["structural_virality"] - virality) <= 1e-9 * max(1.0, virality)
        if not (same and same_virality):
            bad.append(f"replicate {r}: file {tuple(row)[1:]}, tree {(depth, generation, trees, largest, virality)}")
    c.check("summary/cascade == metrics of the referral tree's forest", not bad, "; ".join(bad[:3]))


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
    check_channels_and_layers(c, path, run, shape)
    check_referral_tree(c, path, run, shape)
    print(f"{path}: {c.passed} checks passed, {len(c.failed)} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
