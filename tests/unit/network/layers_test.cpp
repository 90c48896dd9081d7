// SPDX-License-Identifier: MIT
// Multi-layer networks: the merge (parallel arcs kept across layers, layer ids, agents matched
// by position or by label), per-layer trust through build_network, and its errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "sim/error.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/layers.hpp"
#include "sim/network/trust.hpp"
#include "sim/random.hpp"

namespace {

using wom::ArcId;
using wom::Graph;
using wom::NodeId;
using wom::Trust;

Trust fixed(double x) { return static_cast<Trust>(std::lround(x * wom::kTrustOne)); }

Graph make(NodeId n, const std::vector<std::pair<NodeId, NodeId>>& edges, bool directed, double trust) {
  wom::EdgeBuffer b;
  for (auto [u, v] : edges) b.add(u, v);
  Graph g = Graph::from_edges(n, std::move(b), directed);
  wom::TrustSpec t;
  t.value = trust;
  wom::assign_trust(g, t);
  return g;
}

/// (head, layer, trust) of every arc of u, in CSR order.
std::vector<std::tuple<NodeId, int, Trust>> arcs_of(const Graph& g, NodeId u) {
  std::vector<std::tuple<NodeId, int, Trust>> out;
  for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) out.emplace_back(g.head(a), g.layer(a), g.trust(a));
  return out;
}

wom::NetworkSpec generator(const char* name, NodeId n) {
  wom::NetworkSpec s;
  s.generator = name;
  s.n = n;
  return s;
}

wom::TrustSpec constant(double value) {
  wom::TrustSpec t;
  t.value = value;
  return t;
}

}  // namespace

TEST_SUITE("layers") {

TEST_CASE("merge_layers keeps parallel arcs of different layers, sorted by (head, layer)") {
  std::vector<wom::NetworkLayer> layers;
  layers.push_back({"offline", make(3, {{0, 1}, {1, 2}}, false, 0.6), false, "network"});
  // Directed, and repeating 0 -> 1: a parallel arc in another layer.
  layers.push_back({"online", make(3, {{0, 2}, {0, 1}, {2, 1}}, true, 0.1), false, "network.layer.0"});
  const Graph g = wom::merge_layers(std::move(layers));

  CHECK(g.num_nodes() == 3);
  CHECK(g.num_arcs() == 4 + 3);
  CHECK(g.directed());
  CHECK(g.layer_count() == 2);
  CHECK(g.layer_names() == std::vector<std::string>{"offline", "online"});
  CHECK(g.layers().size() == g.num_arcs());
  CHECK_FALSE(g.has_uniform_trust());
  CHECK(g.labels().empty());
  const Trust off = fixed(0.6), on = fixed(0.1);
  using A = std::vector<std::tuple<NodeId, int, Trust>>;
  CHECK(arcs_of(g, 0) == A{{1, 0, off}, {1, 1, on}, {2, 1, on}});
  CHECK(arcs_of(g, 1) == A{{0, 0, off}, {2, 0, off}});
  CHECK(arcs_of(g, 2) == A{{1, 0, off}, {1, 1, on}});
  CHECK(g.memory_bytes() == 4 * 8 + 7 * (4 + 2 + 1));
}

TEST_CASE("repeats within a layer are merged when the layer is built, not across layers") {
  wom::EdgeBuffer b;
  b.add(0, 1);
  b.add(1, 0);  // the same undirected edge again
  b.add(0, 1);
  wom::BuildReport report;
  Graph l0 = Graph::from_edges(2, std::move(b), false, &report);
  CHECK(report.duplicate_arcs_dropped == 2);
  std::vector<wom::NetworkLayer> layers;
  layers.push_back({"a", std::move(l0), false, "network"});
  layers.push_back({"b", make(2, {{0, 1}}, false, 1.0), false, "network.layer.0"});
  layers.push_back({"c", make(2, {{1, 0}}, false, 1.0), false, "network.layer.1"});
  const Graph g = wom::merge_layers(std::move(layers));
  CHECK(g.num_arcs() == 6);  // one edge per layer, two arcs each
  using A = std::vector<std::tuple<NodeId, int, Trust>>;
  const auto one = static_cast<Trust>(wom::kTrustOne);
  CHECK(arcs_of(g, 0) == A{{1, 0, one}, {1, 1, one}, {1, 2, one}});
  CHECK(arcs_of(g, 1) == A{{0, 0, one}, {0, 1, one}, {0, 2, one}});
  CHECK(g.has_uniform_trust());
  CHECK_FALSE(g.directed());
}

TEST_CASE("edge-list layers match agents by label and add the ones not seen before") {
  Graph l0 = make(3, {{0, 1}, {1, 2}}, false, 0.5);
  l0.set_labels({10, 20, 30});
  Graph l1 = make(3, {{0, 1}, {1, 2}}, false, 0.25);
  l1.set_labels({30, 40, 10});  // 30 - 40 - 10: agent 40 is new
  std::vector<wom::NetworkLayer> layers;
  layers.push_back({"network", std::move(l0), true, "network"});
  layers.push_back({"email", std::move(l1), true, "network.layer.0"});
  const Graph g = wom::merge_layers(std::move(layers));
  CHECK(g.num_nodes() == 4);
  CHECK(g.labels() == std::vector<std::uint64_t>{10, 20, 30, 40});
  using A = std::vector<std::tuple<NodeId, int, Trust>>;
  const Trust a = fixed(0.5), b = fixed(0.25);
  CHECK(arcs_of(g, 0) == A{{1, 0, a}, {3, 1, b}});            // 10: 20 (layer 0), 40 (layer 1)
  CHECK(arcs_of(g, 2) == A{{1, 0, a}, {3, 1, b}});            // 30: 20, 40
  CHECK(arcs_of(g, 3) == A{{0, 1, b}, {2, 1, b}});            // 40: 10, 30
}

TEST_CASE("merge_layers carries weights (NaN where a layer has none) and distrust flags") {
  wom::EdgeBuffer b;
  b.add(0, 1, 5.0f);
  b.add(1, 0, -2.0f);
  Graph signed_layer = Graph::from_edges(2, std::move(b), true);
  wom::TrustSpec oppose;
  oppose.rule = "weight";
  oppose.scale = 0.1;
  oppose.negative = "oppose";
  wom::assign_trust(signed_layer, oppose);
  std::vector<wom::NetworkLayer> layers;
  layers.push_back({"plain", make(2, {{0, 1}}, false, 1.0), false, "network"});
  layers.push_back({"signed", std::move(signed_layer), false, "network.layer.0"});
  const Graph g = wom::merge_layers(std::move(layers));
  REQUIRE(g.num_arcs() == 4);
  REQUIRE(g.weights().size() == 4);
  CHECK(std::isnan(g.weights()[0]));  // 0 -> 1, layer 0
  CHECK(g.weights()[1] == 5.0f);      // 0 -> 1, layer 1
  CHECK(std::isnan(g.weights()[2]));
  CHECK(g.weights()[3] == -2.0f);
  CHECK(g.has_distrust());
  CHECK_FALSE(g.distrust(0));
  CHECK_FALSE(g.distrust(1));
  CHECK_FALSE(g.distrust(2));
  CHECK(g.distrust(3));
  CHECK(g.trust(3) == fixed(0.2));
}

TEST_CASE("merge_layers errors") {
  auto two = [](NodeId n1, const char* name1) {
    std::vector<wom::NetworkLayer> layers;
    layers.push_back({"network", make(3, {{0, 1}}, false, 1.0), false, "network"});
    layers.push_back({name1, make(n1, {{0, 1}}, false, 1.0), false, "network.layer.0"});
    return layers;
  };
  CHECK_THROWS_WITH_AS(wom::merge_layers(two(4, "online")),
                       "network.layer.0.n: the layer has 4 agents but layer 0 ('network') has 3; a generated "
                       "layer's agents are layer 0's agents, so the counts must agree",
                       wom::InputError);
  CHECK_THROWS_WITH_AS(wom::merge_layers(two(3, "network")),
                       "network.layer.0.name: another layer is already named 'network'", wom::InputError);
}

TEST_CASE("one layer: build_network is make_network + assign_trust, with the name") {
  wom::NetworkSpec net = generator("barabasi_albert", 500);
  net.m = 3;
  net.name = "friends";
  const Graph g = wom::build_network(net, constant(0.4), 9, {});
  Graph expected = wom::make_network(net, 9, {});
  wom::assign_trust(expected, constant(0.4));
  CHECK(g.heads() == expected.heads());
  CHECK(g.offsets() == expected.offsets());
  CHECK(g.trusts() == expected.trusts());
  CHECK(g.has_uniform_trust());
  CHECK(g.layer_count() == 1);
  CHECK(g.layers().empty());
  CHECK(g.layer_names() == std::vector<std::string>{"friends"});
  CHECK(g.memory_bytes() == expected.memory_bytes());
}

TEST_CASE("offline Watts-Strogatz friends (trust 0.6) plus online Barabasi-Albert followers (trust 0.1)") {
  wom::NetworkSpec net = generator("watts_strogatz", 2000);
  net.k = 6;
  net.rewire = 0.05;
  net.name = "offline";
  wom::LayerSpec online;
  online.network = generator("barabasi_albert", 2000);
  online.network.m = 2;
  online.network.name = "online";
  online.trust = constant(0.1);
  net.layers.push_back(online);
  const std::uint64_t seed = 17;
  const Graph g = wom::build_network(net, constant(0.6), seed, {});

  const Graph offline = wom::make_network(net, seed, {});
  const Graph follower = wom::make_network(online.network, wom::derive(seed, 1), {});
  CHECK(wom::layer_seed(online.network, seed, 1) == wom::derive(seed, 1));
  CHECK(g.num_nodes() == 2000);
  CHECK(g.num_arcs() == offline.num_arcs() + follower.num_arcs());
  CHECK(g.layer_names() == std::vector<std::string>{"offline", "online"});
  // Every arc of each layer is there once, with its layer's trust; per tail sorted by (head, layer).
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    std::vector<std::pair<NodeId, int>> expected;
    for (NodeId v : offline.out_neighbours(u)) expected.emplace_back(v, 0);
    for (NodeId v : follower.out_neighbours(u)) expected.emplace_back(v, 1);
    std::sort(expected.begin(), expected.end());
    std::vector<std::pair<NodeId, int>> found;
    for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) {
      found.emplace_back(g.head(a), g.layer(a));
      REQUIRE(g.trust(a) == (g.layer(a) == 0 ? fixed(0.6) : fixed(0.1)));
    }
    REQUIRE(found == expected);
  }
  // A layer's own seed key fixes its graph.
  net.layers[0].network.seed = 123;
  const Graph h = wom::build_network(net, constant(0.6), seed, {});
  const Graph fixed_follower = wom::make_network(online.network, 123, {});
  CHECK(h.num_arcs() == offline.num_arcs() + fixed_follower.num_arcs());
}

TEST_CASE("per-layer rules: tie strength on the offline layer reads that layer alone") {
  // Layer 0: the kite of trust_test (1-2 is the only edge with two common neighbours);
  // layer 1 adds a complete graph, which would make every pair embedded if it counted.
  wom::NetworkSpec net = generator("complete", 5);
  net.name = "offline";
  wom::LayerSpec all;
  all.network = generator("complete", 5);
  all.network.name = "online";
  all.trust = constant(0.05);
  net.layers.push_back(all);
  wom::TrustSpec ts;
  ts.rule = "tie_strength";
  ts.measure = "common_neighbours";
  ts.cutoff = 3;
  ts.strong = 1;
  ts.weak = 0.5;
  const Graph g = wom::build_network(net, ts, 1, {});
  // In K5 every pair has 3 common neighbours: all layer-0 arcs strong.
  for (ArcId a = 0; a < g.num_arcs(); ++a) REQUIRE(g.trust(a) == (g.layer(a) == 0 ? fixed(1.0) : fixed(0.05)));

  // Random trust: the layer index is a coordinate, so two identical layers draw differently.
  wom::TrustSpec random;
  random.rule = "random";
  random.distribution = wom::Distribution{wom::Distribution::Kind::kUniform, 0.0, 0.0, 1.0};
  net.layers[0].trust = random;
  const Graph r = wom::build_network(net, random, 1, {});
  std::size_t same = 0;
  for (ArcId a = 0; a + 1 < r.num_arcs(); a += 2) same += r.trust(a) == r.trust(a + 1) ? 1 : 0;  // parallel pairs
  CHECK(same < 3);
}

TEST_CASE("an edge-list layer over a generated layer 0; a generated layer over an edge list") {
  const auto karate = std::filesystem::path(WOM_DATA_DIR) / "karate.txt";
  wom::NetworkSpec net = generator("gnp", 34);
  net.p = 0.1;
  wom::LayerSpec file;
  file.network.generator = "edge_list";
  file.network.path = karate.string();
  file.network.name = "karate";
  file.trust.rule = "weight";
  file.trust.scale = 0.125;
  net.layers.push_back(file);
  const Graph g = wom::build_network(net, constant(1.0), 4, {});
  CHECK(g.num_nodes() == 34);  // karate's ids are 0..33
  CHECK(g.layer_count() == 2);
  ArcId karate_arcs = 0;
  for (ArcId a = 0; a < g.num_arcs(); ++a) karate_arcs += g.layer(a) == 1 ? 1 : 0;
  CHECK(karate_arcs == 156);
  REQUIRE(g.weights().size() == g.num_arcs());
  for (ArcId a = 0; a < g.num_arcs(); ++a)
    if (g.layer(a) == 1) REQUIRE(g.trust(a) == fixed(g.weights()[a] * 0.125));

  wom::NetworkSpec reversed;
  reversed.generator = "edge_list";
  reversed.path = karate.string();
  wom::LayerSpec gen;
  gen.network = generator("gnp", 35);
  gen.network.p = 0.1;
  gen.network.name = "random";
  reversed.layers.push_back(gen);
  CHECK_THROWS_WITH_AS(wom::build_network(reversed, constant(1.0), 4, {}),
                       doctest::Contains("network.layer.0.n: the layer has 35 agents but layer 0"), wom::InputError);
  reversed.layers[0].network.n = 34;
  CHECK(wom::build_network(reversed, constant(1.0), 4, {}).num_nodes() == 34);
  // A per-layer trust error names the layer's key.
  reversed.layers[0].trust.rule = "weight";
  CHECK_THROWS_WITH_AS(wom::build_network(reversed, constant(1.0), 4, {}),
                       doctest::Contains("network.layer.0.trust.rule"), wom::InputError);
}

}  // TEST_SUITE
