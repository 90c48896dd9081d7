// SPDX-License-Identifier: MIT
#pragma once
/// @file Discrete-time SIR and SIS epidemics (Kermack & McKendrick 1927; on networks: Newman
/// 2002, "Spread of epidemic disease on networks", Phys. Rev. E 66, 016128; discrete-time SIS:
/// Wang, Chakrabarti, Wang & Faloutsos 2003, "Epidemic spreading in real networks: an
/// eigenvalue viewpoint", SRDS).
///
/// Synchronous steps. Let I(t-1) be the agents infected at the end of step t-1. In step t
///   1. every u in I(t-1) transmits over each out-arc u→v with probability β, independently
///      (draw keyed by (step, arc)); a susceptible v that receives a transmission is infected
///      at step t;
///   2. every u in I(t-1) then recovers with probability γ (draw keyed by (step, agent)): SIR
///      removes it for good, SIS makes it susceptible again from step t+1.
/// The infectious period is geometric, P(D = d) = γ(1-γ)^(d-1), d >= 1 steps, so in SIR an arc
/// transmits during the infection with probability T = 1 - E[(1-β)^D] = β / (β + γ - βγ):
/// the final size is that of bond percolation with occupation T.
/// On the implicit complete graph step 1 is a sweep: each susceptible is infected with
/// probability 1 - (1-β)^|I(t-1)| (draw keyed by (step, agent)).
///
/// Outputs: the engine's adopters are the agents ever infected (adopted_at = first infection),
/// so new_adopters = first infections, cumulative_adopters = ever infected (SIR: I + R);
/// active_sharers[t] = |I(t-1)|, the agents infectious during step t (the prevalence);
/// exposures[t] = arcs over which they could transmit (|I(t-1)|·(N-1) on K_N).
/// Equations and validation: models/sir/README.md, models/sis/README.md, docs/models.md.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "sim/agent_list.hpp"
#include "sim/engine.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/random.hpp"

namespace wom {

enum class Compartments { kSir, kSis };

template <Compartments kKind>
class DiscreteEpidemic {
 public:
  static constexpr bool kSis = kKind == Compartments::kSis;
  static constexpr bool kUsesPressure = false;
  /// Every contact transmits with β: arcs' trust is never read (its walks skip it).
  static constexpr bool kIgnoresTrust = true;
  struct Replicate {
    std::uint64_t transmit_key, recover_key, sweep_key;
  };
  struct Workspace {
    explicit Workspace(NodeId n) : agents(n), infected(n), fresh(n) {
      assign_huge(infected_now, kSis ? n : 0, std::uint8_t{0});
    }
    void reset() {
      ++generation;  // invalidates every spreading stamp in O(1)
      if constexpr (kSis) reset_listed(infected_now, infected.begin(), infected.size(), std::uint8_t{0});
      infected.clear();
      fresh.clear();
      susceptible.clear();
      started = false;
    }
    NodeId agents;
    AgentList infected;                      ///< I(t-1), then I(t)
    AgentList fresh;                         ///< infected in the current step
    AgentList susceptible;                   ///< SIR on K_N: the sweep's list (allocated on use)
    AgentArray<std::uint8_t> infected_now;   ///< SIS: 1 while infected
    /// (generation << 32) | t for the agents of I(t-1), infectious during step t: attribution
    /// asks which in-neighbours of an adopter could transmit in its step. Only runs that
    /// attribute keep it (allocated at their first step): elsewhere its store per infected
    /// agent and step, a cache miss, bought nothing.
    AgentArray<std::uint64_t> spreading_stamp;
    std::uint64_t generation = 0;
    bool started = false;
  };

  /// @param beta per-contact transmission probability per step; @param gamma recovery
  /// probability per step; both in [0, 1].
  DiscreteEpidemic(double beta, double gamma)
      : beta_(beta), beta53_(fixed53(beta)), gamma53_(fixed53(gamma)) {}

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kSpread), stream_key(seed, replicate, Stream::kRecovery),
            stream_key(seed, replicate, Stream::kAdoption)};
  }

  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    const Graph& g = ctx.graph;
    ReplicateState& s = ctx.state;
    auto& ws = *ctx.workspace;
    const std::uint64_t t = static_cast<std::uint64_t>(ctx.step);
    start(ctx);
    const std::size_t ni = ws.infected.size();
    StepReport report;
    report.spreaders = ni;
    report.quiet = ni == 0;
    if (ni == 0) {  // only channel exposures (if any) infected agents this step
      for (const NodeId v : ws.fresh) ws.infected.push(v);
      ws.fresh.clear();
      return report;
    }
    if (ctx.attributing) {
      if (ws.spreading_stamp.empty()) assign_huge(ws.spreading_stamp, ws.agents, std::uint64_t{0});
      const std::uint64_t stamp = (ws.generation << 32) | t;
      for (const NodeId u : ws.infected) ws.spreading_stamp[u] = stamp;
    }

    // 1. Transmission from I(t-1).
    if (g.implicit_complete()) {
      report.exposures = static_cast<std::uint64_t>(ni) * (g.num_nodes() - 1);
      const double prob = 1.0 - std::pow(1.0 - beta_, static_cast<double>(ni));
      const std::uint64_t key = derive(ctx.replicate.sweep_key, t);
      const std::size_t n = kSis ? g.num_nodes() : ws.susceptible.size();
      const auto body = [&]<bool kParallel>(std::size_t b, std::size_t e) {
        Infector<kParallel> infect(ctx);
        for (std::size_t i = b; i < e; ++i) {
          const NodeId v = kSis ? static_cast<NodeId>(i) : ws.susceptible[i];
          if (kSis && ws.infected_now[v]) continue;
          if (to_unit(draw64(key, v)) < prob) infect(v);
        }
      };
      if (ctx.may_split && n >= 16 * ctx.parallel_frontier) {
        tbb::this_task_arena::isolate([&] {
          tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096),
                            [&](const auto& r) { body.template operator()<true>(r.begin(), r.end()); });
        });
      } else {
        body.template operator()<false>(0, n);
      }
      if constexpr (!kSis) {  // drop the newly infected from the sweep list
        std::size_t kept = 0;
        NodeId* list = ws.susceptible.data();
        for (std::size_t i = 0; i < n; ++i)
          if (s.adopted_at[list[i]] == kNever) list[kept++] = list[i];
        ws.susceptible.truncate(kept);
      }
    } else {
      const std::uint64_t key = derive(ctx.replicate.transmit_key, t);
      if (ctx.may_split && ni >= ctx.parallel_frontier) {
        report.exposures =
            detail::split_count(0, ni, [&](std::size_t b, std::size_t e) { return transmit<true>(ctx, key, b, e); });
      } else {
        report.exposures = transmit<false>(ctx, key, 0, ni);
      }
    }

    // 2. Recovery of I(t-1), in list order (serial: O(|I|)); then I(t) = survivors + fresh.
    const std::uint64_t rkey = derive(ctx.replicate.recover_key, t);
    NodeId* list = ws.infected.data();
    std::uint8_t* const infected_now = ws.infected_now.data();
    std::size_t kept = 0;
    // Whether an agent recovers is a coin flip to the processor (probability γ): the outcome
    // is stored without a branch, as the rumour's and Bass's are. Every listed agent's flag
    // is 1, so storing "not recovered" keeps or clears it.
    for (std::size_t i = 0; i < ni; ++i) {
      const NodeId u = list[i];
      const bool recovers = (draw64(rkey, u) >> 11) < gamma53_;
      if constexpr (kSis) infected_now[u] = static_cast<std::uint8_t>(!recovers);
      list[kept] = u;  // kept <= i: never ahead of the reading
      kept += !recovers;
    }
    for (const NodeId v : ws.fresh) list[kept++] = v;
    ws.infected.truncate(kept);
    ws.fresh.clear();
    return report;
  }

  /// A channel exposure of trust w infects a susceptible agent with probability β·w, like a
  /// contact with an infectious friend of trust w (friends' arcs carry trust 1 here); the agent
  /// is infectious from the next step, as if infected by a friend.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId v, std::uint32_t weight, std::uint64_t bits) const {
    auto& ws = *ctx.workspace;
    start(ctx);
    if constexpr (kSis) {
      if (ws.infected_now[v]) return false;
    } else {
      if (ctx.state.adopted_at[v] != kNever) return false;
    }
    __extension__ using u128 = unsigned __int128;
    const u128 cut = (static_cast<u128>(beta53_) * weight) >> 15;  // β·w·2^53
    if ((bits >> 11) >= cut) return false;
    if constexpr (kSis) ws.infected_now[v] = 1;
    ws.fresh.push(v);
    return true;
  }

  /// Attribution: whether u was infectious during step ctx.step (in I(t-1)).
  template <class Ctx>
  [[nodiscard]] bool spreading(const Ctx& ctx, NodeId u) const noexcept {
    const auto& ws = *ctx.workspace;
    return ws.spreading_stamp[u] == ((ws.generation << 32) | static_cast<std::uint64_t>(ctx.step));
  }

  /// Attribution: whether the transmission over `arc` in step ctx.step succeeded (the draw of
  /// step 1 above), whoever else also reached the head.
  template <class Ctx>
  [[nodiscard]] bool fired(const Ctx& ctx, NodeId /*tail*/, ArcId arc) const noexcept {
    const std::uint64_t key = derive(ctx.replicate.transmit_key, static_cast<std::uint64_t>(ctx.step));
    return (draw64(key, arc) >> 11) < beta53_;
  }

 private:
  /// Once per replicate, at its first step (or first channel exposure): the seeds are I(0).
  template <class Ctx>
  static void start(const Ctx& ctx) {
    auto& ws = *ctx.workspace;
    if (ws.started) return;
    const Graph& g = ctx.graph;
    const ReplicateState& s = ctx.state;
    for (std::size_t i = ctx.frontier_begin; i < ctx.frontier_end; ++i) {
      ws.infected.push(s.adopters[i]);
      if constexpr (kSis) ws.infected_now[s.adopters[i]] = 1;
    }
    if (!kSis && g.implicit_complete()) {
      ws.susceptible = AgentList(g.num_nodes());
      for (NodeId v = 0; v < g.num_nodes(); ++v)
        if (s.adopted_at[v] == kNever) ws.susceptible.push(v);
    }
    ws.started = true;
  }

  static std::uint64_t fixed53(double x) { return static_cast<std::uint64_t>(std::llround(std::ldexp(x, 53))); }

  /// Infects a susceptible agent at step ctx.step, once: SIS claims its infection flag, and
  /// the engine's adoption step records the first infection.
  template <bool kParallel>
  class Infector {
   public:
    template <class Ctx>
    explicit Infector(const Ctx& ctx)
        : s_(ctx.state), ws_(*ctx.workspace), step_(ctx.step), adopters_(ctx.state), fresh_(ctx.workspace->fresh) {}
    /// What operator()(v) reads first.
    void prefetch(NodeId v) const noexcept {
      if constexpr (kSis) wom::prefetch(ws_.infected_now.data() + v);
      else wom::prefetch(s_.adopted_at.data() + v);
    }
    void operator()(NodeId v) {
      if constexpr (kSis) {
        if constexpr (kParallel) {
          std::uint8_t expected = 0;
          if (!std::atomic_ref<std::uint8_t>(ws_.infected_now[v]).compare_exchange_strong(expected, 1,
                                                                                         std::memory_order_relaxed))
            return;
        } else {
          if (ws_.infected_now[v]) return;
          ws_.infected_now[v] = 1;
        }
        fresh_.push(v);
        if (detail::claim<kParallel>(s_, v, step_)) adopters_.push(v);
      } else {
        if (!detail::claim<kParallel>(s_, v, step_)) return;
        fresh_.push(v);
        adopters_.push(v);
      }
    }

   private:
    ReplicateState& s_;
    Workspace& ws_;
    Step step_;
    detail::AdopterSink<kParallel> adopters_;
    AgentList::Sink<kParallel> fresh_;
  };

  template <bool kParallel, class Ctx>
  std::uint64_t transmit(const Ctx& ctx, std::uint64_t key, std::size_t begin, std::size_t end) const {
    const Graph& g = ctx.graph;
    Infector<kParallel> infect(ctx);
    std::uint64_t arcs = 0;
    // The infected are scattered over the graph, so each one's offsets and arcs are misses:
    // fetched ahead, they overlap (SIS on BA 100k, 100 steps: 0.48-0.55 s a run without,
    // 0.23-0.26 s with; SIR 0.035-0.041 s, 0.019-0.020 s).
    // The heads of the arcs that transmit are misses too: each is prefetched when its arc
    // fires and infected kRing firings later, in the same order (on BA 1M: SIR 0.44-0.46 ->
    // 0.27-0.29 s a run, SIS 4.7-6.3 -> 4.2-4.7 s; on BA 100k, whose state is in L2, 7 % and
    // 1-2 %).
    constexpr std::size_t kRing = 8;
    NodeId ring[kRing];
    std::size_t fired = 0, applied = 0;
    const NodeId* infected = ctx.workspace->infected.data();
    detail::for_each_prefetched(detail::rows_read<DiscreteEpidemic>(g), infected, begin, end, [&](const NodeId u) {
      const ArcId ab = g.arc_begin(u), ae = g.arc_end(u);
      arcs += ae - ab;
      for (ArcId a = ab; a < ae; ++a) {
        if ((draw64(key, a) >> 11) >= beta53_) continue;  // decide before touching the head
        const NodeId v = g.head(a);
        infect.prefetch(v);
        if (fired - applied == kRing) infect(ring[applied++ % kRing]);
        ring[fired++ % kRing] = v;
      }
    });
    while (applied < fired) infect(ring[applied++ % kRing]);
    return arcs;
  }

  double beta_;
  std::uint64_t beta53_, gamma53_;  ///< probabilities × 2^53
};

using DiscreteSir = DiscreteEpidemic<Compartments::kSir>;
using DiscreteSis = DiscreteEpidemic<Compartments::kSis>;

// Compiled once, in epidemic.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const DiscreteSir&, const SeedPlan&, const EngineOptions&);
extern template RunResult run_replicates(const Graph&, const DiscreteSis&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
