// SPDX-License-Identifier: MIT
// Seed strategies on stored and implicit graphs.

#include <algorithm>
#include <set>

#include <doctest/doctest.h>

#include "sim/network/generators.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/seeds.hpp"

using namespace wom;

namespace {
std::vector<NodeId> seeds_of(const Graph& g, SeedSpec spec, std::uint32_t replicate) {
  const SeedPlan plan(g, {spec});
  std::vector<NodeId> out;
  plan.seeds_for(7, replicate, out);
  return out;
}
}  // namespace

TEST_CASE("friendship paradox picks distinct neighbours, in proportion to in-degree") {
  // A star with 200 leaves: a random neighbour of a random agent is the hub with probability
  // 200/201, a uniformly random agent with probability 1/201. Over 400 replicates: paradox
  // misses the hub ~2 times (Poisson, P(> 10) < 1e-5), random finds it ~2 times.
  const Graph star = [] {
    EdgeBuffer edges;
    for (NodeId v = 1; v <= 200; ++v) edges.add(0, v);
    return Graph::from_edges(201, std::move(edges), false);
  }();
  int hub_paradox = 0, hub_random = 0;
  for (std::uint32_t r = 0; r < 400; ++r) {
    const auto p = seeds_of(star, {"friendship_paradox", 1, {}}, r);
    REQUIRE(p.size() == 1);
    hub_paradox += p[0] == 0;
    const auto u = seeds_of(star, {"random", 1, {}}, r);
    hub_random += u[0] == 0;
  }
  CHECK(hub_paradox >= 390);
  CHECK(hub_random <= 10);
  // Two distinct paradox seeds need the hub drawn as the random agent once: still found.
  const auto two = seeds_of(star, {"friendship_paradox", 2, {}}, 1);
  CHECK(std::set<NodeId>(two.begin(), two.end()).size() == 2);
}

TEST_CASE("seed strategies work on the implicit complete graph") {
  const Graph kn = Graph::implicit_complete_graph(100000);
  CHECK(kn.num_arcs() == 0);
  CHECK(arcs_of(kn) == 100000ull * 99999ull);
  for (const char* strategy : {"friendship_paradox", "random", "top_degree"}) {
    const std::string label = strategy;
    CAPTURE(label);
    const auto s = seeds_of(kn, {strategy, 10, {}}, 3);
    REQUIRE(s.size() == 10);
    CHECK(std::set<NodeId>(s.begin(), s.end()).size() == 10);
    CHECK(*std::max_element(s.begin(), s.end()) < 100000);
  }
}
