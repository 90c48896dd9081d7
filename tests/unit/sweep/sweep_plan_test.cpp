// SPDX-License-Identifier: MIT
// Sweep designs (grid, zip, random, Latin hypercube), common random numbers, the --set
// forms, the keys that decide what points share, and every error at its file:line:column.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "scenarios/sweep.hpp"
#include "sim/error.hpp"
#include "sim/random.hpp"

namespace {

using wom::SweepPlan;
using wom::SweepValueKind;

// Line 1 is the first line; [sweep] sections are appended (line 17 on).
const std::string kBase = R"([network]
generator = "barabasi_albert"
n = 200
m = 3

[model]
name = "independent_cascade"
probability = 0.05

[[channel]]
type = "seed"
strategy = "random"
count = 5

[run]
steps = 20
replicates = 3
seed = 11
)";

SweepPlan plan(const std::string& sweep, const std::vector<std::string>& sets = {}) {
  return wom::plan_sweep_text(kBase + sweep, "s.toml", sets);
}

std::string error_of(const std::string& sweep, const std::vector<std::string>& sets = {}) {
  try {
    plan(sweep, sets);
  } catch (const wom::InputError& e) {
    return e.what();
  }
  FAIL("the sweep planned, but an InputError was expected");
  return "";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> overrides(const SweepPlan& p) {
  std::vector<std::string> out;
  for (const auto& point : p.points) {
    std::string line;
    for (const auto& o : point.overrides) line += (line.empty() ? "" : " ") + o;
    out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_SUITE("sweep plan") {
  TEST_CASE("grid: Cartesian product, first parameter slowest, typed columns") {
    const SweepPlan p = plan(R"(
[sweep]
replicates = 7

[sweep.parameters]
"model.probability" = [0.02, 1]
"network.m" = [2, 3, 4]
)");
    CHECK(p.design == "grid");
    CHECK(p.replicates == 7);
    REQUIRE(p.parameters.size() == 2);
    CHECK(p.parameters[0].key == "model.probability");
    CHECK(p.parameters[0].kind == SweepValueKind::kFloat);  // 0.02 and 1 together: floats
    CHECK(p.parameters[1].kind == SweepValueKind::kInt);
    CHECK(overrides(p) == std::vector<std::string>{
                              "model.probability=0.02 network.m=2", "model.probability=0.02 network.m=3",
                              "model.probability=0.02 network.m=4", "model.probability=1 network.m=2",
                              "model.probability=1 network.m=3", "model.probability=1 network.m=4"});
    CHECK(std::get<double>(p.points[3].values[0]) == 1.0);
    CHECK(std::get<std::int64_t>(p.points[5].values[1]) == 4);
    CHECK(p.points[4].scenario.network.m == 3);
    CHECK(p.points[4].scenario.model.probability == 1.0);
    CHECK(p.points[4].scenario.run.replicates == 7);
    CHECK(p.points[4].scenario.text.empty());  // kept once, in the base
    CHECK(!p.base.text.empty());
  }

  TEST_CASE("no parameters: one point; nested tables read like quoted keys") {
    CHECK(plan("").points.size() == 1);
    const SweepPlan nested = plan("\n[sweep.parameters.model]\nprobability = [0.1, 0.2]\n");
    const SweepPlan quoted = plan("\n[sweep.parameters]\n\"model.probability\" = [0.1, 0.2]\n");
    CHECK(overrides(nested) == overrides(quoted));
  }

  TEST_CASE("zip: lists in lockstep; strings, booleans and tables as values") {
    const SweepPlan p = plan(R"(
[sweep]
design = "zip"

[sweep.parameters]
"model.name" = ["independent_cascade", "linear_threshold"]
"run.stop_when_quiet" = [true, false]
"population.threshold" = [0.5, {dist = "uniform", low = 0.1, high = 0.2}]
)");
    REQUIRE(p.points.size() == 2);
    CHECK(p.parameters[0].kind == SweepValueKind::kString);
    CHECK(p.parameters[1].kind == SweepValueKind::kBool);
    CHECK(p.parameters[2].kind == SweepValueKind::kString);
    CHECK(overrides(p)[1] ==
          "model.name=\"linear_threshold\" run.stop_when_quiet=false population.threshold={ dist = \"uniform\", "
          "high = 0.2, low = 0.1 }");
    CHECK(std::get<std::string>(p.points[1].values[0]) == "linear_threshold");
    CHECK(std::get<bool>(p.points[1].values[1]) == false);
    CHECK(p.points[1].scenario.model.name == "linear_threshold");
    CHECK(p.points[1].scenario.population.threshold.high == 0.2);
  }

  TEST_CASE("random: reproducible, within range, integer ends included, log-uniform") {
    const std::string sweep = R"(
[sweep]
design = "random"
points = 400

[sweep.parameters]
"model.probability" = {low = 0.001, high = 0.1, log = true}
"channel.0.count" = {low = 1, high = 4}
"channel.0.strategy" = ["random", "top_degree"]
)";
    const SweepPlan a = plan(sweep), b = plan(sweep);
    REQUIRE(a.points.size() == 400);
    CHECK(overrides(a) == overrides(b));
    CHECK(a.hash == b.hash);
    std::set<std::int64_t> counts;
    std::set<std::string> names;
    int below_01 = 0;
    for (const auto& point : a.points) {
      const double x = std::get<double>(point.values[0]);
      CHECK(x >= 0.001);
      CHECK(x <= 0.1);
      if (x < 0.01) ++below_01;  // log-uniform: half the points below the geometric middle
      counts.insert(std::get<std::int64_t>(point.values[1]));
      names.insert(std::get<std::string>(point.values[2]));
    }
    CHECK(counts == std::set<std::int64_t>{1, 2, 3, 4});
    CHECK(names.size() == 2);
    CHECK(below_01 > 160);
    CHECK(below_01 < 240);
    // Another design seed, another design; the seed is the one used.
    const SweepPlan c = plan(sweep + "\n", {"sweep.seed=5"});
    CHECK(c.design_seed == 5);
    CHECK(overrides(c) != overrides(a));
  }

  TEST_CASE("latin hypercube: every stratum of every parameter used exactly once") {
    const SweepPlan p = plan(R"(
[sweep]
design = "latin_hypercube"
points = 50
seed = 3

[sweep.parameters]
"model.probability" = {low = 0.0, high = 1.0}
"population.threshold" = {low = 0.2, high = 0.7}
)");
    REQUIRE(p.points.size() == 50);
    for (std::size_t j = 0; j < 2; ++j) {
      const double low = j == 0 ? 0.0 : 0.2, high = j == 0 ? 1.0 : 0.7;
      std::set<int> strata;
      for (const auto& point : p.points) {
        const double u = (std::get<double>(point.values[j]) - low) / (high - low);
        strata.insert(std::min(49, static_cast<int>(u * 50)));
      }
      CHECK(strata.size() == 50);
    }
  }

  TEST_CASE("common random numbers: every point with run.seed; off: a seed per point") {
    const std::string sweep = "\n[sweep.parameters]\n\"model.probability\" = [0.1, 0.2, 0.3]\n";
    const SweepPlan on = plan(sweep);
    for (const auto& point : on.points) {
      CHECK(point.seed == 11);
      CHECK(point.scenario.run.seed == 11);
    }
    const SweepPlan off = plan(sweep, {"sweep.common_random_numbers=false"});
    std::set<std::uint64_t> seeds;
    for (std::size_t i = 0; i < off.points.size(); ++i) {
      CHECK(off.points[i].seed == wom::derive(11, i));
      CHECK(off.points[i].scenario.run.seed == off.points[i].seed);
      seeds.insert(off.points[i].seed);
    }
    CHECK(seeds.size() == 3);
    CHECK(off.hash != on.hash);
    // Without common random numbers each point's network is its own (its seed differs).
    CHECK(off.points[0].graph_key != off.points[1].graph_key);
    CHECK(on.points[0].graph_key == on.points[1].graph_key);
  }

  TEST_CASE("what points share: model keys share everything, channels share the graph") {
    const SweepPlan model = plan("\n[sweep.parameters]\n\"model.probability\" = [0.1, 0.2]\n");
    CHECK(model.points[0].prepared_key == model.points[1].prepared_key);
    const SweepPlan channel = plan("\n[sweep.parameters]\n\"channel.0.count\" = [1, 2]\n");
    CHECK(channel.points[0].prepared_key != channel.points[1].prepared_key);
    CHECK(channel.points[0].graph_key == channel.points[1].graph_key);
    const SweepPlan network = plan("\n[sweep.parameters]\n\"network.m\" = [2, 3]\n");
    CHECK(network.points[0].graph_key != network.points[1].graph_key);
    const SweepPlan seed = plan("\n[sweep.parameters]\n\"run.seed\" = [1, 2]\n");
    CHECK(seed.points[0].graph_key != seed.points[1].graph_key);  // the network seed follows run.seed
  }

  TEST_CASE("--set: lists sweep, single values override, file parameters are replaced") {
    const SweepPlan p = plan("\n[sweep.parameters]\n\"network.m\" = [2, 3]\n",
                             {"model.probability=0.1,0.2", "run.steps=7", "network.m=4"});
    REQUIRE(p.parameters.size() == 2);
    CHECK(p.parameters[0].key == "network.m");  // in the file's place
    CHECK(p.parameters[0].values == std::vector<std::string>{"4"});
    CHECK(p.parameters[1].key == "model.probability");
    CHECK(p.parameters[1].from_command_line);
    CHECK(p.points.size() == 2);
    CHECK(p.base.run.steps == 7);
    CHECK(p.points[1].scenario.run.steps == 7);
    CHECK(p.set_arguments.size() == 3);
    // A distribution is a value, not a range; a list of them is swept.
    const SweepPlan dist = plan("", {"population.threshold={dist=\"uniform\",low=0.1,high=0.5}"});
    CHECK(dist.parameters.empty());
    CHECK(dist.base.population.threshold.high == 0.5);
    const SweepPlan dists = plan("", {"population.threshold={dist=\"uniform\",low=0.1,high=0.5},0.3"});
    REQUIRE(dists.parameters.size() == 1);
    CHECK(dists.parameters[0].kind == SweepValueKind::kString);
    CHECK(dists.points.size() == 2);
    CHECK(error_of("\n[sweep.parameters]\n\"population.threshold\" = {dist = \"uniform\", low = 0.1, high = 0.5}\n") ==
          "s.toml:21:26: sweep.parameters.population.threshold: expected an array of values; a single distribution "
          "belongs in a list: [{dist = ...}]");
    // A range on the command line.
    const SweepPlan r = plan("", {"sweep.design=random", "sweep.points=4", "model.probability={low=0.1,high=0.2}"});
    CHECK(r.points.size() == 4);
    CHECK(r.parameters[0].range);
    CHECK(wom::split_sweep_values(R"(1, [2,3], {a = 1, b = "x,y"}, 'p,q', "r\",s")") ==
          std::vector<std::string>{"1", "[2,3]", R"({a = 1, b = "x,y"})", "'p,q'", R"("r\",s")"});
  }

  TEST_CASE("the hash follows every input") {
    const std::string sweep = "\n[sweep.parameters]\n\"model.probability\" = [0.1, 0.2]\n";
    const std::string h = plan(sweep).hash;
    CHECK(h.size() == 32);
    CHECK(plan(sweep).hash == h);
    CHECK(plan(sweep, {"run.steps=9"}).hash != h);
    CHECK(plan(sweep + "# a comment changes the text\n").hash != h);
    CHECK(plan(sweep, {"sweep.replicates=2"}).hash != h);
    CHECK(plan("\n[sweep.parameters]\n\"model.probability\" = [0.1, 0.3]\n").hash != h);
  }

  TEST_CASE("errors: every problem at its value in the file, all at once") {
    const std::string e = error_of(R"(
[sweep.parameters]
"model.probability" = [0.02, 1.5, 0.1]
"model.probabilty" = [1, 2]
"network.m" = [2, 400]
"run.steps" = [1, 2]
)");
    const std::vector<std::string> lines = lines_of(e);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "s.toml:21:30: model.probability: expected a float in [0, 1], found 1.5");
    // (the valid keys listed after it grow with the models)
    CHECK(lines[1].starts_with("s.toml:22:23: model.probabilty: unknown key (did you mean 'probability'?)"));
    CHECK(lines[2] == "s.toml:23:19: network.m: expected m < n (n = 200), found 400");
    CHECK(lines[3] == "s.toml:24:1: sweep.parameters.run.steps: cannot be swept: the points of a sweep share one "
                      "time axis (series are [point, replicate, step])");
  }

  TEST_CASE("errors: shapes of [sweep.parameters] and designs") {
    CHECK(error_of("\n[sweep.parameters]\n\"model.probability\" = 0.1\n") ==
          "s.toml:21:23: sweep.parameters.model.probability: expected an array of values or a range "
          "{low = ..., high = ...}, found float");
    CHECK(error_of("\n[sweep.parameters]\n\"model.probability\" = []\n") ==
          "s.toml:21:23: sweep.parameters.model.probability: expected at least one value");
    CHECK(error_of("\n[sweep.parameters]\n\"model.probability\" = {low = 0.1, high = 0.2}\n") ==
          "s.toml:21:1: sweep.parameters.model.probability: a range {low, high} needs design 'random' or "
          "'latin_hypercube' (design is 'grid'); list the values instead");
    CHECK(error_of("\n[sweep]\ndesign = \"zip\"\n[sweep.parameters]\n\"model.probability\" = [0.1, 0.2]\n"
                   "\"network.m\" = [2]\n") ==
          "s.toml:24:1: sweep.parameters.network.m: expected 2 values, as many as sweep.parameters.model.probability "
          "(design 'zip' takes the lists in lockstep), found 1");
    CHECK(error_of("\n[sweep]\ndesign = \"random\"\npoints = 3\n[sweep.parameters]\n"
                   "\"model.probability\" = {low = 0.3, high = 0.2, log = 1}\n") ==
          "s.toml:24:53: sweep.parameters.model.probability.log: expected boolean, found integer");
    CHECK(error_of("\n[sweep]\ndesign = \"random\"\npoints = 3\n[sweep.parameters]\n"
                   "\"model.probability\" = {low = 0.3, high = 0.2}\n") ==
          "s.toml:24:42: sweep.parameters.model.probability.high: expected high >= low (low = 0.3), found 0.2");
    CHECK(error_of("\n[sweep]\ndesign = \"random\"\npoints = 3\n[sweep.parameters]\n"
                   "\"model.probability\" = {low = 0.5, high = 2}\n") ==
          "s.toml:24:42: model.probability: expected a float in [0, 1], found 2");
    CHECK(error_of("\n[sweep]\ndesign = \"grid\"\npoints = 3\n") ==
          "s.toml:22:1: sweep.points: not a parameter of design 'grid' (allowed: replicates, common_random_numbers, "
          "parameters)");
    CHECK(error_of("\n[sweep]\ndesign = \"random\"\n") == "s.toml:20:1: sweep.points: required by design 'random', but missing");
    CHECK(error_of("\n[sweep.parameters]\n\"sweep.replicates\" = [1, 2]\n\"output.adoption_steps\" = [true]\n") ==
          "s.toml:21:1: sweep.parameters.sweep.replicates: cannot be swept: the [sweep] table describes the sweep "
          "itself\n"
          "s.toml:22:1: sweep.parameters.output.adoption_steps: cannot be swept: a sweep records the same series and "
          "summaries for every point");
  }

  TEST_CASE("errors: combinations name the point; the command line names the --set") {
    const std::string e = error_of("\n[sweep.parameters]\n\"network.n\" = [5, 200]\n\"network.m\" = [2, 10]\n");
    CHECK(e == "s.toml:22:19: network.m: expected m < n (n = 5), found 10");
    CHECK(error_of("", {"model.probability=0.1,abc"}) ==
          "--set model.probability=0.1,abc: model.probability: expected float, found string");
    CHECK(error_of("", {"sweep.parameters.x=1"}) ==
          "--set sweep.parameters.x=1: sweep.parameters.x: give sweep parameters as --set key=value1,value2,...");
    CHECK(error_of("", {"run.replicates=1,2"}) ==
          "--set run.replicates=1,2: run.replicates: cannot be swept: every point has the same replicates; set "
          "sweep.replicates");
    // A problem of the base scenario comes first, as `wom run` reports it.
    CHECK(error_of("", {"model.probability=2", "run.steps=1,2"}) ==
          "--set model.probability=2: model.probability: expected a float in [0, 1], found 2\n"
          "--set run.steps=1,2: run.steps: cannot be swept: the points of a sweep share one time axis (series are "
          "[point, replicate, step])");
  }
}
