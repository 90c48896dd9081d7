// SPDX-License-Identifier: MIT
// Maki–Thompson rumour on the complete graph against its large-population limit.
//
// From one spreader among N-1 ignorants, the fraction that never hears the rumour converges
// to θ ≈ 0.203188, the root in (0, 1) of θ = e^{-2(1-θ)} (Sudbury 1985), with fluctuations of
// order N^{-1/2} (Pittel 1987: asymptotically normal) and a bias of order 1/N. Tolerance: 4
// standard errors of the mean over replicates (sample SD/√R) plus 2/N.
// The random-sequential and continuous-time updates make every call by a current spreader, so
// they reproduce the classic process's outcome law; the synchronous update judges all calls
// of a step on the previous state and ends elsewhere (reported, and checked to differ).

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/rumour/rumour.hpp"
#include "validation/report.hpp"

using namespace wom;
using test::check_row;
using test::fmt;

namespace {

test::MeanSe ignorant_fraction(const Graph& g, Rumour::Update update, std::uint32_t reps, std::uint64_t seed) {
  EngineOptions opt;
  opt.steps = 1'000'000;
  opt.replicates = reps;
  opt.seed = seed;
  opt.record_series = false;
  const RunResult r = run_replicates(g, Rumour(update), SeedPlan(g, {{"random", 1, {}}}), opt);
  std::vector<double> x;
  for (const auto& s : r.summaries) x.push_back(1.0 - s.final_fraction);
  return test::mean_se(x);
}

}  // namespace

TEST_CASE("maki-thompson: the fraction never hearing the rumour on a large complete graph") {
  const NodeId n = test::scaled<NodeId>(100'000, 1'000'000);
  const std::uint32_t reps = test::scaled<std::uint32_t>(200, 400);
  const Graph g = Graph::implicit_complete_graph(n);
  const double theta = test::bisect([](double x) { return x - std::exp(-2 * (1 - x)); }, 0.1, 0.5);
  CHECK(theta == doctest::Approx(0.203188).epsilon(1e-5));
  const std::string setting = "K_N, one spreader, N = " + std::to_string(n) + ", " + std::to_string(reps) + " runs";
  for (const auto& [update, name] : {std::pair{Rumour::Update::kRandomSequential, "random_sequential"},
                                     std::pair{Rumour::Update::kContinuous, "continuous"}}) {
    const auto m = ignorant_fraction(g, update, reps, 1973);
    check_row({"rumour", std::string("never hear, update = ") + name + ", vs θ = e^{-2(1-θ)}, " + setting, theta,
               m.mean, 4 * m.se + 2.0 / n, "4 SE + 2/N"});
  }
  const auto sync = ignorant_fraction(g, Rumour::Update::kSynchronous, reps, 1973);
  test::Row row{"rumour", "never hear, update = synchronous (a different process), " + setting, theta, sync.mean,
                4 * sync.se + 2.0 / n, "shown, not checked: differs from θ", true};
  check_row(row);
  CHECK(std::abs(sync.mean - theta) > 4 * sync.se + 2.0 / n);
}

TEST_CASE("maki-thompson on the stored complete graph equals the implicit one") {
  const NodeId n = 200;
  EdgeBuffer e;
  for (NodeId u = 0; u < n; ++u)
    for (NodeId v = u + 1; v < n; ++v) e.add(u, v);
  const Graph stored = Graph::from_edges(n, std::move(e), false);
  const Graph implicit = Graph::implicit_complete_graph(n);
  for (const auto update : {Rumour::Update::kRandomSequential, Rumour::Update::kSynchronous, Rumour::Update::kContinuous}) {
    EngineOptions opt;
    opt.steps = 200;
    opt.replicates = 30;
    opt.record_adoption_steps = true;
    const SeedPlan seeds(stored, {{"random", 1, {}}});
    const RunResult a = run_replicates(stored, Rumour(update), seeds, opt);
    const RunResult b = run_replicates(implicit, Rumour(update), seeds, opt);
    CHECK(a.adoption_step == b.adoption_step);
    CHECK(a.active_sharers == b.active_sharers);
  }
}
