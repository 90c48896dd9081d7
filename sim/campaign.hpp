// SPDX-License-Identifier: MIT
#pragma once
/// @file The engine's view of a run's channels: exposures that do not travel over arcs
/// (sponsored impressions, influencer posts), a multiplier on friends' sharing (referral
/// programmes), and the accounting of money (spend, donations, goals). The channels
/// themselves live in models/channels/; the engine calls them once per step, never per arc.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/types.hpp"

namespace wom {

/// Channel ids in results. Every run has the first three; a scenario's other channels follow
/// in file order.
inline constexpr std::uint8_t kSeedChannel = 0;         ///< seeds, at step 0
inline constexpr std::uint8_t kFriendsChannel = 1;      ///< word of mouth over arcs
inline constexpr std::uint8_t kSpontaneousChannel = 2;  ///< adoption with no exposure in its step (e.g. Bass innovators)
inline constexpr std::uint8_t kFirstCampaignChannel = 3;

/// One exposure from a channel rather than over an arc.
struct ChannelExposure {
  NodeId agent = kNoNode;
  std::uint32_t weight = 0;       ///< fixed-point trust it carries (after fatigue)
  std::uint8_t channel = 0;
  NodeId source = kNoNode;        ///< influencer hub, or kNoNode
  bool fired = false;             ///< set by the engine: the model said this exposure tips the agent
};

/// Whether a channel exposure of fixed-point trust `weight` persuades, with probability
/// min(1, trust), from 64 random bits: the rule of models whose own contacts carry no
/// probability (threshold counts, Bass, rumours), where trust 1 weighs like a friend.
[[nodiscard]] inline bool persuades(std::uint64_t bits, std::uint32_t weight) noexcept {
  // u < w / 2^15 with u = bits / 2^64 on 63 bits: (bits >> 1) < w · 2^48; saturates at w >= 1.
  return (bits >> 1) < (std::uint64_t{weight} << 48) || weight >= kTrustOne;
}

/// A model's own reason for an adoption, for models that draw one decision per agent (Bass):
/// on its own (innovation), because of its adopted neighbours (imitation), or neither (so a
/// channel's exposure converted it).
enum class OwnCause : std::uint8_t { kNone, kSpontaneous, kNeighbours };

/// Who tipped an adopter: the channel, the source agent (for friends and influencers) and
/// the network layer of the arc (friends only).
struct Tip {
  NodeId source = kNoNode;
  std::uint8_t channel = kSeedChannel;
  std::uint8_t layer = 0;
};

/// Money of one step, in integer cents: spend per channel and donations received.
struct StepMoney {
  std::vector<std::int64_t> spend;  ///< [channel]
  std::int64_t donations = 0;
  std::uint64_t donors = 0;         ///< adopters who gave a positive amount
  bool goal_reached = false;        ///< donations so far reach the fundraiser's goal
};

/// One worker's instance of a run's channels, reused across replicates. Called serially.
class CampaignRun {
 public:
  virtual ~CampaignRun() = default;
  /// Starts a replicate: resets budgets and fatigue counters, draws per-replicate choices.
  virtual void begin(std::uint64_t seed, std::uint32_t replicate) = 0;
  /// The channel exposures of step t, sorted by (agent, channel, source); the engine sets
  /// `fired` on each. Valid until the next call.
  virtual std::span<ChannelExposure> exposures(Step t) = 0;
  /// Factor on friends' sharing at step t, fixed point (kTrustOne = none).
  [[nodiscard]] virtual std::uint32_t sharing_multiplier(Step t) const = 0;
  /// The channel friend-tipped adoptions of step t are credited to (a running referral
  /// programme, else kFriendsChannel).
  [[nodiscard]] virtual std::uint8_t friends_credit(Step t) const = 0;
  /// Whether the channels will still act after step t (a flight or post scheduled with budget
  /// left): the engine does not stop a quiet replicate while they will.
  [[nodiscard]] virtual bool acts_after(Step t) const = 0;
  /// Books step t's adoptions (tips[i] tipped adopters[i]); fills `money`. Returns true when
  /// the campaign is over (a fundraiser reached its goal with stop_at_goal).
  virtual bool account(Step t, std::span<const NodeId> adopters, std::span<const Tip> tips, StepMoney& money) = 0;
};

/// A run's channels, resolved against the network once; hands out per-worker instances.
class Campaign {
 public:
  virtual ~Campaign() = default;
  /// Names of all channel ids: "seed", "friends", "spontaneous", then the scenario's channels.
  [[nodiscard]] virtual const std::vector<std::string>& channel_names() const = 0;
  [[nodiscard]] virtual std::unique_ptr<CampaignRun> make_run() const = 0;
  /// Whether tips must be worked out per adoption (any channel besides seeds and friends).
  [[nodiscard]] virtual bool needs_attribution() const = 0;
};

}  // namespace wom
