// SPDX-License-Identifier: MIT
#pragma once
/// @file Complex contagion (Centola & Macy 2007, "Complex contagions and the weakness of long
/// ties", American Journal of Sociology 113(3)).
///
/// Agent v adopts at step t once at least `need_v` distinct in-neighbours have adopted:
///
///     |{u → v : u adopted by t-1}| >= need_v,   need_v = k           (`sources = k`), or
///                                               need_v = max(1, ceil(F·k_v / 2^32))
///                                                                    (`fraction = f`, F = floor(f·2^32)).
///
/// With a reinforcement window of W >= 1 steps only recent adopters count:
///
///     |{u → v : t-W <= adopted_at(u) <= t-1}| >= need_v ,
///
/// so the exposures must arrive within W consecutive steps (W = 1: all in one step). Window 0
/// means no window. Without a window exposures are counted as they arrive (push, like the
/// fractional threshold); with one, the agents exposed in a step are re-evaluated by reading
/// their in-neighbours' adoption steps (pull; directed graphs build an in-neighbour index).
/// Trust is not used. Equations and validation: models/complex_contagion/README.md.

#include <atomic>
#include <cstdint>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "models/fractional_threshold/neighbour_count.hpp"
#include "sim/agent_list.hpp"
#include "sim/engine.hpp"
#include "sim/network/neighbourhood.hpp"

namespace wom {

class ComplexContagion {
 public:
  static constexpr bool kUsesPressure = true;
  /// Every adopted neighbour counts one: arcs' trust is never read (engine walks skip it).
  static constexpr bool kIgnoresTrust = true;
  /// Nothing is random: the outcome is a function of the seeds.
  struct Replicate {};
  /// Agents exposed in the current step (window mode), allocated on first use.
  struct Workspace {
    explicit Workspace(NodeId n) : agents(n) {}
    void reset() { candidates.clear(); }
    NodeId agents;
    AgentList candidates;
  };
  struct Params {
    std::uint32_t sources = 2;  ///< distinct adopted neighbours needed (when fraction == 0)
    double fraction = 0.0;      ///< > 0: needed fraction of in-neighbours instead of `sources`
    Step window = 0;            ///< reinforcement window in steps; 0 = none
  };

  /// @throws InputError on an implicit complete graph.
  ComplexContagion(Params params, const Graph& graph)
      : params_(params), fraction_(neighbour_count::fraction_fixed(params.fraction)), in_degree_(graph),
        in_(params.window > 0 ? InNeighbours(graph) : InNeighbours()) {
    neighbour_count::require_arcs(graph, "complex_contagion");
  }

  [[nodiscard]] Replicate begin_replicate(std::uint64_t, std::uint32_t) const noexcept { return {}; }

  [[nodiscard]] std::uint32_t need_of(const Graph& g, NodeId v) const noexcept {
    if (params_.fraction > 0) return neighbour_count::need_for_fraction(fraction_, in_degree_(g, v));
    return params_.sources;
  }

  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    if (params_.window <= 0) return spread_frontier(*this, ctx);
    return windowed_step(ctx);
  }

  /// No window: count exposures as they arrive.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose(const Ctx& ctx, ArcId arc) const {
    return expose_counted<kParallel>(ctx, ctx.graph.head(arc));
  }

  /// Split steps without a window route exposures to the task owning the head
  /// (detail::RoutesExposures), which counts them without atomics.
  template <class Ctx>
  [[nodiscard]] bool routes(const Ctx&) const noexcept {
    return params_.window <= 0;
  }
  template <class Ctx>
  [[nodiscard]] std::uint32_t carried(const Ctx&, ArcId) const noexcept {
    return neighbour_count::kOneExposure;
  }
  template <class Ctx>
  [[nodiscard]] bool receive(const Ctx& ctx, NodeId head, std::uint32_t) const {
    return expose_counted<false, true>(ctx, head);
  }

  /// A channel exposure counts as one more adopted source with probability min(1, its trust)
  /// (sim/campaign.hpp persuades). Without a window it is counted like a neighbour's, for
  /// good; with a window it counts in its own step only: the agent adopts if it, together
  /// with the in-neighbours adopted in [t-W, t-1], reaches need_v. Channel exposures run
  /// serially, before the step's spreading.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId agent, std::uint32_t weight, std::uint64_t bits) const {
    if (!persuades(bits, weight)) return false;
    if (params_.window <= 0) return expose_counted<kParallel>(ctx, agent);
    const ReplicateState& s = ctx.state;
    if (s.adopted_at[agent] != kNever) return false;
    const std::uint32_t need = need_of(ctx.graph, agent);
    const Step t = ctx.step, from = t - params_.window;
    std::uint32_t count = 1;
    for (const NodeId u : in_.tails_of(ctx.graph, agent)) {
      if (count >= need) break;
      const Step at = s.adopted_at[u];
      count += at != kNever && at >= from && at < t;
    }
    return count >= need;
  }

 private:
  /// neighbour_count::count_exposure with this model's need (its template flags).
  template <bool kAtomicCell, bool kSharedLists = kAtomicCell, class Ctx>
  [[nodiscard]] bool expose_counted(const Ctx& ctx, NodeId head) const {
    return neighbour_count::count_exposure<kAtomicCell, kSharedLists>(ctx.state, head,
                                                                      [&](NodeId v) { return need_of(ctx.graph, v); });
  }

  /// Window W: (1) the frontier marks the agents it exposes (a cell's `pressure` holds the last
  /// step it was marked, so each is listed once per step); (2) each marked agent counts its
  /// in-neighbours adopted in [t-W, t-1]. Only an agent with a neighbour adopted at t-1 can
  /// newly reach its need, so the marked agents are all the candidates.
  template <class Ctx>
  StepReport windowed_step(const Ctx& ctx) const {
    auto& ws = *ctx.workspace;
    if (ws.candidates.capacity() == 0) ws.candidates = AgentList(ws.agents);
    ws.candidates.clear();
    const std::size_t fb = ctx.frontier_begin, fe = ctx.frontier_end;
    StepReport report;
    report.spreaders = fe - fb;
    report.quiet = fb == fe;
    if (ctx.may_split && fe - fb >= ctx.parallel_frontier) {
      report.exposures = detail::split_count(fb, fe, [&](std::size_t b, std::size_t e) {
        const ReplicateState::TouchBatch touched(ctx.state);
        return mark<true>(ctx, b, e);
      });
    } else {
      report.exposures = mark<false>(ctx, fb, fe);
    }
    const std::size_t nc = ws.candidates.size();
    if (ctx.may_split && nc >= ctx.parallel_frontier) {
      tbb::this_task_arena::isolate([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nc, 64),
                          [&](const auto& r) { evaluate<true>(ctx, r.begin(), r.end()); });
      });
    } else {
      evaluate<false>(ctx, 0, nc);
    }
    return report;
  }

  template <bool kParallel, class Ctx>
  std::uint64_t mark(const Ctx& ctx, std::size_t begin, std::size_t end) const {
    const Graph& g = ctx.graph;
    ReplicateState& s = ctx.state;
    AgentList::Sink<kParallel> out(ctx.workspace->candidates);
    const auto t = static_cast<std::uint32_t>(ctx.step);
    std::uint64_t arcs = 0;
    const NodeId* frontier = s.adopters.data();
    detail::for_each_prefetched(detail::rows_read<ComplexContagion>(g), frontier, begin, end, [&](const NodeId u) {
      arcs += g.out_degree(u);
      for (const NodeId v : g.out_neighbours(u)) {
        if (s.adopted_at[v] != kNever) continue;  // nobody adopts during marking
        std::uint32_t& last = s.pressure[v].pressure;
        std::uint32_t old;
        if constexpr (kParallel) old = std::atomic_ref<std::uint32_t>(last).exchange(t, std::memory_order_relaxed);
        else old = std::exchange(last, t);
        if (old == t) continue;
        if (old == 0) s.template touch<kParallel>(v);
        out.push(v);
      }
    });
    return arcs;
  }

  template <bool kParallel, class Ctx>
  void evaluate(const Ctx& ctx, std::size_t begin, std::size_t end) const {
    const Graph& g = ctx.graph;
    ReplicateState& s = ctx.state;
    detail::AdopterSink<kParallel> sink(s);
    const Step t = ctx.step, from = t - params_.window;
    detail::for_each_prefetched(in_.rows(g), ctx.workspace->candidates.data(), begin, end, [&](const NodeId v) {
      const std::uint32_t need = need_of(g, v);
      std::uint32_t count = 0;
      for (const NodeId u : in_.tails_of(g, v)) {
        Step at;  // candidates adopting in this step write t, which is outside the window
        if constexpr (kParallel) at = std::atomic_ref<Step>(s.adopted_at[u]).load(std::memory_order_relaxed);
        else at = s.adopted_at[u];
        if (at != kNever && at >= from && at < t && ++count >= need) break;
      }
      if (count >= need && detail::claim<kParallel>(s, v, t)) sink.push(v);
    });
  }

  Params params_;
  std::uint64_t fraction_;
  InDegrees in_degree_;
  InNeighbours in_;
};

// Compiled once, in complex_contagion.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const ComplexContagion&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
