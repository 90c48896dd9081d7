// SPDX-License-Identifier: MIT
#pragma once
/// @file Independent cascade (Goldenberg, Libai & Muller 2001; Kempe, Kleinberg & Tardos 2003).
///
/// An agent that adopts at step t gets one chance, at step t+1, to convert each out-neighbour
/// v, succeeding with probability p_uv = probability × trust(u→v), independently per arc.
/// With trust 1 on every arc this is the classic IC model with uniform probability p.
/// Equations and validation: models/independent_cascade/README.md.

#include <cmath>
#include <cstdint>

#include "sim/engine.hpp"
#include "sim/random.hpp"

namespace wom {

class IndependentCascade {
 public:
  static constexpr bool kUsesPressure = false;
  struct Replicate {
    std::uint64_t spread_key;
  };

  /// @param probability base conversion probability in [0, 1].
  explicit IndependentCascade(double probability)
      : p_fixed_(static_cast<std::uint64_t>(std::llround(std::ldexp(probability, 48)))) {}

  /// One step: the agents that adopted last step expose their out-neighbours.
  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    return spread_frontier(*this, ctx);
  }

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kSpread)};
  }

  /// One draw per arc, keyed by (replicate, arc): each arc fires at most once per replicate
  /// because its tail adopts once. Success iff u < p × trust with u uniform on 63 bits:
  /// p × trust / 2^15 × 2^63 = (p × 2^48) × trust, one integer multiply and no division.
  /// The draw needs no memory access but the trust column, so arcs that fail (most of them
  /// when p is small) never touch the head's state.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose(const Ctx& ctx, ArcId arc) const noexcept {
    const Graph& g = ctx.graph;
    const std::uint64_t trust = g.has_uniform_trust() ? g.uniform_trust() : g.trust(arc);
    return (draw64(ctx.replicate.spread_key, arc) >> 1) < p_fixed_ * trust;
  }

 private:
  std::uint64_t p_fixed_;  ///< probability × 2^48
};

}  // namespace wom
