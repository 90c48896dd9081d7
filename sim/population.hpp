// SPDX-License-Identifier: MIT
#pragma once
/// @file Per-agent traits that change how exposures act, drawn per replicate and agent from
/// their own counter-based streams: susceptibility (the share of an exposure's pull that
/// reaches the agent) and activity (the chance the agent is online in a step, optionally
/// following a day/night cycle). Nothing is stored per agent: each trait is a pure function of
/// (seed, replicate, agent[, step]), computed where an exposure has already tipped, so runs
/// without these traits pay nothing and runs with them pay only on the rare tipping path. The
/// one exception is the activity of agents tipped while offline: the claim that found them
/// offline keeps the activity it drew (ReplicateState::deferred_activity), and the engine
/// copies it beside them in the waiting list (AttributionScratch::pending_activity), which it
/// reads in order every step.
/// Semantics per model: models/channels/README.md and docs/models.md.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "sim/distribution.hpp"
#include "sim/random.hpp"
#include "sim/spec.hpp"
#include "sim/types.hpp"

namespace wom {

/// A replicate's keys of the trait streams.
struct TraitKeys {
  std::uint64_t susceptibility = 0;  ///< Stream::kSusceptibility: one draw per agent
  std::uint64_t activity = 0;        ///< Stream::kActivity: one draw per agent
  std::uint64_t online = 0;          ///< Stream::kOnline: one draw per (step, agent)
};

/// The population's traits besides thresholds and donations, as the engine and models use them.
class Population {
 public:
  Population() = default;  ///< no traits: every agent fully susceptible and always online
  Population(const PopulationSpec& spec, double step_hours)
      : susceptibility_(spec.susceptibility),
        activity_(spec.activity),
        cycle_(spec.activity_cycle),
        peak_hour_(spec.peak_hour),
        start_hour_(spec.start_hour),
        step_hours_(step_hours),
        has_susceptibility_(!(spec.susceptibility.kind == Distribution::Kind::kConstant &&
                              spec.susceptibility.value == 1.0)),
        has_activity_(!(spec.activity.kind == Distribution::Kind::kConstant && spec.activity.value == 1.0 &&
                        spec.activity_cycle == 0.0)) {}

  [[nodiscard]] bool has_susceptibility() const noexcept { return has_susceptibility_; }
  [[nodiscard]] bool has_activity() const noexcept { return has_activity_; }
  [[nodiscard]] bool active() const noexcept { return has_susceptibility_ || has_activity_; }

  [[nodiscard]] static TraitKeys keys(std::uint64_t seed, std::uint32_t replicate) noexcept {
    return {stream_key(seed, replicate, Stream::kSusceptibility), stream_key(seed, replicate, Stream::kActivity),
            stream_key(seed, replicate, Stream::kOnline)};
  }

  /// Susceptibility of `v` in fixed point (kTrustOne = 1), in [0, kTrustOne].
  [[nodiscard]] std::uint32_t susceptibility(const TraitKeys& k, NodeId v) const {
    if (!has_susceptibility_) return kTrustOne;
    CounterEngine engine(derive(k.susceptibility, v));
    const double s = std::clamp(susceptibility_.sample(engine), 0.0, 1.0);
    return static_cast<std::uint32_t>(std::lround(s * kTrustOne));
  }

  /// Activity of `v`: its chance to be online in a step at the cycle's peak, in [0, 1].
  [[nodiscard]] double activity(const TraitKeys& k, NodeId v) const {
    CounterEngine engine(derive(k.activity, v));
    return std::clamp(activity_.sample(engine), 0.0, 1.0);
  }

  /// Factor of the day/night cycle at step t (1 at the peak hour, 1 - activity_cycle twelve
  /// hours away): 1 - cycle (1 - cos(2π (h - peak) / 24)) / 2, h the hour of day in the middle
  /// of step t, i.e. start_hour + (t - 1/2) step_hours.
  [[nodiscard]] double cycle_factor(Step t) const noexcept {
    if (cycle_ == 0.0) return 1.0;
    const double hour = start_hour_ + (static_cast<double>(t) - 0.5) * step_hours_;
    return 1.0 - cycle_ * (1.0 - std::cos(2.0 * std::numbers::pi * (hour - peak_hour_) / 24.0)) / 2.0;
  }

  /// Whether `v` is online in step t: a uniform draw keyed by (t, v) below activity × cycle.
  [[nodiscard]] bool online(const TraitKeys& k, NodeId v, Step t) const {
    if (!has_activity_) return true;
    return online_with(k, v, t, activity(k, v));
  }
  /// The same for an agent whose activity(k, v) is known: `activity`.
  [[nodiscard]] bool online_with(const TraitKeys& k, NodeId v, Step t, double activity) const {
    return online_by_chance(k, v, t, activity * cycle_factor(t));
  }
  /// The same for an agent whose activity(k, v) × cycle_factor(t) is known: `chance`.
  [[nodiscard]] static bool online_by_chance(const TraitKeys& k, NodeId v, Step t, double chance) noexcept {
    return to_unit(draw64(derive(k.online, static_cast<std::uint64_t>(t)), v)) < chance;
  }

 private:
  Distribution susceptibility_{Distribution::Kind::kConstant, 1.0};
  Distribution activity_{Distribution::Kind::kConstant, 1.0};
  double cycle_ = 0.0, peak_hour_ = 20.0, start_hour_ = 0.0, step_hours_ = 1.0;
  bool has_susceptibility_ = false, has_activity_ = false;
};

/// A replicate's traits as a running step sees them (Exposure::traits); null when the run has none.
struct AgentTraits {
  const Population* population = nullptr;
  TraitKeys keys{};
  [[nodiscard]] std::uint32_t susceptibility(NodeId v) const { return population->susceptibility(keys, v); }
  /// Whether v is online at t, given its activity(v).
  [[nodiscard]] bool online(NodeId v, Step t, double activity) const {
    return population->online_with(keys, v, t, activity);
  }
  [[nodiscard]] double activity(NodeId v) const { return population->activity(keys, v); }
};

}  // namespace wom
