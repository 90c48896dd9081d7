// SPDX-License-Identifier: MIT
#pragma once
/// @file Agent-based Bass diffusion (Bass 1969, "A new product growth for model consumer
/// durables", Management Science 15(5); network form of Goldenberg, Libai & Muller 2001 and
/// Fibich & Gibori 2010, "Aggregate diffusion dynamics in agent-based models with a spatial
/// structure", Operations Research 58(5)).
///
/// p (innovation) and q (imitation) are rates per period; one step is Δ = 1 / period_steps
/// periods. At step t every agent v that has not adopted adopts with probability
///
///     hazard form:       P_v(t) = Δ·(p + q·m_v/k_v)
///     independent form:  P_v(t) = 1 - (1 - Δ·p)·(1 - Δ·q/k_v)^m_v
///
/// where m_v is the number of v's in-neighbours adopted by step t-1 and k_v its in-degree
/// (m_v/k_v := 0 when k_v = 0). On the complete graph m_v/k_v = A(t-1)/(N-1) ≈ F(t-1), so with
/// Δ = 1 the hazard form's mean-field recursion is the discrete Bass model
/// F(t) = F(t-1) + (p + q·F(t-1))·(1 - F(t-1)), and as Δ → 0 both forms tend to the Bass ODE
/// F' = (p + qF)(1 - F). Draws: u = uniform(seed, replicate, adoption stream, step, agent),
/// adopt iff u < P. Bass needs a sweep over all non-adopters every step (O(non-adopters) per
/// step, split over threads when large); on the implicit complete graph m/k is one global
/// count. Equations and validation: models/bass/README.md, docs/models.md.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "sim/agent_list.hpp"
#include "sim/engine.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/random.hpp"

namespace wom {

class Bass {
 public:
  enum class Form { kHazard, kIndependent };
  /// Pressure cells count each non-adopter's adopted in-neighbours (CSR graphs).
  static constexpr bool kUsesPressure = true;
  struct Replicate {
    std::uint64_t adoption_key;
  };
  /// The agents that have not adopted, ascending; filled at step 1, compacted every step.
  struct Workspace {
    explicit Workspace(NodeId n) : pending(n) {}
    void reset() {
      pending.clear();
      started = false;
    }
    AgentList pending;
    bool started = false;
  };

  /// @param p, q rates per period; @param period_steps steps per period (Δ = 1/period_steps).
  /// The scenario validator ensures Δ·(p + q) <= 1, so every P is a probability.
  Bass(double p, double q, double period_steps, Form form, const Graph& graph)
      : p_(p / period_steps), q_(q / period_steps), form_(form), in_degree_(graph) {}

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kAdoption)};
  }

  /// Per-step adoption probability with m of k in-neighbours adopted.
  [[nodiscard]] double probability(std::uint64_t m, std::uint64_t k) const noexcept {
    if (k == 0) return p_;
    if (form_ == Form::kHazard) return std::min(1.0, p_ + q_ * static_cast<double>(m) / static_cast<double>(k));
    return 1.0 - (1.0 - p_) * std::pow(1.0 - q_ / static_cast<double>(k), static_cast<double>(m));
  }

  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    const Graph& g = ctx.graph;
    ReplicateState& s = ctx.state;
    auto& ws = *ctx.workspace;
    if (!ws.started) {  // O(N) once per replicate: Bass sweeps everyone anyway
      for (NodeId v = 0; v < g.num_nodes(); ++v)
        if (s.adopted_at[v] == kNever) ws.pending.push(v);
      ws.started = true;
    }
    const std::size_t fb = ctx.frontier_begin, fe = ctx.frontier_end;
    StepReport report;
    report.spreaders = fe;  // every adopter keeps influencing its neighbours
    report.quiet = ws.pending.empty() || (p_ == 0 && (q_ == 0 || fe == 0));
    if (report.quiet) return report;

    // 1. New adopters (step t-1) expose their out-neighbours: counts m_v.
    if (g.implicit_complete()) {
      report.exposures = static_cast<std::uint64_t>(fe - fb) * (g.num_nodes() - 1);
    } else if (ctx.may_split && fe - fb >= ctx.parallel_frontier) {
      std::atomic<std::uint64_t> arcs{0};
      tbb::this_task_arena::isolate([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(fb, fe, 32), [&](const auto& r) {
          arcs.fetch_add(count<true>(g, s, ctx.step, r.begin(), r.end()), std::memory_order_relaxed);
        });
      });
      report.exposures = arcs.load();
    } else {
      report.exposures = count<false>(g, s, ctx.step, fb, fe);
    }

    // 2. Every non-adopter draws.
    const std::uint64_t key = derive(ctx.replicate.adoption_key, static_cast<std::uint64_t>(ctx.step));
    const std::size_t np = ws.pending.size();
    if (ctx.may_split && np >= 16 * ctx.parallel_frontier) {
      tbb::this_task_arena::isolate([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, np, 4096),
                          [&](const auto& r) { sweep<true>(ctx, key, r.begin(), r.end()); });
      });
    } else {
      sweep<false>(ctx, key, 0, np);
    }

    // 3. Drop the adopters from the pending list (serial, order kept).
    std::size_t kept = 0;
    NodeId* pending = ws.pending.data();
    for (std::size_t i = 0; i < np; ++i)
      if (s.adopted_at[pending[i]] == kNever) pending[kept++] = pending[i];
    ws.pending.truncate(kept);
    return report;
  }

  /// A channel exposure converts a non-adopter with probability min(1, its trust)
  /// (sim/campaign.hpp persuades), on top of the step's own draw.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId agent, std::uint32_t weight, std::uint64_t bits) const {
    return ctx.state.adopted_at[agent] == kNever && persuades(bits, weight);
  }

  /// Attribution: every adopter keeps exposing its neighbours.
  template <class Ctx>
  [[nodiscard]] bool spreading(const Ctx& ctx, NodeId u) const noexcept {
    const Step at = ctx.state.adopted_at[u];
    return at != kNever && at < ctx.step;
  }

  /// Attribution: what v's own draw of step ctx.step said. With u < Δp it would have adopted
  /// on its own (an innovator, in Bass's terms, for both forms: P >= Δp), with u < P through
  /// its neighbours (an imitator), else a channel converted it.
  template <class Ctx>
  [[nodiscard]] OwnCause own_cause(const Ctx& ctx, NodeId v) const {
    const Graph& g = ctx.graph;
    const double u = to_unit(draw64(derive(ctx.replicate.adoption_key, static_cast<std::uint64_t>(ctx.step)), v));
    const double prob = g.implicit_complete() ? probability(ctx.frontier_end, g.num_nodes() - 1)
                                              : probability(ctx.state.pressure[v].pressure, in_degree_(g, v));
    if (u < p_) return OwnCause::kSpontaneous;
    return u < prob ? OwnCause::kNeighbours : OwnCause::kNone;
  }

 private:
  /// Counts m_v for the non-adopters, and for the agents a channel converted in this step (so
  /// attribution can replay their own draw).
  template <bool kParallel>
  static std::uint64_t count(const Graph& g, ReplicateState& s, Step t, std::size_t begin, std::size_t end) {
    std::uint64_t arcs = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const NodeId u = s.adopters[i];
      arcs += g.out_degree(u);
      for (const NodeId v : g.out_neighbours(u)) {
        const Step at = s.adopted_at[v];  // nobody adopts while counting
        if (at != kNever && at != t) continue;
        std::uint32_t old;
        if constexpr (kParallel) {
          old = std::atomic_ref<std::uint32_t>(s.pressure[v].pressure).fetch_add(1, std::memory_order_relaxed);
        } else {
          old = s.pressure[v].pressure++;
        }
        if (old == 0) s.template touch<kParallel>(v);
      }
    }
    return arcs;
  }

  template <bool kParallel, class Ctx>
  void sweep(const Ctx& ctx, std::uint64_t key, std::size_t begin, std::size_t end) const {
    const Graph& g = ctx.graph;
    ReplicateState& s = ctx.state;
    const NodeId* pending = ctx.workspace->pending.begin();
    detail::AdopterSink<kParallel> sink(s);
    if (g.implicit_complete()) {  // one probability for everyone
      const double prob = probability(ctx.frontier_end, g.num_nodes() - 1);
      for (std::size_t i = begin; i < end; ++i) {
        const NodeId v = pending[i];
        if (to_unit(draw64(key, v)) < prob && detail::claim<kParallel>(s, v, ctx.step)) sink.push(v);
      }
      return;
    }
    for (std::size_t i = begin; i < end; ++i) {
      const NodeId v = pending[i];
      const double prob = probability(s.pressure[v].pressure, in_degree_(g, v));
      if (to_unit(draw64(key, v)) < prob && detail::claim<kParallel>(s, v, ctx.step)) sink.push(v);
    }
  }

  double p_, q_;  ///< per step: p·Δ, q·Δ
  Form form_;
  InDegrees in_degree_;
};

}  // namespace wom
