// SPDX-License-Identifier: MIT
#pragma once
// Compares a run's per-step mean adopters and per-agent adoption frequencies with exact
// values. Tolerance: 4 standard errors of the mean, from the exact variance (per step) and
// the binomial variance p(1-p)/R (per agent), i.e. a two-sided false-alarm rate of about
// 6e-5 per comparison for a correct simulator; where the exact variance is 0 the simulated
// value must match exactly.

#include <algorithm>
#include <cmath>

#include <doctest/doctest.h>

#include "common/live_edge.hpp"
#include "common/small_graphs.hpp"
#include "sim/engine.hpp"
#include "sim/seeds.hpp"
#include "sim/run_result.hpp"

namespace wom::test {

inline void check_against_exact(const RunResult& r, const Exact& exact) {
  const double R = r.replicates;
  for (Step t = 0; t <= r.steps; ++t) {
    double sum = 0;
    for (std::uint32_t i = 0; i < r.replicates; ++i) sum += static_cast<double>(r.cumulative_adopters[r.at(i, t)]);
    const double mean = sum / R;
    const double se = std::sqrt(std::max(exact.var_cumulative[t], 0.0) / R);
    INFO("step " << t << ": simulated mean " << mean << ", exact " << exact.mean_cumulative[t] << ", SE " << se);
    CHECK(std::abs(mean - exact.mean_cumulative[t]) <= 4 * se + 1e-9);
  }
  for (NodeId v = 0; v < r.agents; ++v) {
    double adopted = 0;
    for (std::uint32_t i = 0; i < r.replicates; ++i) adopted += r.adoption_step[std::size_t(i) * r.agents + v] != kNever;
    const double p = exact.p_adopt[v], se = std::sqrt(std::max(p * (1 - p), 0.0) / R);
    INFO("agent " << v << ": simulated " << adopted / R << ", exact " << p << ", SE " << se);
    CHECK(std::abs(adopted / R - p) <= 4 * se + 1e-12);
  }
}

/// Runs `model` on a small case's graph from its seeds, 200,000 replicates of n steps with
/// adoption steps recorded, and compares the run with the exact values.
template <class Model>
void check_model_against_exact(const Graph& g, const Model& model, const SmallCase& c, const Exact& exact,
                               std::uint64_t seed) {
  std::vector<SeedSpec> seeds{{"explicit", 0, {c.seeds.begin(), c.seeds.end()}}};
  EngineOptions opt;
  opt.steps = static_cast<Step>(c.n);
  opt.replicates = 200'000;
  opt.seed = seed;
  opt.record_adoption_steps = true;
  check_against_exact(run_replicates(g, model, SeedPlan(g, seeds), opt), exact);
}

}  // namespace wom::test
