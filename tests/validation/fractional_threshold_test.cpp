// SPDX-License-Identifier: MIT
// Fractional threshold against the cascade window of Watts (2002), "A simple model of global
// cascades on random networks", PNAS 99(9).
//
// Every agent has threshold φ = 0.18 and G(N, z/N) has Poisson(z) degrees. An agent of degree
// k is vulnerable (one adopted neighbour suffices) iff need = ceil(Φk/2^32) <= 1 with
// Φ = floor(0.18·2^32), i.e. k <= 5. One random seed starts a global cascade iff one of its
// edges leads into the giant vulnerable cluster (Gleeson & Cahalane 2007 make this exact for
// tree-like graphs): with q the probability that an edge leads to a vulnerable agent whose
// further edges do, q = Σ_k (k p_k / z) ρ_k [1 - (1-q)^{k-1}] = Σ_{k<=5} p_{k-1}(z)[1 - (1-q)^{k-1}],
// P(global cascade) = 1 - Σ_k p_k (1-q)^k = 1 - e^{-zq}. It is positive exactly inside the
// window where Σ_k k(k-1)ρ_k p_k > z, i.e. z·P(Poisson(z) <= 3) > 1: about 1.02 < z < 5.77.
//
// Statistics: a global cascade is a final fraction above 5% (inside the window they take most
// of the network; outside, cascades stay at a few agents). With φ fixed, a graph decides which
// seeds cascade, so the estimate averages G graphs with R random seeds each; its SE is the SD of
// the G per-graph frequencies over √G (t with G-1 degrees of freedom), tolerance 5 SE plus
// 2/√N for finite-size effects near the window's edges (the cascade probability approaches the
// N → ∞ value with corrections of order N^{-1/2} or slower near the percolation transitions).
// Outside the window the expected frequency is 0: tolerance 5/(G·R) (a few finite-N flukes).

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/fractional_threshold/fractional_threshold.hpp"
#include "sim/network/generators.hpp"
#include "validation/report.hpp"

using namespace wom;
using test::check_row;
using test::fmt;

namespace {

double poisson(int k, double z) { return std::exp(-z + k * std::log(z) - std::lgamma(k + 1.0)); }

/// Largest degree that one adopted neighbour tips at threshold φ, in the model's fixed point.
int vulnerable_max_degree(double phi) {
  int k = 0;
  while (neighbour_count::need_for_fraction(neighbour_count::fraction_fixed(phi), k + 1) <= 1) ++k;
  return k;
}

double cascade_probability(double z, int K) {
  double q = 1;
  for (int it = 0; it < 100000; ++it) {
    double next = 0;
    for (int k = 1; k <= K; ++k) next += poisson(k - 1, z) * (1 - std::pow(1 - q, k - 1));
    if (std::abs(next - q) < 1e-14) break;
    q = next;
  }
  return 1 - std::exp(-z * q);
}

}  // namespace

TEST_CASE("fractional threshold reproduces the Watts cascade window") {
  const double phi = 0.18;
  const int K = vulnerable_max_degree(phi);
  REQUIRE(K == 5);
  const NodeId n = test::scaled<NodeId>(10'000, 100'000);
  const std::uint32_t graphs = test::scaled<std::uint32_t>(8, 20);
  const std::uint32_t seeds = test::scaled<std::uint32_t>(40, 100);
  const Distribution threshold{Distribution::Kind::kConstant, phi};

  // The window's edges, z·P(Poisson(z) <= K-2) = 1.
  const auto edge = [&](double z) {
    double s = 0;
    for (int k = 0; k <= K - 2; ++k) s += poisson(k, z);
    return z * s - 1;
  };
  const double lower = test::bisect(edge, 1.0, 2.0), upper = test::bisect(edge, 3.0, 10.0);
  INFO("cascade window " << lower << " < z < " << upper);
  CHECK(lower == doctest::Approx(1.02).epsilon(0.01));
  CHECK(upper == doctest::Approx(5.77).epsilon(0.01));

  for (const double z : {0.5, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 8.0}) {
    CAPTURE(z);
    std::vector<double> per_graph;
    for (std::uint32_t gi = 0; gi < graphs; ++gi) {
      const Graph g = gnp_graph(n, z / (n - 1), false, 2002 + 100 * gi + static_cast<std::uint64_t>(10 * z));
      EngineOptions opt;
      opt.steps = 10'000;
      opt.replicates = seeds;
      opt.seed = 7 + gi;
      opt.record_series = false;
      const RunResult r = run_replicates(g, FractionalThreshold(threshold, g), SeedPlan(g, {{"random", 1, {}}}), opt);
      double global = 0;
      for (const auto& s : r.summaries) global += s.final_fraction > 0.05;
      per_graph.push_back(global / seeds);
    }
    const auto m = test::mean_se(per_graph);
    const double expected = z > lower && z < upper ? cascade_probability(z, K) : 0.0;
    const bool inside = expected > 0;
    const double tol = inside ? 5 * m.se + 2 / std::sqrt(static_cast<double>(n)) : 5.0 / (graphs * seeds);
    check_row({"fractional_threshold",
               "P(global cascade), φ = 0.18, G(N, z/N), z = " + fmt(z) + (inside ? " (inside" : " (outside") +
                   " the window " + fmt(std::round(lower * 100) / 100) + " < z < " +
                   fmt(std::round(upper * 100) / 100) + "), N = " + std::to_string(n),
               expected, m.mean, tol,
               inside ? "5 SE over " + std::to_string(graphs) + " graphs x " + std::to_string(seeds) + " seeds + 2/√N"
                      : "5/(graphs x seeds)"});
  }
}

TEST_CASE("fractional threshold: the integer test is exact at the boundary") {
  // A star: centre 0 with 5 leaves. The centre adopts when the fraction of its leaves seeded
  // reaches φ: exactly at φ = k/5 (decimal fractions, not exact in binary), not a hair above.
  EdgeBuffer e;
  for (NodeId v = 1; v <= 5; ++v) e.add(0, v);
  const Graph g = Graph::from_edges(6, std::move(e), false);
  EngineOptions opt;
  opt.steps = 5;
  opt.record_adoption_steps = true;
  for (const auto& [phi, seeds, centre_adopts] :
       std::vector<std::tuple<double, std::vector<std::uint64_t>, bool>>{{0.6, {1, 2, 3}, true},
                                                                          {0.6, {1, 2}, false},
                                                                          {0.4, {1, 2}, true},
                                                                          {0.4000001, {1, 2}, false},
                                                                          {0.2, {1}, true},
                                                                          {0.2000001, {1}, false}}) {
    CAPTURE(phi);
    const FractionalThreshold model(Distribution{Distribution::Kind::kConstant, phi}, g);
    const RunResult r = run_replicates(g, model, SeedPlan(g, {{"explicit", 0, seeds}}), opt);
    CHECK((r.adoption_step[0] == 1) == centre_adopts);
  }
}

TEST_CASE("fractional threshold: thresholds drawn per agent tip in proportion to the distribution") {
  // Agent 0 has in-neighbours 1-4 and agent 1 is the seed, so at step 1 agent 0 has 1 of 4
  // adopted neighbours and adopts iff its φ <= 1/4: P = (1/4 - low) / (high - low) for φ
  // uniform on [low, high]. If it adopts, agents 2-4 (1 in-neighbour each, φ <= 1) follow, so
  // a replicate ends with 5 adopters or 1. Per-agent draws are independent across
  // replicates, so the count of 5s is binomial(R, P); tolerance 5 SD. A second graph's centre
  // with 2 of 5 neighbours seeded checks the bound at 2/5 for the same draws' distribution.
  const std::uint32_t replicates = test::scaled<std::uint32_t>(20'000, 200'000);
  for (const auto& [low, high, leaves, seeded] :
       std::vector<std::tuple<double, double, NodeId, std::uint64_t>>{{0.1, 0.5, 4, 1}, {0.0, 1.0, 5, 2}}) {
    EdgeBuffer e;
    for (NodeId v = 1; v <= leaves; ++v) e.add(0, v);
    const Graph g = Graph::from_edges(leaves + 1, std::move(e), false);
    std::vector<std::uint64_t> seeds;
    for (std::uint64_t v = 1; v <= seeded; ++v) seeds.push_back(v);
    EngineOptions opt;
    opt.steps = 5;
    opt.replicates = replicates;
    opt.seed = 31;
    opt.record_series = false;
    const FractionalThreshold model(Distribution{Distribution::Kind::kUniform, 0.0, low, high}, g);
    const RunResult r = run_replicates(g, model, SeedPlan(g, {{"explicit", 0, seeds}}), opt);
    double tipped = 0;
    for (const auto& s : r.summaries) {
      REQUIRE((s.final_adopters == seeded || s.final_adopters == leaves + 1));
      tipped += s.final_adopters == leaves + 1;
    }
    const double fraction = static_cast<double>(seeded) / leaves;
    const double p = (fraction - low) / (high - low);
    check_row({"fractional_threshold",
               "P(centre tips), φ uniform(" + fmt(low) + ", " + fmt(high) + "), " + std::to_string(seeded) + " of " +
                   std::to_string(leaves) + " in-neighbours adopted, R = " + std::to_string(replicates),
               p, tipped / replicates, 5 * std::sqrt(p * (1 - p) / replicates), "5 SD of binomial(R, P)"});
  }
}
