// SPDX-License-Identifier: MIT
#include "models/channels/campaign.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <unordered_map>

#include "sim/error.hpp"
#include "sim/network/trust.hpp"
#include "sim/random.hpp"
#include "sim/seeds.hpp"

namespace wom {
namespace {

std::int64_t to_cents(double dollars) { return std::llround(dollars * 100.0); }

bool flight_at(const ScenarioCampaign::Resolved& c, Step t) {
  return t >= c.spec.start && t <= c.stop && (t - c.spec.start) % c.spec.every == 0;
}

class Run final : public CampaignRun {
 public:
  Run(const Graph& g, const PopulationSpec& population, const std::vector<ScenarioCampaign::Resolved>& channels)
      : g_(g), population_(population), channels_(channels) {
    for (const auto& c : channels_) {
      if (c.spec.type == "sponsored" && c.spec.fatigue < 1.0) {
        impressions_.emplace_back(g.num_nodes(), 0);
      } else {
        impressions_.emplace_back();
      }
      if (c.spec.type == "sponsored" && c.fixed_targets.empty()) drawn_.resize(g.num_nodes(), 0);
      if (c.spec.type == "influencer" && c.fixed_targets.empty()) {
        hub_plans_.emplace_back(g, std::vector<SeedSpec>{c.spec.seed}, 0x1F1 + c.id);
      } else {
        hub_plans_.emplace_back();
      }
    }
  }

  void begin(std::uint64_t seed, std::uint32_t replicate) override {
    seed_ = seed;
    replicate_ = replicate;
    key_ = stream_key(seed, replicate, Stream::kChannels);
    donation_key_ = stream_key(seed, replicate, Stream::kDonation);
    remaining_.clear();
    for (const auto& c : channels_) remaining_.push_back(c.budget_cents);
    raised_ = 0;
    goal_reached_ = false;
    for (const NodeId v : fatigued_)
      for (auto& counts : impressions_)
        if (!counts.empty()) counts[v] = 0;
    fatigued_.clear();
    hubs_.assign(channels_.size(), {});
    for (std::size_t i = 0; i < channels_.size(); ++i) {
      const auto& c = channels_[i];
      if (c.spec.type != "influencer") continue;
      if (!c.fixed_targets.empty()) hubs_[i] = c.fixed_targets;
      else hub_plans_[i].seeds_for(seed, replicate, hubs_[i]);
    }
  }

  /// In the canonical order (agent, channel, source), so that the engine's draws (keyed by
  /// position) and attribution's lookups do not depend on how the list was built. Channels
  /// come in id order and each appends its own exposures sorted by (agent, source), so one
  /// merge per channel keeps the list sorted: sorting the whole list was a fifth of a
  /// sponsored run.
  std::span<ChannelExposure> exposures(Step t) override {
    buffer_.clear();
    for (std::size_t i = 0; i < channels_.size(); ++i) {
      const auto& c = channels_[i];
      if ((c.spec.type != "sponsored" && c.spec.type != "influencer") || !flight_at(c, t)) continue;
      if (remaining_[i] < c.flight_cost_cents) continue;  // budget spent
      remaining_[i] -= c.flight_cost_cents;
      spent_now_.push_back({c.id, c.flight_cost_cents});
      const auto before = static_cast<std::ptrdiff_t>(buffer_.size());
      if (c.spec.type == "sponsored") sponsored_flight(i, t);
      else influencer_post(i);
      std::inplace_merge(buffer_.begin(), buffer_.begin() + before, buffer_.end(), canonical);
    }
    return buffer_;
  }

  [[nodiscard]] bool acts_after(Step t) const override {
    for (std::size_t i = 0; i < channels_.size(); ++i) {
      const auto& c = channels_[i];
      if (c.spec.type != "sponsored" && c.spec.type != "influencer") continue;
      if (remaining_[i] < c.flight_cost_cents) continue;
      // Next flight after t.
      const Step next = t < c.spec.start ? c.spec.start : c.spec.start + ((t - c.spec.start) / c.spec.every + 1) * c.spec.every;
      if (next <= c.stop) return true;
    }
    return false;
  }

  [[nodiscard]] std::uint32_t sharing_multiplier(Step) const override {
    const auto* r = active_referral();
    return r ? r->multiplier : kTrustOne;
  }
  [[nodiscard]] std::uint8_t friends_credit(Step) const override {
    const auto* r = active_referral();
    return r ? r->id : kFriendsChannel;
  }

  bool account(Step t, std::span<const NodeId> adopters, std::span<const Tip> tips, StepMoney& money) override {
    for (const auto& [id, cents] : spent_now_) money.spend[id] += cents;
    spent_now_.clear();
    bool over = false;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
      const auto& c = channels_[i];
      if (c.spec.type == "referral") {
        const auto referred = static_cast<std::int64_t>(
            std::count_if(tips.begin(), tips.end(), [&](const Tip& tip) { return tip.channel == c.id; }));
        const std::int64_t paid = std::min(referred * c.reward_cents, remaining_[i]);
        remaining_[i] -= paid;
        money.spend[c.id] += paid;
      } else if (c.spec.type == "fundraiser") {
        if (t == 0 && !c.spec.seeds_donate) continue;
        for (const NodeId v : adopters) {
          CounterEngine engine(derive(donation_key_, v));
          const std::int64_t cents = std::max<std::int64_t>(0, to_cents(population_.donation.sample(engine)));
          money.donations += cents;
          money.donors += cents > 0;
        }
        raised_ += money.donations;
        if (c.goal_cents > 0 && raised_ >= c.goal_cents) {
          money.goal_reached = true;
          if (!goal_reached_ && c.spec.stop_at_goal) over = true;
          goal_reached_ = true;
        }
      }
    }
    return over;
  }

 private:
  /// The running referral programme (the first with budget left for a reward), if any.
  [[nodiscard]] const ScenarioCampaign::Resolved* active_referral() const {
    for (std::size_t i = 0; i < channels_.size(); ++i)
      if (channels_[i].spec.type == "referral" && remaining_[i] >= std::max<std::int64_t>(channels_[i].reward_cents, 1))
        return &channels_[i];
    return nullptr;
  }

  void sponsored_flight(std::size_t i, Step t) {
    const auto& c = channels_[i];
    targets_.clear();
    if (!c.fixed_targets.empty()) {
      targets_ = c.fixed_targets;
    } else {  // Floyd's algorithm over the flight's own stream (agents, or positions in the group)
      const std::uint64_t key = derive(derive(key_, c.id), static_cast<std::uint64_t>(t));
      const NodeId n = c.pool.empty() ? g_.num_nodes() : static_cast<NodeId>(c.pool.size());
      // In ascending order (a group's pool is, so its agents stay in order): read off (and
      // cleared from) the marks when the flight reaches more than a sixteenth of them, else
      // listed as drawn and sorted. Whether a draw collides, and whether an agent is marked,
      // are coin flips to the processor: both loops select and count instead of branching.
      // (Through raw pointers: a store to the byte marks may alias anything, and the vectors'
      // own pointers would be read again at every agent.)
      const bool dense = c.reach > n / 16;
      targets_.resize(c.reach + 1);  // the dense scan writes one past the last mark
      NodeId* const targets = targets_.data();
      std::uint8_t* const drawn = drawn_.data();
      std::uint64_t draw = 0;
      for (std::uint64_t j = n - c.reach, k = 0; j < n; ++j, ++k) {
        const auto u = static_cast<NodeId>(bounded(draw64(key, draw++), j + 1));
        const NodeId v = u ^ ((u ^ static_cast<NodeId>(j)) & (NodeId{0} - drawn[u]));  // drawn already: j
        drawn[v] = 1;
        targets[k] = v;
      }
      if (dense) {
        std::size_t k = 0;
        for (NodeId v = 0; v < n; ++v) {
          targets[k] = v;
          k += drawn[v];
          drawn[v] = 0;
        }
      }
      targets_.pop_back();
      if (!dense) {
        for (const NodeId v : targets_) drawn[v] = 0;
        std::sort(targets_.begin(), targets_.end());
      }
      if (!c.pool.empty())
        for (NodeId& v : targets_) v = c.pool[v];
    }
    auto& counts = impressions_[i];
    for (const NodeId v : targets_) {
      std::uint32_t w = c.trust;
      if (!counts.empty()) {  // wear-out: the k-th impression weighs fatigue^(k-1)
        if (counts[v] == 0) fatigued_.push_back(v);
        w = counts[v] < c.worn_trust.size() ? c.worn_trust[counts[v]] : 0;
        if (counts[v] < 0xFFFF) ++counts[v];
      }
      buffer_.push_back({v, w, c.id, kNoNode, false});
    }
  }

  void influencer_post(std::size_t i) {
    const auto& c = channels_[i];
    // Each hub's row is in head order within each layer, so the post is a merge of one sorted
    // run per hub (a run sorted first only where layers interleave), pairwise: about log2(hubs)
    // passes instead of a sort of the whole post.
    runs_.assign(1, buffer_.size());
    for (const NodeId h : hubs_[i]) {
      for (ArcId a = g_.arc_begin(h); a < g_.arc_end(h); ++a) buffer_.push_back({g_.head(a), c.trust, c.id, h, false});
      const auto run = buffer_.begin() + static_cast<std::ptrdiff_t>(runs_.back());
      if (!std::is_sorted(run, buffer_.end(), canonical)) std::sort(run, buffer_.end(), canonical);
      runs_.push_back(buffer_.size());
    }
    const auto at = [&](std::size_t k) { return buffer_.begin() + static_cast<std::ptrdiff_t>(runs_[k]); };
    while (runs_.size() > 2) {  // runs [runs_[k], runs_[k + 1]); merged two by two, an odd last one kept
      std::size_t kept = 1;
      for (std::size_t k = 0; k + 2 < runs_.size(); k += 2) {
        std::inplace_merge(at(k), at(k + 1), at(k + 2), canonical);
        runs_[kept++] = runs_[k + 2];
      }
      if (runs_.size() % 2 == 0) runs_[kept++] = runs_.back();
      runs_.resize(kept);
    }
  }

  // A closure type, not a function: std::sort inlines it (through a function pointer each
  // comparison was a call).
  static constexpr auto canonical = [](const ChannelExposure& a, const ChannelExposure& b) {
    return std::tie(a.agent, a.channel, a.source) < std::tie(b.agent, b.channel, b.source);
  };

  const Graph& g_;
  const PopulationSpec& population_;
  const std::vector<ScenarioCampaign::Resolved>& channels_;
  std::uint64_t seed_ = 0, key_ = 0, donation_key_ = 0;
  std::uint32_t replicate_ = 0;
  std::vector<std::int64_t> remaining_;
  std::vector<std::pair<std::uint8_t, std::int64_t>> spent_now_;
  std::int64_t raised_ = 0;
  bool goal_reached_ = false;
  std::vector<std::vector<std::uint16_t>> impressions_;  ///< per sponsored channel with fatigue
  std::vector<NodeId> fatigued_;                          ///< agents with an impression count to reset
  std::vector<SeedPlan> hub_plans_;
  std::vector<std::vector<NodeId>> hubs_;
  std::vector<NodeId> targets_;
  std::vector<std::size_t> runs_;  ///< an influencer post's sorted runs, by their bounds in buffer_
  /// Floyd's sampling: 1 for the agents (or group positions) the flight has drawn so far,
  /// cleared after each flight. A hash set per flight was a fifth of a sponsored run's time,
  /// most of it allocating its nodes.
  std::vector<std::uint8_t> drawn_;
  std::vector<ChannelExposure> buffer_;
};

}  // namespace

std::vector<std::uint32_t> ScenarioCampaign::agent_groups(const Graph& graph, const PopulationSpec& population,
                                                         const NetworkSpec* network) {
  std::vector<std::uint32_t> groups(graph.num_nodes(), kNoGroup);
  if (population.groups.empty()) {
    if (network == nullptr || network->generator != "sbm") return groups;
    NodeId at = 0;  // sbm agents are numbered block by block
    for (std::size_t b = 0; b < network->block_sizes.size(); ++b)
      for (NodeId i = 0; i < network->block_sizes[b] && at < graph.num_nodes(); ++i) groups[at++] = static_cast<std::uint32_t>(b);
    return groups;
  }
  const std::string& path = population.groups;
  std::ifstream in(path);
  if (!in) throw IoError("population.groups: cannot read '" + path + "'");
  std::unordered_map<std::uint64_t, NodeId> agent_of;
  agent_of.reserve(graph.num_nodes());
  for (NodeId u = 0; u < graph.num_nodes(); ++u) agent_of.emplace(graph.label(u), u);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const auto where = [&] { return path + ":" + std::to_string(number) + ": population.groups: "; };
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::uint64_t fields[2];
    std::size_t found = 0;
    const char* p = line.data();
    const char* end = line.data() + line.size();
    while (p < end) {
      while (p < end && (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r')) ++p;
      if (p == end) break;
      if (found == 2) throw InputError(where() + "expected two columns `agent group`, found more");
      const auto [next, ec] = std::from_chars(p, end, fields[found]);
      if (ec != std::errc() || (next < end && *next != ' ' && *next != '\t' && *next != ',' && *next != '\r'))
        throw InputError(where() + "expected non-negative integers `agent group`");
      ++found;
      p = next;
    }
    if (found == 0) continue;
    if (found == 1) throw InputError(where() + "expected two columns `agent group`, found one");
    const auto it = agent_of.find(fields[0]);
    if (it == agent_of.end())
      throw InputError(where() + "agent " + std::to_string(fields[0]) + " is not in the network");
    if (fields[1] >= kNoGroup) throw InputError(where() + "group " + std::to_string(fields[1]) + " is too large");
    groups[it->second] = static_cast<std::uint32_t>(fields[1]);
  }
  return groups;
}

ScenarioCampaign::ScenarioCampaign(const Graph& graph, const std::vector<ChannelSpec>& channels,
                                   const PopulationSpec& population, Step run_steps, const NetworkSpec* network)
    : graph_(graph), population_(population), names_{"seed", "friends", "spontaneous"} {
  std::vector<std::uint32_t> groups;  // read once, if some channel targets a group
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const ChannelSpec& spec = channels[i];
    if (spec.type == "seed") continue;
    if (names_.size() >= 255) throw InputError("channel: at most 252 channels besides seeds");
    const std::string where = "channel." + std::to_string(i);
    Resolved c;
    c.spec = spec;
    c.id = static_cast<std::uint8_t>(names_.size());
    std::string name = spec.name.empty() ? spec.type : spec.name;
    if (std::find(names_.begin(), names_.end(), name) != names_.end()) name.append("#").append(std::to_string(i));
    names_.push_back(name);
    c.trust = trust_fixed(spec.trust, (where + ".trust").c_str());
    c.budget_cents = to_cents(spec.budget);
    c.stop = spec.stop > 0 ? spec.stop : run_steps;
    if (spec.type == "sponsored") {
      if (spec.targeting == "group") {
        if (groups.empty()) groups = agent_groups(graph, population, network);
        for (NodeId u = 0; u < graph.num_nodes(); ++u)
          if (groups[u] == spec.group) c.pool.push_back(u);
        if (c.pool.empty())
          throw InputError(where + ".group: no agent is in group " + std::to_string(spec.group));
      }
      const NodeId audience = c.pool.empty() ? graph.num_nodes() : static_cast<NodeId>(c.pool.size());
      c.reach = static_cast<NodeId>(std::clamp<double>(std::round(spec.reach * audience), 1, audience));
      c.flight_cost_cents = std::llround(c.reach * spec.cpm / 1000.0 * 100.0);
      if (spec.targeting == "degree") {  // in id order, as a flight lists its targets
        c.fixed_targets = top_degree_agents(graph, c.reach);
        std::sort(c.fixed_targets.begin(), c.fixed_targets.end());
      }
      if (spec.fatigue < 1.0)  // a table: std::pow per impression was a sixteenth of a sponsored run
        for (std::uint32_t k = 0; k <= 0xFFFF; ++k) {
          const auto w = static_cast<std::uint32_t>(std::lround(c.trust * std::pow(spec.fatigue, k)));
          if (w == 0) break;
          c.worn_trust.push_back(w);
        }
      attribution_ = true;
    } else if (spec.type == "influencer") {
      if (spec.seed.strategy == "explicit" || spec.seed.strategy == "top_degree") {
        std::vector<NodeId> hubs;
        SeedPlan(graph, {spec.seed}).seeds_for(0, 0, hubs);
        c.fixed_targets = hubs;
      } else if (spec.seed.count > graph.num_nodes()) {
        throw InputError(where + ".count: " + std::to_string(spec.seed.count) + " hubs requested but the network has " +
                         std::to_string(graph.num_nodes()) + " agents");
      }
      c.flight_cost_cents = to_cents(spec.cost_per_post) * static_cast<std::int64_t>(spec.seed.count);
      if (!c.fixed_targets.empty()) c.flight_cost_cents = to_cents(spec.cost_per_post) * static_cast<std::int64_t>(c.fixed_targets.size());
      attribution_ = true;
    } else if (spec.type == "referral") {
      c.reward_cents = to_cents(spec.reward);
      c.multiplier = static_cast<std::uint32_t>(std::lround(spec.multiplier * kTrustOne));
      attribution_ = true;
    } else if (spec.type == "fundraiser") {
      c.goal_cents = to_cents(spec.goal);
    }
    channels_.push_back(std::move(c));
  }
}

std::unique_ptr<CampaignRun> ScenarioCampaign::make_run() const {
  return std::make_unique<Run>(graph_, population_, channels_);
}

}  // namespace wom
