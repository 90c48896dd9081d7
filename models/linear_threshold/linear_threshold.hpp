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
///
/// Susceptibility s_v ([population] susceptibility, in [0, 1]) scales what v receives: v
/// adopts once s_v Σ trust >= θ_v, i.e. Σ trust >= θ_v / s_v, so it is folded into the cached
/// threshold (drawn once per agent) and costs nothing per arc.
///
/// Signed networks (`[trust] negative = "oppose"`, Graph::distrust): a distrust arc from an
/// adopted neighbour subtracts its trust. A running signed sum would cross the threshold in an
/// order that depends on threads, so signed runs keep the positive and the negative sums
/// apart (two commutative integer sums), list the agents exposed in the step, and decide once
/// the step's exposures are all in: v adopts at step t iff s_v (P_v - N_v) >= θ_v, with P_v and
/// N_v the trust of v's adopted trusting and distrusting in-neighbours up to t-1.
/// Equations and validation: models/linear_threshold/README.md.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/engine.hpp"
#include "sim/random.hpp"
#include "sim/relaxed.hpp"

namespace wom {

class LinearThreshold {
 public:
  static constexpr bool kUsesPressure = true;
  /// push() reports the crossing of an agent's threshold once, and closes its cell (TipsOnce).
  static constexpr bool kTipsOnce = true;
  /// Reads [population] susceptibility (thresholds) and activity (the engine defers claims).
  static constexpr bool kAgentTraits = true;
  struct Replicate {
    std::uint64_t threshold_key;
  };

  /// Scratch of signed runs only (allocated on first use, so unsigned runs carry none):
  /// negative sums, the step each agent was last listed, the step's listed agents, and the
  /// agents whose entries need a reset.
  class Workspace {
   public:
    explicit Workspace(NodeId n) : n_(n) {}
    void ensure() {
      if (!listed_.empty()) return;
      negative_.assign(n_, 0);
      listed_.assign(n_, kNever);
      used_.resize(n_);
      candidates_.resize(n_);
    }
    void reset() {
      const std::size_t n = used_end_.load(std::memory_order_relaxed);
      reset_listed(negative_, used_.data(), n, std::uint32_t{0});
      reset_listed(listed_, used_.data(), n, kNever);
      used_end_.store(0, std::memory_order_relaxed);
      candidates_end_.store(0, std::memory_order_relaxed);
    }

   private:
    friend class LinearThreshold;
    NodeId n_;
    std::vector<std::uint32_t> negative_;
    std::vector<Step> listed_;
    std::vector<NodeId> used_, candidates_;
    std::atomic<std::size_t> used_end_{0}, candidates_end_{0};
  };

  explicit LinearThreshold(Distribution threshold)
      : threshold_(threshold),
        standard_uniform_(threshold.kind == Distribution::Kind::kUniform && threshold.low == 0.0 &&
                          threshold.high == 1.0) {}

  /// One step: the agents that adopted last step expose their out-neighbours (signed runs:
  /// then the listed agents are decided).
  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    if (!ctx.graph.has_distrust()) return spread_frontier(*this, ctx);
    ctx.workspace->ensure();
    const StepReport report = spread_frontier(*this, ctx);
    settle(ctx);
    return report;
  }

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kThreshold)};
  }

  /// Threshold of agent v in fixed point, a pure function of (seed, replicate, v).
  /// θ ~ uniform(0,1), the textbook model and the default, is drawn on the grid directly: the
  /// top 15 bits of one hash, plus one, are uniform on {1..2^15} exactly (the quantised law of
  /// any other uniform(0,1) draw), for one hash where a draw from the distribution costs two
  /// and a conversion to double. It is the arc loop's main cost on first exposures.
  [[nodiscard]] std::uint32_t threshold_of(const Replicate& rep, NodeId v) const {
    if (standard_uniform_) return grid_threshold(rep, v);
    CounterEngine engine(derive(rep.threshold_key, v));
    const double theta = threshold_.sample(engine);
    // Clamped by value (maxsd, minsd): std::clamp's references compile to branches here, and
    // fmin/fmax to calls into libm.
    double q = std::ceil(theta * kTrustOne);
    q = q < 1.0 ? 1.0 : q;
    q = q > 4294967294.0 ? 4294967294.0 : q;
    return static_cast<std::uint32_t>(q);
  }

  /// The threshold on the trust v receives: θ_v, or with susceptibility s_v the least integer
  /// W with s_v W >= θ_v, ceil(θ_v / s_v); kClosed (never adopts) when s_v = 0. The textbook
  /// case (θ ~ uniform(0,1), no susceptibility) is inlined into the arc loop, the rest is a
  /// call: as a call the whole of it was a fifth of LT's samples on BA 10k, and inlining the
  /// one hash made LT runs on BA 1M 11-20 % faster.
  template <class Ctx>
  [[nodiscard, gnu::always_inline]] std::uint32_t effective_threshold(const Ctx& ctx, NodeId v) const {
    if (standard_uniform_ && ctx.traits == nullptr) [[likely]] return grid_threshold(ctx.replicate, v);
    return scaled_threshold(ctx, v);
  }

  /// Adds the arc's trust to the head's pressure and reports whether this addition crossed
  /// the threshold. Exactly one addition crosses (the sums are integers, so which one is
  /// order-dependent but that it happens is not), and the engine's claim makes it adopt once.
  /// The crossing closes the cell (threshold = kClosed), so later exposures of an adopter cost
  /// one read of its cell and nothing else; seeds' cells are never opened because the engine
  /// rejects their claims anyway.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose(const Ctx& ctx, ArcId arc) const {
    const std::uint32_t w = carried(ctx, arc);
    if (ctx.graph.has_distrust()) [[unlikely]]
      return accumulate<kParallel>(ctx, ctx.graph.head(arc), w, ctx.graph.distrust(arc));
    return push<kParallel, kParallel>(ctx, ctx.graph.head(arc), w);
  }

  /// Split steps route exposures to the task owning the head (detail::RoutesExposures), except
  /// in signed runs, whose decisions wait for the end of the step anyway.
  template <class Ctx>
  [[nodiscard]] bool routes(const Ctx& ctx) const noexcept {
    return !ctx.graph.has_distrust();
  }
  /// The trust an exposure over `arc` carries: the arc's, scaled by the step's sharing.
  template <class Ctx>
  [[nodiscard]] std::uint32_t carried(const Ctx& ctx, ArcId arc) const noexcept {
    const std::uint32_t w = trust_of(ctx.graph, arc);
    if (ctx.sharing == kTrustOne) return w;
    return static_cast<std::uint32_t>((std::uint64_t{w} * ctx.sharing) >> 15);
  }
  /// A routed exposure: only the calling task writes the head's cell in this phase, so the
  /// cell is plain memory; the reset list is still shared.
  template <class Ctx>
  [[nodiscard]] bool receive(const Ctx& ctx, NodeId head, std::uint32_t w) const {
    return push<false, true>(ctx, head, w);
  }

  /// A channel exposure adds its trust like a friend's.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId agent, std::uint32_t weight, std::uint64_t) const {
    if (ctx.graph.has_distrust()) [[unlikely]] {
      ctx.workspace->ensure();  // channel exposures come before the step's spreading
      return accumulate<kParallel>(ctx, agent, weight, false);
    }
    return push<kParallel, kParallel>(ctx, agent, weight);
  }

 private:
  /// Signed runs: adds w to the head's positive or negative sum and lists the head for the
  /// end-of-step decision (settle); never tips on its own.
  template <bool kParallel, class Ctx>
  bool accumulate(const Ctx& ctx, NodeId head, std::uint32_t w, bool distrust) const {
    ReplicateState& s = ctx.state;
    Workspace& ws = *ctx.workspace;
    if (w == 0) return false;
    auto& cell = s.pressure[head];
    if (relaxed::load(cell.threshold) == ReplicateState::kClosed) return false;
    relaxed::add<kParallel>(distrust ? ws.negative_[head] : cell.pressure, w);
    Step last;
    if constexpr (kParallel) {
      std::atomic_ref<Step> listed(ws.listed_[head]);
      last = listed.load(std::memory_order_relaxed);
      do {
        if (last == ctx.step) return false;  // already listed in this step
      } while (!listed.compare_exchange_weak(last, ctx.step, std::memory_order_relaxed));
    } else {
      last = ws.listed_[head];
      if (last == ctx.step) return false;
      ws.listed_[head] = ctx.step;
    }
    if (last == kNever) {  // first listing in the replicate: register every cell for reset
      s.template touch<kParallel>(head);
      ws.used_[bump<kParallel>(ws.used_end_)] = head;
    }
    ws.candidates_[bump<kParallel>(ws.candidates_end_)] = head;
    return false;
  }

  /// Signed runs, after the step's exposures: each listed agent whose net received trust
  /// reaches its threshold adopts (or is deferred while offline, by the engine's claim).
  template <class Ctx>
  void settle(const Ctx& ctx) const {
    ReplicateState& s = ctx.state;
    Workspace& ws = *ctx.workspace;
    detail::AdopterSink<false> sink(s);
    const std::size_t n = ws.candidates_end_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) {
      const NodeId v = ws.candidates_[i];
      auto& cell = s.pressure[v];
      if (cell.threshold == ReplicateState::kClosed) continue;
      if (cell.threshold == 0) cell.threshold = effective_threshold(ctx, v);
      if (cell.threshold == ReplicateState::kClosed) continue;
      const std::int64_t net = std::int64_t{cell.pressure} - std::int64_t{ws.negative_[v]};
      if (net >= std::int64_t{cell.threshold}) {
        cell.threshold = ReplicateState::kClosed;
        if (detail::claim<false>(s, v, ctx.step)) sink.push(v);
      }
    }
    ws.candidates_end_.store(0, std::memory_order_relaxed);
  }

  template <bool kParallel>
  static std::size_t bump(std::atomic<std::size_t>& end) noexcept {
    if constexpr (kParallel) return end.fetch_add(1, std::memory_order_relaxed);
    const std::size_t i = end.load(std::memory_order_relaxed);
    end.store(i + 1, std::memory_order_relaxed);
    return i;
  }

  /// Adds w to the head's cell (with atomics if kAtomicCell), listing the cell for reset
  /// (shared with other tasks if kSharedLists).
  template <bool kAtomicCell, bool kSharedLists, class Ctx>
  [[nodiscard]] bool push(const Ctx& ctx, NodeId head, std::uint32_t w) const {
    ReplicateState& s = ctx.state;
    if (w == 0) return false;
    auto& cell = s.pressure[head];
    std::uint32_t theta = relaxed::load(cell.threshold);
    if (theta == ReplicateState::kClosed) return false;
    const std::uint32_t old = relaxed::add<kAtomicCell>(cell.pressure, w);
    if (old == 0) {  // first exposure: this caller alone registers the cell for reset
      s.template touch<kSharedLists>(head);
    }
    if (theta == 0) {  // not drawn yet: a pure function, so racing callers agree on it
      theta = effective_threshold(ctx, head);
      relaxed::publish<kAtomicCell>(cell.threshold, theta);
    }
    if (old < theta && old + w >= theta) {
      relaxed::store<kAtomicCell>(cell.threshold, ReplicateState::kClosed);
      return true;
    }
    return false;
  }

  [[nodiscard, gnu::always_inline]] static std::uint32_t grid_threshold(const Replicate& rep, NodeId v) noexcept {
    return static_cast<std::uint32_t>(derive(rep.threshold_key, v) >> 49) + 1;
  }
  template <class Ctx>
  [[nodiscard, gnu::noinline]] std::uint32_t scaled_threshold(const Ctx& ctx, NodeId v) const {
    const std::uint32_t theta = threshold_of(ctx.replicate, v);
    if (ctx.traits == nullptr) return theta;
    const std::uint64_t s = ctx.traits->susceptibility(v);
    if (s == 0) return ReplicateState::kClosed;
    const std::uint64_t w = (std::uint64_t{theta} * kTrustOne + s - 1) / s;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(w, 4294967294u));
  }

  static std::uint32_t trust_of(const Graph& g, ArcId arc) noexcept {
    return g.has_uniform_trust() ? g.uniform_trust() : g.trust(arc);
  }
  Distribution threshold_;
  bool standard_uniform_;  ///< threshold_ is uniform(0,1)
};

// Compiled once, in linear_threshold.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const LinearThreshold&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
