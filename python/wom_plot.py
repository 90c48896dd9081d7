#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Figures of wom result files (matplotlib). ``wom plot`` runs this file.

usage: wom_plot.py FILE.h5 [FILE.h5 ...] -o FIG.png [--kind auto|adoption|money|heatmap]
                   [--band ci|range] [--metric NAME] [--x PARAM] [--y PARAM]
                   [--title TEXT] [--label NAME ...] [--dpi N]

What is drawn follows the data (``--kind auto``):

- a **run**: cumulative adopters against hours; cumulative adopters credited to each
  channel (when the file has per-channel series); new adopters per step; cumulative money
  raised in dollars (when the file has a money series that is not all zero). Each curve is
  the mean over replicates with a 95% band;
- several **run files**, or a ``wom compare`` file: the same panels (but the per-channel
  one) with one curve per run;
- a **sweep**: a heat map of a summary metric (default ``final_fraction``, the mean over
  replicates) over two swept parameters (a line with its band for a one-parameter sweep).

Bands: ``ci`` (default) is the 95% confidence interval of the mean (Student t over the
replicates); ``range`` the 2.5-97.5 percentiles of the replicates themselves.
Exit status: 0 drawn, 2 bad input (unreadable or incomplete file, nothing to draw for the
kind asked), 1 anything else. As a module: ``plot(paths, output, ...)``.
"""

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import matplotlib
    matplotlib.use("Agg")  # files only, no display needed
    import matplotlib.pyplot as plt
    import numpy as np
    import wom_frames as wf
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"wom plot: {error}; install Debian's python3-h5py python3-numpy python3-pandas "
          "python3-matplotlib", file=sys.stderr)
    sys.exit(1)


class InputProblem(Exception):
    """The user's input cannot be drawn as asked (exit status 2)."""


BAND_TEXT = {"ci": "95% CI of the mean", "range": "middle 95% of replicates"}


def _hours_text(hours):
    return f"{hours:g} h" if hours < 72 else f"{hours:g} h ({hours / 24:.3g} days)"


def _quiet_after(result):
    """Hours after which no replicate adopts any more (None if activity runs to the end)."""
    s = result.series
    new = s[(s["metric"] == "new_adopters") & (s["step"] > 0)]
    if "channel" in new.columns:
        new = new[new["channel"].isna()]
    if new.empty:
        return None
    active = new[new["value"] > 0]
    last_step = int(active["step"].max()) if len(active) else 0
    end = int(s["step"].max())
    if last_step >= end * 0.8:
        return None
    return last_step


def _time_limit(results):
    """x-axis limit that cuts the quiet tail, and a note saying so (or None, None)."""
    lasts, ends, hours_per_step = [], [], []
    for r in results:
        ends.append(float(r.series["time_hours"].max()))
        steps = max(int(r.series["step"].max()), 1)
        hours_per_step.append(ends[-1] / steps)
        lasts.append(_quiet_after(r))
    if any(last is None for last in lasts):
        return None, None
    last_h = max(last * h for last, h in zip(lasts, hours_per_step))
    limit = min(max(ends), last_h * 1.15 + 2 * max(hours_per_step))
    return limit, (f"time axes end after the last adoption of any replicate, at {_hours_text(last_h)} "
                   f"(simulated: {_hours_text(max(ends))})")


def _draw_band(ax, frame, label, color, band_kind, linestyle="-"):
    x = frame["time_hours"].to_numpy()
    ax.plot(x, frame["mean"].to_numpy(), color=color, linestyle=linestyle, linewidth=1.8, label=label)
    lower, upper = frame["lower"].to_numpy(dtype=float), frame["upper"].to_numpy(dtype=float)
    if np.isfinite(lower).any():
        ax.fill_between(x, lower, upper, color=color, alpha=0.2, linewidth=0)


def _series_label(result):
    a = result.attrs
    agents = a.get("agents", "?")
    text = (f"{a.get('model', '?')} on {agents:,} agents · " if isinstance(agents, int) else
            f"{a.get('model', '?')} on {agents} agents · ")
    text += f"{a.get('replicates', '?')} replicates · seed {a.get('seed', '?')} · "
    text += os.path.basename(str(a.get("scenario_path", "")))
    if result.points is not None:
        text = f"sweep of {len(result.points)} points · " + text
    return text


def _comparison_label(result):
    labels = [str(label) for label, _ in _groups(result)]
    a = result.runs[0].attrs if result.runs else {}
    same = all(r.attrs.get("agents") == a.get("agents") and r.attrs.get("model") == a.get("model")
               for r in result.runs)
    text = " vs ".join(labels)
    if same and a:
        text += (f" · {a.get('model', '?')} on {a.get('agents', 0):,} agents · "
                 f"{a.get('replicates', '?')} replicates each")
    return text


def _groups(result):
    """(label, Result) of each curve family: the files of a comparison, or the one run."""
    if result.kind == "comparison":
        labels = list(result.series["variant"].cat.categories)
        return list(zip(labels, result.runs))
    return [(None, result)]


def _colors(n):
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return [cycle[i % len(cycle)] for i in range(n)]


def _draw_channels(ax, result, metric, per, band_kind):
    """One curve per channel, in the file's channel order; channels whose mean stays 0 are
    named in a note instead of drawn."""
    order = list(result.series.loc[result.series["metric"] == metric, "channel"].dropna().unique())
    colors = _colors(len(order))
    silent = []
    for channel, color in zip(order, colors):
        curve = per[per["channel"] == channel]
        if not (curve["mean"].abs() > 0).any():
            silent.append(str(channel))
            continue
        _draw_band(ax, curve, f"channel: {channel}", color, band_kind)
    if silent:
        ax.plot([], [], " ", label=f"(always 0: {', '.join(silent)})")


def _finish_axes(ax, title, ylabel, band_kind):
    ax.set_title(title)
    ax.set_xlabel("time (hours)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    _legend(ax, band_kind)


def panel_adoption(ax, result, band_kind, cumulative=True):
    """Cumulative (or new) adopters against hours, all channels together: one curve, or
    one per file of a comparison."""
    groups = _groups(result)
    colors = _colors(max(len(groups), 8))
    metric = "cumulative_adopters" if cumulative else "new_adopters"
    drew = False
    for i, (label, r) in enumerate(groups):
        if metric not in r.metric_names():
            continue
        total = wf.band(r.series, metric, band=band_kind, by=[])
        reps = int(total["n"].max()) if len(total) else 0
        _draw_band(ax, total, label or f"mean over {reps} replicates", colors[i], band_kind)
        drew = True
    if drew:
        _finish_axes(ax, "Cumulative adopters" if cumulative else "New adopters per step",
                     "adopters (agents)" if cumulative else "new adopters per step (agents)", band_kind)
    return drew


def panel_channels(ax, result, band_kind):
    """Cumulative adopters credited to each channel (one run with per-channel series)."""
    if result.kind == "comparison":
        return False
    metric, cumulate = wf.channel_adoption_metric(result)
    if metric is None:
        return False
    per = wf.band(result.series, metric, band=band_kind, cumulate=cumulate, by=["channel"])
    _draw_channels(ax, result, metric, per, band_kind)
    _finish_axes(ax, "Cumulative adopters by channel", "adopters credited to the channel (agents)", band_kind)
    return True


def _legend(ax, band_kind):
    """Inside the axes when short; below them, in columns, when it would hide the curves."""
    entries = len(ax.get_legend_handles_labels()[0])
    title = f"band: {BAND_TEXT[band_kind]}"
    if entries <= 2:
        ax.legend(loc="best", fontsize="small", title=title, title_fontsize="small")
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(3, entries), fontsize="small",
                  title=title, title_fontsize="small", frameon=False)


def panel_money(ax, result, band_kind):
    """Cumulative money raised against hours (per channel too when the money series has a
    channel dimension)."""
    groups = _groups(result)
    colors = _colors(max(len(groups), 8))
    drew = False
    for i, (label, r) in enumerate(groups):
        total = wf.money_curve(r, band_kind)
        if total is None:
            continue
        reps = int(total["n"].max()) if len(total) else 0
        by_channel = r.has_dimension(wf.money_metric(r), "channel") and len(groups) == 1
        _draw_band(ax, total, label or ("all channels" if by_channel else f"mean over {reps} replicates"),
                   "black" if by_channel else colors[i], band_kind)
        drew = True
        if by_channel:
            _draw_channels(ax, r, wf.money_metric(r), wf.money_curve(r, band_kind, by_channel=True), band_kind)
    if drew:
        _finish_axes(ax, "Cumulative money raised", "money raised ($)", band_kind)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return drew


def _metric_text(result, metric):
    units = {"final_adopters": "agents", "final_fraction": "fraction of agents", "peak_adopters": "agents",
             "exposures": "arcs", "peak_step": "steps", "steps_to_50": "steps", "steps_to_90": "steps",
             "last_step": "steps"}.get(metric, "")
    return f"{metric} ({units})" if units else metric


def panel_heatmap(fig, ax, result, metric, x, y, band_kind):
    if result.points is None:
        raise InputProblem(f"{result.path}: a heat map needs a sweep file (with /sweep/points)")
    metric = metric or next((m for m in ("final_fraction", "final_adopters") if m in result.summary.columns), None)
    if metric is None:
        raise InputProblem(f"{result.path}: no summary metric to map; pass --metric")
    params = result.parameters
    if not params:
        raise InputProblem(f"{result.path}: /sweep/points names no parameters")
    x = x or params[0]
    y = y or (params[1] if len(params) > 1 and params[1] != x else next((p for p in params if p != x), None))
    for p in (x, y):
        if p is not None and p not in params:
            raise InputProblem(f"{result.path}: no swept parameter {p!r}; have {params}")
    per_point = wf.point_summary(result, metric, band_kind)
    reps = int(per_point["n"].max()) if len(per_point) else 0
    label = _metric_text(result, metric)
    if y is None:  # one parameter: a line with its band
        per_point = per_point.sort_values(x)
        xs = per_point[x].to_numpy()
        ax.plot(xs, per_point["mean"], marker="o", color="C0", label=f"mean over {reps} replicates")
        ax.fill_between(xs, per_point["lower"].astype(float), per_point["upper"].astype(float), color="C0",
                        alpha=0.2, linewidth=0, label=BAND_TEXT[band_kind])
        ax.set_xlabel(x)
        ax.set_ylabel(label)
        ax.set_title(f"{metric} by {x}")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
        return [x, None, metric]
    others = [p for p in params if p not in (x, y)]
    grid = per_point.groupby([y, x])["mean"].mean().unstack(x)
    xs, ys = list(grid.columns), list(grid.index)
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis",
                      interpolation="nearest")
    ax.set_xticks(range(len(xs)), [f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in ys])
    if len(xs) > 12:
        plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(f"{label}, mean over replicates")
    values = grid.to_numpy(dtype=float)
    if len(xs) * len(ys) <= 150:
        finite = values[np.isfinite(values)]
        middle = (finite.min() + finite.max()) / 2 if len(finite) else 0
        for (j, i), v in np.ndenumerate(values):
            if math.isfinite(v):
                ax.text(i, j, f"{v:.3g}", ha="center", va="center", fontsize="x-small",
                        color="black" if v > middle else "white")
    note = f" (averaged over {', '.join(others)})" if others else ""
    ax.set_title(f"{metric}: mean over {reps} replicates per point{note}")
    return [x, y, metric]


def plot(paths, output, kind="auto", band="ci", metric=None, x=None, y=None, title=None, labels=None, dpi=150):
    """Draws the figure for ``paths`` into ``output``. Returns {panel: legend labels} of
    the panels drawn (adoption, channels, new, money; heatmap: [x, y, metric])."""
    try:
        if len(paths) > 1:
            result = wf.load_comparison(paths, labels)
        else:
            result = wf.load(paths[0])
    except (OSError, ValueError, KeyError) as error:
        raise InputProblem(str(error)) from error
    if result.kind == "sweep" and kind == "auto":
        kind = "heatmap"
    panels = {}  # name -> legend labels (for the heat map: x, y, metric)
    limit = None
    if kind == "heatmap":
        if result.kind != "sweep":
            raise InputProblem(f"{result.path}: --kind heatmap needs a sweep file")
        fig, ax = plt.subplots(figsize=(7.5, 5.5), layout="constrained")
        panels["heatmap"] = panel_heatmap(fig, ax, result, metric, x, y, band)
    else:
        wanted = {"auto": ["adoption", "channels", "new", "money"], "adoption": ["adoption", "channels", "new"],
                  "money": ["money"]}[kind]
        # A money series of zeros only (no fundraiser in the scenario) is not worth a panel,
        # unless asked for.
        has_money = any(wf.money_metric(r) and
                        (r.series.loc[r.series["metric"] == wf.money_metric(r), "value"] != 0).any()
                        for _, r in _groups(result)) or \
            (kind == "money" and any(wf.money_metric(r) for _, r in _groups(result)))
        if "money" in wanted and not has_money:
            if kind == "money":
                raise InputProblem(f"{result.path}: no money series (a /series dataset named *money*)")
            wanted.remove("money")
        if "channels" in wanted and (result.kind == "comparison" or wf.channel_adoption_metric(result)[0] is None):
            wanted.remove("channels")
        n = len(wanted)
        cols = n if n <= 3 else 2
        rows = math.ceil(n / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 4.8 * rows), layout="constrained", squeeze=False)
        flat = list(axes.ravel())
        limit, note = _time_limit([r for _, r in _groups(result)])
        draw = {"adoption": lambda ax: panel_adoption(ax, result, band, cumulative=True),
                "new": lambda ax: panel_adoption(ax, result, band, cumulative=False),
                "channels": lambda ax: panel_channels(ax, result, band),
                "money": lambda ax: panel_money(ax, result, band)}
        for name, ax in zip(wanted, flat):
            if not draw[name](ax):
                ax.set_visible(False)
                continue
            panels[name] = ax.get_legend_handles_labels()[1]
            if limit is not None:
                ax.set_xlim(0, limit)
            else:
                ax.set_xlim(left=0)
        for ax in flat[n:]:
            ax.set_visible(False)
        if not panels:
            raise InputProblem(f"{result.path}: nothing to draw (no adoption series)")
    if title is None:
        title = _series_label(result) if result.kind != "comparison" else _comparison_label(result)
    if kind != "heatmap" and limit is not None:
        title += f"\n{note}"
    fig.suptitle(title, fontsize="medium")
    fig.savefig(output, dpi=dpi)
    plt.close(fig)
    return panels


def main(argv=None):
    parser = argparse.ArgumentParser(prog="wom plot", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="result file(s); several run files are compared")
    parser.add_argument("-o", "--output", required=True, help="figure file (.png, .pdf, .svg)")
    parser.add_argument("--kind", default="auto", choices=("auto", "adoption", "money", "heatmap"))
    parser.add_argument("--band", default="ci", choices=("ci", "range"))
    parser.add_argument("--metric")
    parser.add_argument("--x")
    parser.add_argument("--y")
    parser.add_argument("--title")
    parser.add_argument("--label", action="append", dest="labels")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args(argv)
    try:
        panels = plot(args.files, args.output, kind=args.kind, band=args.band, metric=args.metric, x=args.x,
                      y=args.y, title=args.title, labels=args.labels, dpi=args.dpi)
    except InputProblem as problem:
        print(f"wom plot: error: {problem}", file=sys.stderr)
        return 2
    print(f"wrote {args.output} (panels: {', '.join(panels)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
