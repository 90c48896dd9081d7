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

  /// One step: the agents that adopted last step expose their out-neighbours.
  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    return spread_frontier(*this, ctx);
  }

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
  /// The crossing closes the cell (threshold = kClosed), so later exposures of an adopter cost
  /// one read of its cell and nothing else; seeds' cells are never opened because the engine
  /// rejects their claims anyway.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose(const Ctx& ctx, ArcId arc) const {
    std::uint32_t w = trust_of(ctx.graph, arc);
    if (ctx.sharing != kTrustOne) w = static_cast<std::uint32_t>((std::uint64_t{w} * ctx.sharing) >> 15);
    return push<kParallel>(ctx, ctx.graph.head(arc), w);
  }

  /// A channel exposure adds its trust like a friend's.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId agent, std::uint32_t weight, std::uint64_t) const {
    return push<kParallel>(ctx, agent, weight);
  }

 private:
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool push(const Ctx& ctx, NodeId head, std::uint32_t w) const {
    ReplicateState& s = ctx.state;
    if (w == 0) return false;
    auto& cell = s.pressure[head];
    std::uint32_t theta = load(cell.threshold);
    if (theta == ReplicateState::kClosed) return false;
    const std::uint32_t old = add<kParallel>(cell.pressure, w);
    if (old == 0) {  // first exposure: this caller alone registers the cell for reset
      s.template touch<kParallel>(head);
    }
    if (theta == 0) {  // not drawn yet: a pure function, so racing callers agree on it
      theta = threshold_of(ctx.replicate, head);
      publish<kParallel>(cell.threshold, theta);
    }
    if (old < theta && old + w >= theta) {
      store<kParallel>(cell.threshold, ReplicateState::kClosed);
      return true;
    }
    return false;
  }

  static std::uint32_t trust_of(const Graph& g, ArcId arc) noexcept {
    return g.has_uniform_trust() ? g.uniform_trust() : g.trust(arc);
  }
  // Relaxed atomics in parallel steps: the cell's values are order-independent sums and
  // pure-function thresholds, so no ordering between agents is needed.
  static std::uint32_t load(std::uint32_t& v) noexcept {
    return std::atomic_ref<std::uint32_t>(v).load(std::memory_order_relaxed);
  }
  template <bool kParallel>
  static void store(std::uint32_t& v, std::uint32_t x) noexcept {
    if constexpr (kParallel) std::atomic_ref<std::uint32_t>(v).store(x, std::memory_order_relaxed); else v = x;
  }
  /// Stores a freshly drawn threshold unless the cell moved on (another caller drew it, or
  /// closed it), so a late writer never reopens a closed cell.
  template <bool kParallel>
  static void publish(std::uint32_t& v, std::uint32_t x) noexcept {
    if constexpr (kParallel) {
      std::uint32_t expected = 0;
      std::atomic_ref<std::uint32_t>(v).compare_exchange_strong(expected, x, std::memory_order_relaxed);
    } else {
      v = x;
    }
  }
  template <bool kParallel>
  static std::uint32_t add(std::uint32_t& v, std::uint32_t x) noexcept {
    if constexpr (kParallel) return std::atomic_ref<std::uint32_t>(v).fetch_add(x, std::memory_order_relaxed);
    const std::uint32_t old = v;
    v = old + x;
    return old;
  }
  Distribution threshold_;
};

}  // namespace wom
