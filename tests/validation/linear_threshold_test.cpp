// SPDX-License-Identifier: MIT
// Linear threshold with uniform(0,1) thresholds against exact live-edge enumeration (each
// agent keeps at most one in-arc), on small graphs with non-uniform trust weights.

#include <algorithm>
#include <cmath>

#include <doctest/doctest.h>

#include "common/live_edge.hpp"
#include "common/small_graphs.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "validation/exact_check.hpp"

using namespace wom;

TEST_CASE("linear threshold: adopters per step and per agent match exact live-edge enumeration") {
  for (const auto& c : test::small_cases()) {
    CAPTURE(c.name);
    std::vector<double> w;
    const Graph g = test::build(c, w);
    const test::Exact exact = test::exact_lt(g, w, c.seeds, static_cast<int>(c.n));
    const LinearThreshold model(Distribution{Distribution::Kind::kUniform, 0.0, 0.0, 1.0});
    test::check_model_against_exact(g, model, c, exact, 77);
  }
}

TEST_CASE("linear threshold: constant thresholds are deterministic") {
  // Path 0 -> 1 -> 2 with trust 0.5, and 3 -> 2 with trust 0.5: agent 2 needs both.
  EdgeBuffer e;
  e.add(0, 1); e.add(1, 2); e.add(3, 2);
  Graph g = Graph::from_edges(4, std::move(e), true);
  std::fill(g.trusts().begin(), g.trusts().end(), trust_fixed(0.5, "test"));
  EngineOptions opt;
  opt.steps = 5;
  opt.replicates = 3;
  opt.record_adoption_steps = true;
  const auto run = [&](double theta, std::vector<std::uint64_t> seed_ids) {
    std::vector<SeedSpec> seeds{{"explicit", 0, seed_ids}};
    return run_replicates(g, LinearThreshold(Distribution{Distribution::Kind::kConstant, theta}), SeedPlan(g, seeds), opt);
  };
  SUBCASE("threshold 0.5: one exposure of trust 0.5 suffices") {
    const RunResult r = run(0.5, {0});
    CHECK(r.summaries[0].final_adopters == 3);
    CHECK(r.adoption_step[2] == 2);
  }
  SUBCASE("threshold 0.75 needs both in-neighbours of agent 2") {
    CHECK(run(0.75, {0}).summaries[0].final_adopters == 1);
    CHECK(run(0.75, {1, 3}).summaries[0].final_adopters == 3);
  }
  SUBCASE("threshold 1 above all trust but agent 2's total") {
    CHECK(run(1.0, {0, 3}).summaries[0].final_adopters == 2);  // 1 gets only 0.5
    CHECK(run(1.0, {1, 3}).summaries[0].final_adopters == 3);  // 2 gets 0.5 + 0.5
  }
}

TEST_CASE("linear threshold: thresholds are uniform on the 2^-15 grid, in both draws") {
  // θ ~ uniform(0,1) is drawn on the grid from one hash; other distributions through a double.
  // Either way the fixed-point threshold of uniform(low, high) is uniform on the grid points
  // in (low, high]: a chi-square test over equal bins of those points, at 1e-6.
  const auto check = [](double low, double high, std::uint32_t bins) {
    CAPTURE(low);
    CAPTURE(high);
    const LinearThreshold model(Distribution{Distribution::Kind::kUniform, 0.0, low, high});
    const std::uint32_t first = static_cast<std::uint32_t>(low * kTrustOne) + 1;
    const std::uint32_t points = static_cast<std::uint32_t>((high - low) * kTrustOne);
    REQUIRE(points % bins == 0);
    const NodeId agents = 1u << 20;
    std::vector<double> observed(bins, 0.0);
    std::uint32_t lowest = ~0u, highest = 0;
    const auto rep = model.begin_replicate(2026, 3);
    for (NodeId v = 0; v < agents; ++v) {
      const std::uint32_t theta = model.threshold_of(rep, v);
      lowest = std::min(lowest, theta);
      highest = std::max(highest, theta);
      if (theta >= first && theta < first + points) observed[(theta - first) / (points / bins)] += 1;
    }
    CHECK(lowest == first);  // 2^20 draws from 2^15 or 2^14 points reach both ends
    CHECK(highest == first + points - 1);
    const double expected = static_cast<double>(agents) / bins;
    double chi2 = 0;
    for (const double o : observed) chi2 += (o - expected) * (o - expected) / expected;
    // Chi-square critical value for bins - 1 degrees of freedom at 1e-6 (Wilson-Hilferty;
    // z = 4.753 is the standard normal's upper 1e-6 quantile).
    const double k = bins - 1.0, z = 4.753;
    const double critical = k * std::pow(1 - 2 / (9 * k) + z * std::sqrt(2 / (9 * k)), 3);
    INFO("chi-square " << chi2 << " over " << bins << " bins, critical " << critical);
    CHECK(chi2 < critical);
  };
  check(0.0, 1.0, 256);    // the one-hash draw: {1, ..., 2^15}
  check(0.25, 0.75, 128);  // through a double: {8193, ..., 24576}
}
