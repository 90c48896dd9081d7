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
  /// expose() is fired(), a pure function of the arc: the engine decides each arc before it
  /// reads the head (detail::DecidedByArc).
  static constexpr bool kDecidedByArc = true;
  /// Reads [population] susceptibility (here) and activity (the engine defers claims).
  static constexpr bool kAgentTraits = true;
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
    return fired(ctx, arc);
  }

  /// Whether the exposure over `arc` at ctx.step converts its head (pure: attribution asks
  /// again after the step and gets the same answer).
  template <class Ctx>
  [[nodiscard]] bool fired(const Ctx& ctx, ArcId arc) const noexcept {
    const Graph& g = ctx.graph;
    const std::uint64_t trust = g.has_uniform_trust() ? g.uniform_trust() : g.trust(arc);
    const std::uint64_t u = draw64(ctx.replicate.spread_key, arc) >> 1;
    const std::uint64_t c = cutoff(trust, ctx.sharing);
    if (u >= c) return false;  // susceptibility is at most 1: an arc that fails here fails anyway
    if (ctx.traits == nullptr) return true;
    return u < susceptible(c, ctx.traits->susceptibility(g.head(arc)));
  }

  /// An exposure from a channel (sponsored impression, influencer post) converts with
  /// probability p × its trust, like an arc; `bits` is the engine's draw for it.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId agent, std::uint32_t weight,
                                     std::uint64_t bits) const noexcept {
    const std::uint64_t c = cutoff(weight, kTrustOne);
    return (bits >> 1) < (ctx.traits == nullptr ? c : susceptible(c, ctx.traits->susceptibility(agent)));
  }

 private:
  /// 2^63 × p × trust × sharing (all fixed point), saturating: probabilities above 1 fire always.
  [[nodiscard]] std::uint64_t cutoff(std::uint64_t trust, std::uint32_t sharing) const noexcept {
    const std::uint64_t base = p_fixed_ * trust;  // < 2^64: p_fixed <= 2^48, trust < 2^16
    if (sharing == kTrustOne) return base;
    __extension__ using u128 = unsigned __int128;
    const u128 scaled = (static_cast<u128>(base) * sharing) >> 15;
    return scaled > (u128{1} << 63) ? (std::uint64_t{1} << 63) : static_cast<std::uint64_t>(scaled);
  }

  /// The cutoff for an agent of susceptibility s (fixed point, at most kTrustOne): c × s.
  [[nodiscard]] static std::uint64_t susceptible(std::uint64_t c, std::uint32_t s) noexcept {
    __extension__ using u128 = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<u128>(c) * s) >> 15);
  }

  std::uint64_t p_fixed_;  ///< probability × 2^48
};

}  // namespace wom
