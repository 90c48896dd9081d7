# SPDX-License-Identifier: MIT
"""Synthetic wom files written with h5py, for layouts a test cannot get from a quick real run.

They follow docs/output.md; where a layout may vary they take the variant the readers
(python/wom_frames.py) must also understand:

run_with_channels(path, money="per_step" | "cumulative" | "by_channel")
    A run file: /series/new_adopters, cumulative_adopters [replicate, step] with the
    scales replicate, time_hours, step; a string scale /series/channel; per-channel
    /series/new_adopters_by_channel [replicate, channel, step] (adoptions credited to each
    channel at each step; sums over channels to new_adopters); money as
    /series/money_raised_cents: [replicate, step] raised *at* each step ("per_step") or by
    the end of each step ("cumulative", long_name says so), or [replicate, channel, step]
    per step ("by_channel"); /summary/replicates compound.

sweep(path, points_as="table" | "group", summary_as="2d" | "point_field", parameters=2)
    A sweep file: /sweep/points as a compound table (point, one field per dotted key,
    seed) or as a group of 1-D datasets, one per key; series [point, replicate, step] with a
    `point` scale; /summary/replicates either [point, replicate] (no point field) or 1-D,
    point-major, with a `point` field. final_fraction = p * m / 10 + noise, so the heat
    map's values are known.

Every file is complete (root attribute complete = 1, format_version = 1).
"""

import h5py
import numpy as np

CHANNELS = ("seed", "friends", "referral")

SUMMARY_DTYPE = np.dtype([("replicate", "<u4"), ("final_adopters", "<u8"), ("final_fraction", "<f8"),
                          ("peak_step", "<i4"), ("steps_to_50", "<i4")])


def _root_attributes(f, replicates, steps, agents, model="linear_threshold", extra=None):
    attrs = {"format_version": np.int32(1), "wom_version": "0.1.0", "git_commit": "synthetic",
             "scenario_path": "synthetic.toml", "scenario": "[model]\nname = \"linear_threshold\"\n",
             "overrides": "", "command_line": "synthetic", "model": model, "seed": np.uint64(3),
             "threads": np.int32(1), "started_utc": "2026-01-01T00:00:00Z",
             "finished_utc": "2026-01-01T00:00:01Z", "build_seconds": 0.0, "run_seconds": 0.0,
             "agents": np.uint64(agents), "arcs": np.uint64(0), "directed": np.int32(0),
             "replicates": np.uint32(replicates), "steps": np.int32(steps), "step_hours": 2.0}
    attrs.update(extra or {})
    for name, value in attrs.items():
        f.attrs[name] = value


def _scales(series, replicates, steps, step_hours=2.0, points=None):
    out = {}
    if points is not None:
        out["point"] = series.create_dataset("point", data=np.arange(points, dtype="<u4"))
    out["replicate"] = series.create_dataset("replicate", data=np.arange(replicates, dtype="<u4"))
    out["time_hours"] = series.create_dataset("time_hours", data=np.arange(steps + 1) * step_hours)
    out["time_hours"].attrs["units"] = "hours"
    out["step"] = series.create_dataset("step", data=np.arange(steps + 1, dtype="<i4"))
    out["step"].attrs["units"] = "steps"
    for name, ds in out.items():
        ds.make_scale(name)
    return out


def _attach(ds, labels, scales):
    """labels: one name per dimension; 'step' attaches time_hours then step."""
    for d, label in enumerate(labels):
        ds.dims[d].label = label
        if label == "step":
            ds.dims[d].attach_scale(scales["time_hours"])
            ds.dims[d].attach_scale(scales["step"])
        else:
            ds.dims[d].attach_scale(scales[label])


def _summary_rows(new, agents):
    cumulative = new.cumsum(axis=-1)
    rows = np.zeros(new.shape[:-1], dtype=SUMMARY_DTYPE)
    rows["final_adopters"] = cumulative[..., -1]
    rows["final_fraction"] = cumulative[..., -1] / agents
    rows["peak_step"] = np.where(new[..., 1:].max(axis=-1) > 0, new[..., 1:].argmax(axis=-1) + 1, -1)
    rows["steps_to_50"] = np.argmax(cumulative * 2 >= cumulative[..., -1:], axis=-1)
    rows["replicate"] = np.broadcast_to(np.arange(new.shape[-2]), new.shape[:-1])
    return rows


def run_with_channels(path, money="per_step", replicates=6, steps=12, agents=500, seed=1):
    rng = np.random.default_rng(seed)
    by_channel = rng.integers(0, 6, size=(replicates, len(CHANNELS), steps + 1)).astype("<u8")
    by_channel[:, 0, 1:] = 0           # seeds adopt at step 0 only
    by_channel[:, 0, 0] = 5
    by_channel[:, 1:, 0] = 0
    by_channel[:, 2, steps // 2:] = 0  # the referral budget runs out half way
    new = by_channel.sum(axis=1)
    with h5py.File(path, "w") as f:
        _root_attributes(f, replicates, steps, agents)
        series = f.create_group("series")
        scales = _scales(series, replicates, steps)
        channel = series.create_dataset("channel", data=np.array(CHANNELS, dtype=object),
                                        dtype=h5py.string_dtype("utf-8"))
        channel.make_scale("channel")
        scales["channel"] = channel
        for name, values, long_name in (("new_adopters", new, "agents adopting at this step"),
                                        ("cumulative_adopters", new.cumsum(axis=1).astype("<u8"),
                                         "agents adopted at or before this step")):
            ds = series.create_dataset(name, data=values)
            ds.attrs["units"], ds.attrs["long_name"] = "agents", long_name
            _attach(ds, ("replicate", "step"), scales)
        ds = series.create_dataset("new_adopters_by_channel", data=by_channel)
        ds.attrs["units"], ds.attrs["long_name"] = "agents", "adoptions credited to each channel at this step"
        _attach(ds, ("replicate", "channel", "step"), scales)
        cents = rng.integers(0, 5000, size=(replicates, len(CHANNELS), steps + 1)).astype("<i8")
        if money == "by_channel":
            ds = series.create_dataset("money_raised_cents", data=cents)
            ds.attrs["long_name"] = "donations received at this step, by channel"
            _attach(ds, ("replicate", "channel", "step"), scales)
        else:
            per_step = cents.sum(axis=1)
            values = per_step.cumsum(axis=1) if money == "cumulative" else per_step
            ds = series.create_dataset("money_raised_cents", data=values)
            ds.attrs["long_name"] = ("donations raised by the end of this step (cumulative)"
                                     if money == "cumulative" else "donations received at this step")
            _attach(ds, ("replicate", "step"), scales)
        ds.attrs["units"] = "cents"
        f.create_group("summary").create_dataset("replicates", data=_summary_rows(new, agents))
        f.attrs["complete"] = np.int32(1)
    return {"new": new, "by_channel": by_channel, "cents": cents}


def sweep(path, points_as="table", summary_as="2d", parameters=2, replicates=5, steps=8, agents=1000, seed=2):
    rng = np.random.default_rng(seed)
    ps = np.array([0.1, 0.2, 0.4])
    ms = np.array([1, 2, 3, 4])
    if parameters == 2:
        grid_p, grid_m = np.meshgrid(ps, ms, indexing="ij")
        values = {"model.probability": grid_p.ravel(), "network.m": grid_m.ravel().astype("<i8")}
    else:
        values = {"model.probability": ps}
    n_points = len(next(iter(values.values())))
    fraction = np.ones(n_points)
    for v in values.values():
        fraction = fraction * v
    fraction = fraction / 10
    final = np.round(fraction[:, None] * agents + rng.integers(-3, 4, size=(n_points, replicates))).astype(np.int64)
    final = np.maximum(final, 1)
    new = np.zeros((n_points, replicates, steps + 1), dtype="<u8")
    new[:, :, 0] = 1
    new[:, :, 1] = final - 1   # everyone else at step 1
    with h5py.File(path, "w") as f:
        _root_attributes(f, replicates, steps, agents, extra={
            "sweep_parameters": "\n".join(values), "sweep_points": np.uint32(n_points)})
        series = f.create_group("series")
        scales = _scales(series, replicates, steps, points=n_points)
        for name, data in (("new_adopters", new), ("cumulative_adopters", new.cumsum(axis=2).astype("<u8"))):
            ds = series.create_dataset(name, data=data)
            ds.attrs["units"] = "agents"
            _attach(ds, ("point", "replicate", "step"), scales)
        group = f.create_group("sweep")
        if points_as == "table":
            dtype = [("point", "<u4")] + [(k, v.dtype.str) for k, v in values.items()] + [("seed", "<u8")]
            table = np.zeros(n_points, dtype=dtype)
            table["point"] = np.arange(n_points)
            for k, v in values.items():
                table[k] = v
            group.create_dataset("points", data=table)
        else:
            points = group.create_group("points")
            for k, v in values.items():
                points.create_dataset(k, data=v)
        rows = _summary_rows(new, agents)  # [point, replicate]
        summary = f.create_group("summary")
        if summary_as == "2d":
            summary.create_dataset("replicates", data=rows)
        else:
            flat = np.zeros(rows.size, dtype=[("point", "<u4")] + SUMMARY_DTYPE.descr)
            for name in SUMMARY_DTYPE.names:
                flat[name] = rows[name].ravel()
            flat["point"] = np.repeat(np.arange(n_points), replicates)
            summary.create_dataset("replicates", data=flat)
        f.attrs["complete"] = np.int32(1)
    return {"values": values, "final_fraction": rows["final_fraction"], "new": new}
