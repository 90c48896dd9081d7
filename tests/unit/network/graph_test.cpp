// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <vector>

#include "sim/error.hpp"
#include "sim/network/graph.hpp"

namespace {

std::vector<wom::NodeId> neighbours(const wom::Graph& g, wom::NodeId u) {
  const auto s = g.out_neighbours(u);
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("Graph::from_edges stores an undirected edge as two arcs") {
  wom::EdgeBuffer edges;
  edges.add(0, 1);
  const auto g = wom::Graph::from_edges(3, std::move(edges), false);
  CHECK(g.num_nodes() == 3);
  CHECK(g.num_arcs() == 2);
  CHECK_FALSE(g.directed());
  CHECK(neighbours(g, 0) == std::vector<wom::NodeId>{1});
  CHECK(neighbours(g, 1) == std::vector<wom::NodeId>{0});
  CHECK(neighbours(g, 2).empty());
  CHECK(g.trusts() == std::vector<wom::Trust>(2, static_cast<wom::Trust>(wom::kTrustOne)));
}

TEST_CASE("Graph::from_edges sorts neighbour lists whatever the input order") {
  wom::EdgeBuffer edges;
  edges.add(0, 3);
  edges.add(0, 1);
  edges.add(2, 0);
  const auto g = wom::Graph::from_edges(4, std::move(edges), true);
  CHECK(g.directed());
  CHECK(neighbours(g, 0) == std::vector<wom::NodeId>{1, 3});
  CHECK(neighbours(g, 2) == std::vector<wom::NodeId>{0});
  CHECK(g.arc_begin(0) == 0);
  CHECK(g.arc_end(0) == 2);
  CHECK(g.head(1) == 3);
}

TEST_CASE("Graph::from_edges drops self-loops and merges duplicates, and reports both") {
  SUBCASE("directed: (1,2) twice is a duplicate, (2,1) is a different arc") {
    wom::EdgeBuffer edges;
    edges.add(0, 0);
    edges.add(1, 2);
    edges.add(1, 2);
    edges.add(2, 1);
    wom::BuildReport report;
    const auto g = wom::Graph::from_edges(3, std::move(edges), true, &report);
    CHECK(g.num_arcs() == 2);
    CHECK(report.self_loops_dropped == 1);
    CHECK(report.duplicate_arcs_dropped == 1);
    CHECK(neighbours(g, 0).empty());
  }
  SUBCASE("undirected: (1,2) and (2,1) are the same edge") {
    wom::EdgeBuffer edges;
    edges.add(1, 1);
    edges.add(1, 2);
    edges.add(2, 1);
    edges.add(0, 2);
    wom::BuildReport report;
    const auto g = wom::Graph::from_edges(3, std::move(edges), false, &report);
    CHECK(g.num_arcs() == 4);
    CHECK(report.self_loops_dropped == 1);
    CHECK(report.duplicate_arcs_dropped == 1);
    CHECK(neighbours(g, 2) == std::vector<wom::NodeId>{0, 1});
  }
}

TEST_CASE("Graph::from_edges keeps weights, the first of duplicates winning") {
  wom::EdgeBuffer edges;
  edges.add(0, 2, 0.25f);
  edges.add(0, 1, 0.5f);
  edges.add(0, 1, 0.75f);
  edges.add(1, 2, -3.0f);
  const auto g = wom::Graph::from_edges(3, std::move(edges), true);
  REQUIRE(g.weights().size() == g.num_arcs());
  CHECK(g.num_arcs() == 3);
  // Node 0's arcs sorted by head: (0,1) first-wins 0.5, then (0,2) 0.25.
  CHECK(g.weights()[0] == 0.5f);
  CHECK(g.weights()[1] == 0.25f);
  CHECK(g.weights()[2] == -3.0f);
}

TEST_CASE("Graph::from_edges rejects an id beyond n") {
  wom::EdgeBuffer edges;
  edges.add(0, 5);
  CHECK_THROWS_AS(wom::Graph::from_edges(5, std::move(edges), false), wom::InputError);
}

TEST_CASE("Graph::degree_stats") {
  // Star centred on 0 with leaves 1..3, plus isolated agent 4.
  wom::EdgeBuffer edges;
  for (wom::NodeId v = 1; v <= 3; ++v) edges.add(0, v);
  const auto g = wom::Graph::from_edges(5, std::move(edges), false);
  const auto s = g.degree_stats();
  CHECK(s.nodes == 5);
  CHECK(s.arcs == 6);
  CHECK(s.min_out == 0);
  CHECK(s.max_out == 3);
  CHECK(s.max_in == 3);
  CHECK(s.mean_out == doctest::Approx(6.0 / 5));
  CHECK(s.second_moment_out == doctest::Approx((9.0 + 3.0) / 5));
  CHECK(s.isolated == 1);
  CHECK(g.in_degrees() == std::vector<std::uint32_t>{3, 1, 1, 1, 0});
}

TEST_CASE("Graph labels default to identity") {
  wom::EdgeBuffer edges;
  edges.add(0, 1);
  auto g = wom::Graph::from_edges(2, std::move(edges), false);
  CHECK(g.label(1) == 1);
  g.set_labels({42, 7});
  CHECK(g.label(0) == 42);
  CHECK(g.label(1) == 7);
}
