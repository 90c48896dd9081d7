// SPDX-License-Identifier: MIT
// Linear threshold with uniform(0,1) thresholds against exact live-edge enumeration (each
// agent keeps at most one in-arc), on small graphs with non-uniform trust weights.

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
