#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The catalogue of bad input: every case runs the real `wom` binary on one bad input and
checks that it exits with status 2, prints one clear message (matching the case's pattern,
naming file:line:column: key where one applies, on stderr, prefixed "wom: error: "), prints
nothing of HDF5's own, and leaves no file behind (no output, no temporary).

docs/errors.md is generated from this table with the messages wom really prints:
    errors_test.py WOM SOURCE_DIR markdown > docs/errors.md
and the case `docs_current` checks that the committed file is current.

usage: errors_test.py WOM_BINARY SOURCE_DIR (catalogue | docs_current | markdown | CASE)
"""
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile

WOM, SRC, WHAT = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
EXAMPLES = os.path.join(SRC, "scenarios", "examples")
KARATE = os.path.join(EXAMPLES, "ic_karate.toml")

BA = """\
[network]
generator = "barabasi_albert"
n = 100
m = 2

[model]
name = "independent_cascade"
probability = 0.1

[[channel]]
type = "seed"
strategy = "random"
count = 2

[run]
steps = 10
replicates = 2
"""


def edge_list_scenario(path):
    return f"""\
[network]
edge_list = "{path}"

[model]
name = "independent_cascade"
probability = 0.1

[[channel]]
type = "seed"
strategy = "random"
count = 1
"""


def gz(data):
    return gzip.compress(data, mtime=0)


TRUNCATED_GZ = gz("".join(f"{i} {i + 1}\n" for i in range(20000)).encode())[:3000]


class Case:
    """One bad input. `files`: name -> text or bytes, written into a fresh folder; `args`:
    the command line, where {d} is that folder; `message`: a regular expression the whole
    stderr must match (after the 'wom: error: ' prefix; {d} stands for the folder)."""

    def __init__(self, name, what, args, message, files=None, setup=None, run_as=None, section="Scenario files"):
        self.name, self.what, self.args, self.message = name, what, args, message
        self.files, self.setup, self.run_as, self.section = files or {}, setup, run_as, section


def sub(text, replacements):
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def run_scenario(name="s.toml"):
    return ["run", "{d}/" + name, "-o", "{d}/out.h5"]


SCEN, EDGE, OUT, CLI_, FILES = "Scenario files", "Edge lists", "Output paths", "Command line", "Result files"

CASES = [
    # -- scenario files: not TOML at all
    Case("empty_file", "an empty scenario file", run_scenario(),
         r"{d}/s\.toml:1:1: network: required table \[network\] is missing\n"
         r"{d}/s\.toml:1:1: model: required table \[model\] is missing\n"
         r"{d}/s\.toml:1:1: channel: no seed channel.*", {"s.toml": ""}),
    Case("binary_file", "a binary file given as the scenario", run_scenario(),
         r"{d}/s\.toml:1:\d+: syntax: .*", {"s.toml": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\xff\xfe\x00" * 8}),
    Case("syntax_error", "TOML syntax error (unclosed table header)", run_scenario(),
         r"{d}/s\.toml:1:\d+: syntax: .*", {"s.toml": "[network\nn = 1\n"}),
    Case("invalid_utf8_string", "a string that is not UTF-8", run_scenario(),
         r"{d}/s\.toml:2:\d+: syntax: .*utf-8.*", {"s.toml": b'[network]\nname = "caf\xe9"\n'}),
    Case("duplicate_key", "the same key twice", run_scenario(),
         r"{d}/s\.toml:5:5: syntax: .*cannot redefine existing integer 'n'", {"s.toml": sub(BA, [("m = 2\n", "m = 2\nn = 5\n")])}),
    Case("missing_scenario", "a scenario file that does not exist", ["run", "{d}/nope.toml", "-o", "{d}/out.h5"],
         r"{d}/nope\.toml: cannot read scenario: No such file or directory", section=SCEN),
    Case("scenario_is_folder", "a folder given as the scenario", ["run", "{d}/folder", "-o", "{d}/out.h5"],
         r"{d}/folder: cannot read scenario: is a directory", setup=lambda d: os.mkdir(os.path.join(d, "folder"))),
    # -- keys and types
    Case("unknown_table", "a misspelt table", run_scenario(),
         r"{d}/s\.toml:19:2: netwrk: unknown table \(did you mean 'network'\?\); valid tables: .*", {"s.toml": BA + "\n[netwrk]\nn = 3\n"}),
    Case("unknown_key", "a misspelt key", run_scenario(),
         r"{d}/s\.toml:8:1: model\.probabilty: unknown key.*probability.*",
         {"s.toml": sub(BA, [("probability = 0.1", "probabilty = 0.1")])}),
    Case("wrong_type_string", "a string where a number belongs", run_scenario(),
         r"{d}/s\.toml:8:15: model\.probability: expected float, found string",
         {"s.toml": sub(BA, [("probability = 0.1", 'probability = "0.1"')])}),
    Case("wrong_type_number", "a number where a string belongs", run_scenario(),
         r"{d}/s\.toml:7:8: model\.name: expected string, found integer",
         {"s.toml": sub(BA, [('name = "independent_cascade"', "name = 3")])}),
    Case("wrong_type_array", "an array where an integer belongs", run_scenario(),
         r"{d}/s\.toml:3:5: network\.n: expected integer, found array",
         {"s.toml": sub(BA, [("n = 100", "n = [100]")])}),
    Case("wrong_type_float_for_int", "a fractional number where an integer belongs", run_scenario(),
         r"{d}/s\.toml:3:5: network\.n: expected integer, found float.*",
         {"s.toml": sub(BA, [("n = 100", "n = 100.5")])}),
    Case("unknown_model", "a model wom does not have", run_scenario(),
         r"{d}/s\.toml:7:8: model\.name: expected one of 'independent_cascade', .*found 'independant_cascade' \(did you mean 'independent_cascade'\?\)",
         {"s.toml": sub(BA, [("name = \"independent_cascade\"", "name = \"independant_cascade\"")])}),
    Case("unknown_channel", "a channel type wom does not have", run_scenario(),
         r"{d}/s\.toml:11:8: channel\.0\.type: expected one of 'seed', .*found 'billboard'",
         {"s.toml": sub(BA, [('type = "seed"', 'type = "billboard"')])}),
    Case("no_seed_channel", "no seed channel", run_scenario(),
         r"{d}/s\.toml:1:1: channel: no seed channel.*",
         {"s.toml": BA.split("[[channel]]")[0] + "[run]\nsteps = 3\n"}),
    # -- numbers out of range
    Case("nan_probability", "NaN probability", run_scenario(),
         r"{d}/s\.toml:8:15: model\.probability: expected a finite float, found nan",
         {"s.toml": sub(BA, [("probability = 0.1", "probability = nan")])}),
    Case("inf_probability", "infinite probability", run_scenario(),
         r"{d}/s\.toml:8:15: model\.probability: expected a finite float, found inf",
         {"s.toml": sub(BA, [("probability = 0.1", "probability = inf")])}),
    Case("negative_probability", "negative probability", run_scenario(),
         r"{d}/s\.toml:8:15: model\.probability: expected a float in \[0, 1\], found -0\.1",
         {"s.toml": sub(BA, [("probability = 0.1", "probability = -0.1")])}),
    Case("probability_above_one", "probability above 1", run_scenario(),
         r"{d}/s\.toml:8:15: model\.probability: expected a float in \[0, 1\], found 1\.5",
         {"s.toml": sub(BA, [("probability = 0.1", "probability = 1.5")])}),
    Case("threshold_out_of_range", "a threshold beyond the fixed-point range", run_scenario(),
         r"{d}/s\.toml:\d+:\d+: population\.threshold.*",
         {"s.toml": sub(BA, [('name = "independent_cascade"\nprobability = 0.1', 'name = "linear_threshold"')])
          + "\n[population]\nthreshold = 2.5\n"}),
    Case("threshold_distribution_out_of_range", "a threshold distribution reaching below 0", run_scenario(),
         r"{d}/s\.toml:\d+:\d+: population\.threshold.*",
         {"s.toml": sub(BA, [('name = "independent_cascade"\nprobability = 0.1', 'name = "linear_threshold"')])
          + '\n[population]\nthreshold = { dist = "uniform", low = -0.5, high = 0.5 }\n'}),
    Case("n_zero", "N = 0", run_scenario(),
         r"{d}/s\.toml:3:5: network\.n: expected an integer in \[1, 4294967294\], found 0",
         {"s.toml": sub(BA, [("n = 100", "n = 0")])}),
    Case("n_negative", "negative N", run_scenario(),
         r"{d}/s\.toml:3:5: network\.n: expected an integer in \[1, 4294967294\], found -5",
         {"s.toml": sub(BA, [("n = 100", "n = -5")])}),
    Case("n_beyond_32_bits", "N beyond 32-bit agent ids", run_scenario(),
         r"{d}/s\.toml:3:5: network\.n: expected an integer in \[1, 4294967294\], found 5000000000",
         {"s.toml": sub(BA, [("n = 100", "n = 5000000000")])}),
    Case("m_not_below_n", "m >= N", run_scenario(),
         r"{d}/s\.toml:4:5: network\.m: expected m < n \(n = 100\), found 100",
         {"s.toml": sub(BA, [("m = 2", "m = 100")])}),
    Case("absurd_network", "absurd N and m: refused with the memory estimate, before allocating", run_scenario(),
         r"{d}/s\.toml:3:5: network\.n: a barabasi_albert network of 4000000000 agents and about 8e\+12 arcs "
         r"needs about [0-9.]+ [TP]iB of memory to build and run, more than the [0-9.]+ [GMT]iB of memory "
         r"available \(docs/limits\.md\)",
         {"s.toml": sub(BA, [("n = 100", "n = 4000000000"), ("m = 2", "m = 1000")])}),
    Case("absurd_results", "per-agent results of too many replicates: refused with the estimate", run_scenario(),
         r"{d}/s\.toml:\d+:\d+: output\.adoption_steps: keeping the results of 10000000 replicates x 10 steps "
         r"and each agent's adoption step needs about [0-9.]+ [TP]iB of memory, more than .*",
         {"s.toml": sub(BA, [("n = 100", "n = 1000000"), ("replicates = 2", "replicates = 10000000")])
          + "\n[output]\nadoption_steps = true\n"}),
    Case("seed_id_beyond_32_bits", "a seed id beyond 32 bits", run_scenario(),
         r"{d}/s\.toml:\d+:\d+: channel\.0\.ids(\.0)?: .*4294967296.*",
         {"s.toml": sub(BA, [('strategy = "random"\ncount = 2', 'strategy = "explicit"\nids = [4294967296]')])}),
    Case("seed_id_not_in_network", "a seed id that is not an agent", run_scenario(),
         r"{d}/s\.toml:13:8: channel\.0\.ids\.0: expected an agent id < n \(n = 100\), found 100",
         {"s.toml": sub(BA, [('strategy = "random"\ncount = 2', 'strategy = "explicit"\nids = [100]')])}),
    Case("seed_count_above_n", "more seeds than agents", run_scenario(),
         r"{d}/s\.toml:13:9: channel\.0\.count: expected at most the 100 agents of \[network\], found 101",
         {"s.toml": sub(BA, [("count = 2", "count = 101")])}),
    Case("replicates_zero", "zero replicates", run_scenario(),
         r"{d}/s\.toml:17:14: run\.replicates: expected an integer .*found 0",
         {"s.toml": sub(BA, [("replicates = 2", "replicates = 0")])}),
    # -- edge lists
    Case("edge_list_missing", "an edge list that does not exist", run_scenario(),
         r"{d}/s\.toml:2:13: network\.edge_list: cannot read '{d}/missing\.txt': no such file",
         {"s.toml": edge_list_scenario("missing.txt")}, section=EDGE),
    Case("edge_list_is_folder", "a folder given as the edge list", run_scenario(),
         r"{d}/s\.toml:2:13: network\.edge_list: cannot read '{d}/folder': is a directory",
         {"s.toml": edge_list_scenario("folder")}, setup=lambda d: os.mkdir(os.path.join(d, "folder")), section=EDGE),
    Case("edge_list_empty", "an empty edge list", run_scenario(),
         r"{d}/e\.txt: no edges", {"s.toml": edge_list_scenario("e.txt"), "e.txt": ""}, section=EDGE),
    Case("edge_list_comments_only", "an edge list of comments only", run_scenario(),
         r"{d}/e\.txt: no edges", {"s.toml": edge_list_scenario("e.txt"), "e.txt": "# FromNodeId ToNodeId\n%\n\n"},
         section=EDGE),
    Case("edge_list_binary", "a binary file given as the edge list (bytes shown escaped)", run_scenario(),
         r"{d}/e\.txt:1: expected two agent ids \(tail head\), found '\\x7fELF\\x02\\x01\\x01\\x00\\x00.*'",
         {"s.toml": edge_list_scenario("e.txt"), "e.txt": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\xff\xfe" * 8},
         section=EDGE),
    Case("edge_list_not_numeric", "a name where an agent id belongs", run_scenario(),
         r"{d}/e\.txt:2: expected an unsigned integer agent id, found 'alice bob'",
         {"s.toml": edge_list_scenario("e.txt"), "e.txt": "0 1\nalice bob\n"}, section=EDGE),
    Case("edge_list_negative_id", "a negative agent id", run_scenario(),
         r"{d}/e\.txt:1: expected an unsigned integer agent id, found '-1 2'",
         {"s.toml": edge_list_scenario("e.txt"), "e.txt": "-1 2\n"}, section=EDGE),
    Case("edge_list_one_column", "a line with one id", run_scenario(),
         r"{d}/e\.txt:3: expected two agent ids \(tail head\), found '7'",
         {"s.toml": edge_list_scenario("e.txt"), "e.txt": "0 1\n1 2\n7\n"}, section=EDGE),
    Case("edge_list_id_beyond_64_bits", "an agent id beyond 64 bits", run_scenario(),
         r"{d}/e\.txt:2: agent id beyond 2\^64 - 1 in '1 18446744073709551616'",
         {"s.toml": edge_list_scenario("e.txt"), "e.txt": "0 1\n1 18446744073709551616\n"}, section=EDGE),
    Case("edge_list_nan_weight", "a NaN weight", run_scenario(),
         r"{d}/e\.txt:1: expected a finite number as weight \(third column\), found '0 1 nan'",
         {"s.toml": edge_list_scenario("e.txt"), "e.txt": "0 1 nan\n"}, section=EDGE),
    Case("edge_list_mixed_weights", "weights on some lines only", run_scenario(),
         r"{d}/e\.txt:2: has no weight \(third column\) but line 1 has one.*",
         {"s.toml": edge_list_scenario("e.txt"), "e.txt": "0 1 0.5\n1 2\n"}, section=EDGE),
    Case("edge_list_truncated_gz", "a truncated .gz edge list", run_scenario(),
         r"{d}/e\.txt\.gz: truncated or corrupt gzip stream",
         {"s.toml": edge_list_scenario("e.txt.gz"), "e.txt.gz": TRUNCATED_GZ}, section=EDGE),
    Case("edge_list_gz_not_gzip", "a .gz edge list that is not gzip", run_scenario(),
         r"{d}/e\.txt\.gz: not a gzip stream.*",
         {"s.toml": edge_list_scenario("e.txt.gz"), "e.txt.gz": "0 1\n1 2\n"}, section=EDGE),
    Case("edge_list_unknown_seed", "a seed id not in the edge list", run_scenario(),
         r"{d}/s\.toml:11:7: channel\.0\.ids: agent 42 is not in the network",
         {"s.toml": sub(edge_list_scenario("e.txt"), [('strategy = "random"\ncount = 1', 'strategy = "explicit"\nids = [42]')]),
          "e.txt": "0 1\n1 2\n"}, section=EDGE),
    # -- output paths
    Case("output_folder_missing", "an output folder that does not exist", ["run", KARATE, "-o", "{d}/no/such/out.h5"],
         r"{d}/no/such/out\.h5: output folder '{d}/no/such' does not exist", section=OUT),
    Case("output_is_folder", "an output path that is a folder", ["run", KARATE, "-o", "{d}/folder"],
         r"{d}/folder: is a folder, not an output file", setup=lambda d: os.mkdir(os.path.join(d, "folder")),
         section=OUT),
    Case("output_exists", "an output file already there (refused unless --force; the file is kept as it was)",
         ["run", KARATE, "-o", "{d}/out.h5"], r"{d}/out\.h5: already exists \(use --force to replace it\)",
         {"out.h5": "an earlier result\n"}, section=OUT),
    Case("output_folder_read_only", "an output folder the user may not write in",
         ["run", KARATE, "-o", "{d}/ro/out.h5"],
         r"{d}/ro/out\.h5: cannot write in output folder '{d}/ro': permission denied",
         setup=lambda d: os.mkdir(os.path.join(d, "ro"), 0o555), run_as="unprivileged", section=OUT),
    Case("output_folder_unreadable", "an output folder with no permissions at all",
         ["run", KARATE, "-o", "{d}/closed/out.h5"],
         r"{d}/closed/out\.h5: cannot write in output folder '{d}/closed': permission denied",
         setup=lambda d: os.mkdir(os.path.join(d, "closed"), 0o000), run_as="unprivileged", section=OUT),
    Case("output_not_regular", "an output path that is a device", ["run", KARATE, "-o", "/dev/null", "--force"],
         r"/dev/null: (exists and is not a regular file.*|cannot write in output folder.*)", section=OUT),
    Case("sweep_output_exists", "a sweep's output already there", ["sweep", "{d}/s.toml", "-o", "{d}/out.h5",
                                                                    "--set", "model.probability=0.1,0.2"],
         r"{d}/out\.h5: already exists \(use --force to replace it\)", {"s.toml": BA, "out.h5": "x\n"}, section=OUT),
    # -- command line
    Case("set_unknown_key", "--set of a key that does not exist", ["run", "{d}/s.toml", "-o", "{d}/out.h5",
                                                                    "--set", "model.probabilty=0.2"],
         r"--set model\.probabilty=0\.2: model\.probabilty: unknown key.*", {"s.toml": BA}, section=CLI_),
    Case("set_without_value", "--set without '='", ["run", "{d}/s.toml", "-o", "{d}/out.h5", "--set", "model.probability"],
         r".*--set.*model\.probability.*", {"s.toml": BA}, section=CLI_),
    Case("set_out_of_range", "--set of a value out of range", ["run", "{d}/s.toml", "-o", "{d}/out.h5",
                                                                "--set", "model.probability=7"],
         r"--set model\.probability=7: model\.probability: expected a float in \[0, 1\], found 7", {"s.toml": BA},
         section=CLI_),
    Case("sweep_unknown_key", "a sweep over a key that does not exist", ["sweep", "{d}/s.toml", "-o", "{d}/out.h5",
                                                                          "--set", "model.probabilty=0.1,0.2"],
         r".*model\.probabilty.*unknown key.*", {"s.toml": BA}, section=CLI_),
    Case("sweep_parameters_unknown_key", "[sweep.parameters] naming a key that does not exist",
         ["sweep", "{d}/s.toml", "-o", "{d}/out.h5"],
         r"{d}/s\.toml:23:23: model\.probabilty: unknown key \(did you mean 'probability'\?\); valid keys: .*",
         {"s.toml": BA + '\n[sweep]\ndesign = "grid"\n\n[sweep.parameters]\n"model.probabilty" = [0.1, 0.2]\n'},
         section=CLI_),
    Case("sweep_value_out_of_range", "a swept value out of range", ["sweep", "{d}/s.toml", "-o", "{d}/out.h5"],
         r"{d}/s\.toml:23:29: model\.probability: expected a float in \[0, 1\], found 2",
         {"s.toml": BA + '\n[sweep]\ndesign = "grid"\n\n[sweep.parameters]\n"model.probability" = [0.1, 2.0]\n'},
         section=CLI_),
    Case("threads_zero", "--threads 0", ["run", KARATE, "-o", "{d}/out.h5", "--threads", "0"],
         r"--threads: Value 0 not in range 1 to 4096 \(wom run --help lists the options\)", section=CLI_),
    Case("seed_not_a_number", "--seed that is not a number", ["run", KARATE, "-o", "{d}/out.h5", "--seed", "abc"],
         r"--seed: expected an integer in \[0, 18446744073709551615\], found 'abc' \(wom run --help lists the options\)",
         section=CLI_),
    Case("unknown_command", "a command wom does not have", ["frobnicate"], r"unknown command 'frobnicate'; the commands are run, validate, .* \(wom --help\)", section=CLI_),
    Case("no_output_flag", "wom run without -o", ["run", KARATE], r"run: --output is required \(or --dry-run\)",
         section=CLI_),
    Case("bad_shard", "--shard that is not i/N", ["sweep", "{d}/s.toml", "-o", "{d}/out.h5", "--shard", "3/2",
                                                   "--set", "model.probability=0.1,0.2"],
         r"--shard: expected i/N with 0 <= i < N.*", {"s.toml": BA}, section=CLI_),
    # -- result files given to inspect, export, merge
    Case("inspect_missing", "inspect of a file that does not exist", ["inspect", "{d}/none.h5"],
         r"'{d}/none\.h5': no such file", section=FILES),
    Case("inspect_not_hdf5", "inspect of a file that is not HDF5", ["inspect", "{d}/x.h5"],
         r"'{d}/x\.h5' is not an HDF5 file", {"x.h5": "plain text\n"}, section=FILES),
    Case("inspect_truncated_hdf5", "inspect of a truncated HDF5 file", ["inspect", "{d}/x.h5"],
         r"HDF5: cannot open / in file '{d}/x\.h5': unable to open file \(truncated file: .*\)",
         setup=lambda d: truncated_result(d), section=FILES),
    Case("merge_not_a_sweep", "merge of a file that is not a sweep shard",
         ["merge", "{d}/merged.h5", "{d}/x.h5", "{d}/x.h5"], r"merge: .*{d}/x\.h5.*", {"x.h5": "plain text\n"},
         section=FILES),
]


def truncated_result(folder):
    full = os.path.join(folder, "full.h5")
    subprocess.run([WOM, "run", KARATE, "-o", full, "--quiet", "--set", "run.replicates=5"], check=True)
    with open(full, "rb") as f:
        data = f.read()
    os.remove(full)
    with open(os.path.join(folder, "x.h5"), "wb") as f:
        f.write(data[: len(data) // 3])


def unprivileged():
    """preexec for a case that must run as an ordinary user: as root, permissions do not bind."""
    if os.geteuid() != 0:
        return None
    def drop():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    return drop


def run_case(case):
    """Runs one case in a fresh folder; returns its stderr with the folder written as DIR."""
    folder = tempfile.mkdtemp(prefix="wom-err-")
    try:
        os.chmod(folder, 0o755)  # an unprivileged run must reach the case's files
        for name, content in case.files.items():
            with open(os.path.join(folder, name), "wb" if isinstance(content, bytes) else "w") as f:
                f.write(content)
        if case.setup:
            case.setup(folder)
        before = {n: open(os.path.join(folder, n), "rb").read() for n in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, n))}
        before_names = sorted(os.listdir(folder))
        args = [a.replace("{d}", folder) for a in case.args]
        preexec = unprivileged() if case.run_as == "unprivileged" else None
        p = subprocess.run([WOM, *args], capture_output=True, text=True, errors="replace", preexec_fn=preexec,
                           timeout=120)
        problems = []
        if p.returncode != 2:
            problems.append(f"exit status {p.returncode}, expected 2")
        if "HDF5-DIAG" in p.stderr or "#000:" in p.stderr:
            problems.append("HDF5's own error stack reached stderr")
        text = p.stderr.rstrip("\n")
        prefix = "wom: error: "
        if not text.startswith(prefix):
            problems.append(f"stderr does not start with {prefix!r}")
        body = text[len(prefix):] if text.startswith(prefix) else text
        pattern = case.message.replace("{d}", re.escape(folder))
        if not re.fullmatch(pattern, body, re.S):
            problems.append(f"message does not match {pattern!r}")
        if p.stdout.strip():
            problems.append(f"unexpected stdout: {p.stdout[:200]!r}")
        after_names = sorted(os.listdir(folder))
        if after_names != before_names:
            problems.append(f"files left behind: {sorted(set(after_names) - set(before_names))}")
        for name, data in before.items():
            with open(os.path.join(folder, name), "rb") as f:
                if f.read() != data:
                    problems.append(f"{name} was changed")
        if problems:
            sys.exit(f"errors/{case.name} ({case.what}): wom {' '.join(args)}\n  " + "\n  ".join(problems) +
                     f"\n--- stderr:\n{p.stderr}\n--- stdout:\n{p.stdout}")
        return body.replace(folder, "DIR").replace(SRC, "SRC")
    finally:
        for root, dirs, _ in os.walk(folder):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(folder)


TAIL = """\
## Handled, not refused

| input | what wom does | checked by |
| --- | --- | --- |
| self-loops in an edge list | dropped: an agent does not influence itself | `faults_test.py handled_input`, `tests/unit/network` |
| the same arc twice in an edge list (or both directions of an undirected edge) | merged into one arc, the first weight kept | `faults_test.py handled_input`, `tests/unit/network` |
| agent ids up to 2^64 - 1 in an edge list (beyond 32 bits) | remapped to 0..N-1 in order of first appearance; the original ids are kept as labels in the output | `faults_test.py handled_input` |
| more than 4,294,967,294 distinct ids in one edge list | refused: `FILE: more than 4294967295 distinct agent ids` (agent ids are 32-bit) | by construction (IdMap) |
| an edge list that is larger than memory | read until memory runs out: `wom: error: out of memory ...`, exit 1; edge lists are not estimated up front (docs/limits.md) | |

## Interruptions and full disks

| event | what wom does | checked by |
| --- | --- | --- |
| Ctrl-C (SIGINT), SIGTERM, SIGHUP during `wom run`, `compare`, `sweep`, `graph`, `export` | removes the output being written, prints `wom: interrupted by SIGINT; ...` (what it removed, or that the output was already complete when the signal came) and exits with 128 + the signal (130, 143, 129): there is never a file under the output name that looks complete | `faults_test.py interrupt_run`, `interrupt_while_writing`, `interrupt_graph` |
| the same during `wom sweep` | as above; the checkpoint `OUT.h5.progress` keeps every point finished (synced, checksummed), and the same command with `--resume` finishes the sweep without recomputing them, into a file identical to an uninterrupted sweep's | `faults_test.py interrupt_sweep_resume` |
| disk full (`ENOSPC`) or a file-size limit (`ulimit -f`, `EFBIG`) while writing | `wom: error: HDF5: cannot flush file 'OUT.h5': ... (file write failed: No space left on device)` (or `cannot write dataset ... in file 'OUT.h5'`, by where the disk filled; the message names the output, not its removed temporary), exit 2, no file left | `faults_test.py full_disk_rlimit`, `full_disk_tmpfs` |
| a file whose writing was cut off (copied away before it was complete, or written by a crashed older wom) | root attribute `complete` is not 1: `wom inspect` prints `INCOMPLETE` and exits 2; `wom merge` and `wom sweep --resume` refuse it | `workflow_inspect_incomplete` |
| SIGKILL or power loss during `wom sweep` | the checkpoint's last record may be torn; `--resume` drops it (CRC) and recomputes that point | `sweep_resume_after_kill` |
"""


def stable(message):
    """The message with the parts that change whenever wom grows (lists of commands, tables
    and keys; byte counts of result files) elided, so the document changes only when a
    message does."""
    message = re.sub(r"(valid (keys|tables)): [^\n]*", r"\1: ...", message)
    message = re.sub(r"(the commands are run, validate), [a-z, ]+ \(", r"\1, ... (", message)
    return re.sub(r"eof = \d+", "eof = N", message)


def markdown():
    out = ["# Errors: the catalogue of bad input", "",
           "Every bad input makes `wom` exit with status 2 and print one message on stderr,",
           "`wom: error: ` followed by `file:line:column: dotted.key: what was expected, found what`",
           "where a position applies (several problems in one scenario: one line each), and leaves",
           "no file behind: neither the output nor a temporary. An existing output is refused unless",
           "`--force`, and kept as it was. Bytes of the user's file that are not printable text are",
           "shown as `\\xNN`. HDF5's own error stack never reaches the terminal.",
           "",
           "Exit statuses: 0 success; 2 bad input or a failed read or write (missing or corrupt file,",
           "full disk, output folder not writable); 1 an internal error (a bug: please report it with",
           "the message); 128 + N when ended by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129), after",
           "removing any output being written (see \"Interruptions and full disks\" below).",
           "",
           "This file is generated by `tests/errors/errors_test.py` (which runs each case as a test",
           "and checks the exit status, the message and that nothing is left behind):",
           "`tests/errors/errors_test.py build/wom . markdown > docs/errors.md`. `DIR` stands for the",
           "folder holding the case's files.", ""]
    sections = []
    for c in CASES:
        if c.section not in sections:
            sections.append(c.section)
    number = 0
    for section in sections:
        out += [f"## {section}", "", "| # | bad input | test case | message (after `wom: error: `) |", "| --- | --- | --- | --- |"]
        for c in CASES:
            if c.section != section:
                continue
            number += 1
            message = stable(run_case(c)).replace("|", "\\|").replace("\n", "<br>")
            if len(message) > 400:
                message = message[:400] + " ..."
            out.append(f"| {number} | {c.what} | `{c.name}` | `{message}` |" if "`" not in message
                       else f"| {number} | {c.what} | `{c.name}` | {message} |")
        out.append("")
    out += TAIL.splitlines()
    return "\n".join(out) + "\n"


def docs_current():
    with open(os.path.join(SRC, "docs", "errors.md")) as f:
        committed = f.read()
    fresh = markdown()
    # The memory available differs between machines; everything else must agree.
    norm = lambda t: re.sub(r"[0-9.]+ [KMGTP]iB of memory available", "M of memory available", t)
    if norm(committed) != norm(fresh):
        import difflib
        diff = "".join(difflib.unified_diff(norm(committed).splitlines(True), norm(fresh).splitlines(True),
                                            "docs/errors.md", "generated"))
        sys.exit("docs/errors.md is out of date; regenerate it (see its header):\n" + diff[:6000])
    print("docs_current: ok")


def catalogue():
    """Every case; all failures are reported, not only the first."""
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names), "case names must be distinct"
    failed = []
    for c in CASES:
        try:
            run_case(c)
        except SystemExit as e:
            failed.append(str(e))
    if failed:
        sys.exit(f"{len(failed)} of {len(CASES)} cases failed:\n\n" + "\n\n".join(failed))
    print(f"catalogue: {len(CASES)} bad inputs, each exit 2 with its message and nothing left behind")


if WHAT == "catalogue":
    catalogue()
elif WHAT == "docs_current":
    docs_current()
elif WHAT == "markdown":
    sys.stdout.write(markdown())
else:
    matches = [c for c in CASES if c.name == WHAT]
    if not matches:
        sys.exit(f"unknown case {WHAT}")
    print(run_case(matches[0]))
