// SPDX-License-Identifier: MIT
// Engine mechanics: seeds, series bookkeeping, early stop, summaries, state reuse.

#include <algorithm>
#include <numeric>

#include <doctest/doctest.h>

#include <tbb/task_arena.h>

#include "models/independent_cascade/independent_cascade.hpp"
#include "sim/engine.hpp"
#include "sim/network/generators.hpp"
#include "sim/error.hpp"
#include "sim/seeds.hpp"

using namespace wom;

namespace {
Graph path_graph(NodeId n) {
  EdgeBuffer e;
  for (NodeId u = 0; u + 1 < n; ++u) e.add(u, u + 1);
  return Graph::from_edges(n, std::move(e), false);
}
}  // namespace

TEST_CASE("IC with p = 1 on a path: one new adopter per step, series consistent") {
  const Graph g = path_graph(10);
  EngineOptions opt;
  opt.steps = 15;
  opt.replicates = 4;
  const RunResult r = run_replicates(g, IndependentCascade(1.0), SeedPlan(g, {{"explicit", 0, {0}}}), opt);
  for (std::uint32_t i = 0; i < r.replicates; ++i) {
    const auto& s = r.summaries[i];
    CHECK(s.final_adopters == 10);
    CHECK(s.final_fraction == doctest::Approx(1.0));
    CHECK(s.last_step == 10);  // step 10 finds nobody new and the run goes quiet after it
    CHECK(s.steps_to_50 == 4);  // 5 adopters by step 4
    CHECK(s.steps_to_90 == 8);
    CHECK(s.peak_step == 1);
    for (Step t = 0; t <= opt.steps; ++t) {
      CHECK(r.new_adopters[r.at(i, t)] == (t <= 9 ? 1u : 0u));
      CHECK(r.cumulative_adopters[r.at(i, t)] == std::min<std::uint64_t>(t + 1, 10));
      CHECK(r.active_sharers[r.at(i, t)] == (t >= 1 && t <= 10 ? 1u : 0u));
    }
    // exposures: agent 0 has 1 arc, agents 1..8 have 2, agent 9 has 2 (back to 8 and none forward)
    CHECK(r.exposures[r.at(i, 1)] == 1);
    CHECK(r.exposures[r.at(i, 2)] == 2);
  }
}

TEST_CASE("stop_when_quiet = false simulates every step with the same result") {
  const Graph g = path_graph(6);
  EngineOptions opt;
  opt.steps = 20;
  opt.stop_when_quiet = false;
  const RunResult r = run_replicates(g, IndependentCascade(1.0), SeedPlan(g, {{"explicit", 0, {2}}}), opt);
  CHECK(r.summaries[0].last_step == 20);
  CHECK(r.summaries[0].final_adopters == 6);
  CHECK(r.cumulative_adopters[r.at(0, 20)] == 6);
}

TEST_CASE("seed plans") {
  const Graph g = path_graph(100);
  SUBCASE("random seeds are distinct, per replicate, and reproducible") {
    const SeedPlan plan(g, {{"random", 30, {}}});
    std::vector<NodeId> a, b, c;
    plan.seeds_for(5, 0, a);
    plan.seeds_for(5, 0, b);
    plan.seeds_for(5, 1, c);
    CHECK(a == b);
    CHECK(a != c);
    std::sort(a.begin(), a.end());
    CHECK(std::adjacent_find(a.begin(), a.end()) == a.end());
    CHECK(a.size() == 30);
  }
  SUBCASE("the small-set path stays distinct when nearly every draw repeats one") {
    const Graph small = path_graph(70);  // 64 of 70: the most the small-set path draws
    const SeedPlan plan(small, {{"random", 64, {}}});
    std::vector<NodeId> a;
    for (std::uint32_t r = 0; r < 200; ++r) {
      a.clear();
      plan.seeds_for(9, r, a);
      std::sort(a.begin(), a.end());
      REQUIRE(std::adjacent_find(a.begin(), a.end()) == a.end());
      REQUIRE(a.size() == 64);
    }
  }
  SUBCASE("random seeds above the small-set path are distinct too") {
    const SeedPlan plan(g, {{"random", 100, {}}});
    std::vector<NodeId> a;
    plan.seeds_for(5, 0, a);
    std::sort(a.begin(), a.end());
    std::vector<NodeId> all(100);
    std::iota(all.begin(), all.end(), NodeId{0});
    CHECK(a == all);
  }
  SUBCASE("random seeds drawn through the table are uniform over agents") {
    // 100 of 1,000 agents in each of 400 replicates: every agent is drawn with probability
    // 1/10, so its count is binomial(400, 0.1), mean 40, variance 36. Each term of the
    // statistic sum((c - 40)^2 / 40) then has mean 0.9 and, near normal, variance
    // 2 * 0.9^2: the sum has mean 900 and standard deviation at most sqrt(1620) ~ 40.2 (the
    // counts sum to a constant, which only lowers it). Six standard deviations above the
    // mean fails by chance with probability of the order of 1e-9.
    const Graph big = path_graph(1000);
    const SeedPlan plan(big, {{"random", 100, {}}});
    std::vector<double> count(1000, 0.0);
    std::vector<NodeId> drawn;
    for (std::uint32_t r = 0; r < 400; ++r) {
      drawn.clear();
      plan.seeds_for(11, r, drawn);
      REQUIRE(drawn.size() == 100);
      std::vector<NodeId> sorted = drawn;
      std::sort(sorted.begin(), sorted.end());
      REQUIRE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
      for (const NodeId v : drawn) count[v] += 1.0;
    }
    double chi2 = 0.0;
    for (const double c : count) chi2 += (c - 40.0) * (c - 40.0) / 40.0;
    CHECK(chi2 < 900.0 + 6.0 * 40.2);
  }
  SUBCASE("top degree prefers higher degree, then lower id") {
    CHECK(top_degree_agents(g, 3) == std::vector<NodeId>{1, 2, 3});
  }
  SUBCASE("bad plans are input errors") {
    CHECK_THROWS_AS(SeedPlan(g, {{"random", 101, {}}}), InputError);
    CHECK_THROWS_AS(SeedPlan(g, {{"explicit", 0, {100}}}), InputError);
  }
}

TEST_CASE("agent arrays: allocated without writes, filled by every thread") {
  // Above four huge pages the fill runs in parallel, a page per task: every entry must still
  // hold the value, at the edges of the tasks' ranges too.
  const std::size_t n = 5'000'000 + 3;  // 20 MB of Steps, not a whole number of pages
  AgentArray<Step> steps;
  assign_huge(steps, n, kNever);
  REQUIRE(steps.size() == n);
  CHECK(std::all_of(steps.begin(), steps.end(), [](Step t) { return t == kNever; }));
  AgentArray<ReplicateState::PressureCell> cells;
  assign_huge(cells, n, ReplicateState::PressureCell{7, 9});
  CHECK(std::all_of(cells.begin(), cells.end(),
                    [](const ReplicateState::PressureCell& c) { return c.pressure == 7 && c.threshold == 9; }));
  AgentArray<NodeId> list;
  allocate_huge(list, n);
  CHECK(list.size() == n);
  // A second fill of the same array replaces it (state is rebuilt per run).
  assign_huge(steps, 10, Step{3});
  CHECK(steps == AgentArray<Step>(10, 3));
}

TEST_CASE("reset_listed resets the listed agents, one by one or by filling the whole array") {
  // 1,600 agents: up to 100 listed are reset one by one, more by a fill of the whole array.
  for (const std::size_t listed : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{101}, std::size_t{1600}}) {
    CAPTURE(listed);
    AgentArray<Step> steps(1600, kNever);
    std::vector<NodeId> list;
    for (std::size_t i = 0; i < listed; ++i) list.push_back(static_cast<NodeId>((i * 7919) % 1600));  // distinct
    for (const NodeId v : list) steps[v] = 5;
    reset_listed(steps, list.data(), list.size(), kNever);
    CHECK(std::all_of(steps.begin(), steps.end(), [](Step t) { return t == kNever; }));
  }
  // The sparse branch touches only the listed entries.
  std::vector<std::uint8_t> status(1600, 2);
  const NodeId three[] = {4, 900, 1599};
  reset_listed(status, three, 3, std::uint8_t{0});
  CHECK(std::count(status.begin(), status.end(), std::uint8_t{0}) == 3);
  CHECK(status[4] == 0);
  CHECK(status[1599] == 0);
}

TEST_CASE("split_steps off runs every step unsplit, with the same results") {
  // Two threads, two replicates (too few to keep both busy, so steps may split), frontiers
  // far above parallel_frontier: split and unsplit runs must agree to the last count.
  const Graph g = barabasi_albert_graph(20'000, 4, 3);
  const SeedPlan plan(g, {{"random", 20, {}}});
  const IndependentCascade ic(0.2);
  EngineOptions opt;
  opt.steps = 40;
  opt.replicates = 2;
  opt.parallel_frontier = 16;
  tbb::task_arena two(2);
  RunResult split, unsplit;
  two.execute([&] {
    split = run_replicates(g, ic, plan, opt);
    opt.split_steps = false;
    unsplit = run_replicates(g, ic, plan, opt);
  });
  CHECK(split.summaries[0].final_adopters > 1000);  // the cascade is large enough to split
  CHECK(split.cumulative_adopters == unsplit.cumulative_adopters);
  CHECK(split.exposures == unsplit.exposures);
}

TEST_CASE("each replicate's row depends only on (seed, replicate)") {
  const Graph g = path_graph(200);
  EngineOptions opt;
  opt.steps = 50;
  opt.replicates = 6;
  opt.seed = 3;
  const IndependentCascade ic(0.7);
  const SeedPlan plan(g, {{"random", 2, {}}});
  const RunResult all = run_replicates(g, ic, plan, opt);
  // Recompute replicate 4 alone on a fresh state, after an unrelated replicate dirtied it.
  RunResult one = make_result(g.num_nodes(), opt);
  ReplicateState state(g.num_nodes(), false);
  std::vector<NodeId> buf;
  StepCounts counts;
  std::monostate workspace;
  run_replicate(g, ic, plan, opt, 1, state, workspace, buf, counts, one);
  run_replicate(g, ic, plan, opt, 4, state, workspace, buf, counts, one);
  for (Step t = 0; t <= opt.steps; ++t) CHECK(one.cumulative_adopters[one.at(4, t)] == all.cumulative_adopters[all.at(4, t)]);
}

TEST_CASE("step counts: a replicate's rows start at zero whatever the last one wrote") {
  StepCounts counts;
  counts.clear(3, 2);
  for (int t = 0; t < 12; ++t) {  // past the first growth (8 rows)
    counts.push(1, 2, 3);
    counts.last_adoptions()[1] = 5;
    counts.last_exposures()[2] = 7;
    counts.last_spend()[0] = -4;
    counts.last_layer_adoptions()[1] = 9;
  }
  const auto all_zero = [&] {
    for (const auto x : counts.channel_adoptions()) CHECK(x == 0);
    for (const auto x : counts.channel_exposures()) CHECK(x == 0);
    for (const auto x : counts.channel_spend()) CHECK(x == 0);
    for (const auto x : counts.layer_adoptions()) CHECK(x == 0);
  };
  SUBCASE("the next replicate, same widths") {
    counts.clear(3, 2);
    for (int t = 0; t < 14; ++t) counts.push(0, 0, 0);
    CHECK(counts.steps() == 14);
    all_zero();
  }
  SUBCASE("a step dropped and opened again") {
    counts.pop();
    counts.push(0, 0, 0);
    CHECK(counts.channel_adoptions()[11 * 3 + 1] == 0);
    CHECK(counts.layer_adoptions()[11 * 2 + 1] == 0);
    CHECK(counts.channel_adoptions()[10 * 3 + 1] == 5);  // the steps before keep their figures
  }
  SUBCASE("the next replicate, other widths") {
    counts.clear(5, 1);
    for (int t = 0; t < 3; ++t) counts.push(0, 0, 0);
    CHECK(counts.channel_adoptions().size() == 15);
    all_zero();
  }
}
