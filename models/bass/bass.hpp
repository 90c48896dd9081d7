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
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "sim/agent_list.hpp"
#include "sim/engine.hpp"
#include "sim/huge_array.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/random.hpp"

namespace wom {

class Bass {
 public:
  enum class Form { kHazard, kIndependent };
  /// Bass counts adopted in-neighbours in its own 4-byte array (Workspace::adopted_in), not in
  /// the engine's 8-byte pressure cells: the counting is one random increment per arc, and the
  /// smaller array stays in cache on graphs twice as large.
  static constexpr bool kUsesPressure = false;
  /// Adopted neighbours count one each: arcs' trust is never read (its walks skip it).
  static constexpr bool kIgnoresTrust = true;
  struct Replicate {
    std::uint64_t adoption_key;
  };
  struct Workspace {
    explicit Workspace(NodeId n) : pending(n) { assign_huge(adopted_in, n, std::uint32_t{0}); }
    /// O(N), like the sweep of every non-adopter that each step makes anyway.
    void reset() {
      pending.clear();
      if (started) std::fill(adopted_in.begin(), adopted_in.end(), 0U);
      started = false;
    }
    /// The agents that have not adopted, ascending; filled at step 1, compacted every step.
    AgentList pending;
    /// m_v: agent v's in-neighbours adopted by the step before (CSR graphs).
    AgentArray<std::uint32_t> adopted_in;
    std::vector<std::size_t> kept_in_block;  ///< a parallel sweep's blocks, compacted
    bool started = false;
  };

  /// @param p, q rates per period; @param period_steps steps per period (Δ = 1/period_steps).
  /// The scenario validator ensures Δ·(p + q) <= 1, so every P is a probability.
  Bass(double p, double q, double period_steps, Form form, const Graph& graph)
      : p_(p / period_steps), q_(q / period_steps), form_(form) {
    const NodeId n = graph.num_nodes();
    if (graph.implicit_complete()) {
      q_over_k_complete_ = n > 1 ? q_ / static_cast<double>(n - 1) : 0.0;
      return;
    }
    const InDegrees in_degree(graph);
    assign_huge(q_over_k_, n, 0.0);
    for (NodeId v = 0; v < n; ++v)
      if (const std::uint64_t k = in_degree(graph, v); k > 0) q_over_k_[v] = q_ / static_cast<double>(k);
  }

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kAdoption)};
  }

  /// Per-step adoption probability with m of its k in-neighbours adopted, given q_k = q·Δ/k.
  [[nodiscard]] double probability(std::uint64_t m, double q_k) const noexcept {
    if (m == 0) return p_;  // both forms give exactly p then (and k = 0 implies m = 0)
    if (form_ == Form::kHazard) return hazard(m, q_k);
    return 1.0 - (1.0 - p_) * std::pow(1.0 - q_k, static_cast<double>(m));
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
      report.exposures = detail::split_count(
          fb, fe, [&](std::size_t b, std::size_t e) { return count<true>(g, s, ws.adopted_in.data(), b, e); });
    } else {
      report.exposures = count<false>(g, s, ws.adopted_in.data(), fb, fe);
    }

    // 2. Every non-adopter draws, and the pending list keeps those who did not adopt (in
    // blocks over threads, each compacted in place, then joined in order).
    const std::uint64_t key = derive(ctx.replicate.adoption_key, static_cast<std::uint64_t>(ctx.step));
    const std::size_t np = ws.pending.size();
    std::size_t kept = 0;
    if (ctx.may_split && np >= 16 * ctx.parallel_frontier) {
      const std::size_t blocks = (np + kSweepBlock - 1) / kSweepBlock;
      ws.kept_in_block.resize(blocks);
      tbb::this_task_arena::isolate([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const auto& r) {
          for (std::size_t b = r.begin(); b != r.end(); ++b)
            ws.kept_in_block[b] = sweep<true>(ctx, key, b * kSweepBlock, std::min(np, (b + 1) * kSweepBlock));
        });
      });
      NodeId* pending = ws.pending.data();
      for (std::size_t b = 0; b < blocks; ++b) {
        std::copy_n(pending + b * kSweepBlock, ws.kept_in_block[b], pending + kept);  // never overlaps ahead
        kept += ws.kept_in_block[b];
      }
    } else {
      kept = sweep<false>(ctx, key, 0, np);
    }
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
    const double prob = g.implicit_complete() ? probability(ctx.frontier_end, q_over_k_complete_)
                                              : probability(ctx.workspace->adopted_in[v], q_over_k_[v]);
    if (u < p_) return OwnCause::kSpontaneous;
    return u < prob ? OwnCause::kNeighbours : OwnCause::kNone;
  }

 private:
  /// Counts m_v: one increment per arc of the step's new adopters. Adopters' counts are
  /// incremented too, rather than checked first: nothing reads them but attribution's replay
  /// of a channel-converted agent's own draw (which needs them), and the check would be a
  /// second random access per arc, the loop's main cost.
  template <bool kParallel>
  static std::uint64_t count(const Graph& g, const ReplicateState& s, std::uint32_t* adopted_in, std::size_t begin,
                             std::size_t end) {
    std::uint64_t arcs = 0;
    // Each adopter's arcs are a cache miss away (the adopters are scattered over the graph):
    // they are fetched ahead, so misses overlap.
    const NodeId* adopters = s.adopters.data();
    detail::for_each_prefetched(detail::rows_read<Bass>(g), adopters, begin, end, [&](const NodeId u) {
      arcs += g.out_degree(u);
      for (const NodeId v : g.out_neighbours(u)) {
        if constexpr (kParallel) {
          std::atomic_ref<std::uint32_t>(adopted_in[v]).fetch_add(1, std::memory_order_relaxed);
        } else {
          ++adopted_in[v];
        }
      }
    });
    return arcs;
  }

  /// Draws for the pending agents [begin, end) of the step: those who adopt (or whom a channel
  /// converted before the step) leave, the others move up to [begin, begin + kept), in order.
  /// Returns kept.
  template <bool kParallel, class Ctx>
  std::size_t sweep(const Ctx& ctx, std::uint64_t key, std::size_t begin, std::size_t end) const {
    const Graph& g = ctx.graph;
    ReplicateState& s = ctx.state;
    NodeId* pending = ctx.workspace->pending.data();
    Step* adopted_at = s.adopted_at.data();
    detail::AdopterSink<kParallel> sink(s);
    std::size_t kept = begin;
    // Serial: without branches, whose outcome (adopt or not, with probability 0.03-0.4) the
    // processor would mispredict often. Bass has no activity to defer adoptions (the engine
    // refuses [population] activity for it), so claiming is storing the step.
    NodeId* adopters = s.adopters.data();
    std::size_t adopted = s.adopters_end.load(std::memory_order_relaxed);
    // In locals, not read through ctx and this: the loop's stores could alias them, and the
    // compiler would load them again every iteration (and branch on the step's select).
    const Step step = ctx.step;
    const double* q_over_k = q_over_k_.data();
    // Inlined into each of the three loops below (GCC would call it once per agent).
    const auto decide = [&](NodeId v, double prob) __attribute__((always_inline)) {
      const Step at = adopted_at[v];
      if constexpr (kParallel) {
        if (at != kNever) return;  // a channel converted it in this step
        if (to_unit(draw64(key, v)) < prob) {
          if (detail::claim<kParallel>(s, v, step)) sink.push(v);
          return;
        }
        pending[kept++] = v;
      } else {
        const bool open = at == kNever;  // else a channel converted it in this step
        const bool adopt = open & (to_unit(draw64(key, v)) < prob);
        adopted_at[v] = at + static_cast<Step>(adopt) * (step - kNever);  // adopt implies at == kNever
        adopters[adopted] = v;  // kept only if it adopted (the list has a slot to spare)
        adopted += adopt;
        pending[kept] = v;
        kept += open & !adopt;
      }
    };
    if (g.implicit_complete()) {  // one probability for everyone
      const double prob = probability(ctx.frontier_end, q_over_k_complete_);
      for (std::size_t i = begin; i < end; ++i) decide(pending[i], prob);
    } else {  // each agent's probability from its count m and its Δq/k
      const std::uint32_t* adopted_in = ctx.workspace->adopted_in.data();
      const auto each = [&](auto probability_of) __attribute__((always_inline)) {
        for (std::size_t i = begin; i < end; ++i) {
          const NodeId v = pending[i];
          decide(v, probability_of(adopted_in[v], q_over_k[v]));
        }
      };
      // The hazard form without probability()'s branch on m = 0: hazard(0, q_k) is p.
      if (form_ == Form::kHazard) each([this](std::uint64_t m, double q_k) { return hazard(m, q_k); });
      else each([this](std::uint64_t m, double q_k) { return probability(m, q_k); });
    }
    if constexpr (!kParallel) s.adopters_end.store(adopted, std::memory_order_relaxed);
    return kept - begin;
  }

  /// The hazard form's probability: Δp + m·Δq/k, at most 1.
  [[nodiscard]] double hazard(std::uint64_t m, double q_k) const noexcept {
    return std::min(1.0, p_ + q_k * static_cast<double>(m));
  }

  /// Pending agents per block of a parallel sweep.
  static constexpr std::size_t kSweepBlock = 4096;

  double p_, q_;  ///< per step: p·Δ, q·Δ
  Form form_;
  /// q·Δ/k_v of each agent v (0 where k_v = 0; CSR graphs): the sweep reads it in the order of
  /// the pending list, one sequential load per draw instead of its in-degree's two and a division.
  AgentArray<double> q_over_k_;
  double q_over_k_complete_ = 0;  ///< q·Δ/(N-1) on the implicit complete graph
};

// Compiled once, in bass.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const Bass&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
