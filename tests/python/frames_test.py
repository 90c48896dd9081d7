#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Tests of python/wom_frames.py (tidy pandas frames) and python/wom_plot.py (figures):
frames against the HDF5 data read directly with h5py, on real `wom run`/`sweep`/`compare`
files and on synthetic files (tests/python/synthetic.py) for per-channel and money layouts;
each figure is produced.

usage: frames_test.py WOM_BINARY SOURCE_DIR CASE   (CASE: see CASES at the bottom)
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

WOM, SRC, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
EXAMPLES = os.path.join(SRC, "scenarios", "examples")
sys.path.insert(0, os.path.join(SRC, "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synthetic  # noqa: E402
import wom_frames as wf  # noqa: E402
import wom_plot  # noqa: E402


def wom(*args):
    p = subprocess.run([WOM, *args], capture_output=True, text=True)
    assert p.returncode == 0, f"wom {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def check_series_against_file(result, path, root="/", at_least=4):
    """Every dataset of <root>/series equals the tidy frame's rows, coordinates included."""
    with h5py.File(path, "r") as f:
        group = f[root]["series"]
        checked = 0
        for name, ds in group.items():
            if ds.attrs.get("CLASS") == b"DIMENSION_SCALE":
                continue
            part = result.series[result.series["metric"] == name]
            assert len(part) == ds.size, (name, len(part), ds.size)
            data = ds[()]
            dims = [d.label for d in ds.dims]
            # Rows come in the dataset's row-major order: compare directly, then coordinates.
            assert np.array_equal(part["value"].to_numpy(), data.ravel()), name
            for d, label in enumerate(dims):
                index = np.indices(ds.shape)[d].ravel()
                expected = group[label][()][index]
                if expected.dtype.kind in "SO":
                    expected = np.array([v.decode() if isinstance(v, bytes) else v for v in expected], dtype=object)
                assert np.array_equal(part[label].to_numpy(), expected), (name, label)
            step_index = dims.index("step")
            hours = group["time_hours"][()][np.indices(ds.shape)[step_index].ravel()]
            assert np.array_equal(part["time_hours"].to_numpy(), hours), name
            units = result.metrics.set_index("metric").loc[name, "units"]
            assert units == (ds.attrs.get("units", b"").decode() if isinstance(ds.attrs.get("units"), bytes)
                             else ds.attrs.get("units", "")), (name, units)
            checked += 1
    assert checked >= at_least, checked
    return checked


def run_frames():
    """A real run (with per-agent data and per-channel series if the writer has them):
    series, summary and metrics frames equal the file; bands equal numpy's."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "run.h5")
        wom("run", os.path.join(EXAMPLES, "lt_facebook.toml"), "-o", out, "--quiet", "--set", "run.replicates=12")
        r = wf.load(out)
        assert r.kind == "run"
        n = check_series_against_file(r, out)
        with h5py.File(out, "r") as f:
            table = f["summary/replicates"][()]
            cum = f["series/cumulative_adopters"][()]
            hours = f["series/time_hours"][()]
        assert list(r.summary.columns) == list(table.dtype.names)
        for name in table.dtype.names:
            assert np.array_equal(r.summary[name].to_numpy(), table[name]), name
        assert r.attrs["replicates"] == 12 and r.attrs["complete"] == 1
        # 95% CI of the mean: Student t with 11 degrees of freedom = 2.201.
        b = wf.band(r.series, "cumulative_adopters")
        assert np.allclose(b["mean"], cum.mean(axis=0))
        half = 2.201 * cum.std(axis=0, ddof=1) / np.sqrt(12)
        assert np.allclose(b["upper"] - b["mean"], half) and np.allclose(b["mean"] - b["lower"], half)
        assert np.array_equal(b["time_hours"], hours) and (b["n"] == 12).all()
        rng = wf.band(r.series, "cumulative_adopters", band="range")
        assert np.allclose(rng["lower"], np.percentile(cum, 2.5, axis=0))
        assert np.allclose(rng["upper"], np.percentile(cum, 97.5, axis=0))
        # wom_reader.load_run still works on the same file.
        import wom_reader
        assert np.array_equal(wom_reader.load_run(out)["series"]["cumulative_adopters"], cum)
    print(f"run_frames: {n} series, summary, bands ok")


def channels_money_frames():
    """Synthetic per-channel series and money (per step, cumulative, by channel): frames
    equal the file; adoption by channel and cumulative money in dollars are right."""
    with tempfile.TemporaryDirectory() as d:
        for money in ("per_step", "cumulative", "by_channel"):
            path = os.path.join(d, f"{money}.h5")
            truth = synthetic.run_with_channels(path, money=money)
            r = wf.load(path)
            check_series_against_file(r, path)
            assert list(pd.unique(r.series.loc[r.series["metric"] == "new_adopters_by_channel", "channel"])) == \
                list(synthetic.CHANNELS)
            assert r.series.loc[r.series["metric"] == "new_adopters", "channel"].isna().all()
            metric, cumulate = wf.channel_adoption_metric(r)
            assert (metric, cumulate) == ("new_adopters_by_channel", True)
            b = wf.band(r.series, metric, cumulate=True, by=["channel"])
            for c, name in enumerate(synthetic.CHANNELS):
                expected = truth["by_channel"][:, c, :].cumsum(axis=1).mean(axis=0)
                assert np.allclose(b[b["channel"] == name]["mean"], expected), (money, name)
            curve = wf.money_curve(r)
            dollars = truth["cents"].sum(axis=1).cumsum(axis=1) / 100.0
            assert np.allclose(curve["mean"], dollars.mean(axis=0)), money
            assert curve.attrs["scale"] == 100.0
            if money == "by_channel":
                per = wf.money_curve(r, by_channel=True)
                for c, name in enumerate(synthetic.CHANNELS):
                    assert np.allclose(per[per["channel"] == name]["mean"],
                                       (truth["cents"][:, c, :].cumsum(axis=1) / 100).mean(axis=0))
    print("channels_money_frames: ok")


def sweep_frames():
    """A real `wom sweep` file and synthetic variants (points as table or group, summary
    [point, replicate] or with a point field): per-point means and parameters are right."""
    with tempfile.TemporaryDirectory() as d:
        real = os.path.join(d, "sweep.h5")
        wom("sweep", os.path.join(EXAMPLES, "ic_barabasi_albert.toml"), "-o", real, "--quiet",
            "--set", "model.probability=0.05,0.1", "--set", "network.m=1,2,3", "--set", "run.replicates=4",
            "--set", "network.n=2000")
        r = wf.load(real)
        assert r.kind == "sweep" and r.parameters == ["model.probability", "network.m"], r.parameters
        check_series_against_file(r, real)
        with h5py.File(real, "r") as f:
            table = f["summary/replicates"][()]            # [point, replicate]
            points = f["sweep/points"][()]
        assert len(r.summary) == table.size and (r.summary["point"].to_numpy() ==
                                                np.repeat(points["point"], table.shape[1])).all()
        per = wf.point_summary(r, "final_fraction")
        assert np.allclose(per["mean"], table["final_fraction"].mean(axis=1))
        assert np.allclose(per["model.probability"], points["model.probability"])
        for points_as, summary_as in (("table", "2d"), ("group", "point_field")):
            path = os.path.join(d, f"{points_as}-{summary_as}.h5")
            truth = synthetic.sweep(path, points_as=points_as, summary_as=summary_as)
            s = wf.load(path)
            check_series_against_file(s, path, at_least=2)
            assert s.parameters == ["model.probability", "network.m"], s.parameters
            per = wf.point_summary(s, "final_fraction")
            assert np.allclose(per["mean"], truth["final_fraction"].mean(axis=1)), (points_as, summary_as)
            assert np.allclose(per["network.m"], truth["values"]["network.m"])
    print("sweep_frames: ok")


def comparison_frames():
    """`wom compare`'s file and load_comparison of two run files: a `variant` column, each
    variant's rows equal to its own data."""
    with tempfile.TemporaryDirectory() as d:
        a, b, both = (os.path.join(d, n) for n in ("a.h5", "b.h5", "both.h5"))
        small = ("--set", "run.replicates=5")
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", a, "--quiet", *small)
        wom("run", os.path.join(EXAMPLES, "ic_barabasi_albert.toml"), "-o", b, "--quiet", *small)
        c = wf.load_comparison([a, b], labels=["karate", "ba"])
        assert c.kind == "comparison" and list(c.series["variant"].cat.categories) == ["karate", "ba"]
        for label, path in (("karate", a), ("ba", b)):
            alone = wf.load(path)
            mine = c.series[c.series["variant"] == label]
            assert np.array_equal(mine["value"].to_numpy(), alone.series["value"].to_numpy())
            assert np.array_equal(c.summary[c.summary["variant"] == label]["final_adopters"].to_numpy(),
                                  alone.summary["final_adopters"].to_numpy())
        wom("compare", os.path.join(EXAMPLES, "friend_referrals.toml"), os.path.join(EXAMPLES, "sponsored_posts.toml"),
            "-o", both, "--quiet", "--set", "run.replicates=4", "--set", "run.steps=20")
        cf = wf.load(both)
        assert cf.kind == "comparison" and len(cf.runs) == 2
        for label in cf.series["variant"].cat.categories:
            check_series_against_file(cf.runs[list(cf.series["variant"].cat.categories).index(label)], both,
                                      root=f"/variants/{label}")
    print("comparison_frames: ok")


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 10_000


def figures():
    """Each figure is produced: a real run, synthetic channels + money, a comparison, a real
    sweep's heat map, a one-parameter sweep; bad requests are refused."""
    with tempfile.TemporaryDirectory() as d:
        run = os.path.join(d, "run.h5")
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-o", run, "--quiet", "--set", "run.replicates=20")
        panels = wom_plot.plot([run], os.path.join(d, "run.png"))
        assert {"adoption", "new"} <= set(panels) and is_png(os.path.join(d, "run.png")), panels
        assert wom_plot.plot([run], os.path.join(d, "run.svg"), band="range")

        money = os.path.join(d, "money.h5")
        synthetic.run_with_channels(money, money="per_step")
        panels = wom_plot.plot([money], os.path.join(d, "money.png"))
        assert set(panels) == {"adoption", "channels", "new", "money"}, panels
        assert "channel: referral" in panels["channels"] and "channel: friends" in panels["channels"]
        assert is_png(os.path.join(d, "money.png"))
        assert list(wom_plot.plot([money], os.path.join(d, "only.png"), kind="money")) == ["money"]

        panels = wom_plot.plot([run, money], os.path.join(d, "cmp.png"), labels=["karate", "synthetic"])
        assert panels["adoption"] == ["karate", "synthetic"] and "channels" not in panels, panels

        sweep = os.path.join(d, "sweep.h5")
        wom("sweep", os.path.join(EXAMPLES, "ic_barabasi_albert.toml"), "-o", sweep, "--quiet",
            "--set", "model.probability=0.05,0.1,0.2", "--set", "network.m=1,2", "--set", "run.replicates=3",
            "--set", "network.n=2000")
        panels = wom_plot.plot([sweep], os.path.join(d, "heat.png"))
        assert panels == {"heatmap": ["model.probability", "network.m", "final_fraction"]}, panels
        assert is_png(os.path.join(d, "heat.png"))
        panels = wom_plot.plot([sweep], os.path.join(d, "heat2.png"), metric="peak_step", x="network.m",
                               y="model.probability")
        assert panels["heatmap"] == ["network.m", "model.probability", "peak_step"]
        line = os.path.join(d, "line.h5")
        synthetic.sweep(line, parameters=1)
        assert wom_plot.plot([line], os.path.join(d, "line.png"))["heatmap"][1] is None

        no_money = os.path.join(d, "no_money.h5")
        synthetic.run_with_channels(no_money)
        with h5py.File(no_money, "a") as f:
            del f["series/money_raised_cents"]
        for bad in (lambda: wom_plot.plot([run], os.path.join(d, "x.png"), kind="heatmap"),
                    lambda: wom_plot.plot([sweep], os.path.join(d, "x.png"), x="nope"),
                    lambda: wom_plot.plot([no_money], os.path.join(d, "x.png"), kind="money"),
                    lambda: wom_plot.plot([os.path.join(d, "missing.h5")], os.path.join(d, "x.png"))):
            try:
                bad()
            except wom_plot.InputProblem:
                pass
            else:
                raise AssertionError("expected InputProblem")
        incomplete = os.path.join(d, "incomplete.h5")
        synthetic.run_with_channels(incomplete)
        with h5py.File(incomplete, "a") as f:
            f.attrs["complete"] = np.int32(0)
        assert wom_plot.main([incomplete, "-o", os.path.join(d, "x.png")]) == 2
        assert not os.path.exists(os.path.join(d, "x.png"))
    print("figures: ok")


CASES = {f.__name__: f for f in (run_frames, channels_money_frames, sweep_frames, comparison_frames, figures)}
if __name__ == "__main__":
    CASES[CASE]()
