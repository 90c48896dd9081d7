// SPDX-License-Identifier: MIT
#pragma once
/// @file Independent cascade (Goldenberg, Libai & Muller 2001; Kempe, Kleinberg & Tardos 2003).
///
/// An agent that adopts at step t gets one chance, at step t+1, to convert each out-neighbour
/// v, succeeding with probability p_uv = probability × trust(u→v), independently per arc.
/// With trust 1 on every arc this is the classic IC model with uniform probability p.
/// Equations and validation: models/independent_cascade/README.md.

#include <array>
#include <cmath>
#include <cstdint>

#include "sim/engine.hpp"
#include "sim/random.hpp"

namespace wom {

class IndependentCascade {
 public:
  static constexpr bool kUsesPressure = false;
  /// Exposures are decided by firing(), pure functions of the arcs: the engine decides each
  /// arc before it reads the head (detail::DecidedByArc).
  static constexpr bool kDecidedByArc = true;
  /// Reads [population] susceptibility (here) and activity (the engine defers claims).
  static constexpr bool kAgentTraits = true;
  struct Replicate {
    std::uint64_t spread_key;  ///< per-arc draws
    std::uint64_t first_key;   ///< per-agent draws of the first arc that fires (Firing::first)
  };

  /// @param probability base conversion probability in [0, 1].
  explicit IndependentCascade(double probability)
      : p_fixed_(static_cast<std::uint64_t>(std::llround(std::ldexp(probability, 48)))),
        plain_(Geometric::of(cutoff(p_fixed_, kTrustOne, kTrustOne), plain_powers_.data())) {}

  /// One step: the agents that adopted last step expose their out-neighbours.
  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    return spread_frontier(*this, ctx);
  }

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    const std::uint64_t key = stream_key(seed, replicate, Stream::kSpread);
    return {key, derive(key, 1)};
  }

  /// The first-arc draw for a uniform cutoff c = q·2^63 (Firing::first): 1 / ln(1 - q), and
  /// (1 - q)^d for small d where a table is kept (the model keeps one for its usual q).
  struct Geometric {
    static constexpr std::size_t kTable = 32;  ///< covers the degrees of most agents
    std::uint64_t cut = 0;
    bool on = false;                           ///< 0 < q < 1
    double inverse_log_miss = 0;
    std::size_t table = 0;                     ///< miss_power[d] is set for d < table
    const double* miss_power = nullptr;
    /// `storage` receives the table (kTable entries), or nullptr for none.
    static Geometric of(std::uint64_t c, double* storage) noexcept {
      Geometric g;
      g.cut = c;
      g.on = c > 0 && c < (std::uint64_t{1} << 63);
      if (!g.on) return g;
      const double log_miss = std::log1p(-std::ldexp(static_cast<double>(c), -63));
      g.inverse_log_miss = 1.0 / log_miss;
      if (storage == nullptr) return g;
      for (std::size_t d = 0; d < kTable; ++d) storage[d] = std::exp(static_cast<double>(d) * log_miss);
      g.table = kTable;
      g.miss_power = storage;
      return g;
    }
  };

  /// Which of a spreading agent's out-arcs fire, with the step's constants bound by value (read
  /// through the step's context, they would be reloaded on every arc: the engine's stores may
  /// alias them, and that costs as much as a draw).
  ///
  /// Arc a fires iff draw(a) < p × trust(a) with draw(a) uniform on 63 bits, keyed by (replicate,
  /// arc): p × trust / 2^15 × 2^63 = (p × 2^48) × trust, one integer multiply. Each arc fires at
  /// most once per replicate because its tail adopts once. When every arc has the same
  /// probability q (uniform trust, no susceptibility) the first arc to fire is drawn at once
  /// instead: its offset K among the tail's d arcs is geometric, P(K >= k) = (1 - q)^k, by
  /// inversion of one uniform keyed by (replicate, tail), so an agent none of whose arcs fires
  /// (most of them when q·d is small) costs one draw and one logarithm rather than d draws; the
  /// arcs after K keep their own draws. That is exactly d independent Bernoulli(q) trials.
  class Firing {
   public:
    /// The first firing arc among tail u's arcs [begin, end), or end.
    [[nodiscard]] ArcId first(NodeId u, ArcId begin, ArcId end) const noexcept {
      if (!geometric_.on) return next_drawn(begin, end);
      // V uniform on (0, 1]; K = floor(ln V / ln(1 - q)), and K >= d iff V <= (1 - q)^d: none of
      // the d arcs fires, decided by a table for small d without the logarithm.
      const double v = static_cast<double>((draw64(first_key_, u) >> 11) + 1) * 0x1.0p-53;
      const ArcId d = end - begin;
      if (d < geometric_.table && v <= geometric_.miss_power[d]) return end;
      const double k = std::log(v) * geometric_.inverse_log_miss;
      return k < static_cast<double>(d) ? begin + static_cast<ArcId>(k) : end;
    }
    /// The next firing arc after `arc` (< end), or end.
    [[nodiscard]] ArcId next(ArcId arc, ArcId end) const noexcept { return next_drawn(arc + 1, end); }
    /// Whether tail u's arc `arc` fires (first() and next() enumerate exactly these).
    [[nodiscard]] bool fires(NodeId u, ArcId arc, ArcId begin, ArcId end) const noexcept {
      const ArcId head_arc = first(u, begin, end);
      return arc == head_arc || (arc > head_arc && drawn(arc));
    }

   private:
    friend class IndependentCascade;
    [[nodiscard]] ArcId next_drawn(ArcId arc, ArcId end) const noexcept {
      while (arc < end && !drawn(arc)) ++arc;
      return arc;
    }
    [[nodiscard]] bool drawn(ArcId arc) const noexcept {
      const std::uint64_t u = draw64(spread_key_, arc) >> 1;
      const std::uint64_t c = trust_ == nullptr ? uniform_cut_ : cutoff(p_fixed_, trust_[arc], sharing_);
      if (u >= c) return false;  // susceptibility is at most 1: an arc that fails here fails anyway
      return traits_ == nullptr || u < susceptible(c, traits_->susceptibility(heads_[arc]));
    }

    std::uint64_t spread_key_, first_key_, p_fixed_, uniform_cut_;
    const Trust* trust_;  ///< nullptr: every arc has uniform_cut_
    const NodeId* heads_;
    const AgentTraits* traits_;
    std::uint32_t sharing_;
    Geometric geometric_;  ///< first() draws K (when `on`)
  };

  template <class Ctx>
  [[nodiscard]] Firing firing(const Ctx& ctx) const noexcept {
    const Graph& g = ctx.graph;
    Firing f;
    f.spread_key_ = ctx.replicate.spread_key;
    f.first_key_ = ctx.replicate.first_key;
    f.p_fixed_ = p_fixed_;
    f.sharing_ = ctx.sharing;
    f.uniform_cut_ = cutoff(p_fixed_, g.uniform_trust(), ctx.sharing);
    f.trust_ = g.has_uniform_trust() ? nullptr : g.trusts().data();
    f.heads_ = g.heads().data();
    f.traits_ = ctx.traits;
    if (f.trust_ == nullptr && f.traits_ == nullptr) {
      if (f.uniform_cut_ == plain_.cut) {  // the usual case has its table
        f.geometric_ = plain_;
        f.geometric_.miss_power = plain_powers_.data();  // this object's, should it be a copy
      } else {
        f.geometric_ = Geometric::of(f.uniform_cut_, nullptr);
      }
    }
    return f;
  }

  /// Whether the exposure from `tail` over `arc` at ctx.step converts its head (pure:
  /// attribution asks again after the step and gets the same answer).
  template <class Ctx>
  [[nodiscard]] bool fired(const Ctx& ctx, NodeId tail, ArcId arc) const noexcept {
    const Graph& g = ctx.graph;
    return firing(ctx).fires(tail, arc, g.arc_begin(tail), g.arc_end(tail));
  }

  /// An exposure from a channel (sponsored impression, influencer post) converts with
  /// probability p × its trust, like an arc; `bits` is the engine's draw for it.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId agent, std::uint32_t weight,
                                     std::uint64_t bits) const noexcept {
    const std::uint64_t c = cutoff(p_fixed_, weight, kTrustOne);
    return (bits >> 1) < (ctx.traits == nullptr ? c : susceptible(c, ctx.traits->susceptibility(agent)));
  }

 private:
  /// 2^63 × p × trust × sharing (all fixed point), saturating: probabilities above 1 fire always.
  [[nodiscard]] static std::uint64_t cutoff(std::uint64_t p_fixed, std::uint64_t trust, std::uint32_t sharing) noexcept {
    const std::uint64_t base = p_fixed * trust;  // < 2^64: p_fixed <= 2^48, trust < 2^16
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
  std::array<double, Geometric::kTable> plain_powers_{};
  Geometric plain_;        ///< for trust 1 and no referral multiplier (plain_powers_ its table)
};

// Compiled once, in independent_cascade.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const IndependentCascade&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
