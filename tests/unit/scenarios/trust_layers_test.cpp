// SPDX-License-Identifier: MIT
// The [trust] rules and [[network.layer]] tables of the scenario language: what they load
// into, their errors with file:line:column, the resolved printout, and the built network.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/pipeline.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/schema.hpp"
#include "sim/error.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kTail = R"(
[model]
name = "independent_cascade"

[[channel]]
type = "seed"
)";

wom::Scenario parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return wom::parse_scenario(text, "s.toml", overrides);
}

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse(text, overrides);
  } catch (const wom::InputError& e) {
    return e.what();
  }
  FAIL("the scenario loaded, but an InputError was expected");
  return "";
}

// Line numbers below count from the first line of the text.
const std::string kTwoLayers = R"([network]
name = "offline"
generator = "watts_strogatz"
n = 100
k = 4
rewire = 0.1

[trust]
rule = "tie_strength"
measure = "overlap"
cutoff = 0.25
strong = 0.9
weak = 0.3

[[network.layer]]
name = "online"
generator = "barabasi_albert"
n = 100
m = 2
seed = 8

[network.layer.trust]
rule = "random"
distribution = {dist = "beta", alpha = 2, beta = 8}
symmetric = true

[[network.layer]]
name = "email"
generator = "gnp"
n = 100
p = 0.02
directed = true
trust = {rule = "constant", value = 0.05}
)" + kTail;

}  // namespace

TEST_SUITE("scenario trust and layers") {

TEST_CASE("layers and trust rules load into the specs") {
  const wom::Scenario s = parse(kTwoLayers);
  CHECK(s.network.name == "offline");
  CHECK(s.trust.rule == "tie_strength");
  CHECK(s.trust.measure == "overlap");
  CHECK(s.trust.cutoff == 0.25);
  CHECK(s.trust.strong == 0.9);
  CHECK(s.trust.weak == 0.3);
  REQUIRE(s.network.layers.size() == 2);
  const auto& online = s.network.layers[0];
  CHECK(online.network.name == "online");
  CHECK(online.network.generator == "barabasi_albert");
  CHECK(online.network.m == 2);
  CHECK(online.network.seed == 8u);
  CHECK(online.trust.rule == "random");
  CHECK(online.trust.distribution.kind == wom::Distribution::Kind::kBeta);
  CHECK(online.trust.distribution.beta == 8);
  CHECK(online.trust.symmetric);
  const auto& email = s.network.layers[1];
  CHECK(email.network.directed);
  CHECK(email.trust.rule == "constant");
  CHECK(email.trust.value == 0.05);
  CHECK(s.network.layers[0].network.layers.empty());
}

TEST_CASE("defaults: one layer named network; a layer without trust gets constant 1") {
  const wom::Scenario one = parse("[network]\ngenerator = \"complete\"\nn = 5\n" + kTail);
  CHECK(one.network.name == "network");
  CHECK(one.network.layers.empty());
  CHECK(one.trust.negative.empty());
  const wom::Scenario two = parse("[network]\ngenerator = \"complete\"\nn = 5\n[[network.layer]]\nname = \"b\"\n"
                                  "generator = \"complete\"\nn = 5\n" + kTail);
  REQUIRE(two.network.layers.size() == 1);
  CHECK(two.network.layers[0].trust.rule == "constant");
  CHECK(two.network.layers[0].trust.value == 1.0);
}

TEST_CASE("the resolved printout keeps layers and their trust, and reads back the same") {
  const wom::Scenario s = parse(kTwoLayers);
  const std::string resolved = wom::resolved_scenario_toml(s);
  INFO(resolved);
  CHECK(resolved.find("[network]\ngenerator = \"watts_strogatz\"") != std::string::npos);
  CHECK(resolved.find("name = \"offline\"\n\n[[network.layer]]\ngenerator = \"barabasi_albert\"") !=
        std::string::npos);
  CHECK(resolved.find("[network.layer.trust]\nrule = \"random\"\ndistribution = { dist = \"beta\", alpha = 2.0, "
                      "beta = 8.0 }\nsymmetric = true\n") != std::string::npos);
  CHECK(resolved.find("[trust]\nrule = \"tie_strength\"\nmeasure = \"overlap\"\ncutoff = 0.25\nstrong = 0.9\n"
                      "weak = 0.3\n") != std::string::npos);
  const wom::Scenario again = wom::parse_scenario(resolved, "s.toml");
  CHECK(wom::resolved_scenario_toml(again) == resolved);
  REQUIRE(again.network.layers.size() == 2);
  CHECK(again.network.layers[1].trust.value == 0.05);
}

TEST_CASE("--set reaches into layers") {
  const wom::Scenario s = parse(kTwoLayers, {"network.layer.0.m=3", "network.layer.1.trust.value=0.2"});
  CHECK(s.network.layers[0].network.m == 3);
  CHECK(s.network.layers[1].trust.value == 0.2);
  CHECK(error_of(kTwoLayers, {"network.layer.0.trust.cutoff=1"}) ==
        "--set network.layer.0.trust.cutoff=1: network.layer.0.trust.cutoff: not a parameter of rule 'random' "
        "(allowed: distribution, symmetric, seed, negative)");
}

TEST_CASE("layer errors name file:line:column and the dotted key") {
  const std::string head = "[network]\ngenerator = \"complete\"\nn = 10\n";  // lines 1-3
  SUBCASE("a layer without a name") {
    CHECK(error_of(head + "[[network.layer]]\ngenerator = \"complete\"\nn = 10\n" + kTail) ==
          "s.toml:4:1: network.layer.0.name: required, but missing");
  }
  SUBCASE("an unknown key in a layer") {
    const std::string e = error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\nmm = 2\n" + kTail);
    CHECK(e.rfind("s.toml:8:1: network.layer.0.mm: unknown key (did you mean 'm'?); valid keys: generator,", 0) == 0);
  }
  SUBCASE("a key of another generator") {
    CHECK(error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\nm = 2\n" + kTail)
              .rfind("s.toml:8:1: network.layer.0.m: not a parameter of generator 'complete'", 0) == 0);
  }
  SUBCASE("a generated layer of another size") {
    CHECK(error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 12\n" + kTail) ==
          "s.toml:7:5: network.layer.0.n: expected n = 10 (a generated layer's agents are those of layer 0), found 12");
  }
  SUBCASE("names must differ") {
    CHECK(error_of(head + "[[network.layer]]\nname = \"network\"\ngenerator = \"complete\"\nn = 10\n" + kTail) ==
          "s.toml:5:8: network.layer.0.name: expected a name no other layer has, found 'network', the name of "
          "layer 0 ([network] name)");
    CHECK(error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\n"
                          "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\n" + kTail) ==
          "s.toml:9:8: network.layer.1.name: expected a name no other layer has, found 'b', the name of "
          "network.layer.0");
  }
  SUBCASE("not a table, not an array of tables") {
    CHECK(error_of(head + "layer = 3\n" + kTail) ==
          "s.toml:4:9: network.layer: expected array of tables ([[network.layer]]), found integer");
    CHECK(error_of(head + "layer = [3]\n" + kTail) == "s.toml:4:10: network.layer.0: expected table, found integer");
    CHECK(error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\ntrust = 0.5\n" + kTail) ==
          "s.toml:8:9: network.layer.0.trust: expected table, found float");
  }
  SUBCASE("a layer's trust is checked like [trust], at its own keys") {
    CHECK(error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\n"
                          "[network.layer.trust]\nrule = \"tie_strength\"\nmeasure = \"overlap\"\ncutoff = 2\n"
                          "strong = 1\nweak = 0.1\n" + kTail) ==
          "s.toml:11:10: network.layer.0.trust.cutoff: expected a cutoff in [0, 1] for measure 'overlap' (an overlap "
          "is at most 1), found 2");
    CHECK(error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\n"
                          "trust = {rule = \"weight\"}\n" + kTail) ==
          "s.toml:8:17: network.layer.0.trust.rule: rule 'weight' reads the weights of the layer's edge_list; "
          "generator 'complete' has none");
    CHECK(error_of(head + "[[network.layer]]\nname = \"b\"\ngenerator = \"complete\"\nn = 10\n"
                          "trust = {value = 3}\n" + kTail) ==
          "s.toml:8:18: network.layer.0.trust.value: expected a float in [0, 1.999969482421875], found 3");
  }
}

TEST_CASE("[trust] rule errors") {
  const std::string head = "[network]\ngenerator = \"complete\"\nn = 10\n[trust]\n";  // [trust] on line 4
  CHECK(error_of(head + "rule = \"tie_strength\"\ncutoff = 1\nstrong = 1\nweak = 0\n" + kTail) ==
        "s.toml:4:1: trust.measure: required by rule 'tie_strength', but missing");
  CHECK(error_of(head + "rule = \"tie_strength\"\nmeasure = \"jaccard\"\ncutoff = 1\nstrong = 1\nweak = 0\n" + kTail) ==
        "s.toml:6:11: trust.measure: expected one of 'common_neighbours', 'overlap', found 'jaccard'");
  CHECK(error_of(head + "rule = \"tie_strength\"\nmeasure = \"overlap\"\ncutoff = -1\nstrong = 1\nweak = 0\n" + kTail) ==
        "s.toml:7:10: trust.cutoff: expected a float >= 0, found -1");
  CHECK(error_of(head + "rule = \"tie_strength\"\nmeasure = \"common_neighbours\"\ncutoff = 2\nstrong = 2.5\nweak = 0\n" +
                 kTail) == "s.toml:8:10: trust.strong: expected a float in [0, 1.999969482421875], found 2.5");
  CHECK(error_of(head + "rule = \"random\"\n" + kTail) ==
        "s.toml:4:1: trust.distribution: required by rule 'random', but missing");
  CHECK(error_of(head + "rule = \"random\"\ndistribution = {dist = \"uniform\", low = 0, high = 3}\n" + kTail) ==
        "s.toml:6:51: trust.distribution.high: expected a float in [0, 1.999969482421875] (the range of "
        "trust.distribution), found 3");
  CHECK(error_of(head + "symmetric = true\n" + kTail) ==
        "s.toml:5:1: trust.symmetric: not a parameter of rule 'constant' (allowed: value, negative)");
  CHECK(error_of(head + "rule = \"random\"\ndistribution = 0.5\nnegative = \"flip\"\n" + kTail) ==
        "s.toml:7:12: trust.negative: expected one of 'ignore', 'oppose', found 'flip'");
  CHECK(error_of(head + "negative = \"ignore\"\n" + kTail) ==
        "s.toml:5:12: trust.negative: reads the signs of [network] edge_list weights; generator 'complete' has none");
}

TEST_CASE("the built network has the layers, each with its own trust") {
  wom::PreparedScenario prepared(parse(kTwoLayers));
  const wom::Graph& g = prepared.graph();
  CHECK(g.num_nodes() == 100);
  CHECK(g.layer_count() == 3);
  CHECK(g.layer_names() == std::vector<std::string>{"offline", "online", "email"});
  CHECK(g.directed());
  std::size_t per_layer[3] = {0, 0, 0};
  for (wom::ArcId a = 0; a < g.num_arcs(); ++a) {
    ++per_layer[g.layer(a)];
    if (g.layer(a) == 0) {
      REQUIRE((g.trust(a) == 29491 || g.trust(a) == 9830));  // 0.9 or 0.3
    } else if (g.layer(a) == 2) {
      REQUIRE(g.trust(a) == 1638);  // 0.05
    }
  }
  CHECK(per_layer[0] == 100 * 4);  // Watts–Strogatz keeps n k arcs
  CHECK(per_layer[1] == 2 * (3 + 2 * 97));  // BA: clique on m + 1, then m edges per agent
  CHECK(per_layer[2] > 0);
}

TEST_CASE("an edge-list layer: path resolved against the scenario's folder, agents matched by id") {
  const fs::path data = fs::path(WOM_DATA_DIR).lexically_normal();
  const wom::Scenario s = wom::parse_scenario(R"([network]
generator = "gnp"
n = 34
p = 0.05

[[network.layer]]
name = "club"
edge_list = "../karate.txt"
trust = {rule = "weight", scale = 0.125}
)" + kTail,
                                              data / "sub" / "s.toml");
  REQUIRE(s.network.layers.size() == 1);
  CHECK(fs::path(s.network.layers[0].network.path).is_absolute());
  CHECK(fs::equivalent(s.network.layers[0].network.path, data / "karate.txt"));
  const std::string resolved = wom::resolved_scenario_toml(s);
  CHECK(resolved.find("[[network.layer]]\nedge_list = ") != std::string::npos);
  CHECK(wom::resolved_scenario_toml(wom::parse_scenario(resolved, "elsewhere/s.toml")) == resolved);

  wom::PreparedScenario prepared(s);
  const wom::Graph& g = prepared.graph();
  CHECK(g.num_nodes() == 34);
  CHECK(g.layer_names() == std::vector<std::string>{"network", "club"});
  std::size_t club = 0;
  for (wom::ArcId a = 0; a < g.num_arcs(); ++a) club += g.layer(a) == 1 ? 1 : 0;
  CHECK(club == 156);
}

TEST_CASE("the signed Bitcoin example builds with distrust ignored") {
  const wom::Scenario s = wom::load_scenario(fs::path(WOM_SOURCE_DIR) / "scenarios/examples/lt_bitcoin_signed.toml");
  CHECK(s.trust.negative == "ignore");
  wom::PreparedScenario prepared(s);
  const wom::Graph& g = prepared.graph();
  CHECK(g.num_arcs() == 35592);
  std::size_t zero = 0;
  for (wom::Trust t : g.trusts()) zero += t == 0 ? 1 : 0;
  CHECK(zero == 3563);
  CHECK_FALSE(g.has_distrust());
}

}  // TEST_SUITE
