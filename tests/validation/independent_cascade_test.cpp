// SPDX-License-Identifier: MIT
// Independent cascade against exact live-edge enumeration (all 2^m arc subsets), on small
// directed and undirected graphs with non-uniform probabilities (arc-by-arc draws) and with
// one probability on every arc (the first firing arc drawn per agent, then arc-by-arc), and
// the number of arcs that fire from one agent of high degree against the binomial law.

#include <cmath>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "common/live_edge.hpp"
#include "common/small_graphs.hpp"
#include "models/independent_cascade/independent_cascade.hpp"
#include "validation/exact_check.hpp"

using namespace wom;

TEST_CASE("independent cascade: adopters per step and per agent match exact enumeration") {
  for (const auto& c : test::small_cases()) {
    for (const double base : {1.0, 0.6}) {
      CAPTURE(c.name);
      CAPTURE(base);
      std::vector<double> trust;
      const Graph g = test::build(c, trust);
      const IndependentCascade model(base);
      // The per-arc probability the model realises: round(base * 2^48) * trust / 2^63.
      std::vector<double> p(trust.size());
      for (std::size_t a = 0; a < p.size(); ++a)
        p[a] = std::ldexp(std::round(std::ldexp(base, 48)), -48) * trust[a];
      test::check_model_against_exact(g, model, c, test::exact_ic(g, p, c.seeds, static_cast<int>(c.n)), 20261125);
    }
  }
}

// Uniform probability q on every arc: Firing::first draws the offset of the first arc that
// fires (geometric) from one uniform per agent. With trust 1 the model's tabulated (1 - q)^d
// serves degrees below 32; with another uniform trust the logarithm decides every time.
TEST_CASE("independent cascade: one probability on every arc matches exact enumeration") {
  for (const auto& c : test::small_cases()) {
    for (const double base : {0.6, 0.25}) {
      for (const double trust_value : {1.0, 0.5}) {
        CAPTURE(c.name);
        CAPTURE(base);
        CAPTURE(trust_value);
        std::vector<double> ignored;
        Graph g = test::build(c, ignored);
        const Trust t = trust_fixed(trust_value, "test");
        g.set_uniform_trust(t);
        REQUIRE(g.has_uniform_trust());
        const IndependentCascade model(base);
        const std::vector<double> p(g.num_arcs(), std::ldexp(std::round(std::ldexp(base, 48)), -48) * t / kTrustOne);
        test::check_model_against_exact(g, model, c, test::exact_ic(g, p, c.seeds, static_cast<int>(c.n)), 20261126);
      }
    }
  }
}

// A star: the hub (the seed) has d arcs, so the leaves that adopt number Binomial(d, q). Their
// histogram over R replicates is compared with the binomial law by a chi-square test (bins
// with expected count below 5 pooled), at a false-alarm rate of 1e-6 for a correct sampler;
// d = 20 exercises the table of (1 - q)^d, d = 200 the logarithm alone.
TEST_CASE("independent cascade: arcs fired by one agent follow the binomial law") {
  for (const NodeId d : {20u, 200u}) {
    for (const double q : {0.01, 0.1, 0.5}) {
      CAPTURE(d);
      CAPTURE(q);
      EdgeBuffer e;
      for (NodeId leaf = 1; leaf <= d; ++leaf) e.add(0, leaf);
      const Graph g = Graph::from_edges(d + 1, std::move(e), /*directed=*/true);
      std::vector<SeedSpec> seeds{{"explicit", 0, {0}}};
      EngineOptions opt;
      opt.steps = 2;
      opt.replicates = 100'000;
      opt.seed = 7;
      const RunResult r = run_replicates(g, IndependentCascade(q), SeedPlan(g, seeds), opt);
      std::vector<double> observed(d + 1, 0.0);
      for (const auto& s : r.summaries) observed[s.final_adopters - 1] += 1;
      // Binomial(d, q') with the realised q' = round(q * 2^48) / 2^48.
      const double qr = std::ldexp(std::round(std::ldexp(q, 48)), -48);
      std::vector<std::pair<double, double>> bins;  // observed, expected
      double pooled_obs = 0, pooled_exp = 0;
      for (NodeId k = 0; k <= d; ++k) {
        const double log_pmf = std::lgamma(d + 1.0) - std::lgamma(k + 1.0) - std::lgamma(d - k + 1.0) +
                               k * std::log(qr) + (d - k) * std::log1p(-qr);
        pooled_obs += observed[k];
        pooled_exp += opt.replicates * std::exp(log_pmf);
        if (pooled_exp >= 5) {
          bins.emplace_back(pooled_obs, pooled_exp);
          pooled_obs = pooled_exp = 0;
        }
      }
      bins.back().first += pooled_obs;  // the tail left over joins the last bin
      bins.back().second += pooled_exp;
      double chi2 = 0;
      for (const auto& [o, x] : bins) chi2 += (o - x) * (o - x) / x;
      // Chi-square critical value for bins - 1 degrees of freedom at 1e-6 (Wilson-Hilferty;
      // z = 4.753 is the standard normal's upper 1e-6 quantile).
      const double k = static_cast<double>(bins.size()) - 1, z = 4.753;
      const double critical = k * std::pow(1 - 2 / (9 * k) + z * std::sqrt(2 / (9 * k)), 3);
      INFO("chi-square " << chi2 << " over " << bins.size() << " bins, critical " << critical);
      CHECK(chi2 < critical);
    }
  }
}

TEST_CASE("independent cascade: degenerate probabilities") {
  const auto c = test::small_cases()[0];
  std::vector<double> trust;
  const Graph g = test::build(c, trust);
  std::vector<SeedSpec> seeds{{"explicit", 0, {0}}};
  EngineOptions opt;
  opt.steps = 10;
  opt.replicates = 50;
  SUBCASE("p = 0: only the seeds adopt") {
    const RunResult r = run_replicates(g, IndependentCascade(0.0), SeedPlan(g, seeds), opt);
    for (const auto& s : r.summaries) CHECK(s.final_adopters == 1);
  }
  SUBCASE("p = 1 with trust 1 on every arc: the reachable set, at BFS distance") {
    Graph full = g;
    std::fill(full.trusts().begin(), full.trusts().end(), static_cast<Trust>(kTrustOne));
    opt.record_adoption_steps = true;
    const RunResult r = run_replicates(full, IndependentCascade(1.0), SeedPlan(full, seeds), opt);
    const auto level = test::live_levels(full, std::vector<bool>(full.num_arcs(), true), {0});
    for (std::uint32_t i = 0; i < r.replicates; ++i)
      for (NodeId v = 0; v < full.num_nodes(); ++v) CHECK(r.adoption_step[i * full.num_nodes() + v] == level[v]);
  }
}
