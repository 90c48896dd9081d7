// SPDX-License-Identifier: MIT
#pragma once
/// @file Maki–Thompson rumour (Maki & Thompson 1973, "Mathematical Models and Applications";
/// large-population limit: Sudbury 1985, "The proportion of the population never hearing a
/// rumour", J. Appl. Prob. 22(2)).
///
/// Agents are ignorant, spreaders or stiflers. A spreader u contacts a uniformly random
/// out-neighbour v: if v is ignorant, v becomes a spreader; otherwise (v is a spreader or a
/// stifler) u becomes a stifler. (A spreader with no neighbour becomes a stifler.) On the
/// complete graph, from one spreader, the fraction that never hears the rumour tends to
/// θ ≈ 0.203188, the root in (0, 1) of θ = e^{-2(1-θ)}.
///
/// Updates (`update`):
/// - random_sequential (default): in step t the spreaders of the end of step t-1 call one at
///   a time, in a random order (keyed by step), each seeing the effect of the calls before it;
///   agents that became spreaders in step t call from step t+1. Each call is made by a current
///   spreader to a uniform neighbour, so on the complete graph the sequence of outcomes is the
///   classic process's jump chain exactly: only the time axis differs.
/// - synchronous: every spreader calls at once and outcomes are judged on the state of step
///   t-1 (two spreaders calling each other both become stiflers, and an ignorant called twice
///   converts once without stifling anyone): a different process with a different final size
///   (docs/validation.md shows by how much), kept for comparison.
/// - continuous: every spreader calls at rate 1 per step (Gillespie: exponential waiting times,
///   the caller uniform among the spreaders); a call at time in (t-1, t] belongs to step t.
///   This is the classic continuous-time process exactly.
/// A replicate runs serially; parallelism is across replicates. Draws: random_sequential and
/// synchronous key the order by (step, position) and each call by (step, caller); continuous
/// takes successive draws of the replicate's contact stream. Either way the result is a
/// function of the seed.
///
/// Outputs: adopters = agents that heard the rumour (spreaders and stiflers), new_adopters[t] =
/// new spreaders, active_sharers[t] = spreaders at the end of step t-1, exposures[t] = calls.
/// Works on the implicit complete graph (a call picks one of the N-1 others).
/// Equations and validation: models/rumour/README.md, docs/models.md.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/engine.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/prefetch.hpp"
#include "sim/random.hpp"

namespace wom {

class Rumour {
 public:
  enum class Update { kRandomSequential, kSynchronous, kContinuous };
  static constexpr bool kUsesPressure = false;
  enum : std::uint8_t { kIgnorant = 0, kSpreader = 1, kStifler = 2 };
  struct Replicate {
    std::uint64_t contact_key;
  };
  struct Workspace {
    explicit Workspace(NodeId n) {
      assign_huge(status, n, std::uint8_t{kIgnorant});
      assign_huge(position, n, std::uint32_t{0});
      assign_huge(told_by, n, kNoNode);
    }
    void reset() {
      reset_listed(status, heard.data(), heard.size(), std::uint8_t{kIgnorant});
      reset_listed(told_by, heard.data(), heard.size(), kNoNode);
      heard.clear();
      spreaders.clear();
      clock = 0.0;
      draws = 0;
      started = false;
    }
    AgentArray<std::uint8_t> status;
    AgentArray<std::uint32_t> position;   ///< index in `spreaders` (continuous)
    AgentArray<NodeId> told_by;           ///< the caller who told each agent (kNoNode: seed, channel)
    std::vector<NodeId> heard;            ///< every agent not ignorant, for reset
    std::vector<NodeId> spreaders;
    std::vector<NodeId> order, callers, fresh, stifled;  ///< per-step scratch
    double clock = 0.0;                   ///< continuous: time of the last event
    std::uint64_t draws = 0;              ///< continuous: draws consumed
    bool started = false;
  };

  explicit Rumour(Update update) : update_(update) {}

  [[nodiscard]] Replicate begin_replicate(std::uint64_t seed, std::uint32_t replicate) const noexcept {
    return {stream_key(seed, replicate, Stream::kContact)};
  }

  template <class Ctx>
  [[nodiscard]] StepReport step(const Ctx& ctx) const {
    auto& ws = *ctx.workspace;
    start(ctx);
    StepReport report;
    report.spreaders = ws.spreaders.size();
    report.quiet = ws.spreaders.empty();
    if (report.quiet) {  // only channel exposures (if any) made spreaders this step
      regroup(ws);
      return report;
    }
    switch (update_) {
      case Update::kRandomSequential: report.exposures = random_sequential(ctx); break;
      case Update::kSynchronous: report.exposures = synchronous(ctx); break;
      case Update::kContinuous: report.exposures = continuous(ctx); break;
    }
    return report;
  }

  /// A channel exposure tells an ignorant agent the rumour with probability min(1, its trust)
  /// (sim/campaign.hpp persuades); it spreads from the next step (continuous: from the
  /// start of this one, time t-1), like an agent told by a caller.
  template <bool kParallel, class Ctx>
  [[nodiscard]] bool expose_external(const Ctx& ctx, NodeId v, std::uint32_t weight, std::uint64_t bits) const {
    auto& ws = *ctx.workspace;
    start(ctx);
    if (ws.status[v] != kIgnorant || !persuades(bits, weight)) return false;
    ws.status[v] = kSpreader;
    ws.heard.push_back(v);
    if (update_ == Update::kContinuous) {
      ws.position[v] = static_cast<std::uint32_t>(ws.spreaders.size());
      ws.spreaders.push_back(v);
    } else {
      ws.fresh.push_back(v);
    }
    return true;
  }

  /// Attribution: the caller who told v, kNoNode if a channel did.
  template <class Ctx>
  [[nodiscard]] NodeId told_by(const Ctx& ctx, NodeId v) const noexcept {
    return ctx.workspace->told_by[v];
  }

 private:
  /// Once per replicate, at its first step (or first channel exposure): the seeds are the
  /// first spreaders.
  template <class Ctx>
  static void start(const Ctx& ctx) {
    auto& ws = *ctx.workspace;
    if (ws.started) return;
    for (std::size_t i = ctx.frontier_begin; i < ctx.frontier_end; ++i) {
      const NodeId v = ctx.state.adopters[i];
      ws.status[v] = kSpreader;
      ws.heard.push_back(v);
      ws.position[v] = static_cast<std::uint32_t>(ws.spreaders.size());
      ws.spreaders.push_back(v);
    }
    ws.started = true;
  }

  template <class Ctx>
  static void hear(const Ctx& ctx, detail::AdopterSink<false>& sink, NodeId v, NodeId caller) {
    auto& ws = *ctx.workspace;
    ws.status[v] = kSpreader;
    ws.heard.push_back(v);
    ws.told_by[v] = caller;
    // An ignorant agent has not adopted (seeds and channel converts are spreaders at once, and
    // the rumour takes no activity), so the claim needs no check: a store, not a cache miss.
    ctx.state.adopted_at[v] = ctx.step;
    sink.push(v);
  }

  /// Keeps the spreaders still spreading (order kept), then appends `fresh`.
  template <class Workspace>
  static void regroup(Workspace& ws) {
    // Whether a spreader's call told is a coin flip to the processor: the filter stores every
    // spreader and advances only past those kept, rather than branch on each.
    std::size_t kept = 0;
    for (const NodeId u : ws.spreaders) {
      ws.spreaders[kept] = u;
      kept += ws.status[u] == kSpreader ? 1 : 0;
    }
    ws.spreaders.resize(kept);
    ws.spreaders.insert(ws.spreaders.end(), ws.fresh.begin(), ws.fresh.end());
    ws.fresh.clear();
  }

  template <class Ctx>
  std::uint64_t random_sequential(const Ctx& ctx) const {
    auto& ws = *ctx.workspace;
    const std::uint64_t key = derive(ctx.replicate.contact_key, static_cast<std::uint64_t>(ctx.step));
    const std::uint64_t order_key = derive(key, 0), call_key = derive(key, 1);
    ws.order.assign(ws.spreaders.begin(), ws.spreaders.end());
    for (std::size_t i = ws.order.size(); i > 1; --i)  // Fisher–Yates
      std::swap(ws.order[i - 1], ws.order[bounded(draw64(order_key, i - 1), i)]);
    // Whether the callee is ignorant is a coin flip to the processor, so the outcome takes no
    // branch: the stores a telling call makes go, for a stifled one, to `unused`.
    const Graph& g = ctx.graph;
    const std::size_t calls = ws.order.size();
    std::uint8_t* const status = ws.status.data();
    NodeId* const told_by = ws.told_by.data();
    Step* const adopted_at = ctx.state.adopted_at.data();
    const Step step = ctx.step;  // a local: read through ctx, it would be loaded again per call
    // The agents told this step are listed once, in the engine's adopters (which has a slot
    // to spare), and copied to `heard` and `fresh` after the loop.
    NodeId* const adopters = ctx.state.adopters.data() + ctx.state.adopters_end.load(std::memory_order_relaxed);
    struct {
      NodeId node;
      Step step;
    } unused{};
    std::size_t told = 0;
    const auto call = [&](NodeId u, NodeId v) {  // every caller is a spreader: only its own call stifles it
      const NodeId callee = v == kNoNode ? u : v;  // no neighbour: stifled, as by a spreader
      const bool tells = status[callee] == kIgnorant;
      status[u] = static_cast<std::uint8_t>(kStifler - tells);  // kSpreader if it told
      static_assert(kIgnorant == 0 && kSpreader == 1);
      status[callee] |= static_cast<std::uint8_t>(tells);  // ignorant -> spreader, others kept
      // An ignorant agent has not adopted (seeds and channel converts are spreaders at once,
      // and the rumour takes no activity): its adoption step is stored, not checked.
      *detail::branchless_target(tells, &told_by[callee], &unused.node) = u;
      *detail::branchless_target(tells, &adopted_at[callee], &unused.step) = step;
      adopters[told] = callee;  // kept only if told (the list has a slot to spare)
      told += tells ? 1 : 0;
    };
    if (g.implicit_complete()) {
      for (std::size_t i = 0; i < calls; ++i) {
        const NodeId u = ws.order[i];
        call(u, random_neighbour(g, u, draw64(call_key, u)));
      }
    } else {
      // A call on a stored graph is a chain of cache misses: the caller's offsets, the callee's
      // id, the callee's status. The callers and their draws are known before the loop, so
      // each miss is started that many calls ahead (a pipeline over a ring of the next calls);
      // the calls themselves still go one by one, in order. The distances were measured on BA
      // 100k: 12/8/4 left the callee's id a miss; from 32/20/8 on, the time is flat.
      constexpr std::size_t kOffsetsAhead = 32, kArcAhead = 20, kStatusAhead = 8, kRing = 32;
      constexpr ArcId kNoArc = ~ArcId{0};
      std::array<ArcId, kRing> arc{};
      std::array<NodeId, kRing> callee{};
      const NodeId* const heads = g.heads().data();
      const auto start_arc = [&](std::size_t j) {  // the arc call j goes over, its head fetched
        const NodeId w = ws.order[j];
        const std::uint64_t d = g.out_degree(w);
        const ArcId a = d == 0 ? kNoArc : g.arc_begin(w) + bounded(draw64(call_key, w), d);
        if (a != kNoArc) prefetch(heads + a);
        arc[j % kRing] = a;
      };
      const auto start_status = [&](std::size_t j) {  // call j's callee, its status fetched
        const ArcId a = arc[j % kRing];
        const NodeId v = a == kNoArc ? kNoNode : heads[a];
        if (v != kNoNode) prefetch(status + v);
        callee[j % kRing] = v;
      };
      for (std::size_t j = 0; j < std::min(calls, kOffsetsAhead); ++j) g.prefetch_offsets(ws.order[j]);
      for (std::size_t j = 0; j < std::min(calls, kArcAhead); ++j) start_arc(j);
      for (std::size_t j = 0; j < std::min(calls, kStatusAhead); ++j) start_status(j);
      for (std::size_t i = 0; i < calls; ++i) {
        if (i + kOffsetsAhead < calls) g.prefetch_offsets(ws.order[i + kOffsetsAhead]);
        if (i + kArcAhead < calls) start_arc(i + kArcAhead);
        if (i + kStatusAhead < calls) start_status(i + kStatusAhead);
        call(ws.order[i], callee[i % kRing]);
      }
    }
    ws.heard.insert(ws.heard.end(), adopters, adopters + told);
    ws.fresh.insert(ws.fresh.end(), adopters, adopters + told);
    ctx.state.adopters_end.fetch_add(told, std::memory_order_relaxed);
    regroup(ws);
    return ws.order.size();
  }

  template <class Ctx>
  std::uint64_t synchronous(const Ctx& ctx) const {
    auto& ws = *ctx.workspace;
    const std::uint64_t call_key =
        derive(derive(ctx.replicate.contact_key, static_cast<std::uint64_t>(ctx.step)), 1);
    ws.order.clear();    // ignorants called
    ws.callers.clear();  // who called them
    ws.stifled.clear();  // callers who reached someone who knew
    for (const NodeId u : ws.spreaders) {  // judged on the state of step t-1: nothing changes yet
      const NodeId v = random_neighbour(ctx.graph, u, draw64(call_key, u));
      if (v != kNoNode && ws.status[v] == kIgnorant) {
        ws.order.push_back(v);
        ws.callers.push_back(u);
      } else {
        ws.stifled.push_back(u);
      }
    }
    detail::AdopterSink<false> sink(ctx.state);
    for (std::size_t i = 0; i < ws.order.size(); ++i) {  // callers in spreader order: the first told
      const NodeId v = ws.order[i];
      if (ws.status[v] != kIgnorant) continue;  // called twice
      hear(ctx, sink, v, ws.callers[i]);
      ws.fresh.push_back(v);
    }
    for (const NodeId u : ws.stifled) ws.status[u] = kStifler;
    const std::uint64_t calls = ws.spreaders.size();
    regroup(ws);
    return calls;
  }

  template <class Ctx>
  std::uint64_t continuous(const Ctx& ctx) const {
    auto& ws = *ctx.workspace;
    const std::uint64_t key = ctx.replicate.contact_key;
    const double end = ctx.step;
    detail::AdopterSink<false> sink(ctx.state);
    std::uint64_t calls = 0;
    while (!ws.spreaders.empty()) {
      const double y = static_cast<double>(ws.spreaders.size());
      const double wait = -std::log1p(-to_unit(draw64(key, ws.draws++))) / y;
      if (ws.clock + wait > end) {  // memoryless: the next call is drawn afresh from the step's end
        ws.clock = end;
        break;
      }
      ws.clock += wait;
      const NodeId u = ws.spreaders[bounded(draw64(key, ws.draws++), ws.spreaders.size())];
      const NodeId v = random_neighbour(ctx.graph, u, draw64(key, ws.draws++));
      ++calls;
      if (v != kNoNode && ws.status[v] == kIgnorant) {
        hear(ctx, sink, v, u);
        ws.position[v] = static_cast<std::uint32_t>(ws.spreaders.size());
        ws.spreaders.push_back(v);
      } else {  // u stops spreading: swap-remove
        ws.status[u] = kStifler;
        const std::uint32_t at = ws.position[u];
        const NodeId last = ws.spreaders.back();
        ws.spreaders[at] = last;
        ws.position[last] = at;
        ws.spreaders.pop_back();
      }
    }
    return calls;
  }

  Update update_;
};

// Compiled once, in rumour.cpp: callers link that instance rather than compile the engine again.
extern template RunResult run_replicates(const Graph&, const Rumour&, const SeedPlan&, const EngineOptions&);

}  // namespace wom
