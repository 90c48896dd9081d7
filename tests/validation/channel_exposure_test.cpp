// SPDX-License-Identifier: MIT
// Channels reach every model: a channel exposure converts with the probability each model
// documents (docs/models.md, "Channel exposures"), and attribution credits word of mouth to
// friends (never "spontaneous") for every model, including those whose spreaders are not the
// last step's adopters (epidemics, rumours, Bass) and on the implicit complete graph.
//
// Statistics: each probability is measured over N·R independent Bernoulli trials (every
// agent of an arcless graph exposed once by a reach-1 flight at step 1, R replicates); the
// tolerance is 4.5 standard errors sqrt(q(1-q)/(N·R)), so a correct model fails one check
// with probability ~7e-6, while a rule off by 10% (0.03 at q = 0.3, ~17 SE) fails surely.

#include <cmath>
#include <string>

#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include "models/bass/bass.hpp"
#include "models/channels/campaign.hpp"
#include "models/complex_contagion/complex_contagion.hpp"
#include "models/fractional_threshold/fractional_threshold.hpp"
#include "models/independent_cascade/independent_cascade.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "models/rumour/rumour.hpp"
#include "models/sir/epidemic.hpp"
#include "models/sir/sir.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"

using namespace wom;

namespace {

constexpr std::uint8_t kSponsored = 3;  // first campaign channel after seed, friends, spontaneous

ChannelSpec one_flight(double trust) {
  ChannelSpec c;
  c.type = "sponsored";
  c.budget = 1e9;
  c.cpm = 1;
  c.reach = 1.0;
  c.targeting = "degree";  // distinct agents: every agent exactly once
  c.trust = trust;
  c.start = 1;
  c.stop = 1;
  return c;
}

struct Totals {
  double seed = 0, friends = 0, spontaneous = 0, sponsored = 0, adopters = 0;
  std::vector<std::uint64_t> channel_adoptions;  // the full series, for determinism checks
};

template <class Model>
Totals run(const Graph& g, const Model& model, const std::vector<ChannelSpec>& channels, Step steps,
           std::uint32_t replicates, std::vector<SeedSpec> seeds = {}) {
  const ScenarioCampaign campaign(g, channels, PopulationSpec{}, steps);
  const InArcs in(g);
  EngineOptions o;
  o.steps = steps;
  o.replicates = replicates;
  o.seed = 17;
  o.campaign = &campaign;
  o.in_arcs = &in;
  const RunResult r = run_replicates(g, model, SeedPlan(g, seeds), o);
  Totals t;
  const std::size_t nc = r.channel_names.size();
  for (std::uint32_t rep = 0; rep < replicates; ++rep) {
    const auto* row = r.total_channel_adoptions.data() + rep * nc;
    t.seed += row[kSeedChannel];
    t.friends += row[kFriendsChannel];
    t.spontaneous += row[kSpontaneousChannel];
    t.sponsored += row[kSponsored];
    t.adopters += r.summaries[rep].final_adopters;
  }
  t.channel_adoptions.assign(r.channel_adoptions.begin(), r.channel_adoptions.end());
  return t;
}

void check_fraction(double measured, double trials, double q) {
  const double se = std::sqrt(q * (1 - q) / trials);
  CAPTURE(q);
  CHECK(std::abs(measured / trials - q) <= 4.5 * se + 1e-12);
}

}  // namespace

TEST_CASE("a channel exposure converts with each model's documented probability") {
  constexpr NodeId kN = 20000;
  constexpr std::uint32_t kR = 4;
  const double trials = double(kN) * kR;
  const Graph g = gnm_graph(kN, 0, false, 3);  // no arcs: only the channel can convert
  const double w = 0.3;
  const std::vector<ChannelSpec> channels{one_flight(w)};
  const auto channel_share = [&](const auto& model, double q) {
    const Totals t = run(g, model, channels, 1, kR);
    CHECK(t.friends == 0);
    check_fraction(t.sponsored, trials, q);
    return t;
  };
  SUBCASE("independent cascade: p·w") { channel_share(IndependentCascade(0.5), 0.5 * w); }
  SUBCASE("linear threshold, uniform(0,1) thresholds: P(θ <= w) = w") {
    channel_share(LinearThreshold(Distribution{Distribution::Kind::kUniform, 0, 0, 1}), w);
  }
  SUBCASE("fractional threshold: one persuasive contact, probability w") {
    channel_share(FractionalThreshold(Distribution{Distribution::Kind::kConstant, 0.5}, g), w);
  }
  SUBCASE("complex contagion: one source of the one needed with probability w; never two") {
    channel_share(ComplexContagion({1, 0.0, 0}, g), w);
    channel_share(ComplexContagion({1, 0.0, 2}, g), w);  // windowed
    const Totals two = run(g, ComplexContagion({2, 0.0, 0}, g), channels, 1, kR);
    CHECK(two.adopters == 0);
  }
  SUBCASE("Bass: innovation Δp credited spontaneous, the channel (1-Δp)·w") {
    const Totals t = channel_share(Bass(0.2, 0.3, 1.0, Bass::Form::kHazard, g), (1 - 0.2) * w);
    check_fraction(t.spontaneous, trials, 0.2);
  }
  SUBCASE("discrete SIR and SIS: β·w") {
    channel_share(DiscreteSir(0.5, 0.2), 0.5 * w);
    channel_share(DiscreteSis(0.5, 0.2), 0.5 * w);
  }
  SUBCASE("continuous SIR: 1 - exp(-β·w)") { channel_share(ContinuousSir(0.5, 0.2, g), -std::expm1(-0.5 * w)); }
  SUBCASE("Maki-Thompson rumour, every update: w") {
    for (const auto u : {Rumour::Update::kRandomSequential, Rumour::Update::kSynchronous, Rumour::Update::kContinuous})
      channel_share(Rumour(u), w);
  }
}

TEST_CASE("word of mouth is credited to friends for every model, whoever spread and when") {
  // A channel that never persuades (trust 0) switches attribution on without converting anyone,
  // so every adoption after step 0 is word of mouth.
  const std::vector<ChannelSpec> channels{one_flight(0.0)};
  Graph ba = barabasi_albert_graph(3000, 3, 8);
  assign_trust(ba, {"constant", 1.0, 1.0});
  const Graph kn = Graph::implicit_complete_graph(3000);
  const std::vector<SeedSpec> seeds{SeedSpec{"random", 5, {}}};
  const auto check_friends = [&](const Graph& g, const auto& model, const char* name) {
    const std::string label = name;
    CAPTURE(label);
    const Totals t = run(g, model, channels, 60, 6, seeds);
    CHECK(t.seed == 6 * 5);
    CHECK(t.sponsored == 0);
    CHECK(t.spontaneous == 0);
    CHECK(t.friends == t.adopters - t.seed);
    CHECK(t.friends > 6 * 20);  // the processes did spread
  };
  check_friends(ba, IndependentCascade(0.3), "independent cascade");
  check_friends(ba, LinearThreshold(Distribution{Distribution::Kind::kUniform, 0, 0, 0.5}), "linear threshold");
  check_friends(ba, FractionalThreshold(Distribution{Distribution::Kind::kConstant, 0.05}, ba), "fractional");
  check_friends(ba, ComplexContagion({1, 0.0, 3}, ba), "complex contagion");
  check_friends(ba, Bass(0.0, 0.5, 1.0, Bass::Form::kIndependent, ba), "bass");
  check_friends(kn, Bass(0.0, 0.5, 1.0, Bass::Form::kHazard, kn), "bass on K_n");
  // Epidemics: an agent infected for several steps transmits in each, so tips come from
  // spreaders that adopted long before t-1.
  check_friends(ba, DiscreteSir(0.1, 0.2), "discrete sir");
  check_friends(ba, DiscreteSis(0.1, 0.3), "discrete sis");
  check_friends(kn, DiscreteSir(0.001, 0.2), "discrete sir on K_n");
  check_friends(ba, ContinuousSir(0.1, 0.2, ba), "continuous sir");
  for (const auto u : {Rumour::Update::kRandomSequential, Rumour::Update::kSynchronous, Rumour::Update::kContinuous}) {
    check_friends(ba, Rumour(u), "rumour");
    check_friends(kn, Rumour(u), "rumour on K_n");
  }
}

TEST_CASE("channel exposures and attribution are bit-identical for 1 and 2 threads") {
  Graph ba = barabasi_albert_graph(20000, 4, 9);
  assign_trust(ba, {"constant", 1.0, 1.0});
  ChannelSpec ads = one_flight(0.2);
  ads.reach = 0.02;
  ads.targeting = "random";
  ads.stop = 0;  // a flight every step
  ads.every = 3;
  const std::vector<ChannelSpec> channels{ads};
  const std::vector<SeedSpec> seeds{SeedSpec{"random", 20, {}}};
  const auto both = [&](const auto& model, const char* name) {
    const std::string label = name;
    CAPTURE(label);
    Totals one, two;
    {
      tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
      one = run(ba, model, channels, 40, 8, seeds);
    }
    {
      tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
      two = run(ba, model, channels, 40, 8, seeds);
    }
    CHECK(one.channel_adoptions == two.channel_adoptions);
    CHECK(one.sponsored > 0);
  };
  both(FractionalThreshold(Distribution{Distribution::Kind::kUniform, 0, 0.05, 0.3}, ba), "fractional");
  both(ComplexContagion({2, 0.0, 0}, ba), "complex contagion");
  both(Bass(0.001, 0.3, 1.0, Bass::Form::kHazard, ba), "bass");
  both(DiscreteSir(0.05, 0.2), "discrete sir");
  both(DiscreteSis(0.05, 0.3), "discrete sis");
  both(ContinuousSir(0.05, 0.2, ba), "continuous sir");
  both(Rumour(Rumour::Update::kRandomSequential), "rumour");
}
