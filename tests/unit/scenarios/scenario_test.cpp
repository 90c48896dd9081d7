// SPDX-License-Identifier: MIT
// The scenario language: defaults, the shipped examples, every kind of error with its exact
// file:line:column, --set overrides, the resolved printout, and docs/scenario.md.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/registry.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/schema.hpp"
#include "sim/error.hpp"

namespace {

namespace fs = std::filesystem;

// Scenario texts below start right after R"( so that line 1 is their first line.
const std::string kMinimal = R"([network]
generator = "complete"
n = 10

[model]
name = "independent_cascade"

[[channel]]
type = "seed"
)";

wom::Scenario parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return wom::parse_scenario(text, "s.toml", overrides);
}

/// The InputError message a scenario produces (fails the test if it loads).
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse(text, overrides);
  } catch (const wom::InputError& e) {
    return e.what();
  }
  FAIL("the scenario loaded, but an InputError was expected");
  return "";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every field of the parts a run depends on (path, text and overrides are provenance).
void check_same(const wom::Scenario& a, const wom::Scenario& b) {
  const auto& n = a.network;
  const auto& m = b.network;
  CHECK(n.generator == m.generator);
  CHECK(n.n == m.n);
  CHECK(n.p == m.p);
  CHECK(n.edges == m.edges);
  CHECK(n.m == m.m);
  CHECK(n.k == m.k);
  CHECK(n.rewire == m.rewire);
  CHECK(n.degrees == m.degrees);
  CHECK(n.degree_distribution == m.degree_distribution);
  CHECK(n.exponent == m.exponent);
  CHECK(n.min_degree == m.min_degree);
  CHECK(n.max_degree == m.max_degree);
  CHECK(n.mean_degree == m.mean_degree);
  CHECK(n.block_sizes == m.block_sizes);
  CHECK(n.p_in == m.p_in);
  CHECK(n.p_out == m.p_out);
  CHECK(n.directed == m.directed);
  CHECK(n.path == m.path);
  CHECK(n.seed == m.seed);
  CHECK(a.trust.rule == b.trust.rule);
  CHECK(a.trust.value == b.trust.value);
  CHECK(a.trust.scale == b.trust.scale);
  const auto& d = a.population.threshold;
  const auto& e = b.population.threshold;
  CHECK(d.kind == e.kind);
  CHECK(d.value == e.value);
  CHECK(d.low == e.low);
  CHECK(d.high == e.high);
  CHECK(d.mean == e.mean);
  CHECK(d.sd == e.sd);
  CHECK(d.alpha == e.alpha);
  CHECK(d.beta == e.beta);
  CHECK(a.model.name == b.model.name);
  CHECK(a.model.probability == b.model.probability);
  REQUIRE(a.channels.size() == b.channels.size());
  for (std::size_t i = 0; i < a.channels.size(); ++i) {
    CHECK(a.channels[i].seed.strategy == b.channels[i].seed.strategy);
    CHECK(a.channels[i].seed.count == b.channels[i].seed.count);
    CHECK(a.channels[i].seed.ids == b.channels[i].seed.ids);
  }
  CHECK(a.run.steps == b.run.steps);
  CHECK(a.run.replicates == b.run.replicates);
  CHECK(a.run.seed == b.run.seed);
  CHECK(a.run.step_hours == b.run.step_hours);
  CHECK(a.run.stop_when_quiet == b.run.stop_when_quiet);
  CHECK(a.output.adoption_steps == b.output.adoption_steps);
}

void check_round_trip(const wom::Scenario& scenario) {
  const std::string resolved = wom::resolved_scenario_toml(scenario);
  INFO(resolved);
  const wom::Scenario again = wom::parse_scenario(resolved, scenario.path);
  check_same(scenario, again);
  CHECK(wom::resolved_scenario_toml(again) == resolved);
}

std::vector<fs::path> example_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(WOM_SOURCE_DIR) / "scenarios" / "examples")) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_SUITE("scenario") {

TEST_CASE("a minimal scenario gets the documented defaults") {
  const wom::Scenario s = parse(kMinimal);
  CHECK(s.path == "s.toml");
  CHECK(s.text == kMinimal);
  CHECK(s.overrides.empty());
  CHECK(s.network.generator == "complete");
  CHECK(s.network.n == 10);
  CHECK_FALSE(s.network.seed.has_value());
  CHECK(s.trust.rule == "constant");
  CHECK(s.trust.value == 1.0);
  CHECK(s.population.threshold.kind == wom::Distribution::Kind::kUniform);
  CHECK(s.population.threshold.low == 0.0);
  CHECK(s.population.threshold.high == 1.0);
  CHECK(s.model.name == "independent_cascade");
  CHECK(s.model.probability == 0.1);
  REQUIRE(s.channels.size() == 1);
  CHECK(s.channels[0].seed.strategy == "random");
  CHECK(s.channels[0].seed.count == 1);
  CHECK(s.run.steps == 100);
  CHECK(s.run.replicates == 1);
  CHECK(s.run.seed == 1);
  CHECK(s.run.step_hours == 1.0);
  CHECK(s.run.stop_when_quiet);
  CHECK_FALSE(s.output.adoption_steps);
}

TEST_CASE("every key of every section is read") {
  const wom::Scenario s = parse(R"([network]
generator = "gnp"
n = 500
p = 0.02
directed = true
seed = 9

[trust]
rule = "constant"
value = 0.5

[population]
threshold = {dist = "beta", alpha = 2, beta = 5.5}

[model]
name = "independent_cascade"
probability = 1

[[channel]]
type = "seed"
strategy = "top_degree"
count = 7

[[channel]]
type = "seed"
strategy = "explicit"
ids = [3, 1, 4]

[run]
steps = 24
replicates = 3
seed = 0
step_hours = 0.5
stop_when_quiet = false

[output]
adoption_steps = true
)");
  CHECK(s.network.generator == "gnp");
  CHECK(s.network.n == 500);
  CHECK(s.network.p == 0.02);
  CHECK(s.network.directed);
  CHECK(s.network.seed == 9u);
  CHECK(s.trust.value == 0.5);
  CHECK(s.population.threshold.kind == wom::Distribution::Kind::kBeta);
  CHECK(s.population.threshold.alpha == 2.0);  // integers are accepted as floats
  CHECK(s.population.threshold.beta == 5.5);
  CHECK(s.model.probability == 1.0);
  REQUIRE(s.channels.size() == 2);
  CHECK(s.channels[0].seed.strategy == "top_degree");
  CHECK(s.channels[0].seed.count == 7);
  CHECK(s.channels[1].seed.strategy == "explicit");
  CHECK(s.channels[1].seed.ids == std::vector<std::uint64_t>{3, 1, 4});
  CHECK(s.run.steps == 24);
  CHECK(s.run.replicates == 3);
  CHECK(s.run.seed == 0);
  CHECK(s.run.step_hours == 0.5);
  CHECK_FALSE(s.run.stop_when_quiet);
  CHECK(s.output.adoption_steps);
  check_round_trip(s);
}

TEST_CASE("a plain number is a constant threshold") {
  const wom::Scenario s = parse(kMinimal + "[population]\nthreshold = 0.25\n");
  CHECK(s.population.threshold.kind == wom::Distribution::Kind::kConstant);
  CHECK(s.population.threshold.value == 0.25);
}

TEST_CASE("the shipped examples load and validate") {
  const auto files = example_files();
  CHECK(files.size() >= 3);
  for (const fs::path& file : files) {
    CAPTURE(file);
    const wom::Scenario s = wom::load_scenario(file);
    CHECK(s.path == file);
    CHECK(s.text == read_file(file));
    check_round_trip(s);
  }
  const wom::Scenario facebook = wom::load_scenario(fs::path(WOM_SOURCE_DIR) / "scenarios/examples/lt_facebook.toml");
  CHECK(facebook.network.generator == "edge_list");
  CHECK(fs::path(facebook.network.path).is_absolute());
  CHECK(fs::equivalent(facebook.network.path, fs::path(WOM_DATA_DIR) / "facebook_combined.txt"));
  CHECK(facebook.model.name == "linear_threshold");
  CHECK(facebook.trust.rule == "inverse_in_degree");
}

TEST_CASE("edge-list paths are resolved against the scenario's folder") {
  const fs::path data = fs::path(WOM_DATA_DIR).lexically_normal();
  const fs::path scenario = data / "sub" / "s.toml";  // need not exist: only its folder matters
  const wom::Scenario s = wom::parse_scenario(R"([network]
edge_list = "../karate.txt"
directed = true
[model]
name = "linear_threshold"
[[channel]]
type = "seed"
strategy = "explicit"
ids = [33]
)",
                                              scenario);
  CHECK(s.network.generator == "edge_list");
  CHECK(s.network.path == (data / "karate.txt").string());
  CHECK(s.network.directed);
  CHECK(s.channels[0].seed.ids == std::vector<std::uint64_t>{33});  // labels: not checked against n
  check_round_trip(s);
}

TEST_CASE("generators with derived sizes") {
  SUBCASE("sbm: n is the sum of block_sizes") {
    const wom::Scenario s = parse(R"([network]
generator = "sbm"
block_sizes = [10, 20, 5]
p_in = 0.3
p_out = 0.01
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
count = 35
)");
    CHECK(s.network.n == 35);
    CHECK(s.network.block_sizes == std::vector<wom::NodeId>{10, 20, 5});
    check_round_trip(s);
  }
  SUBCASE("configuration: n is the length of degrees") {
    const wom::Scenario s = parse(R"([network]
generator = "configuration"
degrees = [1, 2, 1, 2]
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)");
    CHECK(s.network.n == 4);
    check_round_trip(s);
  }
  SUBCASE("configuration from a power law") {
    const wom::Scenario s = parse(R"([network]
generator = "configuration"
n = 1000
degree_distribution = "power_law"
exponent = 2.1
min_degree = 2
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)");
    CHECK(s.network.degree_distribution == "power_law");
    CHECK(s.network.exponent == 2.1);
    CHECK(s.network.min_degree == 2);
    CHECK(s.network.max_degree == 0);
    check_round_trip(s);
  }
}

TEST_CASE("every distribution round-trips") {
  for (const std::string threshold :
       {"0.3", R"({dist = "constant", value = 1.5})", R"({dist = "uniform", low = 0.1, high = 0.2})",
        R"({dist = "normal", mean = 0.4, sd = 0.1})", R"({dist = "normal", mean = 0.4, sd = 0.1, low = 0.2, high = 1.9})",
        R"({dist = "beta", alpha = 0.5, beta = 0.5})", R"({dist = "lognormal", mean = -1, sd = 0.5, high = 1})"}) {
    CAPTURE(threshold);
    check_round_trip(parse(kMinimal + "[population]\nthreshold = " + threshold + "\n"));
  }
}

// ---- errors: each names file:line:column, the dotted key, and what was expected -------------

TEST_CASE("unknown keys and tables, with a hint") {
  CHECK(error_of(kMinimal + "[run]\nstepz = 5\n") ==
        "s.toml:11:1: run.stepz: unknown key (did you mean 'steps'?); valid keys: steps, replicates, seed, "
        "step_hours, stop_when_quiet");
  CHECK(error_of(kMinimal + "[runn]\nsteps = 5\n") ==
        "s.toml:10:2: runn: unknown table (did you mean 'run'?); valid tables: network, trust, population, "
        "model, channel, run, output, sweep");
  CHECK(error_of("colour = 3\n" + kMinimal) ==
        "s.toml:1:1: colour: unknown key; keys belong in a table; valid tables: network, trust, population, "
        "model, channel, run, output, sweep");
  // No hint when nothing is close.
  CHECK(error_of(kMinimal + "[output]\nzzz = true\n") ==
        "s.toml:11:1: output.zzz: unknown key; valid keys: adoption_steps, referral_tree");
}

TEST_CASE("wrong types") {
  CHECK(error_of(kMinimal + "[run]\nsteps = \"10\"\n") == "s.toml:11:9: run.steps: expected integer, found string");
  CHECK(error_of(kMinimal + "[run]\nsteps = 10.0\n") == "s.toml:11:9: run.steps: expected integer, found float");
  CHECK(error_of(kMinimal + "[run]\nstep_hours = true\n") ==
        "s.toml:11:14: run.step_hours: expected float, found boolean");
  CHECK(error_of(kMinimal + "[output]\nadoption_steps = 1\n") ==
        "s.toml:11:18: output.adoption_steps: expected boolean, found integer");
  CHECK(error_of(kMinimal + "[model.x]\n") ==
        "s.toml:10:8: model.x: unknown key; valid keys: name, probability, p, q, period_steps, form, beta, gamma, "
        "update, sources, fraction, window");
  CHECK(error_of("run = 3\n" + kMinimal) == "s.toml:1:7: run: expected table, found integer");
  CHECK(error_of(R"([network]
generator = "complete"
n = 10
[model]
name = "independent_cascade"
[channel]
type = "seed"
)") == "s.toml:6:1: channel: expected array of tables ([[channel]]), found table");
  CHECK(error_of(R"([network]
generator = 3
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:2:13: network.generator: expected string, found integer");
}

TEST_CASE("values out of range, NaN and infinity") {
  CHECK(error_of(R"([network]
generator = "complete"
n = 0
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:3:5: network.n: expected an integer in [1, 4294967294], found 0");
  CHECK(error_of(kMinimal + "[run]\nreplicates = 10000001\n") ==
        "s.toml:11:14: run.replicates: expected an integer in [1, 10000000], found 10000001");
  CHECK(error_of(kMinimal + "[run]\nseed = -1\n") == "s.toml:11:8: run.seed: expected an integer >= 0, found -1");
  CHECK(error_of(kMinimal + "[run]\nstep_hours = 0\n") ==
        "s.toml:11:14: run.step_hours: expected a float > 0, found 0");
  CHECK(error_of(kMinimal + "[trust]\nvalue = 2\n") ==
        "s.toml:11:9: trust.value: expected a float in [0, 1.999969482421875], found 2");
  CHECK(error_of(kMinimal + "[run]\nstep_hours = nan\n") ==
        "s.toml:11:14: run.step_hours: expected a finite float, found nan");
  CHECK(error_of(kMinimal + "[run]\nstep_hours = inf\n") ==
        "s.toml:11:14: run.step_hours: expected a finite float, found inf");
  CHECK(error_of(kMinimal + "[population]\nthreshold = -inf\n") ==
        "s.toml:11:13: population.threshold: expected a finite float, found -inf");
}

TEST_CASE("a key that the chosen value does not take") {
  CHECK(error_of(R"([network]
generator = "barabasi_albert"
n = 100
m = 3
p = 0.5
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:5:1: network.p: not a parameter of generator 'barabasi_albert' (allowed: n, m, seed, name, layer)");
  CHECK(error_of(R"([network]
generator = "complete"
n = 10
[model]
name = "linear_threshold"
probability = 0.2
[[channel]]
type = "seed"
)") == "s.toml:6:1: model.probability: not a parameter of model 'linear_threshold' (allowed: none)");
  CHECK(error_of(kMinimal + "[trust]\nscale = 2\n") ==
        "s.toml:11:1: trust.scale: not a parameter of rule 'constant' (allowed: value, negative)");
  CHECK(error_of(R"([network]
generator = "configuration"
n = 10
exponent = 2
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:4:1: network.exponent: used only with degree_distribution = 'power_law'");
  CHECK(error_of(R"([network]
edge_list = "nowhere.txt"
n = 10
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:3:1: network.n: not a parameter when 'edge_list' is given (allowed: edge_list, directed, seed, name, layer)");
  CHECK(error_of(R"([network]
generator = "complete"
n = 10
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
strategy = "explicit"
ids = [1]
count = 2
)") == "s.toml:10:1: channel.0.count: not a parameter of strategy 'explicit' (allowed: name, ids)");
}

TEST_CASE("missing required tables and keys") {
  CHECK(error_of("") ==
        "s.toml:1:1: network: required table [network] is missing\n"
        "s.toml:1:1: model: required table [model] is missing\n"
        "s.toml:1:1: channel: no seed channel; add one, e.g. [[channel]] type = \"seed\", strategy = \"random\", "
        "count = 1");
  CHECK(error_of(R"([network]
generator = "barabasi_albert"
n = 100
[model]
[[channel]]
type = "seed"
)") == "s.toml:1:1: network.m: required by generator 'barabasi_albert', but missing\n"
       "s.toml:4:1: model.name: required, but missing");
  CHECK(error_of(R"([network]
n = 100
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:1:1: network.generator: required, but missing (or give 'edge_list' instead)");
  CHECK(error_of(R"([network]
generator = "complete"
n = 10
[model]
name = "independent_cascade"
[[channel]]
strategy = "random"
)") == "s.toml:6:1: channel.0.type: required, but missing");
}

TEST_CASE("bad choices") {
  CHECK(error_of(R"([network]
generator = "barabasi-albert"
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:2:13: network.generator: expected one of 'complete', 'gnp', 'gnm', 'barabasi_albert', "
       "'watts_strogatz', 'configuration', 'sbm', found 'barabasi-albert' (did you mean 'barabasi_albert'?)");
  CHECK(error_of(R"([network]
generator = "edge_list"
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)") == "s.toml:2:13: network.generator: found 'edge_list'; for that, give the key 'edge_list' instead of 'generator'");
  CHECK(error_of(R"([network]
generator = "complete"
n = 10
[model]
name = "independent_cascade"
[[channel]]
type = "billboard"
)") == "s.toml:7:8: channel.0.type: expected one of 'seed', 'sponsored', 'influencer', 'referral', 'fundraiser', "
        "found 'billboard'");
  CHECK(error_of(R"([network]
generator = "complete"
n = 10
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
[[channel]]
type = "sponsored"
)") == "s.toml:8:1: channel.1.budget: required by type 'sponsored', but missing");
}

TEST_CASE("bad distributions") {
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"unifrom\", low = 0, high = 1}\n") ==
        "s.toml:11:21: population.threshold.dist: expected one of 'constant', 'uniform', 'normal', 'beta', "
        "'lognormal', found 'unifrom' (did you mean 'uniform'?)");
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"uniform\", low = 0.1}\n") ==
        "s.toml:11:13: population.threshold.high: required by dist 'uniform', but missing");
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"normal\", mean = 0.5, sd = 0}\n") ==
        "s.toml:11:48: population.threshold.sd: expected a float > 0, found 0");
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"uniform\", low = 0.5, high = 3}\n") ==
        "s.toml:11:50: population.threshold.high: expected a float in [0, 1.999969482421875] (the range of "
        "population.threshold), found 3");
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"uniform\", low = 0.5, high = 0.2}\n") ==
        "s.toml:11:50: population.threshold.high: expected high >= low (low = 0.5), found 0.2");
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"normal\", mean = 0.5, sd = 1, low = -1}\n") ==
        "s.toml:11:57: population.threshold.low: expected a float in [0, 1.999969482421875] (the range of "
        "population.threshold), found -1");
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"lognormal\", mean = 0, sd = 1, high = 5}\n") ==
        "s.toml:11:59: population.threshold.high: expected a float in [0, 1.999969482421875] (the range of "
        "population.threshold), found 5");
  CHECK(error_of(kMinimal + "[population]\nthreshold = {dist = \"beta\", alpha = 1, beta = 1, low = 0}\n") ==
        "s.toml:11:50: population.threshold.low: not a parameter of dist 'beta' (allowed: alpha, beta)");
  CHECK(error_of(kMinimal + "[population]\nthreshold = \"high\"\n") ==
        "s.toml:11:13: population.threshold: expected float or table {dist = ...}, found string");
  CHECK(error_of(kMinimal + "[population]\nthreshold = 2.5\n") ==
        "s.toml:11:13: population.threshold: expected a float in [0, 1.999969482421875] (the range of "
        "population.threshold), found 2.5");
}

TEST_CASE("checks across keys") {
  const std::string tail = "[model]\nname = \"independent_cascade\"\n[[channel]]\ntype = \"seed\"\n";
  CHECK(error_of("[network]\ngenerator = \"watts_strogatz\"\nn = 10\nk = 3\nrewire = 0.1\n" + tail) ==
        "s.toml:4:5: network.k: expected an even integer, found 3");
  CHECK(error_of("[network]\ngenerator = \"barabasi_albert\"\nn = 5\nm = 5\n" + tail) ==
        "s.toml:4:5: network.m: expected m < n (n = 5), found 5");
  CHECK(error_of("[network]\ngenerator = \"gnm\"\nn = 4\nedges = 7\n" + tail) ==
        "s.toml:4:9: network.edges: expected at most 6 edges for n = 4, found 7");
  CHECK(error_of("[network]\ngenerator = \"sbm\"\nn = 30\nblock_sizes = [10, 10]\np_in = 0.5\np_out = 0\n" + tail) ==
        "s.toml:3:5: network.n: expected n = 20 (the sum of block_sizes), found 30");
  CHECK(error_of("[network]\ngenerator = \"configuration\"\nn = 10\n" + tail) ==
        "s.toml:1:1: network.degrees: generator 'configuration' needs degrees or degree_distribution");
  CHECK(error_of("[network]\ngenerator = \"configuration\"\ndegrees = [1, 1]\ndegree_distribution = \"poisson\"\n"
                 "mean_degree = 1\n" + tail) ==
        "s.toml:4:23: network.degree_distribution: give either degrees or degree_distribution, not both");
  CHECK(error_of("[network]\ngenerator = \"configuration\"\ndegrees = [1, 5]\n" + tail) ==
        "s.toml:3:15: network.degrees.1: expected a degree < n (n = 2), found 5");
  CHECK(error_of("[network]\ngenerator = \"configuration\"\ndegree_distribution = \"poisson\"\nmean_degree = 2\n" +
                 tail) == "s.toml:1:1: network.n: required by degree_distribution, but missing");
  CHECK(error_of("[network]\ngenerator = \"complete\"\nn = 10\n[trust]\nrule = \"weight\"\n" + tail) ==
        "s.toml:5:8: trust.rule: rule 'weight' reads the weights of [network] edge_list; generator 'complete' has "
        "none");
  CHECK(error_of("[network]\ngenerator = \"complete\"\nn = 10\n" + tail + "count = 11\n") ==
        "s.toml:8:9: channel.0.count: expected at most the 10 agents of [network], found 11");
  CHECK(error_of("[network]\ngenerator = \"complete\"\nn = 10\n" + tail + "strategy = \"explicit\"\nids = [9, 10]\n") ==
        "s.toml:9:11: channel.0.ids.1: expected an agent id < n (n = 10), found 10");
  CHECK(error_of("[network]\ngenerator = \"complete\"\nn = 10\n" + tail + "strategy = \"explicit\"\nids = []\n") ==
        "s.toml:9:7: channel.0.ids: expected a non-empty array of integers");
  const std::string missing = error_of("[network]\nedge_list = \"no/such/file.txt\"\n" + tail);
  CHECK(missing.starts_with("s.toml:2:13: network.edge_list: cannot read '"));
  CHECK(missing.ends_with("no/such/file.txt': no such file"));
}

TEST_CASE("syntax errors") {
  CHECK(error_of("[network\nn = 1\n") == "s.toml:1:9: syntax: Error while parsing table header: expected ']', saw '\\n'");
  CHECK(error_of(kMinimal + "[run]\nsteps = = 3\n").starts_with("s.toml:11:9: syntax: "));
}

TEST_CASE("several errors are all reported, in file order") {
  const auto lines = lines_of(error_of(R"([network]
generator = "gnp"
n = -3
p = 1.5
m = 2

[model]
name = "independent_cascade"
probability = "high"

[[channel]]
type = "seed"
count = 0

[run]
steps = 0
replicate = 4
)"));
  const std::vector<std::string> expected{
      "s.toml:3:5: network.n: expected an integer in [1, 4294967294], found -3",
      "s.toml:4:5: network.p: expected a float in [0, 1], found 1.5",
      "s.toml:5:1: network.m: not a parameter of generator 'gnp' (allowed: n, p, directed, seed, name, layer)",
      "s.toml:9:15: model.probability: expected float, found string",
      "s.toml:13:9: channel.0.count: expected an integer in [1, 4294967294], found 0",
      "s.toml:16:9: run.steps: expected an integer in [1, 1000000], found 0",
      "s.toml:17:1: run.replicate: unknown key (did you mean 'replicates'?); valid keys: steps, replicates, seed, "
      "step_hours, stop_when_quiet",
  };
  CHECK(lines == expected);
}

TEST_CASE("reading files") {
  SUBCASE("a missing file") {
    try {
      wom::load_scenario("/nonexistent/s.toml");
      FAIL("expected an InputError");
    } catch (const wom::InputError& e) {
      CHECK(std::string(e.what()) == "/nonexistent/s.toml: cannot read scenario: No such file or directory");
    }
  }
  SUBCASE("a directory") {
    CHECK_THROWS_WITH_AS(wom::load_scenario(WOM_SOURCE_DIR), (std::string(WOM_SOURCE_DIR) + ": cannot read scenario: is a directory").c_str(),
                         wom::InputError);
  }
}

// ---- --set overrides --------------------------------------------------------------------------

TEST_CASE("overrides change the scenario before validation") {
  const std::vector<std::string> overrides{
      "run.steps=50",
      "model.probability=0.05",
      "network.generator=gnp",  // a bare word: a string
      "network.p = 0.5",
      "population.threshold={dist=\"uniform\",low=0,high=0.5}",
      "channel.0.count=5",
      "channel.1.type=seed",  // appends a second channel
      "channel.1.strategy=explicit",
      "channel.1.ids=[2, 3]",
      "output.adoption_steps=true",  // creates the table
  };
  const wom::Scenario s = parse(kMinimal, overrides);
  CHECK(s.run.steps == 50);
  CHECK(s.model.probability == 0.05);
  CHECK(s.network.generator == "gnp");
  CHECK(s.network.p == 0.5);
  CHECK(s.population.threshold.kind == wom::Distribution::Kind::kUniform);
  CHECK(s.population.threshold.high == 0.5);
  REQUIRE(s.channels.size() == 2);
  CHECK(s.channels[0].seed.count == 5);
  CHECK(s.channels[1].seed.ids == std::vector<std::uint64_t>{2, 3});
  CHECK(s.output.adoption_steps);
  CHECK(s.overrides == overrides);
  CHECK(s.text == kMinimal);  // provenance keeps the file as written
}

TEST_CASE("an override that changes a choice drops the file's keys of the old choice") {
  const std::string file = R"([network]
generator = "barabasi_albert"
n = 100
m = 3
[model]
name = "independent_cascade"
[[channel]]
type = "seed"
)";
  const wom::Scenario s = parse(file, {"network.generator=watts_strogatz", "network.k=4", "network.rewire=0.1"});
  CHECK(s.network.generator == "watts_strogatz");
  CHECK(s.network.k == 4);
  // But a key that an override gives is checked like any other.
  CHECK(error_of(file, {"network.generator=complete", "network.k=4"}) ==
        "--set network.k=4: network.k: not a parameter of generator 'complete' (allowed: n, implicit_above, seed, name, layer)");
  // Without an override of the choice, the file's own keys are checked.
  CHECK(error_of(file, {"network.k=4"}) ==
        "--set network.k=4: network.k: not a parameter of generator 'barabasi_albert' (allowed: n, m, seed, name, layer)");
}

TEST_CASE("errors in overrides name the override") {
  CHECK(error_of(kMinimal, {"run.stepz=5"}) ==
        "--set run.stepz=5: run.stepz: unknown key (did you mean 'steps'?); valid keys: steps, replicates, seed, "
        "step_hours, stop_when_quiet");
  CHECK(error_of(kMinimal, {"run.steps=fifty"}) == "--set run.steps=fifty: run.steps: expected integer, found string");
  CHECK(error_of(kMinimal, {"population.threshold={dist=\"uniform\",low=0,high=5}"}) ==
        "--set population.threshold={dist=\"uniform\",low=0,high=5}: population.threshold.high: expected a float in "
        "[0, 1.999969482421875] (the range of population.threshold), found 5");
  CHECK(error_of(kMinimal, {"channel.3.count=1"}) ==
        "--set channel.3.count=1: channel.3: expected an index from 0 to 1 (1 appends an entry), found '3'");
  CHECK(error_of(kMinimal, {"network.n.x=1"}) == "--set network.n.x=1: network.n: expected a table to set 'x' in, found integer");
  CHECK(error_of(kMinimal, {"steps"}) == "--set steps: expected dotted.key=value, e.g. run.steps=50");
  CHECK(error_of(kMinimal, {"run..steps=1"}) == "--set run..steps=1: expected dotted.key=value, e.g. run.steps=50");
  CHECK(error_of(kMinimal, {"trust.rule=weight"}) ==
        "--set trust.rule=weight: trust.rule: rule 'weight' reads the weights of [network] edge_list; generator "
        "'complete' has none");
  // A table an override created is attributed to it too.
  CHECK(error_of(kMinimal, {"trust.scale=2"}) ==
        "--set trust.scale=2: trust.scale: not a parameter of rule 'constant' (allowed: value, negative)");
  // File errors come first, then each override's, in order.
  CHECK(lines_of(error_of(kMinimal + "[run]\nsteps = 0\n", {"run.seed=-1", "model.name=seir"})) ==
        std::vector<std::string>{
            "s.toml:11:9: run.steps: expected an integer in [1, 1000000], found 0",
            "--set run.seed=-1: run.seed: expected an integer >= 0, found -1",
            "--set model.name=seir: model.name: expected one of 'independent_cascade', 'linear_threshold', "
            "'fractional_threshold', 'complex_contagion', 'bass', 'sir', 'sis', 'rumour', found 'seir' "
            "(did you mean 'sir'?)",
        });
}

TEST_CASE("model.name offers exactly the registered models") {
  std::vector<std::string_view> registered, offered;
  for (const auto& entry : wom::model_registry()) registered.push_back(entry.name);
  for (const auto& section : wom::schema::sections()) {
    if (section.key != "model") continue;
    for (const auto& field : section.table->fields) {
      if (field.key != "name") continue;  // other switches (form, update) choose within a model
      for (const auto& choice : field.choices) offered.push_back(choice.name);
    }
  }
  std::sort(registered.begin(), registered.end());
  std::sort(offered.begin(), offered.end());
  CHECK(offered == registered);
}

// ---- the generated reference ----------------------------------------------------------------

TEST_CASE("docs/scenario.md is the current schema reference") {
  const std::string expected = wom::scenario_reference_markdown();
  const fs::path docs = fs::path(WOM_SOURCE_DIR) / "docs" / "scenario.md";
  if (read_file(docs) != expected) {
    const fs::path fresh = fs::absolute("scenario.md.generated");
    std::ofstream(fresh, std::ios::binary) << expected;
    FAIL("docs/scenario.md is out of date with scenarios/schema.cpp; update it with\n  cp " << fresh.string() << " "
                                                                                          << docs.string());
  }
}

TEST_CASE("the reference lists every key") {
  const std::string reference = wom::scenario_reference_markdown();
  for (const auto& section : wom::schema::sections()) {
    CHECK(reference.find(std::string(section.key)) != std::string::npos);
    for (const auto& field : section.table->fields) {
      CAPTURE(field.key);
      CHECK(reference.find("| `" + std::string(field.key) + "` |") != std::string::npos);
    }
  }
}

}  // TEST_SUITE
