// SPDX-License-Identifier: MIT
// Complex contagion against Centola & Macy (2007), "Complex contagions and the weakness of
// long ties", AJS 113(3): on a ring lattice, rewiring ties into random shortcuts speeds up a
// simple contagion (one adopted neighbour suffices) but slows down a complex one (two needed),
// because a long tie carries one exposure and rewiring thins the lattice's wide bridges.
//
// Setting: Watts–Strogatz rings, each agent linked to its 3 nearest neighbours on each side
// (k = 6), rewired with probability β ∈ {0, 0.02, 0.1}; four adjacent seeds. Measured: steps
// until 5% of the agents adopted, while the cascade is still a local front (later, a large
// adopted set sends so many shortcuts that far agents collect two exposures and nucleate new
// fronts, which speeds up even the complex contagion), over the runs that get there; the
// complex contagion's runs that never do (the front dies where rewiring thinned the lattice)
// are counted and shown. Statistics: with the seeds fixed each run is a function of its graph,
// so each β averages G graphs; a change between two β is significant when it is more than 4
// standard errors of the difference (SEs over graphs, in quadrature) away from 0. The lattice
// (β = 0) is deterministic: 4 agents per step (simple: 6).

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/complex_contagion/complex_contagion.hpp"
#include "sim/network/generators.hpp"
#include "validation/report.hpp"

using namespace wom;
using test::check_row;
using test::fmt;

namespace {

struct Times {
  test::MeanSe steps;          ///< over the runs that reach the target
  std::uint32_t never = 0;     ///< runs that never do
};

Times time_to_reach(NodeId n, double fraction, double rewire, std::uint32_t sources, std::uint32_t graphs) {
  std::vector<double> times;
  std::uint32_t never = 0;
  const auto target = static_cast<std::uint64_t>(std::ceil(fraction * n));
  for (std::uint32_t gi = 0; gi < graphs; ++gi) {
    const Graph g = watts_strogatz_graph(n, 6, rewire, 500 + gi);
    EngineOptions opt;
    opt.steps = static_cast<Step>(n);  // far beyond the lattice's n/4 steps to the end
    opt.replicates = 1;
    const RunResult r = run_replicates(g, ComplexContagion({sources, 0.0, 0}, g), SeedPlan(g, {{"explicit", 0, {0, 1, 2, 3}}}), opt);
    Step t = 0;
    while (t <= opt.steps && r.cumulative_adopters[r.at(0, t)] < target) ++t;
    if (t > opt.steps) ++never;
    else times.push_back(t);
  }
  return {test::mean_se(times), never};
}

}  // namespace

TEST_CASE("complex contagion slows down with rewiring, simple contagion speeds up") {
  const NodeId n = test::scaled<NodeId>(4000, 20000);
  const std::uint32_t graphs = test::scaled<std::uint32_t>(60, 200);
  const std::vector<double> rewires{0.0, 0.02, 0.1};
  for (const std::uint32_t sources : {1u, 2u}) {
    const char* kind = sources == 1 ? "simple (1 source)" : "complex (2 sources)";
    std::vector<Times> t;
    for (const double b : rewires) t.push_back(time_to_reach(n, 0.05, b, sources, graphs));
    for (std::size_t i = 1; i < rewires.size(); ++i) {
      const double diff = t[i].steps.mean - t[i - 1].steps.mean;  // > 0: slower with more rewiring
      const double se = std::hypot(t[i].steps.se, t[i - 1].steps.se);
      const std::string quantity = std::string("change in steps to 5% of N, ") + kind + ", rewire " +
                                   fmt(rewires[i - 1]) + " → " + fmt(rewires[i]) + " (" + fmt(t[i - 1].steps.mean) +
                                   " → " + fmt(t[i].steps.mean) + " steps), ring k = 6, N = " + std::to_string(n);
      check_row({"complex_contagion", quantity, 0, diff, 4 * se,
                 std::string(sources == 1 ? "faster: change < -4 SE" : "slower: change > 4 SE") + " over " +
                     std::to_string(graphs) + " graphs",
                 false, sources == 1 ? test::Test::kBelow : test::Test::kAbove});
    }
    if (sources == 2) {
      std::string never;
      for (std::size_t i = 0; i < rewires.size(); ++i) never += (i ? " → " : "") + std::to_string(t[i].never);
      check_row({"complex_contagion",
                 "complex (2 sources): runs never reaching 5% of N, rewire 0 → 0.02 → 0.1: " + never + " of " +
                     std::to_string(graphs),
                 0, static_cast<double>(t.back().never), 0, "shown: rewiring also stops the complex contagion", true,
                 test::Test::kAbove});
      CHECK(t[0].never == 0);
      CHECK(t.back().never >= t[0].never);
    }
  }
}

TEST_CASE("complex contagion: the reinforcement window") {
  // Seed 0; 1 and 2 form a chain 0-1-2 that needs one adopted neighbour each (fraction 0.5 of
  // degree 2); agent 3 is linked to 0, 2 and two leaves, so it needs 2 of 4. Its neighbours
  // adopt at steps 0 (agent 0) and 2 (agent 2): it adopts at step 3 if the window reaches
  // back to step 0, i.e. W >= 3, or with no window.
  EdgeBuffer e;
  e.add(0, 1);
  e.add(1, 2);
  e.add(0, 3);
  e.add(2, 3);
  e.add(3, 4);
  e.add(3, 5);
  const Graph g = Graph::from_edges(6, std::move(e), false);
  EngineOptions opt;
  opt.steps = 10;
  opt.record_adoption_steps = true;
  const SeedPlan seeds(g, {{"explicit", 0, {0}}});
  for (const auto& [window, step3] : std::vector<std::pair<Step, Step>>{{0, 3}, {1, kNever}, {2, kNever}, {3, 3}, {9, 3}}) {
    CAPTURE(window);
    const RunResult r = run_replicates(g, ComplexContagion({2, 0.5, window}, g), seeds, opt);
    CHECK(r.adoption_step[1] == 1);
    CHECK(r.adoption_step[2] == 2);
    CHECK(r.adoption_step[3] == step3);
  }
  // Sources instead of a fraction: agent 3 never gets two with the chain needing two as well.
  const RunResult r = run_replicates(g, ComplexContagion({2, 0.0, 0}, g), seeds, opt);
  CHECK(r.summaries[0].final_adopters == 1);
}

TEST_CASE("complex contagion: a window reaching back past the first step counts as no window, on directed graphs") {
  // On a directed graph the window counts in-neighbours through the in-neighbour index (the
  // no-window count is pushed along out-arcs instead), so the two paths share nothing but the
  // rule: with W at least the run's length every adopted in-neighbour is in the window, and
  // the adoption steps must agree agent for agent. G(n, p) with mean in-degree 6, the need a
  // fraction 0.2 of each agent's in-degree (1 below in-degree 6, 2 from 6 to 10), 40 random
  // seeds: each cascade reaches 2,989-2,991 of the 3,000 agents in 7-8 steps (checked below,
  // so the comparison is not of empty runs).
  const Graph g = gnp_graph(3000, 6.0 / 3000, true, 77);
  REQUIRE(g.directed());
  EngineOptions opt;
  opt.steps = 200;
  opt.replicates = 8;
  opt.record_adoption_steps = true;
  const SeedPlan seeds(g, {{"random", 40, {}}});
  const RunResult pushed = run_replicates(g, ComplexContagion({2, 0.2, 0}, g), seeds, opt);
  const RunResult pulled = run_replicates(g, ComplexContagion({2, 0.2, opt.steps + 1}, g), seeds, opt);
  CHECK(pushed.adoption_step == pulled.adoption_step);
  for (const auto& s : pushed.summaries) CHECK(s.final_adopters > 1000);
  // A window of one step is a different rule, and gives different steps.
  const RunResult one = run_replicates(g, ComplexContagion({2, 0.2, 1}, g), seeds, opt);
  CHECK(one.adoption_step != pushed.adoption_step);
}
