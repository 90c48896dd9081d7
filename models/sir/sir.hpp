// SPDX-License-Identifier: MIT
#pragma once
/// @file SIR epidemic: discrete time (models/sir/epidemic.hpp, `update = "synchronous"`) and
/// its continuous-time limit (`update = "continuous"`, below).
///
/// Continuous time (the Markovian SIR on a network; event-driven algorithm of Kiss, Miller &
/// Simon 2017, "Mathematics of Epidemics on Networks", ch. A.1): β and γ are rates per step.
/// An agent infected at time τ_u draws its infectious period D_u ~ Exp(γ) (keyed by agent),
/// and each out-arc a = u→v a delay X_a ~ Exp(β) (keyed by arc); if X_a < D_u, v is infected at
/// τ_u + X_a unless something infected it earlier. Events are processed in time order; one
/// with time in (t-1, t] happens in step t (adoption step t). Each agent is infected at most
/// once and each arc tried at most once, so agent and arc ids are complete counters and the
/// result is a function of the seed. A replicate runs serially (parallelism is across
/// replicates). The transmissibility is T = β/(β+γ), the β, γ → 0 limit of the discrete
/// β/(β+γ-βγ). Supported on graphs with stored arcs: on the implicit complete graph every
/// infection would schedule N-1 delays (O(N²)), so it is refused there (use the discrete form).

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "models/sir/epidemic.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace wom {

class ContinuousSir {
 public:
  static constexpr bool kUsesPressure = false;
  struct Replicate {
    std::uint64_t transmit_key, recover_key;
  };
  struct Workspace {
    explicit Workspace(NodeId n) {
      assign_huge(pending, n, kNone);
      assign_huge(source, n, kNoNode);
    }
    void reset() {
      reset_listed(pending, touched.data(), touched.size(), kNone);
      reset_listed(source, touched.data(), touched.size(), kNoNode);
      touched.clear();
      queue.clear();
      infected = 0;
      started = false;
    }
    static constexpr double kNone = std::numeric_limits<double>::infinity();
    EventQueue queue;
    AgentArray<double> pending;   ///< earliest scheduled infection time per agent
    AgentArray<NodeId> source;    ///< who scheduled it (kNoNode: a channel)
    std::vector<NodeId> touched;  ///< agents with a pending time, for reset
    std::uint64_t infected = 0;   ///< currently infected
    bool started = false;
  };
  enum : std::uint32_t { kInfect = 0, kRecover = 1 };

  /// @param beta transmission rate per arc per step; @param gamma recovery rate per step.
  /// @throws InputError on an implicit complete graph.
  ContinuousSir(double beta, double gamma, const Graph& graph) : beta_(beta), gamma_(gamma) {
    if (graph.implicit_complete()) {
      throw InputError("model.update: continuous-time sir needs the network's arcs, but the complete graph of " +
                       std::to_string(graph.num_nodes()) +
                       " agents is implicit; use update = \"synchronous\" there (or raise network.implicit_above)");
    }
  }

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kSpread), stream_key(seed, replicate, Stream::kRecovery)};
  }

  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    ReplicateState& s = ctx.state;
    auto& ws = *ctx.workspace;
    StepReport report;
    if (!ws.started) {
      for (std::size_t i = ctx.frontier_begin; i < ctx.frontier_end; ++i)
        report.exposures += infect(ctx, s.adopters[i], 0.0);
      ws.started = true;
    }
    report.spreaders = ws.infected;  // infected at time t-1
    report.quiet = ws.infected == 0;
    const double end = ctx.step;
    detail::AdopterSink<false> sink(s);
    while (!ws.queue.empty() && ws.queue.top().time <= end) {
      const TimedEvent e = ws.queue.pop();
      if (!ws.queue.empty() && ws.queue.top().kind == kInfect) {
        // The next event is most likely the new top: what an infection reads first is fetched
        // while this event is processed (CT-SIR on BA 100k: 12-15 % faster; fetching its arcs
        // as well, which waits for its offsets, gained nothing more).
        const NodeId next = ws.queue.top().agent;
        prefetch(s.adopted_at.data() + next);
        prefetch(ws.pending.data() + next);
        ctx.graph.prefetch_offsets(next);
      }
      if (e.kind == kRecover) {
        --ws.infected;
        continue;
      }
      if (s.adopted_at[e.agent] != kNever || e.time != ws.pending[e.agent]) continue;  // superseded
      detail::claim<false>(s, e.agent, ctx.step);
      sink.push(e.agent);
      report.exposures += infect(ctx, e.agent, e.time);
    }
    return report;
  }

  /// A channel exposure of trust w is a contact that transmits with probability 1 - e^{-β·w}
  /// (a friend's arc of trust w exposed for one step); the agent is infected at the start of
  /// the step, time t-1, and transmits from then on.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId v, std::uint32_t weight, std::uint64_t bits) const {
    auto& ws = *ctx.workspace;
    if (ctx.state.adopted_at[v] != kNever) return false;
    const double w = static_cast<double>(weight) / kTrustOne;
    if (!(to_unit(bits) < -std::expm1(-beta_ * w))) return false;
    const double tau = static_cast<double>(ctx.step - 1);
    if (ws.pending[v] == Workspace::kNone) ws.touched.push_back(v);
    ws.pending[v] = tau;
    ws.source[v] = kNoNode;
    infect(ctx, v, tau);
    return true;
  }

  /// Attribution: the agent whose transmission infected v (events are processed serially
  /// in time order, so this is exact), or kNoNode for a channel.
  template <class Ctx>
  [[nodiscard]] NodeId told_by(const Ctx& ctx, NodeId v) const noexcept {
    return ctx.workspace->source[v];
  }

 private:
  static double exponential(std::uint64_t bits, double rate) noexcept {
    if (rate <= 0) return std::numeric_limits<double>::infinity();
    return -std::log1p(-to_unit(bits)) / rate;
  }

  /// u is infected at time τ: schedules its recovery and its transmissions. Returns arcs tried.
  template <class Ctx>
  std::uint64_t infect(const Ctx& ctx, NodeId u, double tau) const {
    const Graph& g = ctx.graph;
    auto& ws = *ctx.workspace;
    ++ws.infected;
    const double d = exponential(draw64(ctx.replicate.recover_key, u), gamma_);
    if (d < std::numeric_limits<double>::infinity()) ws.queue.push({tau + d, u, kRecover});
    // Most arcs do not transmit: x < d iff the uniform behind x is below 1 - e^{-βd}. Arcs
    // whose uniform is clearly above it are dropped before the logarithm and before the
    // head's state is read; the relative margin 1e-9, far above the rounding of expm1 and
    // log1p, leaves every arc near the boundary to the exact test, so nothing changes.
    // (d infinite: 1, never skipped; β = 0 with d infinite: NaN, never skipped.)
    const double skip_above = -std::expm1(-beta_ * d) * (1.0 + 1e-9);
    const ArcId ab = g.arc_begin(u), ae = g.arc_end(u);
    for (ArcId a = ab; a < ae; ++a) {
      const std::uint64_t bits = draw64(ctx.replicate.transmit_key, a);
      if (to_unit(bits) > skip_above) continue;
      const NodeId v = g.head(a);
      if (ctx.state.adopted_at[v] != kNever) continue;
      const double x = exponential(bits, beta_);
      if (!(x < d)) continue;
      const double at = tau + x;
      if (at >= ws.pending[v]) continue;
      if (ws.pending[v] == Workspace::kNone) ws.touched.push_back(v);
      ws.pending[v] = at;
      ws.source[v] = u;
      ws.queue.push({at, v, kInfect});
    }
    return ae - ab;
  }

  double beta_, gamma_;
};

// Compiled once, in sir.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const ContinuousSir&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
