// SPDX-License-Identifier: MIT
// Independent cascade against exact live-edge enumeration (all 2^m arc subsets), on small
// directed and undirected graphs with non-uniform probabilities.

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
      const test::Exact exact = test::exact_ic(g, p, c.seeds, static_cast<int>(c.n));

      std::vector<SeedSpec> seeds{{"explicit", 0, {c.seeds.begin(), c.seeds.end()}}};
      EngineOptions opt;
      opt.steps = static_cast<Step>(c.n);
      opt.replicates = 200'000;
      opt.seed = 20261125;
      opt.record_adoption_steps = true;
      const RunResult r = run_replicates(g, model, SeedPlan(g, seeds), opt);
      test::check_against_exact(r, exact);
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
