// SPDX-License-Identifier: MIT
#pragma once
/// @file Fractional threshold (Watts 2002, "A simple model of global cascades on random
/// networks", PNAS 99(9)).
///
/// Agent v, with k_v in-neighbours and threshold φ_v drawn per replicate from
/// `[population] threshold`, adopts at step t when the fraction of its in-neighbours adopted
/// by step t-1 reaches φ_v:
///
///     m_v(t-1) / k_v >= φ_v .
///
/// The test is exact integer arithmetic: with Φ_v = floor(φ_v·2^32), v adopts once
/// m_v·2^32 >= Φ_v·k_v, i.e. once m_v reaches need_v = max(1, ceil(Φ_v·k_v/2^32)). Rounding φ
/// down at 2^-32 lets a fraction equal to the φ written pass (2 of 5 neighbours at φ = 0.4).
/// Trust is not used (every adopted neighbour counts 1); agents with no in-neighbours never
/// adopt on their own (a persuasive channel exposure counts as one contact; see
/// expose_external). Equations and validation: models/fractional_threshold/README.md, docs/models.md.

#include <cstdint>

#include "models/fractional_threshold/neighbour_count.hpp"
#include "sim/distribution.hpp"
#include "sim/engine.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/random.hpp"

namespace wom {

class FractionalThreshold {
 public:
  static constexpr bool kUsesPressure = true;
  /// count_exposure() reports the exposure that meets an agent's requirement once, and closes
  /// its cell (TipsOnce).
  static constexpr bool kTipsOnce = true;
  /// Every adopted neighbour counts one: arcs' trust is never read (engine walks skip it).
  static constexpr bool kIgnoresTrust = true;
  struct Replicate {
    std::uint64_t threshold_key;
  };

  /// @param graph the network it will run on (its in-degrees are the denominators).
  /// @throws InputError on an implicit complete graph.
  FractionalThreshold(Distribution threshold, const Graph& graph)
      : threshold_(threshold),
        constant_fraction_(threshold.kind == Distribution::Kind::kConstant
                               ? neighbour_count::fraction_fixed(threshold.value)
                               : kDrawn),
        in_degree_(graph) {
    neighbour_count::require_arcs(graph, "fractional_threshold");
  }

  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    return spread_frontier(*this, ctx);
  }

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kThreshold)};
  }

  /// Adopted in-neighbours v needs, a pure function of (seed, replicate, v).
  [[nodiscard]] std::uint32_t need_of(const Replicate& rep, const Graph& g, NodeId v) const {
    std::uint64_t fraction = constant_fraction_;
    if (fraction == kDrawn) {
      CounterEngine engine(derive(rep.threshold_key, v));
      fraction = neighbour_count::fraction_fixed(threshold_.sample(engine));
    }
    return neighbour_count::need_for_fraction(fraction, in_degree_(g, v));
  }

  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose(const Ctx& ctx, ArcId arc) const {
    return expose_counted<kParallel>(ctx, ctx.graph.head(arc));
  }

  /// Split steps route exposures to the task owning the head (detail::RoutesExposures), which
  /// counts them without atomics.
  template <class Ctx>
  [[nodiscard]] bool routes(const Ctx&) const noexcept {
    return true;
  }
  template <class Ctx>
  [[nodiscard]] std::uint32_t carried(const Ctx&, ArcId) const noexcept {
    return neighbour_count::kOneExposure;
  }
  template <class Ctx>
  [[nodiscard]] bool receive(const Ctx& ctx, NodeId head, std::uint32_t) const {
    return expose_counted<false, true>(ctx, head);
  }

  /// A channel exposure (sponsored post, influencer post) counts as one more adopted contact
  /// with probability min(1, its trust) (sim/campaign.hpp persuades): m_v counts it, k_v does
  /// not change.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId agent, std::uint32_t weight, std::uint64_t bits) const {
    if (!persuades(bits, weight)) return false;
    return expose_counted<kParallel>(ctx, agent);
  }

 private:
  /// neighbour_count::count_exposure with this model's need (its template flags).
  template <bool kAtomicCell, bool kSharedLists = kAtomicCell, class Ctx>
  [[nodiscard]] bool expose_counted(const Ctx& ctx, NodeId head) const {
    return neighbour_count::count_exposure<kAtomicCell, kSharedLists>(
        ctx.state, head, [&](NodeId v) { return need_of(ctx.replicate, ctx.graph, v); });
  }

  /// constant_fraction_ when φ is drawn per agent (fraction_fixed() never exceeds 2^34).
  static constexpr std::uint64_t kDrawn = ~std::uint64_t{0};
  Distribution threshold_;
  std::uint64_t constant_fraction_;  ///< Φ of a constant φ, computed once; else kDrawn
  InDegrees in_degree_;
};

// Compiled once, in fractional_threshold.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const FractionalThreshold&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
