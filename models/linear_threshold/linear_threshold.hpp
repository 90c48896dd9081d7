// SPDX-License-Identifier: MIT
#pragma once
/// @file Linear threshold with trust weights (Granovetter 1978; Kempe, Kleinberg & Tardos 2003).
///
/// Agent v adopts at step t when the trust it receives from neighbours adopted by step t-1
/// reaches its threshold θ_v: Σ_{u adopted} trust(u→v) >= θ_v. Thresholds are drawn per
/// replicate from `[population] threshold`. Fixed point: θ is rounded up to a multiple of
/// 2^-15 and at least 2^-15, so an agent needs at least one exposure with positive trust;
/// for θ ~ uniform(0,1) the quantised threshold is uniform on {1..2^15}/2^15 and
/// P(adopt | received trust W) = W exactly, the live-edge property the validation uses.
/// Equations and validation: models/linear_threshold/README.md.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>

#include "sim/distribution.hpp"
#include "sim/engine.hpp"
#include "sim/random.hpp"

namespace wom {

class LinearThreshold {
 public:
  static constexpr bool kUsesPressure = true;
  struct Replicate {
    std::uint64_t threshold_key;
  };

  explicit LinearThreshold(Distribution threshold) : threshold_(threshold) {}

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kThreshold)};
  }

  /// Threshold of agent v in fixed point, a pure function of (seed, replicate, v).
  [[nodiscard]] std::uint32_t threshold_of(const Replicate& rep, NodeId v) const {
    CounterEngine engine(derive(rep.threshold_key, v));
    const double theta = threshold_.sample(engine);
    const double q = std::ceil(theta * kTrustOne);
    return static_cast<std::uint32_t>(std::clamp(q, 1.0, 4294967295.0));
  }

  /// Adds the arc's trust to the head's pressure and reports whether this addition crossed
  /// the threshold. Exactly one addition crosses (the sums are integers, so which one is
  /// order-dependent but that it happens is not), and the engine's claim makes it adopt once.
  template <bool kParallel>
  [[nodiscard]] bool expose(const Exposure<Replicate>& ctx, ArcId arc) const {
    ReplicateState& s = ctx.state;
    const NodeId head = ctx.graph.head(arc);
    const std::uint32_t w = ctx.graph.trust(arc);
    if (w == 0) return false;
    if constexpr (kParallel) {
      if (std::atomic_ref<Step>(s.adopted_at[head]).load(std::memory_order_relaxed) != kNever) return false;
    } else {
      if (s.adopted_at[head] != kNever) return false;
    }
    std::uint32_t old;
    if constexpr (kParallel) {
      old = std::atomic_ref<std::uint32_t>(s.pressure[head]).fetch_add(w, std::memory_order_relaxed);
    } else {
      old = s.pressure[head];
      s.pressure[head] = old + w;
    }
    std::uint32_t theta;
    if (old == 0) {  // first exposure: this caller alone draws, caches and registers it
      theta = threshold_of(ctx.replicate, head);
      store(s.threshold[head], theta, kParallel);
      s.template touch<kParallel>(head);
    } else {
      theta = load(s.threshold[head], kParallel);
      if (theta == 0) theta = threshold_of(ctx.replicate, head);  // first toucher not done yet
    }
    return old < theta && old + w >= theta;
  }

 private:
  static void store(std::uint32_t& cell, std::uint32_t v, bool atomic) {
    if (atomic) std::atomic_ref<std::uint32_t>(cell).store(v, std::memory_order_relaxed); else cell = v;
  }
  static std::uint32_t load(std::uint32_t& cell, bool atomic) {
    return atomic ? std::atomic_ref<std::uint32_t>(cell).load(std::memory_order_relaxed) : cell;
  }
  Distribution threshold_;
};

}  // namespace wom
