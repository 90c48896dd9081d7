// SPDX-License-Identifier: MIT
// Replicate ranges of a sweep point (what an MPI sweep hands out at its end): computed here or
// decoded from another rank, in any order, the collector joins them into exactly the point
// computed whole; ranges that do not tile the point are an error, not a silent gap.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/sweep_runner.hpp"
#include "output/sweep_checkpoint.hpp"
#include "scenarios/sweep.hpp"
#include "sim/error.hpp"

namespace {

const std::string kScenario = R"([network]
generator = "barabasi_albert"
n = 2000
m = 3

[model]
name = "independent_cascade"
probability = 0.15

[[channel]]
type = "seed"
strategy = "random"
count = 5

[run]
steps = 30
replicates = 7
seed = 5

[sweep]
design = "grid"

[sweep.parameters]
"model.probability" = [0.1, 0.2]
)";

}  // namespace

TEST_CASE("a point's replicate ranges, local or remote and in any order, join into the whole point") {
  const wom::SweepPlan plan = wom::plan_sweep_text(kScenario, "s.toml", {});
  REQUIRE(plan.replicates == 7);
  wom::cli::PointComputer computer(plan, 2, 1);
  const wom::SweepPointResult whole = computer.compute({1, 0, 7});
  std::uint64_t adopters = 0;
  for (const auto& s : whole.run.summaries) adopters += s.final_adopters;
  REQUIRE(adopters > 7 * 20);  // replicates that differ

  // work_units cuts the last points into near-equal ranges that tile them.
  const std::vector<std::uint32_t> points{0, 1};
  const std::vector<wom::cli::WorkUnit> units = wom::cli::work_units(points, 7, 1, 3);
  REQUIRE(units.size() == 4);
  CHECK((units[0].point == 0 && units[0].first == 0 && units[0].count == 7));
  CHECK((units[1].point == 1 && units[1].first == 0 && units[1].count == 2));
  CHECK((units[2].point == 1 && units[2].first == 2 && units[2].count == 2));
  CHECK((units[3].point == 1 && units[3].first == 4 && units[3].count == 3));

  wom::cli::Collector collector(points, 7, {}, std::nullopt, nullptr);
  collector.add(computer.compute(units[3]));
  collector.add_encoded(wom::encode_point(computer.compute(units[1])));  // from another rank
  CHECK(collector.find(1) == nullptr);                                   // not complete yet
  collector.add(computer.compute(units[2]));
  collector.finish();
  const wom::SweepPointResult* joined = collector.find(1);
  REQUIRE(joined != nullptr);
  CHECK(joined->first_replicate == 0);
  CHECK(joined->run.replicates == 7);
  CHECK(joined->run.new_adopters == whole.run.new_adopters);
  CHECK(joined->run.cumulative_adopters == whole.run.cumulative_adopters);
  CHECK(joined->run.exposures == whole.run.exposures);
  CHECK(joined->run.active_sharers == whole.run.active_sharers);
  CHECK(joined->run.channel_adoptions == whole.run.channel_adoptions);
  CHECK(joined->run.total_channel_adoptions == whole.run.total_channel_adoptions);
  REQUIRE(joined->run.summaries.size() == 7);
  for (std::size_t r = 0; r < 7; ++r) {
    CHECK(joined->run.summaries[r].final_adopters == whole.run.summaries[r].final_adopters);
    CHECK(joined->run.summaries[r].exposures == whole.run.summaries[r].exposures);
    CHECK(joined->run.summaries[r].reach == whole.run.summaries[r].reach);
  }
  // The checkpoint holds the joined point: encoded, it equals the whole point's bytes except
  // for the timings.
  wom::SweepPointResult timed = *joined;
  timed.build_seconds = whole.build_seconds;
  timed.simulate_seconds = whole.simulate_seconds;
  CHECK(wom::encode_point(timed) == wom::encode_point(whole));
}

TEST_CASE("replicate ranges that overlap are refused") {
  const wom::SweepPlan plan = wom::plan_sweep_text(kScenario, "s.toml", {});
  wom::cli::PointComputer computer(plan, 2, 1);
  const std::vector<std::uint32_t> points{0};
  wom::cli::Collector collector(points, 7, {}, std::nullopt, nullptr);
  collector.add(computer.compute({0, 0, 4}));
  CHECK_THROWS_AS(collector.add(computer.compute({0, 2, 5})), wom::Error);
}
