// SPDX-License-Identifier: MIT
// A run split into replicate ranges (EngineOptions::first_replicate) and joined with
// RunResult::append_replicates equals the whole run, field by field: what lets a sweep hand
// out its last points' replicates to different MPI ranks without changing a byte.

#include <doctest/doctest.h>

#include "scenarios/pipeline.hpp"
#include "scenarios/scenario.hpp"

using namespace wom;

namespace {

void check_same_summaries(const RunResult& a, const RunResult& b) {
  REQUIRE(a.summaries.size() == b.summaries.size());
  for (std::size_t i = 0; i < a.summaries.size(); ++i) {
    const ReplicateSummary &x = a.summaries[i], &y = b.summaries[i];
    CAPTURE(i);
    CHECK(x.final_adopters == y.final_adopters);
    CHECK(x.final_fraction == y.final_fraction);
    CHECK(x.peak_step == y.peak_step);
    CHECK(x.peak_adopters == y.peak_adopters);
    CHECK(x.steps_to_50 == y.steps_to_50);
    CHECK(x.steps_to_90 == y.steps_to_90);
    CHECK(x.last_step == y.last_step);
    CHECK(x.exposures == y.exposures);
    CHECK(x.reach == y.reach);
    CHECK(x.spend_cents == y.spend_cents);
    CHECK(x.money_cents == y.money_cents);
    CHECK(x.money_24h_cents == y.money_24h_cents);
    CHECK(x.donors == y.donors);
    CHECK(x.goal_step == y.goal_step);
  }
}

void check_same_trees(const RunResult& a, const RunResult& b) {
  REQUIRE(a.referral_tree.size() == b.referral_tree.size());
  for (std::size_t r = 0; r < a.referral_tree.size(); ++r) {
    REQUIRE(a.referral_tree[r].size() == b.referral_tree[r].size());
    for (std::size_t i = 0; i < a.referral_tree[r].size(); ++i) {
      const TreeEdge &x = a.referral_tree[r][i], &y = b.referral_tree[r][i];
      CHECK((x.adopter == y.adopter && x.source == y.source && x.step == y.step && x.channel == y.channel &&
             x.layer == y.layer));
    }
  }
  REQUIRE(a.cascades.size() == b.cascades.size());
  for (std::size_t r = 0; r < a.cascades.size(); ++r) {
    CHECK(a.cascades[r].depth == b.cascades[r].depth);
    CHECK(a.cascades[r].largest_generation == b.cascades[r].largest_generation);
    CHECK(a.cascades[r].trees == b.cascades[r].trees);
    CHECK(a.cascades[r].largest_tree == b.cascades[r].largest_tree);
    CHECK(a.cascades[r].structural_virality == b.cascades[r].structural_virality);
  }
}

}  // namespace

TEST_CASE("replicate ranges joined equal the whole run, in every field") {
  // Channels, a fundraiser, two network layers, activity, the referral tree: every per-replicate
  // field of a RunResult is filled.
  const Scenario s = load_scenario(WOM_SOURCE_DIR "/scenarios/examples/armano_fundraiser.toml");
  const PreparedScenario prepared(s);
  EngineOptions whole = prepared.engine_options();
  whole.replicates = 9;
  whole.steps = 60;
  whole.record_adoption_steps = true;
  const RunResult reference = prepared.simulate(whole);
  std::uint64_t adopters = 0;
  for (const ReplicateSummary& r : reference.summaries) adopters += r.final_adopters;
  REQUIRE(adopters > 9 * 100);  // cascades large enough for a wrong stream to show

  const auto range = [&](std::uint32_t first, std::uint32_t count) {
    EngineOptions o = whole;
    o.first_replicate = first;
    o.replicates = count;
    return prepared.simulate(o);
  };
  RunResult joined = range(0, 2);
  joined.append_replicates(range(2, 1));
  joined.append_replicates(range(3, 6));
  CHECK(joined.replicates == reference.replicates);
  CHECK(joined.new_adopters == reference.new_adopters);
  CHECK(joined.cumulative_adopters == reference.cumulative_adopters);
  CHECK(joined.exposures == reference.exposures);
  CHECK(joined.active_sharers == reference.active_sharers);
  CHECK(joined.adoption_step == reference.adoption_step);
  CHECK(joined.channel_exposures == reference.channel_exposures);
  CHECK(joined.channel_adoptions == reference.channel_adoptions);
  CHECK(joined.channel_spend_cents == reference.channel_spend_cents);
  CHECK(joined.money_cents == reference.money_cents);
  CHECK(joined.total_channel_adoptions == reference.total_channel_adoptions);
  CHECK(joined.total_channel_spend_cents == reference.total_channel_spend_cents);
  CHECK(joined.layer_adoptions == reference.layer_adoptions);
  CHECK(joined.total_layer_adoptions == reference.total_layer_adoptions);
  check_same_summaries(joined, reference);
  check_same_trees(joined, reference);

  SUBCASE("a range is not the same replicates from 0") {
    CHECK(range(3, 2).new_adopters != range(0, 2).new_adopters);
  }
  SUBCASE("runs of different scenarios are not joined") {
    EngineOptions longer = whole;
    longer.steps = 61;
    RunResult a = range(0, 1);
    CHECK_THROWS_AS(a.append_replicates(prepared.simulate(longer)), Error);
  }
}
