// SPDX-License-Identifier: MIT
// Same seed, any thread count, any scheduling: bit-identical results. Each configuration
// forces the parallel step path (tiny split threshold) and both replicate schedules.

#include <doctest/doctest.h>

#include "common/identical.hpp"
#include <tbb/global_control.h>

#include "models/independent_cascade/independent_cascade.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"

using namespace wom;
using wom::test::check_identical;

namespace {

template <class Model>
void check_model(const Graph& g, const Model& model) {
  const SeedPlan seeds(g, {{"random", 5, {}}, {"top_degree", 2, {}}});
  EngineOptions base;
  base.steps = 60;
  base.replicates = 12;
  base.seed = 99;
  base.record_adoption_steps = true;
  const auto run = [&](int threads, std::size_t split, bool concurrent) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    EngineOptions o = base;
    o.parallel_frontier = split;
    o.concurrent_replicates_max_agents = concurrent ? g.num_nodes() : 0;
    return run_replicates(g, model, seeds, o);
  };
  const RunResult reference = run(1, 1'000'000'000, true);  // strictly serial steps
  std::uint64_t total = 0;
  for (const auto& s : reference.summaries) total += s.final_adopters;
  REQUIRE(total > 12 * 100);  // a cascade big enough for parallel steps to matter
  for (int threads : {1, 2}) {
    for (std::size_t split : {std::size_t{1}, std::size_t{64}}) {
      for (bool concurrent : {true, false}) {
        CAPTURE(threads);
        CAPTURE(split);
        CAPTURE(concurrent);
        check_identical(reference, run(threads, split, concurrent));
      }
    }
  }
}

}  // namespace

TEST_CASE("independent cascade is bit-identical across thread counts and schedules") {
  Graph g = barabasi_albert_graph(30'000, 4, 5);
  assign_trust(g, {"constant", 0.8, 1.0});
  check_model(g, IndependentCascade(0.15));
}

// Split steps of linear threshold route exposures to the task owning the head; independent
// cascade's claim heads with atomics. Both paths are compared with serial steps here (the
// counting models' routing in models_test.cpp).
static_assert(detail::RoutesExposures<LinearThreshold, ContextOf<LinearThreshold>>);
static_assert(!detail::RoutesExposures<IndependentCascade, ContextOf<IndependentCascade>>);
// Linear threshold claims its tips by a store, written after the ring drains in serial steps.
static_assert(detail::TipsOnce<LinearThreshold>);

TEST_CASE("linear threshold is bit-identical across thread counts and schedules") {
  Graph g = barabasi_albert_graph(30'000, 4, 6);
  assign_trust(g, {"constant", 0.3, 1.0});
  check_model(g, LinearThreshold(Distribution{Distribution::Kind::kUniform, 0.0, 0.05, 0.6}));
  // The textbook form: 1/in-degree trust, θ ~ uniform(0,1) (drawn on the grid from one hash).
  assign_trust(g, {"inverse_in_degree", 1.0, 1.0});
  check_model(g, LinearThreshold(Distribution{Distribution::Kind::kUniform, 0.0, 0.0, 1.0}));
}
