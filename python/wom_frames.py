#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Load wom result files (runs, comparisons of runs, sweeps) into tidy pandas DataFrames.

Tidy ("long") form: one row per observation, one column per variable, so pandas'
``groupby``, seaborn, R and spreadsheets take the data as it is::

    import sys; sys.path.insert(0, "python")        # or share/wom/python when installed
    import wom_frames as wf

    run = wf.load("flagship.h5")
    run.series      # columns [point], replicate, [channel], step, time_hours, metric, value
                    # one row per replicate x step x metric (x channel, x sweep point)
    run.summary     # one row per replicate (x point), one column per summary field
    run.metrics     # one row per metric: units, long_name, dimensions
    run.attrs       # root attributes (provenance), as str / int / float
    wf.band(run.series, "cumulative_adopters")      # mean and 95% band over replicates

    both = wf.load_comparison(["a.h5", "b.h5"], labels=["referrals", "ads"])
    both.series     # the same columns plus ``variant`` (the label); so does the file
                    # written by ``wom compare`` (its /variants/<name> groups)

    sweep = wf.load("sweep.h5")
    sweep.points    # one row per sweep point, one column per swept parameter
    wf.point_summary(sweep, "final_fraction")       # mean over replicates per point + parameters

The loaders are data-driven: every numeric, non-scale dataset of ``/series`` is a metric,
whatever its rank, and its coordinates come from its HDF5 dimension scales. So files that
gain datasets need no change here. What they understand:

- **runs** (docs/output.md): ``/series/<metric>`` [replicate, step] with the scales
  ``replicate``, ``time_hours``, ``step``; ``/summary/replicates``, a compound table.
- **per-channel series**: ``/series/<metric>`` [replicate, channel, step] with a string
  scale ``/series/channel`` attached to dim 1. The ``channel`` column holds its values
  (empty, NaN, for metrics without a channel dimension).
- **money**: a metric whose name contains ``money`` (e.g. ``money_raised_cents``
  [replicate, step] or [replicate, channel, step]). It is taken as raised *at* each step
  unless its name or ``long_name`` says "cumulative"; ``*_cents`` (or ``units`` = cents)
  is converted to currency units by :func:`money_curve`.
- **sweeps** (a ``/sweep`` group): series [point, replicate, step] with a ``point`` scale;
  ``/sweep/points`` either a compound table (one row per point, one field per swept
  parameter, an optional ``point`` field) or a group of 1-D datasets, one per parameter;
  the summary either a compound table [point, replicate] or one with a ``point`` field.
  Without a summary table, ``final_<metric>`` of every cumulative series is derived.

Needs h5py, numpy and pandas (Debian: python3-h5py python3-numpy python3-pandas).
"""

import math
import os
import sys
from dataclasses import dataclass, field

import h5py
import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wom_reader import SUPPORTED_FORMAT_VERSIONS, _decode  # noqa: E402

#: Unnamed dimensions are, in the writers' order, among these (see _coordinates).
KNOWN_DIMENSIONS = ("point", "replicate", "channel")

#: Order of the coordinate columns of a tidy series frame; other coordinates follow.
COORDINATE_ORDER = ("variant", "point", "replicate", "channel", "step", "time_hours")


@dataclass
class Result:
    """One file (or several, for a comparison) as tidy frames."""
    path: str
    kind: str                       #: "run", "sweep" or "comparison"
    attrs: dict                     #: root attributes (of the first file, for a comparison)
    series: pd.DataFrame            #: tidy series, see the module doc
    summary: pd.DataFrame           #: one row per replicate (x point)
    metrics: pd.DataFrame           #: metric, units, long_name, dimensions
    points: pd.DataFrame = None     #: sweeps: one row per point, one column per parameter
    parameters: list = field(default_factory=list)  #: sweeps: names of the swept parameters
    runs: list = field(default_factory=list)        #: comparisons: the Results compared

    def metric_names(self):
        return list(self.metrics["metric"])

    def units(self, metric):
        row = self.metrics[self.metrics["metric"] == metric]
        return row["units"].iloc[0] if len(row) else ""

    def has_dimension(self, metric, dimension):
        row = self.metrics[self.metrics["metric"] == metric]
        return bool(len(row)) and dimension in row["dimensions"].iloc[0].split(" x ")


# ---- reading --------------------------------------------------------------------------------

def _strings(values):
    return np.array([v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values], dtype=object)


def _read(dataset):
    """A dataset's values; strings as str."""
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return _strings(dataset[()].ravel()).reshape(dataset.shape)
    return dataset[()]


def _attr(obj, name, default=""):
    return _decode(obj.attrs[name]) if name in obj.attrs else default


def _check_file(f, path):
    attrs = {name: _decode(value) for name, value in f.attrs.items()}
    if attrs.get("complete") != 1:
        raise ValueError(f"{path}: not a complete wom file (root attribute 'complete' is "
                         f"{attrs.get('complete', 'missing')}, not 1)")
    if attrs.get("format_version") not in SUPPORTED_FORMAT_VERSIONS:
        raise ValueError(f"{path}: format_version {attrs.get('format_version')!r} not supported "
                         f"(this reader knows {SUPPORTED_FORMAT_VERSIONS})")
    return attrs


def _coordinates(dataset, root=None):
    """[(name, dim, values or None)] of a dataset: one per attached scale (the scale named
    like the dimension's label first). A dimension without scales takes its label, or else
    the next of point, replicate, channel that exists as a 1-D dataset of its length in
    ``root``/series (the writers' dimension order), or dim<i>; values None = the index."""
    series = root.get("series") if root is not None else None

    def known(name, length):
        ds = series.get(name) if series is not None else None
        if isinstance(ds, h5py.Dataset) and ds.ndim == 1 and ds.shape[0] == length and ds.dtype.names is None:
            return _read(ds)
        return None

    out, next_known = [], 0
    for d, dim in enumerate(dataset.dims):
        label = dim.label
        scales = [(scale.name.split("/")[-1], scale) for scale in dim.values()]
        scales.sort(key=lambda item: item[0] != label)
        for name, scale in scales:
            out.append((name, d, _read(scale)))
        if scales:
            continue
        if label:
            out.append((label, d, known(label, dataset.shape[d])))
            continue
        for k, name in enumerate(KNOWN_DIMENSIONS[next_known:], start=next_known):
            values = known(name, dataset.shape[d])
            if values is not None:
                out.append((name, d, values))
                next_known = k + 1
                break
        else:
            out.append((f"dim{d}", d, None))
    return out


def _dimension_names(dataset, coordinates):
    names = []
    for d, dim in enumerate(dataset.dims):
        label = dim.label or next((name for name, cd, _ in coordinates if cd == d), f"dim{d}")
        names.append(label)
    return names


def _order_columns(columns):
    rank = {name: i for i, name in enumerate(COORDINATE_ORDER)}
    return sorted(columns, key=lambda c: rank.get(c, len(rank)))


def _series_frame(root):
    """Tidy frame of every metric in ``root``/series, and the metrics table."""
    frames, metrics = [], []
    group = root.get("series")
    names = [n for n in group if isinstance(group[n], h5py.Dataset)] if group is not None else []
    for name in sorted(names):
        ds = group[name]
        if ds.attrs.get("CLASS") == b"DIMENSION_SCALE" or ds.dtype.names is not None \
                or h5py.check_string_dtype(ds.dtype) is not None or ds.ndim == 0:
            continue
        coords = _coordinates(ds, root)
        values = ds[()]
        columns = {}
        for cname, d, cvalues in coords:
            shape = [1] * ds.ndim
            shape[d] = ds.shape[d]
            index = np.broadcast_to(np.arange(ds.shape[d]).reshape(shape), ds.shape).ravel()
            columns[cname] = index if cvalues is None else np.asarray(cvalues)[index]
        columns["metric"] = name
        values = values.ravel()
        if values.dtype == np.uint64 and (values.size == 0 or values.max() < 2 ** 63):
            values = values.astype(np.int64)  # so counts and (signed) money concatenate as integers
        columns["value"] = values
        frames.append(pd.DataFrame(columns))
        metrics.append({"metric": name, "units": _attr(ds, "units"), "long_name": _attr(ds, "long_name"),
                        "dimensions": " x ".join(_dimension_names(ds, coords))})
    metrics = pd.DataFrame(metrics, columns=["metric", "units", "long_name", "dimensions"])
    if not frames:
        return pd.DataFrame(columns=["replicate", "step", "time_hours", "metric", "value"]), metrics
    series = pd.concat(frames, ignore_index=True)
    series = series[_order_columns([c for c in series.columns if c not in ("metric", "value")]) + ["metric", "value"]]
    series["metric"] = pd.Categorical(series["metric"], categories=list(metrics["metric"]))
    return series, metrics


def _table_frame(dataset, root=None):
    """A compound table as a frame; a table of rank > 1 gets its coordinates as columns
    (except those a field repeats, like the replicate field of a [point, replicate] table)."""
    data = dataset[()]
    frame = pd.DataFrame({name: (_strings(data[name].ravel()) if data.dtype[name].kind in "SO"
                                 else data[name].ravel()) for name in data.dtype.names})
    if dataset.ndim > 1:
        for cname, d, cvalues in reversed(_coordinates(dataset, root)):
            if cname in frame.columns:
                continue
            shape = [1] * dataset.ndim
            shape[d] = dataset.shape[d]
            index = np.broadcast_to(np.arange(dataset.shape[d]).reshape(shape), dataset.shape).ravel()
            frame.insert(0, cname, index if cvalues is None else np.asarray(cvalues)[index])
    return frame


def _points_frame(f):
    """A sweep's points: one row per point, one column per parameter; and the names
    (root attribute ``sweep_parameters``, one per line, else the table's fields other
    than point, seed, agents, arcs, directed)."""
    sweep = f.get("sweep")
    points = sweep.get("points") if sweep is not None else None
    if points is None:
        return None, []
    if isinstance(points, h5py.Group):
        frame = pd.DataFrame({name: _read(points[name]) for name in points
                              if isinstance(points[name], h5py.Dataset) and points[name].ndim == 1})
    elif points.dtype.names is not None:
        frame = _table_frame(points)
    else:
        raise ValueError(f"{f.filename}: /sweep/points is neither a table nor a group of 1-D datasets")
    listed = [p for p in str(_attr(f, "sweep_parameters")).split("\n") if p]
    parameters = [p for p in listed if p in frame.columns] or \
        [c for c in frame.columns if c not in ("point", "seed", "agents", "arcs", "directed")]
    if "point" not in frame.columns:
        frame.insert(0, "point", np.arange(len(frame)))
    return frame, parameters


def _derived_summary(series, attrs):
    """Without a summary table: final value of each cumulative series per replicate (x point)."""
    keys = [c for c in ("point", "replicate") if c in series.columns]
    cumulative = [m for m in series["metric"].cat.categories if m.startswith("cumulative_")]
    last = series[series["step"] == series["step"].max()]
    out = None
    for m in cumulative:
        part = last[(last["metric"] == m) & (last["channel"].isna() if "channel" in last else True)]
        part = part.groupby(keys, observed=True)["value"].sum().rename("final_" + m[len("cumulative_"):])
        out = part.to_frame() if out is None else out.join(part)
    if out is None:
        return pd.DataFrame(columns=keys)
    out = out.reset_index()
    if "final_adopters" in out and attrs.get("agents"):
        out["final_fraction"] = out["final_adopters"] / attrs["agents"]
    return out


def _load_root(root, path, attrs, kind):
    """A Result from a run's root group (the file, or a comparison's /variants/<name>)."""
    series, metrics = _series_frame(root)
    summary_ds = root.get("summary/replicates")
    if summary_ds is not None and summary_ds.dtype.names is not None:
        summary = _table_frame(summary_ds, root)
    else:
        summary = _derived_summary(series, attrs)
    points, parameters = _points_frame(root) if kind == "sweep" else (None, [])
    return Result(path=str(path), kind=kind, attrs=attrs, series=series, summary=summary, metrics=metrics,
                  points=points, parameters=parameters)


def load(path, kind=None):
    """A run, sweep or comparison file as a :class:`Result` (the kind follows the file: a
    /sweep group is a sweep, a /variants group a comparison from ``wom compare``).

    Raises ValueError for an incomplete file or an unknown format version, OSError if the
    file cannot be opened.
    """
    with h5py.File(path, "r") as f:
        attrs = _check_file(f, path)
        if "variants" in f:
            names = [n for n in f["variants"] if isinstance(f["variants"][n], h5py.Group)]
            if "comparison/variant" in f:  # the order the scenarios were given in
                order = [str(v) for v in _read(f["comparison/variant"])]
                names = [n for n in order if n in names] + [n for n in names if n not in order]
            runs = []
            for name in names:
                group = f["variants"][name]
                run_attrs = {k: _decode(v) for k, v in group.attrs.items()}
                runs.append(_load_root(group, f"{path}:/variants/{name}", run_attrs, "run"))
            return _combine(runs, names, str(path), attrs)
        return _load_root(f, path, attrs, kind or ("sweep" if "sweep" in f else "run"))


def load_comparison(paths, labels=None):
    """Several run files as one :class:`Result` of kind "comparison": their series and
    summaries concatenated with a ``variant`` column holding each file's label (default:
    the file name without .h5), as in the file of ``wom compare``."""
    paths = list(paths)
    labels = list(labels) if labels else [os.path.splitext(os.path.basename(p))[0] for p in paths]
    if len(labels) != len(paths):
        raise ValueError(f"{len(labels)} labels for {len(paths)} files")
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must differ: {labels}")
    return _combine([load(p) for p in paths], labels, ", ".join(map(str, paths)))


def _combine(runs, labels, path, attrs=None):
    """Runs as one comparison Result, with a ``variant`` column."""
    series = pd.concat([r.series.assign(variant=label) for r, label in zip(runs, labels)], ignore_index=True)
    series = series[_order_columns([c for c in series.columns if c not in ("metric", "value")]) + ["metric", "value"]]
    series["variant"] = pd.Categorical(series["variant"], categories=labels)
    series["metric"] = series["metric"].astype(str).astype("category")
    summary = pd.concat([r.summary.assign(variant=label) for r, label in zip(runs, labels)], ignore_index=True)
    summary = summary[["variant"] + [c for c in summary.columns if c != "variant"]]
    summary["variant"] = pd.Categorical(summary["variant"], categories=labels)
    metrics = pd.concat([r.metrics for r in runs]).drop_duplicates("metric").reset_index(drop=True)
    return Result(path=path, kind="comparison", attrs=attrs if attrs is not None else runs[0].attrs, series=series,
                  summary=summary, metrics=metrics, runs=runs)


# ---- statistics -----------------------------------------------------------------------------

_T975 = (math.nan, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
         2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
         2.048, 2.045, 2.042)


def student_t975(dof):
    """Two-sided 95% quantile of Student's t (as cli/common.cpp: table to 30, then Cornish-Fisher)."""
    dof = np.asarray(dof, dtype=float)
    z = 1.959964
    with np.errstate(divide="ignore", invalid="ignore"):
        approx = z + (z ** 3 + z) / (4 * dof) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * dof ** 2)
    table = np.array(_T975)
    small = np.clip(dof, 0, 30).astype(int)
    return np.where(dof <= 30, table[small], approx)


def band(series, metric, band="ci", cumulate=False, by=None):
    """Mean of ``metric`` over replicates at each step, with a 95% band.

    ``band`` = "ci": the 95% confidence interval of the mean (Student t over the
    replicates); "range": the 2.5 and 97.5 percentiles of the replicates themselves.
    ``cumulate``: running sum over steps per replicate first (e.g. new adopters by
    channel -> cumulative). ``by``: extra grouping columns; default every coordinate
    column present other than replicate/step/time (variant, point, channel).
    Returns columns [by...], step, time_hours, mean, lower, upper, n.
    """
    data = series[series["metric"] == metric]
    if by is None:
        by = [c for c in data.columns if c not in ("replicate", "step", "time_hours", "metric", "value")
              and data[c].notna().any()]
    by = list(by)
    if cumulate:
        data = data.sort_values("step")
        keys = by + ["replicate"]
        data = data.assign(value=data.groupby(keys, observed=True, dropna=False)["value"].cumsum()
                           if keys else data["value"].cumsum())
    time = "time_hours" if "time_hours" in data.columns else None
    keys = by + ["step"] + ([time] if time else [])
    grouped = data.assign(value=data["value"].astype(float)).groupby(keys, observed=True, dropna=False)["value"]
    out = grouped.agg(["mean", "std", "count"]).reset_index().rename(columns={"count": "n"})
    if band == "ci":
        half = student_t975(out["n"] - 1) * out["std"] / np.sqrt(out["n"])
        half = half.where(out["n"] > 1, np.nan)
        out["lower"], out["upper"] = out["mean"] - half, out["mean"] + half
    elif band == "range":
        q = grouped.quantile([0.025, 0.975]).unstack()
        out["lower"], out["upper"] = q[0.025].to_numpy(), q[0.975].to_numpy()
    else:
        raise ValueError(f"band must be 'ci' or 'range', not {band!r}")
    return out.drop(columns="std")


def money_metric(result):
    """Name of the money series of a result, or None."""
    names = [m for m in result.metric_names() if "money" in m]
    names.sort(key=lambda m: ("cumulative" not in m, m))
    return names[0] if names else None


def is_cumulative(result, metric):
    row = result.metrics[result.metrics["metric"] == metric]
    text = metric + " " + (row["long_name"].iloc[0] if len(row) else "")
    return "cumulative" in text or "at or before" in text


def money_curve(result, band_kind="ci", by_channel=False):
    """Cumulative money raised in currency units (cents / 100) against time, mean and band
    over replicates; None when the file has no money series. Totals over channels unless
    ``by_channel``."""
    metric = money_metric(result)
    if metric is None:
        return None
    series = result.series[result.series["metric"] == metric]
    if result.has_dimension(metric, "channel") and not by_channel:
        keys = [c for c in series.columns if c not in ("channel", "value")]
        series = series.groupby(keys, observed=True, dropna=False)["value"].sum().reset_index()
        series = series[series["metric"] == metric]
    scale = 100.0 if metric.endswith("_cents") or result.units(metric) == "cents" else 1.0
    series = series.assign(value=series["value"].astype(float) / scale)
    out = band(series, metric, band=band_kind, cumulate=not is_cumulative(result, metric))
    out.attrs["metric"], out.attrs["scale"] = metric, scale
    return out


def channel_adoption_metric(result):
    """(metric, needs_cumulating) for adoption by channel, or (None, False)."""
    per_channel = [m for m in result.metric_names() if result.has_dimension(m, "channel") and "money" not in m]
    for test, cumulate in ((lambda m: "adopt" in m and is_cumulative(result, m), False),
                           (lambda m: "adopt" in m, True)):
        found = [m for m in per_channel if test(m)]
        if found:
            return sorted(found)[0], cumulate
    return None, False


def point_summary(result, metric, band_kind="ci"):
    """Sweeps: mean of a summary field over the replicates of each point, with its band
    and the point's parameters. -1 in integer step fields (undefined) is left out."""
    if result.points is None:
        raise ValueError(f"{result.path} is not a sweep (no /sweep/points)")
    summary = result.summary
    if metric not in summary.columns:
        raise ValueError(f"no summary metric {metric!r}; have {[c for c in summary.columns if c not in ('point', 'replicate')]}")
    if "point" not in summary.columns:
        raise ValueError(f"{result.path}: the summary table has no point field or dimension")
    values = summary[["point", metric]].copy()
    if values[metric].dtype.kind == "i":
        values = values[values[metric] != -1]
    grouped = values.assign(v=values[metric].astype(float)).groupby("point")["v"]
    out = grouped.agg(["mean", "std", "count"]).reset_index().rename(columns={"count": "n"})
    if band_kind == "ci":
        half = student_t975(out["n"] - 1) * out["std"] / np.sqrt(out["n"])
        out["lower"], out["upper"] = out["mean"] - half, out["mean"] + half
    else:
        q = grouped.quantile([0.025, 0.975]).unstack()
        out["lower"], out["upper"] = q[0.025].to_numpy(), q[0.975].to_numpy()
    return result.points.merge(out.drop(columns="std"), on="point")


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} FILE.h5", file=sys.stderr)
        return 2
    try:
        r = load(argv[1])
    except (OSError, ValueError, KeyError) as error:
        print(f"{argv[1]}: {error}", file=sys.stderr)
        return 1
    print(f"{r.path}: {r.kind}")
    print(r.metrics.to_string(index=False))
    print(r.series.head(10).to_string(index=False))
    print(r.summary.describe().T.to_string())
    if r.points is not None:
        print(r.points.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
