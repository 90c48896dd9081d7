#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Read a wom run file (HDF5, layout in docs/output.md) into plain numpy objects.

As a module::

    from wom_reader import load_run
    run = load_run("out.h5")
    run["series"]["cumulative_adopters"]      # uint64 array [replicate, step]
    run["time_hours"]                         # float64 array [step]
    run["summary"]["final_fraction"].mean()   # structured array, one row per replicate

As a script, ``python3 python/wom_reader.py FILE`` prints a short description.
Needs only h5py and numpy (Debian: python3-h5py).
"""

import sys

import h5py
import numpy as np

#: Layout versions this reader understands (root attribute ``format_version``).
SUPPORTED_FORMAT_VERSIONS = (1,)

#: The [replicate, step] series in /series, in file order.
SERIES = ("new_adopters", "cumulative_adopters", "exposures", "active_sharers")


def _decode(value):
    """Attribute value as a plain Python object (str, int or float)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def load_run(path):
    """Load a whole run file.

    Returns a dict with:
      ``attrs``       root attributes (provenance, sizes), decoded to str/int/float;
      ``series``      name -> numpy array [replicate, step] (uint64);
      ``time_hours``  float64 [step], ``step`` int32 [step], ``replicate`` uint32 [replicate];
      ``summary``     numpy structured array, one row per replicate;
      ``adoption_step`` int32 [replicate, agent] and ``label`` uint64 [agent], or None
                      when the run did not record per-agent data.

    Raises ValueError for a file that is incomplete or of an unknown format version.
    """
    with h5py.File(path, "r") as f:
        attrs = {name: _decode(value) for name, value in f.attrs.items()}
        if attrs.get("complete") != 1:
            raise ValueError(f"{path}: not a complete wom run file (attribute 'complete' != 1)")
        if attrs.get("format_version") not in SUPPORTED_FORMAT_VERSIONS:
            raise ValueError(f"{path}: format_version {attrs.get('format_version')!r} not supported "
                             f"(this reader knows {SUPPORTED_FORMAT_VERSIONS})")
        agents = f.get("agents")
        return {
            "attrs": attrs,
            "series": {name: f["series"][name][()] for name in SERIES},
            "time_hours": f["series/time_hours"][()],
            "step": f["series/step"][()],
            "replicate": f["series/replicate"][()],
            "summary": f["summary/replicates"][()],
            "adoption_step": agents["adoption_step"][()] if agents is not None else None,
            "label": agents["label"][()] if agents is not None else None,
        }


def describe(run):
    """A few human-readable lines about a loaded run."""
    a = run["attrs"]
    summary = run["summary"]
    lines = [
        f"wom {a['wom_version']} ({a['git_commit']}), format {a['format_version']}",
        f"scenario {a['scenario_path']}, model {a['model']}, seed {a['seed']}, {a['threads']} threads",
        f"network: {a['agents']} agents, {a['arcs']} arcs, {'directed' if a['directed'] else 'undirected'}",
        f"{a['replicates']} replicates x {a['steps']} steps of {a['step_hours']} h; "
        f"run {a['started_utc']} .. {a['finished_utc']} ({a['run_seconds']:.3g} s)",
    ]
    if len(summary):
        final = summary["final_fraction"]
        lines.append(f"final fraction adopted: mean {final.mean():.4g}, "
                     f"min {final.min():.4g}, max {final.max():.4g}")
    if run["adoption_step"] is not None:
        lines.append(f"per-agent adoption steps: {run['adoption_step'].shape}")
    return "\n".join(lines)


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} FILE.h5", file=sys.stderr)
        return 2
    try:
        run = load_run(argv[1])
    except (OSError, ValueError, KeyError) as error:
        print(f"{argv[1]}: {error}", file=sys.stderr)
        return 1
    print(describe(run))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
