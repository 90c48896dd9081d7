// SPDX-License-Identifier: MIT
// Discrete-time SIS on the complete graph against its mean-field endemic level.
//
// With β per contact per step on K_N, a susceptible escapes all I infectives with probability
// (1-β)^I, so the prevalence i = I/N follows, to first order in 1/N,
//   i(t) = (1-γ)·i(t-1) + (1-i(t-1))·(1 - (1-β)^{N·i(t-1)}),
// whose stable fixed point i* solves γ·i = (1-i)(1 - (1-β)^{N·i}). Measured: active_sharers
// (the infected during a step) averaged over steps 200..400 of each replicate, then over
// replicates. Tolerance: 4 standard errors over replicates plus 10/N for the O(1/N) bias of
// the mean of a nonlinear map with O(1/N) variance.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/sis/sis.hpp"
#include "validation/report.hpp"

using namespace wom;
using test::check_row;
using test::fmt;

TEST_CASE("sis on the complete graph settles at the mean-field endemic level") {
  const NodeId n = test::scaled<NodeId>(50'000, 200'000);
  const std::uint32_t reps = test::scaled<std::uint32_t>(12, 40);
  const Graph g = Graph::implicit_complete_graph(n);
  const double gamma = 0.5, b = 2.0, beta = b / n;
  const double endemic = test::bisect(
      [&](double i) { return gamma * i - (1 - i) * (1 - std::pow(1 - beta, n * i)); }, 1e-3, 1.0);
  EngineOptions opt;
  opt.steps = 400;
  opt.replicates = reps;
  opt.seed = 2003;
  const RunResult r = run_replicates(g, DiscreteSis(beta, gamma), SeedPlan(g, {{"random", 100, {}}}), opt);
  std::vector<double> level;
  for (std::uint32_t i = 0; i < reps; ++i) {
    double sum = 0;
    for (Step t = 200; t <= 400; ++t) sum += static_cast<double>(r.active_sharers[r.at(i, t)]) / n;
    level.push_back(sum / 201);
  }
  const auto m = test::mean_se(level);
  check_row({"sis", "endemic prevalence, γi = (1-i)(1-(1-β)^{Ni}), K_N, Nβ = 2, γ = 0.5, N = " + std::to_string(n),
             endemic, m.mean, 4 * m.se + 10.0 / n, "4 SE + 10/N"});
}
