// SPDX-License-Identifier: MIT
// The models of issue 4 (fractional threshold, complex contagion, Bass, SIR, SIS, rumour):
// the same seed gives bit-identical results with 1 and 2 threads, split and unsplit steps,
// concurrent and sequential replicates, on stored graphs and on the implicit complete graph.

#include <doctest/doctest.h>

#include "common/identical.hpp"
#include <tbb/global_control.h>

#include "models/bass/bass.hpp"
#include "models/complex_contagion/complex_contagion.hpp"
#include "models/fractional_threshold/fractional_threshold.hpp"
#include "models/rumour/rumour.hpp"
#include "models/sir/sir.hpp"
#include "models/sis/sis.hpp"
#include "sim/network/generators.hpp"

using namespace wom;
using wom::test::check_identical;

namespace {

template <class Model>
void check_model(const Graph& g, const Model& model, std::uint32_t seeds_count = 5, Step steps = 60) {
  const SeedPlan seeds(g, {{"random", seeds_count, {}}});
  EngineOptions base;
  base.steps = steps;
  base.replicates = 8;
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
  REQUIRE(total > 8 * 100);  // enough activity for parallel steps to matter
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

// Split steps of the counting models route exposures to the task owning the head.
static_assert(detail::RoutesExposures<FractionalThreshold, ContextOf<FractionalThreshold>>);
static_assert(detail::RoutesExposures<ComplexContagion, ContextOf<ComplexContagion>>);
// Fractional threshold claims its tips by a store, written after the ring drains in serial
// steps (the 1-thread runs below); split steps store at once.
static_assert(detail::TipsOnce<FractionalThreshold>);
static_assert(!detail::TipsOnce<ComplexContagion>);

TEST_CASE("fractional threshold is bit-identical across thread counts and schedules") {
  const Graph g = gnp_graph(20'000, 3.0 / 20'000, false, 5);
  check_model(g, FractionalThreshold(Distribution{Distribution::Kind::kUniform, 0.0, 0.05, 0.3}, g));
}

TEST_CASE("complex contagion is bit-identical across thread counts and schedules") {
  const Graph g = watts_strogatz_graph(20'000, 8, 0.05, 6);
  check_model(g, ComplexContagion({2, 0.0, 0}, g), 200);
  check_model(g, ComplexContagion({2, 0.0, 3}, g), 200);
  const Graph d = gnp_graph(20'000, 6.0 / 20'000, true, 7);
  check_model(d, ComplexContagion({1, 0.25, 2}, d), 200);
}

TEST_CASE("bass is bit-identical across thread counts and schedules") {
  const Graph g = barabasi_albert_graph(20'000, 3, 8);
  check_model(g, Bass(0.02, 0.4, 4, Bass::Form::kHazard, g));
  check_model(g, Bass(0.02, 0.4, 4, Bass::Form::kIndependent, g));
  const Graph k = Graph::implicit_complete_graph(50'000);
  check_model(k, Bass(0.03, 0.38, 2, Bass::Form::kHazard, k));
}

TEST_CASE("sir and sis are bit-identical across thread counts and schedules") {
  const Graph g = gnp_graph(20'000, 5.0 / 20'000, false, 9);
  check_model(g, DiscreteSir(0.2, 0.3));
  check_model(g, DiscreteSis(0.1, 0.3));
  check_model(g, ContinuousSir(0.4, 0.5, g));
  const Graph k = Graph::implicit_complete_graph(50'000);
  check_model(k, DiscreteSir(2.0 / 50'000, 0.5));
  check_model(k, DiscreteSis(2.0 / 50'000, 0.5), 50);
}

TEST_CASE("rumour is bit-identical across thread counts and schedules") {
  const Graph g = barabasi_albert_graph(20'000, 3, 10);
  const Graph k = Graph::implicit_complete_graph(20'000);
  for (const auto update : {Rumour::Update::kRandomSequential, Rumour::Update::kSynchronous, Rumour::Update::kContinuous}) {
    CAPTURE(static_cast<int>(update));
    check_model(g, Rumour(update));
    check_model(k, Rumour(update), 1);
  }
}
