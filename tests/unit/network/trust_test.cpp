// SPDX-License-Identifier: MIT
// Trust rules on small hand-made graphs with hand-computed trust, embeddedness against a
// brute-force count, random trust's determinism and distribution, signed data (the Bitcoin
// OTC trust network).
#include <doctest/doctest.h>

#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "sim/error.hpp"
#include "sim/network/edge_list.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"

namespace {

using wom::ArcId;
using wom::Graph;
using wom::NodeId;
using wom::Trust;
using wom::TrustSpec;

Trust fixed(double x) { return static_cast<Trust>(std::lround(x * wom::kTrustOne)); }

/// The arc u -> v (fails the test if there is none).
ArcId arc(const Graph& g, NodeId u, NodeId v) {
  for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a)
    if (g.head(a) == v) return a;
  FAIL("no arc " << u << " -> " << v);
  return 0;
}

Graph undirected(NodeId n, const std::vector<std::pair<NodeId, NodeId>>& edges) {
  wom::EdgeBuffer b;
  for (auto [u, v] : edges) b.add(u, v);
  return Graph::from_edges(n, std::move(b), false);
}

/// Two triangles sharing the edge 1-2, plus a pendant 3-4:
///   0 - 1, 0 - 2, 1 - 2, 1 - 3, 2 - 3, 3 - 4
/// N(0) = {1,2}, N(1) = {0,2,3}, N(2) = {0,1,3}, N(3) = {1,2,4}, N(4) = {3}.
Graph kite() { return undirected(5, {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}, {3, 4}}); }

TrustSpec tie_strength(const char* measure, double cutoff, double strong, double weak) {
  TrustSpec s;
  s.rule = "tie_strength";
  s.measure = measure;
  s.cutoff = cutoff;
  s.strong = strong;
  s.weak = weak;
  return s;
}

TrustSpec rule(const char* name) {
  TrustSpec s;
  s.rule = name;
  return s;
}

/// A directed graph with weights, the signed-rating shape: 0 -> 1 (5), 1 -> 2 (-3), 2 -> 0 (10).
Graph signed_triangle() {
  wom::EdgeBuffer b;
  b.add(0, 1, 5.0f);
  b.add(1, 2, -3.0f);
  b.add(2, 0, 10.0f);
  return Graph::from_edges(3, std::move(b), true);
}

std::filesystem::path data(const char* name) { return std::filesystem::path(WOM_DATA_DIR) / name; }

}  // namespace

TEST_SUITE("trust") {

TEST_CASE("constant and inverse_in_degree, as before") {
  Graph g = kite();
  TrustSpec c;
  c.value = 0.25;
  wom::assign_trust(g, c);
  CHECK(g.has_uniform_trust());
  CHECK(g.uniform_trust() == fixed(0.25));
  CHECK_FALSE(g.has_distrust());

  wom::assign_trust(g, rule("inverse_in_degree"));
  CHECK_FALSE(g.has_uniform_trust());
  CHECK(g.trust(arc(g, 1, 0)) == wom::kTrustOne / 2);   // in-degree of 0 is 2
  CHECK(g.trust(arc(g, 0, 1)) == wom::kTrustOne / 3);   // in-degree of 1 is 3
  CHECK(g.trust(arc(g, 3, 4)) == wom::kTrustOne);       // in-degree of 4 is 1
}

TEST_CASE("tie_measure: common neighbours and overlap by hand") {
  const Graph g = kite();
  const auto common = wom::tie_measure(g, wom::TieMeasure::kCommonNeighbours);
  const auto overlap = wom::tie_measure(g, wom::TieMeasure::kOverlap);
  struct Expected {
    NodeId u, v;
    double common, overlap;  // overlap = common / (|N(u) ∪ N(v)| - 2)
  };
  for (const Expected& e : {Expected{0, 1, 1, 1.0 / 2}, Expected{0, 2, 1, 1.0 / 2}, Expected{1, 2, 2, 2.0 / 2},
                            Expected{1, 3, 1, 1.0 / 3}, Expected{2, 3, 1, 1.0 / 3}, Expected{3, 4, 0, 0.0}}) {
    CAPTURE(e.u);
    CAPTURE(e.v);
    CHECK(common[arc(g, e.u, e.v)] == e.common);
    CHECK(common[arc(g, e.v, e.u)] == e.common);
    CHECK(overlap[arc(g, e.u, e.v)] == doctest::Approx(e.overlap));
    CHECK(overlap[arc(g, e.v, e.u)] == doctest::Approx(e.overlap));
  }
  // An edge whose ends have no other neighbours: overlap 0 (denominator 0), not NaN.
  const Graph lone = undirected(2, {{0, 1}});
  CHECK(wom::tie_measure(lone, wom::TieMeasure::kOverlap) == std::vector<double>{0.0, 0.0});
}

TEST_CASE("tie_measure on a directed graph reads the underlying undirected graph") {
  // 0 -> 1, 1 -> 0, 1 -> 2, 2 -> 0, 2 -> 3: N(0) = {1,2}, N(1) = {0,2}, N(2) = {0,1,3}, N(3) = {2}.
  wom::EdgeBuffer b;
  for (auto [u, v] : {std::pair<NodeId, NodeId>{0, 1}, {1, 0}, {1, 2}, {2, 0}, {2, 3}}) b.add(u, v);
  const Graph g = Graph::from_edges(4, std::move(b), true);
  const auto common = wom::tie_measure(g, wom::TieMeasure::kCommonNeighbours);
  const auto overlap = wom::tie_measure(g, wom::TieMeasure::kOverlap);
  CHECK(common[arc(g, 0, 1)] == 1);
  CHECK(common[arc(g, 1, 0)] == 1);
  CHECK(common[arc(g, 1, 2)] == 1);
  CHECK(common[arc(g, 2, 0)] == 1);
  CHECK(common[arc(g, 2, 3)] == 0);
  CHECK(overlap[arc(g, 0, 1)] == 1.0);  // 1 / (2 + 2 - 2 - 1)
  CHECK(overlap[arc(g, 2, 0)] == 0.5);  // 1 / (3 + 2 - 2 - 1)
  CHECK(overlap[arc(g, 2, 3)] == 0.0);
}

TEST_CASE("tie_measure agrees with a brute-force count, on both code paths, at any thread count") {
  // Barabási–Albert hubs make the galloping intersection kick in (degree ratios > 16).
  const Graph g = wom::barabasi_albert_graph(3000, 3, 11);
  std::vector<std::set<NodeId>> nb(g.num_nodes());
  for (NodeId u = 0; u < g.num_nodes(); ++u) nb[u] = {g.out_neighbours(u).begin(), g.out_neighbours(u).end()};
  std::vector<double> expected(g.num_arcs());
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) {
      double c = 0;
      for (NodeId x : nb[u]) c += static_cast<double>(nb[g.head(a)].count(x));
      expected[a] = c;
    }
  }
  CHECK(wom::tie_measure(g, wom::TieMeasure::kCommonNeighbours) == expected);
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    CHECK(wom::tie_measure(g, wom::TieMeasure::kCommonNeighbours) == expected);
  }
  // The same edges as reciprocal arcs of a directed graph take the general path.
  wom::EdgeBuffer b;
  for (NodeId u = 0; u < g.num_nodes(); ++u)
    for (NodeId v : g.out_neighbours(u)) b.add(u, v);
  const Graph d = Graph::from_edges(g.num_nodes(), std::move(b), true);
  REQUIRE(d.heads() == g.heads());
  CHECK(wom::tie_measure(d, wom::TieMeasure::kCommonNeighbours) == expected);
  CHECK(wom::tie_measure(d, wom::TieMeasure::kOverlap) == wom::tie_measure(g, wom::TieMeasure::kOverlap));
}

TEST_CASE("intersection_size: merge and galloping") {
  const std::vector<NodeId> a{1, 5, 9, 40};
  std::vector<NodeId> b;
  for (NodeId x = 0; x < 200; x += 2) b.push_back(x + 1);  // odd numbers 1..199
  CHECK(wom::intersection_size(a, b) == 3);                   // 1, 5, 9 (galloping: 100 > 16 * 4)
  CHECK(wom::intersection_size(b, a) == 3);
  CHECK(wom::intersection_size(std::vector<NodeId>{2, 3, 5}, std::vector<NodeId>{3, 4, 5}) == 2);
  CHECK(wom::intersection_size(std::vector<NodeId>{}, b) == 0);
  CHECK(wom::intersection_size(std::vector<NodeId>{300}, b) == 0);
}

TEST_CASE("tie_strength: strong at or above the cutoff, weak below") {
  Graph g = kite();
  SUBCASE("common_neighbours >= 2: only the shared edge 1-2 is strong") {
    wom::assign_trust(g, tie_strength("common_neighbours", 2, 0.9, 0.2));
    for (NodeId u = 0; u < g.num_nodes(); ++u) {
      for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) {
        const NodeId v = g.head(a);
        const bool strong = (u == 1 && v == 2) || (u == 2 && v == 1);
        CHECK(g.trust(a) == (strong ? fixed(0.9) : fixed(0.2)));
      }
    }
  }
  SUBCASE("overlap >= 0.5: the triangle 0-1-2 is strong, 1/3 and 0 are weak") {
    wom::assign_trust(g, tie_strength("overlap", 0.5, 1.0, 0.1));
    CHECK(g.trust(arc(g, 0, 1)) == fixed(1.0));
    CHECK(g.trust(arc(g, 2, 0)) == fixed(1.0));
    CHECK(g.trust(arc(g, 1, 2)) == fixed(1.0));
    CHECK(g.trust(arc(g, 1, 3)) == fixed(0.1));
    CHECK(g.trust(arc(g, 3, 2)) == fixed(0.1));
    CHECK(g.trust(arc(g, 4, 3)) == fixed(0.1));
  }
  SUBCASE("cutoff 0 makes every tie strong; a cutoff above every measure none") {
    wom::assign_trust(g, tie_strength("overlap", 0, 0.7, 0.1));
    CHECK(std::all_of(g.trusts().begin(), g.trusts().end(), [](Trust t) { return t == fixed(0.7); }));
    wom::assign_trust(g, tie_strength("common_neighbours", 3, 0.7, 0.1));
    CHECK(std::all_of(g.trusts().begin(), g.trusts().end(), [](Trust t) { return t == fixed(0.1); }));
  }
  SUBCASE("an unknown measure or out-of-range trust is an InputError naming the key") {
    CHECK_THROWS_WITH_AS(wom::assign_trust(g, tie_strength("jaccard", 1, 1, 0)),
                         "trust.measure: expected 'common_neighbours' or 'overlap', found 'jaccard'", wom::InputError);
    wom::TrustContext context;
    context.key = "network.layer.0.trust";
    CHECK_THROWS_WITH_AS(wom::assign_trust(g, tie_strength("overlap", 1, 2.5, 0), context),
                         doctest::Contains("network.layer.0.trust.strong"), wom::InputError);
  }
}

TEST_CASE("random trust: a pure function of seed, layer and the arc's endpoints") {
  const Graph base = wom::barabasi_albert_graph(20'000, 3, 5);
  TrustSpec spec = rule("random");
  spec.distribution = wom::Distribution{wom::Distribution::Kind::kUniform, 0.0, 0.0, 1.0};
  auto trusts = [&](const TrustSpec& s, std::uint64_t seed, std::uint32_t layer) {
    Graph g = base;
    wom::assign_trust(g, s, wom::TrustContext{seed, layer, "trust"});
    CHECK_FALSE(g.has_uniform_trust());
    return g.trusts();
  };
  const auto reference = trusts(spec, 1, 0);

  SUBCASE("same seed: same trust, whatever the thread count") {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    CHECK(trusts(spec, 1, 0) == reference);
  }
  SUBCASE("another seed, another layer, or trust.seed: different trust") {
    CHECK(trusts(spec, 2, 0) != reference);
    CHECK(trusts(spec, 1, 1) != reference);
    TrustSpec seeded = spec;
    seeded.seed = 99;
    CHECK(trusts(seeded, 1, 0) != reference);
    CHECK(trusts(seeded, 1, 0) == trusts(seeded, 7, 0));  // trust.seed overrides the default
  }
  SUBCASE("uniform(0, 1): mean 1/2 within 5 standard errors, every draw in range") {
    double sum = 0;
    for (Trust t : reference) sum += static_cast<double>(t) / wom::kTrustOne;
    const double n = static_cast<double>(reference.size());
    const double standard_error = std::sqrt(1.0 / 12.0 / n);  // ~0.0012 for 120k arcs
    CHECK(std::abs(sum / n - 0.5) < 5 * standard_error);
    CHECK(*std::max_element(reference.begin(), reference.end()) <= wom::kTrustOne);
  }
  SUBCASE("beta(2, 6) scaled: mean alpha / (alpha + beta) = 0.25") {
    TrustSpec beta = spec;
    beta.distribution = wom::Distribution{};
    beta.distribution.kind = wom::Distribution::Kind::kBeta;
    beta.distribution.alpha = 2;
    beta.distribution.beta = 6;
    const auto t = trusts(beta, 1, 0);
    double sum = 0;
    for (Trust x : t) sum += static_cast<double>(x) / wom::kTrustOne;
    const double n = static_cast<double>(t.size());
    const double sd = std::sqrt(2.0 * 6.0 / (8.0 * 8.0 * 9.0));  // beta variance ab / ((a+b)^2 (a+b+1))
    CHECK(std::abs(sum / n - 0.25) < 5 * sd / std::sqrt(n));
  }
  SUBCASE("each direction draws on its own, unless symmetric") {
    Graph g = base;
    std::size_t same = 0, edges = 0;
    for (NodeId u = 0; u < g.num_nodes(); ++u) {
      for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) {
        if (g.head(a) < u) continue;
        ++edges;
        same += reference[a] == reference[arc(g, g.head(a), u)] ? 1 : 0;
      }
    }
    CHECK(same < edges / 100);  // two independent draws rarely coincide at 2^-15 resolution
    TrustSpec symmetric = spec;
    symmetric.symmetric = true;
    wom::assign_trust(g, symmetric, wom::TrustContext{1, 0, "trust"});
    for (NodeId u = 0; u < g.num_nodes(); ++u)
      for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) REQUIRE(g.trust(a) == g.trust(arc(g, g.head(a), u)));
  }
  SUBCASE("keyed by labels: the edge list's line order does not matter") {
    wom::EdgeBuffer forward, backward;
    for (NodeId u = 0; u < 50; ++u) forward.add(u, (u * 7 + 3) % 50);
    for (NodeId u = 50; u-- > 0;) backward.add(49 - u, 49 - (u * 7 + 3) % 50);  // ids mirrored
    Graph f = Graph::from_edges(50, std::move(forward), true);
    Graph r = Graph::from_edges(50, std::move(backward), true);
    std::vector<std::uint64_t> mirrored(50);
    for (NodeId u = 0; u < 50; ++u) mirrored[u] = 49 - u;
    r.set_labels(mirrored);  // agent u of r is agent 49 - u of f
    wom::assign_trust(f, spec, wom::TrustContext{3, 0, "trust"});
    wom::assign_trust(r, spec, wom::TrustContext{3, 0, "trust"});
    for (NodeId u = 0; u < 50; ++u) {
      for (ArcId a = f.arc_begin(u); a < f.arc_end(u); ++a) {
        CHECK(f.trust(a) == r.trust(arc(r, 49 - u, 49 - f.head(a))));
      }
    }
  }
}

TEST_CASE("signed weights: error by default, ignore gives 0, oppose flags distrust") {
  Graph g = signed_triangle();
  TrustSpec w = rule("weight");
  w.scale = 0.1;
  SUBCASE("no negative key: the weight rule rejects the negative rating, and says what to do") {
    CHECK_THROWS_WITH_AS(wom::assign_trust(g, w), doctest::Contains("set trust.negative to 'ignore' or 'oppose'"),
                         wom::InputError);
  }
  SUBCASE("ignore") {
    w.negative = "ignore";
    wom::assign_trust(g, w);
    CHECK(g.trust(arc(g, 0, 1)) == fixed(0.5));
    CHECK(g.trust(arc(g, 1, 2)) == 0);
    CHECK(g.trust(arc(g, 2, 0)) == fixed(1.0));
    CHECK_FALSE(g.has_distrust());
  }
  SUBCASE("oppose: |weight| x scale, and the flag") {
    w.negative = "oppose";
    wom::assign_trust(g, w);
    CHECK(g.trust(arc(g, 1, 2)) == fixed(0.3));
    CHECK(g.has_distrust());
    CHECK(g.distrust(arc(g, 1, 2)));
    CHECK_FALSE(g.distrust(arc(g, 0, 1)));
    CHECK_FALSE(g.distrust(arc(g, 2, 0)));
    // Assigning again without signs clears the flags.
    TrustSpec c;
    wom::assign_trust(g, c);
    CHECK_FALSE(g.has_distrust());
  }
  SUBCASE("other rules take the sign from the weights too") {
    TrustSpec c;
    c.value = 0.4;
    c.negative = "ignore";
    wom::assign_trust(g, c);
    CHECK_FALSE(g.has_uniform_trust());
    CHECK(g.trust(arc(g, 0, 1)) == fixed(0.4));
    CHECK(g.trust(arc(g, 1, 2)) == 0);
    c.negative = "oppose";
    wom::assign_trust(g, c);
    CHECK(g.has_uniform_trust());  // the magnitude is uniform; the sign lives apart
    CHECK(g.distrust(arc(g, 1, 2)));
  }
  SUBCASE("negative needs a weight column") {
    Graph plain = kite();
    TrustSpec c;
    c.negative = "ignore";
    CHECK_THROWS_WITH_AS(wom::assign_trust(plain, c), doctest::Contains("trust.negative"), wom::InputError);
  }
}

TEST_CASE("soc-sign-bitcoinotc.csv: rating x 0.1, distrust ignored or opposed") {
  Graph g = wom::read_edge_list(data("soc-sign-bitcoinotc.csv"), wom::EdgeListOptions{true, true});
  const auto w = g.weights();
  TrustSpec spec = rule("weight");
  spec.scale = 0.1;
  CHECK_THROWS_AS(wom::assign_trust(g, spec), wom::InputError);

  spec.negative = "ignore";
  wom::assign_trust(g, spec);
  CHECK(std::count(g.trusts().begin(), g.trusts().end(), Trust{0}) == 3563);  // the negative ratings
  CHECK(*std::max_element(g.trusts().begin(), g.trusts().end()) == wom::kTrustOne);  // rating 10
  CHECK(g.trust(g.arc_begin(0)) == fixed(0.4));  // first line: 6 -> 2 rated 4
  for (ArcId a = 0; a < g.num_arcs(); ++a) {
    REQUIRE(g.trust(a) == (w[a] < 0 ? Trust{0} : fixed(w[a] * 0.1)));
  }

  spec.negative = "oppose";
  wom::assign_trust(g, spec);
  ArcId flagged = 0;
  for (ArcId a = 0; a < g.num_arcs(); ++a) {
    flagged += g.distrust(a) ? 1 : 0;
    REQUIRE(g.distrust(a) == (w[a] < 0));
    REQUIRE(g.trust(a) == fixed(std::abs(w[a]) * 0.1));
  }
  CHECK(flagged == 3563);
  CHECK(g.memory_bytes() > g.num_arcs() * 10);  // heads, trust, weights, plus the distrust bits
}

}  // TEST_SUITE
