// SPDX-License-Identifier: MIT
// Agents' susceptibility and activity, linear threshold on signed networks, word of mouth per
// layer, group targeting, and the referral tree with its cascade metrics (structural virality
// against brute-force all-pairs distances).

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <random>
#include <set>

#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include "models/channels/campaign.hpp"
#include "models/independent_cascade/independent_cascade.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "sim/cascade.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/layers.hpp"
#include "sim/network/trust.hpp"
#include "tests/common/small_graphs.hpp"

using namespace wom;

namespace {

// ---- structural virality by brute force -------------------------------------------------------

struct Brute {
  Step depth = -1;
  std::uint64_t largest_generation = 0, trees = 0;
  double virality = std::numeric_limits<double>::quiet_NaN();
};

// BFS from every node over the undirected forest; pairs in different trees are unreachable.
Brute brute_force(const std::vector<std::uint32_t>& parent) {
  const std::size_t n = parent.size();
  std::vector<std::vector<std::uint32_t>> adj(n);
  Brute b;
  std::vector<std::uint32_t> gen(n, 0);
  std::map<std::uint32_t, std::uint64_t> per_gen;
  for (std::size_t i = 0; i < n; ++i) {
    if (parent[i] == kNoParent) {
      ++b.trees;
    } else {
      adj[i].push_back(parent[i]);
      adj[parent[i]].push_back(static_cast<std::uint32_t>(i));
      gen[i] = gen[parent[i]] + 1;
    }
    ++per_gen[gen[i]];
    b.depth = std::max<Step>(b.depth, static_cast<Step>(gen[i]));
  }
  for (const auto& [g, count] : per_gen) b.largest_generation = std::max(b.largest_generation, count);
  double total = 0, pairs = 0;
  for (std::size_t s = 0; s < n; ++s) {
    std::vector<int> dist(n, -1);
    std::deque<std::size_t> queue{s};
    dist[s] = 0;
    while (!queue.empty()) {
      const std::size_t u = queue.front();
      queue.pop_front();
      for (const auto v : adj[u])
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          queue.push_back(v);
        }
    }
    for (std::size_t t = s + 1; t < n; ++t)
      if (dist[t] > 0) {
        total += dist[t];
        pairs += 1;
      }
  }
  if (pairs > 0) b.virality = total / pairs;
  return b;
}

// ---- runs ------------------------------------------------------------------------------------

ChannelSpec everyone_once(double trust) {
  ChannelSpec c;
  c.type = "sponsored";
  c.budget = 0;
  c.cpm = 0;
  c.reach = 1.0;
  c.trust = trust;
  c.stop = 1;
  return c;
}

template <class Model>
RunResult run(const Graph& g, const Model& model, const std::vector<ChannelSpec>& channels, EngineOptions o,
              const PopulationSpec& pop, std::vector<SeedSpec> seeds = {}) {
  const ScenarioCampaign campaign(g, channels, pop, o.steps);
  const InArcs in(g);
  const Population population(pop, o.step_hours);
  if (!channels.empty()) o.campaign = &campaign;
  o.in_arcs = &in;
  if (population.active()) o.population = &population;
  return run_replicates(g, model, SeedPlan(g, seeds), o);
}

Distribution constant(double v) { return Distribution{Distribution::Kind::kConstant, v}; }

/// 25 replicates of 4,000 agents without friends, all tipped at step 1 by a flight of trust 1
/// under independent cascade of probability 1: when each adopts is when it comes online.
RunResult tipped_at_step_one(const PopulationSpec& pop, Step steps) {
  const Graph g = Graph::from_edges(4000, EdgeBuffer{}, true);
  EngineOptions o;
  o.steps = steps;
  o.replicates = 25;
  return run(g, IndependentCascade(1.0), {everyone_once(1.0)}, o, pop);
}

/// The shares of the agents adopting at steps 1..6, over all replicates, against `share(k)`:
/// each agent adopts at step k or not, so the pooled share is binomial; 4 standard errors.
template <class Share>
void check_adoption_shares(const RunResult& r, Share share) {
  const auto replicates = static_cast<std::uint32_t>(r.summaries.size());
  const double n = double(r.agents) * replicates;
  for (Step k = 1; k <= 6; ++k) {
    double adopted = 0;
    for (std::uint32_t i = 0; i < replicates; ++i) adopted += double(r.new_adopters[r.at(i, k)]);
    const double p = share(k);
    CAPTURE(k);
    CHECK(std::abs(adopted / n - p) <= 4 * std::sqrt(p * (1 - p) / n));
  }
}
Distribution uniform(double lo, double hi) { return Distribution{Distribution::Kind::kUniform, 0, lo, hi}; }

}  // namespace

TEST_CASE("structural virality in O(n) equals the mean of all-pairs BFS distances") {
  SUBCASE("known trees") {
    // A path of three: distances 1, 1, 2. A star with k leaves: 2k / (k + 1).
    CHECK(cascade_metrics(std::vector<std::uint32_t>{kNoParent, 0, 1}).structural_virality == doctest::Approx(4.0 / 3));
    const std::vector<std::uint32_t> star{kNoParent, 0, 0, 0, 0, 0};
    const CascadeMetrics m = cascade_metrics(star);
    CHECK(m.structural_virality == doctest::Approx(10.0 / 6));
    CHECK(m.depth == 1);
    CHECK(m.largest_generation == 5);
    CHECK(std::isnan(cascade_metrics(std::vector<std::uint32_t>{kNoParent, kNoParent}).structural_virality));
  }
  SUBCASE("random trees and forests") {
    std::mt19937_64 rng(2016);
    for (int trial = 0; trial < 300; ++trial) {
      const std::size_t n = 1 + rng() % 60;
      const double root_chance = trial % 3 == 0 ? 0.0 : 0.15;  // a third single trees, the rest forests
      std::vector<std::uint32_t> parent(n, kNoParent);
      for (std::size_t i = 1; i < n; ++i)
        if (std::uniform_real_distribution<>(0, 1)(rng) >= root_chance)
          parent[i] = static_cast<std::uint32_t>(rng() % i);
      const CascadeMetrics fast = cascade_metrics(parent);
      const Brute slow = brute_force(parent);
      CAPTURE(trial);
      CHECK(fast.depth == slow.depth);
      CHECK(fast.largest_generation == slow.largest_generation);
      CHECK(fast.trees == slow.trees);
      if (std::isnan(slow.virality)) CHECK(std::isnan(fast.structural_virality));
      else CHECK(fast.structural_virality == doctest::Approx(slow.virality).epsilon(1e-12));
    }
  }
  CHECK_THROWS_AS(cascade_metrics(std::vector<std::uint32_t>{kNoParent, 2, 0}), Error);
}

TEST_CASE("linear threshold on a signed graph: distrust subtracts, decided once the step is in") {
  // Seeds 0 and 1; threshold 0.4 for everyone. Step 1: agent 2 gets 0.6 from 0 and -0.3 from 1
  // (net 0.3: no), 3 gets 0.6 (yes), 4 gets 0.5 - 0.3 = 0.2 (no). Step 2: 3 adds 0.2 to 2 (net
  // 0.5: yes) and 0.3 to 4 (net 0.5: yes). Without signs 2 and 4 would adopt at step 1.
  test::SmallCase c{"signed", 5, {{0, 2, 0.6}, {1, 2, 0.3}, {0, 3, 0.6}, {0, 4, 0.5}, {1, 4, 0.3}, {3, 2, 0.2}, {3, 4, 0.3}},
                    {0, 1}};
  std::vector<double> stored;
  Graph g = test::build(c, stored);
  const auto signed_bits = [&] {
    std::vector<std::uint64_t> bits((g.num_arcs() + 63) / 64, 0);
    for (ArcId a = g.arc_begin(1); a < g.arc_end(1); ++a) bits[a >> 6] |= 1ull << (a & 63);  // agent 1 is distrusted
    return bits;
  };
  EngineOptions o;
  o.steps = 5;
  o.record_adoption_steps = true;
  const LinearThreshold lt(constant(0.4));
  const std::vector<SeedSpec> seeds{SeedSpec{"explicit", 2, {0, 1}}};
  const RunResult plain = run(g, lt, {}, o, {}, seeds);
  CHECK(plain.adoption_step == std::vector<Step>{0, 0, 1, 1, 1});
  g.set_distrust_bits(signed_bits());
  const RunResult opposed = run(g, lt, {}, o, {}, seeds);
  CHECK(opposed.adoption_step == std::vector<Step>{0, 0, 2, 1, 2});
}

TEST_CASE("signed linear threshold is bit-identical on 1 and 2 threads") {
  Graph g = barabasi_albert_graph(4000, 4, 7);
  assign_trust(g, {"constant", 0.15, 1.0});
  std::vector<std::uint64_t> bits((g.num_arcs() + 63) / 64, 0);
  std::mt19937_64 rng(3);
  std::uint64_t distrusted = 0;
  for (ArcId a = 0; a < g.num_arcs(); ++a)
    if (rng() % 5 == 0) {
      bits[a >> 6] |= 1ull << (a & 63);
      ++distrusted;
    }
  g.set_distrust_bits(bits);
  EngineOptions o;
  o.steps = 40;
  o.replicates = 12;
  o.parallel_frontier = 1;  // split every step
  o.record_adoption_steps = true;
  const auto go = [&](int threads) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    return run(g, LinearThreshold(uniform(0.05, 0.5)), {}, o, {}, {SeedSpec{"random", 20, {}}});
  };
  const RunResult a = go(1), b = go(2);
  CHECK(distrusted > 0);
  CHECK(a.adoption_step == b.adoption_step);
  CHECK(a.cumulative_adopters == b.cumulative_adopters);
  std::uint64_t adopted = 0;
  for (const auto& s : a.summaries) adopted += s.final_adopters;
  CHECK(adopted > 20u * o.replicates * 5);  // the cascades did spread
}

TEST_CASE("susceptibility scales what an exposure does") {
  // No arcs: only the one flight at step 1, reaching everyone with trust 0.6.
  const Graph g = Graph::from_edges(5000, EdgeBuffer{}, true);
  EngineOptions o;
  o.steps = 3;
  o.replicates = 4;
  o.seed = 9;
  o.record_adoption_steps = true;
  SUBCASE("linear threshold: s x received trust against the threshold, exactly") {
    PopulationSpec pop;
    pop.threshold = uniform(0, 0.7);
    pop.susceptibility = uniform(0.2, 1.0);
    const LinearThreshold lt(pop.threshold);
    const RunResult r = run(g, lt, {everyone_once(0.6)}, o, pop);
    const Population population(pop, 1.0);
    const std::uint64_t w = trust_fixed(0.6, "test");
    std::uint64_t adopted = 0;
    for (std::uint32_t i = 0; i < o.replicates; ++i) {
      const auto rep = lt.begin_replicate(o.seed, i);
      const TraitKeys keys = Population::keys(o.seed, i);
      for (NodeId v = 0; v < g.num_nodes(); ++v) {
        const std::uint64_t theta = lt.threshold_of(rep, v), s = population.susceptibility(keys, v);
        const bool expected = s * w >= theta * kTrustOne;  // s w / 2^15 >= θ, all in fixed point
        CHECK((r.adoption_step[std::size_t(i) * g.num_nodes() + v] == 1) == expected);
        adopted += expected;
      }
    }
    CHECK(adopted > 0);
    CHECK(adopted < std::uint64_t{o.replicates} * g.num_nodes());
  }
  SUBCASE("independent cascade: the conversion probability times s") {
    PopulationSpec pop;
    pop.susceptibility = constant(0.5);
    o.replicates = 20;
    const RunResult r = run(g, IndependentCascade(0.5), {everyone_once(0.6)}, o, pop);
    double adopted = 0;
    for (const auto& s : r.summaries) adopted += static_cast<double>(s.final_adopters);
    const double n = double(g.num_nodes()) * o.replicates, p = 0.5 * 0.6 * 0.5;
    CHECK(std::abs(adopted / n - p) <= 4 * std::sqrt(p * (1 - p) / n));
    pop.susceptibility = constant(0.0);
    for (const auto& s : run(g, IndependentCascade(1.0), {everyone_once(1.0)}, o, pop).summaries)
      CHECK(s.final_adopters == 0);
  }
}

TEST_CASE("activity: tipped agents adopt at their next online step, credited to what tipped them") {
  PopulationSpec pop;
  const double a = 0.25;
  pop.activity = constant(a);
  // Each agent adopts at its first online step, a geometric time: N a (1 - a)^(k-1) adopters
  // at step k.
  const RunResult r = tipped_at_step_one(pop, 12);
  check_adoption_shares(r, [a](Step k) { return a * std::pow(1 - a, k - 1); });
  for (std::uint32_t i = 0; i < r.summaries.size(); ++i) {
    CHECK(r.total_channel_adoptions[i * r.channels() + 3] == r.summaries[i].final_adopters);  // all sponsored
    for (Step t = 0; t <= r.steps; ++t) {
      std::uint64_t sum = 0;
      for (std::size_t c = 0; c < r.channels(); ++c) sum += r.channel_adoptions[r.at(i, c, t)];
      CHECK(sum == r.new_adopters[r.at(i, t)]);
    }
  }
  pop.activity = constant(0.0);  // nobody ever online: nobody adopts, and the run does not stop early
  for (const auto& s : tipped_at_step_one(pop, 12).summaries) {
    CHECK(s.final_adopters == 0);
    CHECK(s.last_step == 12);
  }
}

TEST_CASE("activity uniform on [0, 1]: a share 1 / (k (k + 1)) of the tipped adopt at step k") {
  // Each agent keeps its own activity a from step to step: the chance of adopting at its k-th
  // chance is E[a (1 - a)^(k-1)] = 1 / (k (k + 1)) over a ~ uniform(0, 1). Agents still waiting
  // are those with low activity: an activity drawn anew each step would give 1/4 at step 2
  // instead of 1/6, and one moved to another waiting agent fails from step 3.
  PopulationSpec pop;
  pop.activity = uniform(0.0, 1.0);
  check_adoption_shares(tipped_at_step_one(pop, 8), [](Step k) { return 1.0 / (double(k) * (k + 1)); });
}

TEST_CASE("activity's day/night cycle: the online fraction follows the cosine") {
  PopulationSpec pop;
  pop.activity = constant(0.8);
  pop.activity_cycle = 0.9;
  pop.peak_hour = 20;
  pop.start_hour = 18;
  const double hours = 0.5;
  const Population population(pop, hours);
  const TraitKeys keys = Population::keys(4, 0);
  const NodeId n = 20000;
  for (Step t = 1; t <= 96; t += 7) {
    const double h = 18 + (t - 0.5) * hours;
    const double p = 0.8 * (1 - 0.9 * (1 - std::cos(2 * M_PI * (h - 20) / 24)) / 2);
    std::uint64_t online = 0;
    for (NodeId v = 0; v < n; ++v) online += population.online(keys, v, t);
    CAPTURE(t);
    CHECK(std::abs(double(online) / n - p) <= 4 * std::sqrt(p * (1 - p) / n) + 1e-12);
  }
}

TEST_CASE("traits keep results bit-identical across thread counts") {
  Graph g = barabasi_albert_graph(3000, 4, 21);
  assign_trust(g, {"constant", 0.3, 1.0});
  EngineOptions o;
  o.steps = 60;
  o.replicates = 10;
  o.parallel_frontier = 1;
  o.record_adoption_steps = true;
  o.record_referral_tree = true;
  PopulationSpec pop;
  pop.threshold = uniform(0.1, 0.6);
  pop.susceptibility = uniform(0.3, 1.0);
  pop.activity = Distribution{Distribution::Kind::kBeta, 0, 0, 1, 0, 1, 2, 3};
  pop.activity_cycle = 0.7;
  ChannelSpec ad = everyone_once(0.2);
  ad.reach = 0.05;
  ad.stop = 0;
  ad.every = 6;
  for (const bool lt : {false, true}) {
    CAPTURE(lt);
    const auto go = [&](int threads) {
      const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      return lt ? run(g, LinearThreshold(pop.threshold), {ad}, o, pop, {SeedSpec{"random", 5, {}}})
                : run(g, IndependentCascade(0.2), {ad}, o, pop, {SeedSpec{"random", 5, {}}});
    };
    const RunResult a = go(1), b = go(2);
    CHECK(a.adoption_step == b.adoption_step);
    CHECK(a.channel_adoptions == b.channel_adoptions);
    CHECK(a.layer_adoptions == b.layer_adoptions);
    for (std::uint32_t i = 0; i < o.replicates; ++i) {
      CHECK(a.referral_tree[i].size() == b.referral_tree[i].size());
      CHECK(std::equal(a.referral_tree[i].begin(), a.referral_tree[i].end(), b.referral_tree[i].begin(),
                       [](const TreeEdge& x, const TreeEdge& y) {
                         return x.adopter == y.adopter && x.source == y.source && x.step == y.step &&
                                x.channel == y.channel && x.layer == y.layer;
                       }));
      CHECK(a.cascades[i].depth == b.cascades[i].depth);
    }
    std::uint64_t adopted = 0;
    for (const auto& s : a.summaries) adopted += s.final_adopters;
    CHECK(adopted > 50u * o.replicates);
  }
}

TEST_CASE("referral tree: one edge per adoption, sources adopted earlier, metrics from the edges") {
  Graph g = barabasi_albert_graph(2000, 3, 5);
  assign_trust(g, {"constant", 1.0, 1.0});
  EngineOptions o;
  o.steps = 30;
  o.replicates = 8;
  o.record_adoption_steps = true;
  o.record_referral_tree = true;
  const RunResult r = run(g, IndependentCascade(0.12), {}, o, {}, {SeedSpec{"random", 3, {}}});
  REQUIRE(r.referral_tree.size() == o.replicates);
  for (std::uint32_t i = 0; i < o.replicates; ++i) {
    const auto& tree = r.referral_tree[i];
    CHECK(tree.size() == r.summaries[i].final_adopters);
    std::map<NodeId, std::uint32_t> index;
    std::vector<std::uint32_t> parent;
    for (const TreeEdge& e : tree) {
      CHECK(r.adoption_step[std::size_t(i) * r.agents + e.adopter] == e.step);
      if (e.step == 0) {
        CHECK(e.source == kNoNode);
        CHECK(e.channel == kSeedChannel);
      } else {
        REQUIRE(e.source != kNoNode);  // word of mouth only: every later adoption has a friend
        CHECK(r.adoption_step[std::size_t(i) * r.agents + e.source] == e.step - 1);
        CHECK(e.channel == kFriendsChannel);
      }
      parent.push_back(e.source == kNoNode ? kNoParent : index.at(e.source));
      index[e.adopter] = static_cast<std::uint32_t>(parent.size() - 1);
    }
    const Brute b = brute_force(parent);
    CHECK(r.cascades[i].depth == b.depth);
    CHECK(r.cascades[i].trees == 3);
    CHECK(r.cascades[i].largest_generation == b.largest_generation);
    if (!std::isnan(b.virality)) CHECK(r.cascades[i].structural_virality == doctest::Approx(b.virality));
  }
}

TEST_CASE("attribution credits the heaviest exposure, ties to the lowest source") {
  // Seeds 1, 2 and 5 spread at step 1. Agent 7's heaviest arc comes from 0, which never
  // spreads, so the search reads all of 7's arcs: 2 (0.6) beats 1 (0.2), and 5 (0.6) only ties.
  // Agent 6's heaviest arcs (0.3) come from 1 and 5: the first, 1, is credited.
  EdgeBuffer edges;
  edges.add(0, 7, 0.9f);
  edges.add(1, 7, 0.2f);
  edges.add(2, 7, 0.6f);
  edges.add(5, 7, 0.6f);
  edges.add(1, 6, 0.3f);
  edges.add(2, 6, 0.1f);
  edges.add(5, 6, 0.3f);
  Graph g = Graph::from_edges(8, std::move(edges), true);
  TrustSpec weight;
  weight.rule = "weight";
  assign_trust(g, weight);
  EngineOptions o;
  o.steps = 3;
  o.replicates = 1;
  o.record_referral_tree = true;
  PopulationSpec pop;
  pop.threshold = constant(0.05);
  const RunResult r = run(g, LinearThreshold(pop.threshold), {}, o, pop, {SeedSpec{"explicit", 0, {1, 2, 5}}});
  std::map<NodeId, NodeId> source;
  for (const TreeEdge& e : r.referral_tree[0])
    if (e.step == 1) source[e.adopter] = e.source;
  CHECK(source == std::map<NodeId, NodeId>{{6, 1}, {7, 2}});
}

TEST_CASE("word of mouth per layer adds up to the friends' adoptions") {
  NetworkSpec net;
  net.generator = "barabasi_albert";
  net.n = 3000;
  net.m = 2;
  net.name = "online";
  LayerSpec offline;
  offline.network.generator = "watts_strogatz";
  offline.network.n = 3000;
  offline.network.k = 6;
  offline.network.rewire = 0.05;
  offline.network.name = "offline";
  offline.trust = {"constant", 0.9, 1.0};
  net.layers.push_back(offline);
  const Graph g = build_network(net, TrustSpec{"constant", 0.2, 1.0}, 17, ".");
  REQUIRE(g.layer_count() == 2);
  EngineOptions o;
  o.steps = 25;
  o.replicates = 6;
  const RunResult r = run(g, IndependentCascade(0.3), {}, o, {}, {SeedSpec{"random", 4, {}}});
  REQUIRE(r.layer_names == std::vector<std::string>{"online", "offline"});
  std::uint64_t per_layer[2] = {0, 0};
  for (std::uint32_t i = 0; i < o.replicates; ++i) {
    for (Step t = 0; t <= r.steps; ++t) {
      const std::uint64_t layers = r.layer_adoptions[r.layer_at(i, 0, t)] + r.layer_adoptions[r.layer_at(i, 1, t)];
      CHECK(layers == r.channel_adoptions[r.at(i, kFriendsChannel, t)]);
    }
    for (int l = 0; l < 2; ++l) per_layer[l] += r.total_layer_adoptions[i * 2 + l];
  }
  CHECK(per_layer[0] > 0);
  CHECK(per_layer[1] > per_layer[0]);  // trust 0.9 against 0.2: the offline circle tips more
}

TEST_CASE("group targeting samples only the group, reach as its fraction") {
  const std::vector<NodeId> blocks{300, 700};
  const Graph g = sbm_graph(blocks, 0.02, 0.001, 3);
  NetworkSpec net;
  net.generator = "sbm";
  net.block_sizes = blocks;
  ChannelSpec c = everyone_once(0.1);
  c.targeting = "group";
  c.group = 1;
  c.reach = 0.2;
  c.stop = 0;
  const ScenarioCampaign campaign(g, {c}, {}, 10, &net);
  auto run = campaign.make_run();
  run->begin(1, 0);
  std::set<NodeId> reached;
  for (Step t = 1; t <= 10; ++t) {
    const auto ex = run->exposures(t);
    CHECK(ex.size() == 140);
    for (const auto& e : ex) {
      CHECK(e.agent >= 300);
      reached.insert(e.agent);
    }
  }
  CHECK(reached.size() > 140);  // a fresh sample each flight
  c.group = 2;
  CHECK_THROWS_AS(ScenarioCampaign(g, {c}, {}, 10, &net), InputError);
}
