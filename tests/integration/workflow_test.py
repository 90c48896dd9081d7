#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the researcher's workflow commands with the real `wom` binary:
`wom inspect`, `wom export --csv`, `wom plot`, `wom run --dry-run`, the progress bar, and
opening the series with xarray as netCDF-4.

usage: workflow_test.py WOM_BINARY SOURCE_DIR CASE   (CASE: see the CASES table at the bottom)
"""
import csv
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

WOM, SRC, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
EXAMPLES = os.path.join(SRC, "scenarios", "examples")
sys.path.insert(0, os.path.join(SRC, "tests", "python"))


def wom(*args, expect=0, env=None):
    p = subprocess.run([WOM, *args], capture_output=True, text=True, env=env)
    if p.returncode != expect:
        sys.exit(f"wom {' '.join(args)}: exit {p.returncode}, expected {expect}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def run_file(d, name="run.h5", scenario="lt_facebook.toml", *extra):
    out = os.path.join(d, name)
    wom("run", os.path.join(EXAMPLES, scenario), "-o", out, "--quiet", *extra)
    return out


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def inspect_run():
    """Provenance, the verbatim scenario, the datasets and summary statistics that agree
    with the file."""
    with tempfile.TemporaryDirectory() as d:
        out = run_file(d)
        p = wom("inspect", out)
        assert "complete" in p.stdout.splitlines()[0] and "INCOMPLETE" not in p.stdout, p.stdout[:300]
        with h5py.File(out, "r") as f:
            for name in ("wom_version", "git_commit", "command_line", "model", "seed", "started_utc", "agents"):
                assert re.search(rf"^  {name}\s+{re.escape(str(text(f.attrs[name])))}$", p.stdout, re.M), name
            for line in text(f.attrs["scenario"]).splitlines():
                assert f"  | {line}".rstrip() in [l.rstrip() for l in p.stdout.splitlines()], line
            final = f["summary/replicates"]["final_adopters"]
            fraction = f["summary/replicates"]["final_fraction"]
        for name in ("/series/new_adopters", "/series/cumulative_adopters", "/summary/replicates",
                     "/agents/adoption_step"):
            assert name in p.stdout, name
        assert re.search(r"/series/new_adopters\s+replicate 10 x step 101\s+uint\s+agents", p.stdout), p.stdout
        row = re.search(r"^  final_adopters\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", p.stdout, re.M)
        assert row, p.stdout
        n, mean, ci, low, high = row.groups()
        assert int(n) == len(final) and abs(float(mean) - final.mean()) < 1e-3 * final.mean()
        half = 2.262 * final.std(ddof=1) / np.sqrt(len(final))  # Student t, 9 degrees of freedom
        assert abs(float(ci) - half) < 1e-3 * half and int(low) == final.min() and int(high) == final.max()
        row = re.search(r"^  final_fraction\s+10\s+(\S+)", p.stdout, re.M)
        assert abs(float(row.group(1)) - fraction.mean()) < 1e-5
    print("inspect_run: ok")


def inspect_incomplete():
    """complete = 0 or missing: reported as INCOMPLETE, exit status 2; not HDF5 or missing: 2."""
    with tempfile.TemporaryDirectory() as d:
        out = run_file(d, scenario="ic_karate.toml")
        for how in ("zero", "missing"):
            broken = os.path.join(d, f"{how}.h5")
            shutil.copy(out, broken)
            with h5py.File(broken, "a") as f:
                if how == "zero":
                    f.attrs["complete"] = np.int32(0)
                else:
                    del f.attrs["complete"]
            p = wom("inspect", broken, expect=2)
            assert "INCOMPLETE" in p.stdout.splitlines()[0] and "INCOMPLETE" in p.stderr, (p.stdout[:200], p.stderr)
            assert "Provenance" in p.stdout  # still shows what it can
            wom("export", broken, "--csv", os.path.join(d, f"csv-{how}"), expect=2)
            assert not os.path.exists(os.path.join(d, f"csv-{how}"))
        notes = os.path.join(d, "notes.txt")
        with open(notes, "w") as f:
            f.write("not hdf5\n")
        assert "not an HDF5 file" in wom("inspect", notes, expect=2).stderr
        assert "no such file" in wom("inspect", os.path.join(d, "absent.h5"), expect=2).stderr
    print("inspect_incomplete: ok")


def check_series_csv(rows, path, root="/", variant=None):
    """Every value of every series in the file appears in series.csv with its coordinates."""
    with h5py.File(path, "r") as f:
        series = f[root]["series"]
        by_metric = {}
        for r in rows:
            if variant is None or r["variant"] == variant:
                by_metric.setdefault(r["metric"], []).append(r)
        checked = 0
        for name, ds in series.items():
            if ds.attrs.get("CLASS") == b"DIMENSION_SCALE":
                continue
            got = by_metric.pop(name)
            assert len(got) == ds.size, (name, len(got), ds.size)
            data = ds[()].ravel()
            values = np.array([int(r["value"]) for r in got], dtype=data.dtype)
            assert np.array_equal(values, data), name
            for d, dim in enumerate(ds.dims):
                label = dim.label
                index = np.indices(ds.shape)[d].ravel()
                coordinate = np.array([text(v) for v in series[label][()]], dtype=object)[index]
                assert [r[label] for r in got] == [str(v) for v in coordinate], (name, label)
            steps = np.array([int(r["step"]) for r in got])
            assert np.allclose([float(r["time_hours"]) for r in got], series["time_hours"][()][steps])
            checked += 1
        assert not by_metric, f"series.csv has metrics not in the file: {list(by_metric)}"
        return checked


def export_csv():
    """series.csv holds every series value with its coordinates; summary.csv the table;
    metrics, attributes and agents files; existing files kept unless --force."""
    with tempfile.TemporaryDirectory() as d:
        out = run_file(d)
        folder = os.path.join(d, "csv")
        p = wom("export", out, "--csv", folder, "--agents")
        assert "series.csv" in p.stdout
        rows = read_csv(os.path.join(folder, "series.csv"))
        assert list(rows[0].keys())[:3] == ["replicate", "step", "time_hours"] or \
            list(rows[0].keys())[:4] == ["replicate", "channel", "step", "time_hours"], rows[0].keys()
        assert list(rows[0].keys())[-2:] == ["metric", "value"]
        n = check_series_csv(rows, out)
        summary = read_csv(os.path.join(folder, "summary.csv"))
        metrics = {r["metric"]: r for r in read_csv(os.path.join(folder, "metrics.csv"))}
        attributes = {r["name"]: r["value"] for r in read_csv(os.path.join(folder, "attributes.csv"))}
        agents = read_csv(os.path.join(folder, "agents.csv"))
        with h5py.File(out, "r") as f:
            table = f["summary/replicates"][()]
            assert list(summary[0].keys()) == list(table.dtype.names)
            for name in table.dtype.names:
                kind = float if table.dtype[name].kind == "f" else int
                assert [kind(r[name]) for r in summary] == table[name].tolist(), name
            assert metrics["cumulative_adopters"]["units"] == "agents"
            assert metrics["cumulative_adopters"]["dimensions"] == "replicate x step"
            assert attributes["scenario"] == text(f.attrs["scenario"])  # multi-line, quoted
            assert attributes["seed"] == str(f.attrs["seed"])
            adoption = f["agents/adoption_step"][()]
            labels = f["agents/label"][()]
            assert len(agents) == adoption.size
            assert [int(r["adoption_step"]) for r in agents[:5000]] == adoption.ravel()[:5000].tolist()
            assert [int(r["label"]) for r in agents[:100]] == labels[:100].tolist()
        before = open(os.path.join(folder, "series.csv"), "rb").read()
        p = wom("export", out, "--csv", folder, expect=2)
        assert "--force" in p.stderr and open(os.path.join(folder, "series.csv"), "rb").read() == before
        wom("export", out, "--csv", folder, "--force")
        assert not [f for f in os.listdir(folder) if ".partial" in f]
        wom("export", out, "--csv", os.path.join(d, "no", "such"), expect=2)
        wom("export", out, expect=2)  # --csv is required
    print(f"export_csv: {n} series ok")


def export_sweep_compare():
    """Sweeps: a point column in series.csv and summary.csv, the parameters in
    sweep_points.csv. Comparisons: a variant column and comparison.csv."""
    with tempfile.TemporaryDirectory() as d:
        sweep = os.path.join(d, "sweep.h5")
        wom("sweep", os.path.join(EXAMPLES, "ic_barabasi_albert.toml"), "-o", sweep, "--quiet",
            "--set", "model.probability=0.05,0.1", "--set", "network.m=1,2", "--set", "run.replicates=3",
            "--set", "network.n=1000")
        wom("export", sweep, "--csv", os.path.join(d, "s"))
        rows = read_csv(os.path.join(d, "s", "series.csv"))
        assert list(rows[0].keys())[:2] == ["point", "replicate"], rows[0].keys()
        check_series_csv(rows, sweep)
        summary = read_csv(os.path.join(d, "s", "summary.csv"))
        points = read_csv(os.path.join(d, "s", "sweep_points.csv"))
        with h5py.File(sweep, "r") as f:
            table = f["summary/replicates"][()]  # [point, replicate]
            assert [int(r["point"]) for r in summary] == np.repeat(f["sweep/points"]["point"], table.shape[1]).tolist()
            assert [float(r["final_fraction"]) for r in summary] == table["final_fraction"].ravel().tolist()
            assert [float(r["model.probability"]) for r in points] == f["sweep/points"]["model.probability"].tolist()
        assert "Mean per point (4 points)" in wom("inspect", sweep).stdout

        both = os.path.join(d, "both.h5")
        wom("compare", os.path.join(EXAMPLES, "friend_referrals.toml"), os.path.join(EXAMPLES, "sponsored_posts.toml"),
            "-o", both, "--quiet", "--set", "run.replicates=3", "--set", "run.steps=10")
        wom("export", both, "--csv", os.path.join(d, "c"))
        rows = read_csv(os.path.join(d, "c", "series.csv"))
        assert list(rows[0].keys())[0] == "variant"
        for v in ("friend_referrals", "sponsored_posts"):
            check_series_csv(rows, both, root=f"/variants/{v}", variant=v)
        table = read_csv(os.path.join(d, "c", "comparison.csv"))
        with h5py.File(both, "r") as f:
            mean = f["comparison/mean"][()]
            assert len(table) == mean.size
            assert np.allclose([float(r["mean"]) for r in table], mean.ravel(), equal_nan=True)
        summary = read_csv(os.path.join(d, "c", "summary.csv"))
        assert [r["variant"] for r in summary] == ["friend_referrals"] * 3 + ["sponsored_posts"] * 3
        p = wom("inspect", both)
        assert "Comparison (/comparison)" in p.stdout and "Variant 'sponsored_posts'" in p.stdout
    print("export_sweep_compare: ok")


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"


def plot_cli():
    """`wom plot` finds the Python module (build tree: the source python/; WOM_PYTHON_DIR
    overrides), passes the options on, and reports bad input with status 2."""
    with tempfile.TemporaryDirectory() as d:
        out = run_file(d, scenario="ic_karate.toml")
        fig = os.path.join(d, "fig.png")
        env = {k: v for k, v in os.environ.items() if k not in ("WOM_PYTHON_DIR", "WOM_PYTHON")}
        p = wom("plot", out, "-o", fig, env=env)
        assert is_png(fig) and os.path.getsize(fig) > 10_000 and "adoption" in p.stdout, p.stdout
        wom("plot", out, out, "-o", os.path.join(d, "cmp.pdf"), "--label", "a", "--label", "b", "--band", "range",
            env=env)
        assert open(os.path.join(d, "cmp.pdf"), "rb").read(4) == b"%PDF"
        # Options reach the module unchanged.
        fake = os.path.join(d, "fake")
        os.mkdir(fake)
        with open(os.path.join(fake, "wom_plot.py"), "w") as f:
            f.write("import sys, json\nprint(json.dumps(sys.argv[1:]))\nsys.exit(0)\n")
        p = wom("plot", out, "-o", fig, "--kind", "heatmap", "--metric", "peak_step", "--x", "a", "--y", "b",
                "--title", "T", "--dpi", "99", env={**env, "WOM_PYTHON_DIR": fake})
        args = eval(p.stdout)  # a JSON list of strings is a Python literal
        assert args[0] == out and args[args.index("-o") + 1] == fig, args
        for flag, value in (("--kind", "heatmap"), ("--metric", "peak_step"), ("--x", "a"), ("--y", "b"),
                            ("--title", "T"), ("--dpi", "99"), ("--band", "ci")):
            assert args[args.index(flag) + 1] == value, (flag, args)
        p = wom("plot", out, "-o", fig, env={**env, "WOM_PYTHON_DIR": d}, expect=2)
        assert "WOM_PYTHON_DIR" in p.stderr, p.stderr
        wom("plot", os.path.join(d, "missing.h5"), "-o", fig, env=env, expect=2)
        wom("plot", out, "-o", os.path.join(d, "no", "fig.png"), env=env, expect=2)
        p = wom("plot", out, "-o", fig, "--kind", "heatmap", env=env, expect=2)
        assert "sweep" in p.stderr, p.stderr
        wom("plot", out, "-o", fig, "--kind", "pie", env=env, expect=2)
    print("plot_cli: ok")


def dry_run():
    """--dry-run validates, builds the network, prints the resolved scenario and the
    network's size, and writes nothing; bad input still exits 2."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out.h5")
        for args in ((), ("-o", out)):
            p = wom("run", os.path.join(EXAMPLES, "lt_facebook.toml"), "--dry-run", *args)
            assert "[network]" in p.stdout and 'name = "linear_threshold"' in p.stdout, p.stdout
            assert re.search(r"network: 4039 agents, 176468 arcs", p.stdout), p.stdout
            assert "nothing written" in p.stdout
        assert os.listdir(d) == [], os.listdir(d)
        p = wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-n", "--set", "run.replicates=7")
        assert "replicates = 7" in p.stdout and "network: 34 agents, 156 arcs" in p.stdout, p.stdout
        wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "--dry-run", "--set", "model.probability=2", expect=2)
        assert "--output" in wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), expect=2).stderr
        with open(out, "w") as f:
            f.write("keep")
        assert "--force" in wom("run", os.path.join(EXAMPLES, "ic_karate.toml"), "-n", "-o", out, expect=2).stderr
        assert open(out).read() == "keep"
    print("dry_run: ok")


def run_on_terminal(args):
    """Runs wom with stderr on a pseudo-terminal; returns (exit status, stdout, stderr bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([WOM, *args], stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        err += chunk
    out = p.stdout.read()
    p.wait()
    os.close(master)
    return p.returncode, out.decode(), err


def progress():
    """A bar with rate and time left on a terminal, erased at the end; nothing when stderr
    is not a terminal; nothing with --quiet."""
    with tempfile.TemporaryDirectory() as d:
        scenario = os.path.join(EXAMPLES, "ic_karate.toml")
        status, out, err = run_on_terminal(["run", scenario, "-o", os.path.join(d, "a.h5"), "--set",
                                            "run.replicates=3000"])
        assert status == 0, err
        assert b"\r" in err and b"3000/3000 replicates" in err and b"/s" in err and b"left" in err, err[-300:]
        assert err.endswith(b"\r\x1b[K"), err[-50:]  # erased before the summary
        assert "final adopters" in out
        p = wom("run", scenario, "-o", os.path.join(d, "b.h5"), "--set", "run.replicates=3000")
        assert p.stderr == "", p.stderr
        status, out, err = run_on_terminal(["run", scenario, "-o", os.path.join(d, "c.h5"), "--quiet"])
        assert status == 0 and err == b"" and out == "", (err, out)
    print("progress: ok")


def netcdf_xarray():
    """The series of a real run (with per-agent data) open in xarray as netCDF-4, through
    h5netcdf and through netCDF-C, as labelled arrays with units."""
    import xarray as xr
    with tempfile.TemporaryDirectory() as d:
        out = run_file(d)  # lt_facebook records per-agent adoption steps
        ds = xr.open_dataset(out, group="series", engine="h5netcdf")
        with h5py.File(out, "r") as f:
            for name in ("new_adopters", "cumulative_adopters", "exposures", "active_sharers"):
                v = ds[name]
                assert v.dims == ("replicate", "step"), v.dims
                assert v.attrs["units"] == text(f["series"][name].attrs["units"])
                assert np.array_equal(v.values, f["series"][name][()])
            assert np.array_equal(ds["replicate"].values, np.arange(10))
            assert np.array_equal(ds["step"].values, np.arange(101))
            assert ds["step"].attrs["units"] == "steps"
            assert np.array_equal(ds["time_hours"].values.astype("timedelta64[h]").astype(int), np.arange(101))
            final = ds["cumulative_adopters"].isel(step=-1).mean("replicate").item()
            assert final == f["series/cumulative_adopters"][:, -1].mean()
            for name, v in ds.data_vars.items():  # per-channel series, when written, too
                if "channel" in v.dims:
                    assert list(ds["channel"].values) == [text(c) for c in f["series/channel"][()]]
                    assert np.array_equal(v.values, f["series"][name][()])
            agents = xr.open_dataset(out, group="agents", engine="h5netcdf")
            assert np.array_equal(agents["adoption_step"].values, f["agents/adoption_step"][()])
        ds.close()
        try:
            import netCDF4  # noqa: F401  (netCDF-C, the reference implementation)
        except ImportError:
            print("netcdf_xarray: netCDF4 not installed, netCDF-C check skipped")
        else:
            nc = xr.open_dataset(out, group="series", engine="netcdf4")
            assert nc["new_adopters"].dims == ("replicate", "step") and nc["new_adopters"].attrs["units"] == "agents"
            nc.close()
    print("netcdf_xarray: ok")


CASES = {f.__name__: f for f in (inspect_run, inspect_incomplete, export_csv, export_sweep_compare, plot_cli, dry_run,
                                  progress, netcdf_xarray)}
if __name__ == "__main__":
    CASES[CASE]()
