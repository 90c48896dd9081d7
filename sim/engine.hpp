// SPDX-License-Identifier: MIT
#pragma once
/// @file The synchronous, frontier-based diffusion engine, templated on the model.
///
/// Time is discrete. Step 0 adopts the seeds. At step t >= 1 every agent that adopted at
/// step t-1 (the frontier) exposes each out-neighbour once; the model decides per arc
/// whether that exposure tips the neighbour, who then adopts at step t and spreads at t+1.
/// Decisions at step t read only what adopted up to t-1 plus order-independent sums, so
/// the result does not depend on the order threads visit agents:
/// - every random draw is a pure function of (seed, replicate, stream, arc or agent);
/// - pressure sums are integer fixed point (commutative);
/// - "claiming" an agent is a compare-and-swap of its adoption step from kNever to t, and
///   every claimant writes the same t, so which thread wins does not matter.
/// Work per step is proportional to the frontier's out-arcs, and a replicate's reset is
/// proportional to what it touched: nothing is O(N) per replicate except optional per-agent
/// output.
///
/// Parallelism (oneTBB): replicates run concurrently, each on its own ReplicateState, and a
/// step whose frontier is large is split over threads too; inner loops are isolated so a
/// waiting thread never starts another replicate on the same state.

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <bitset>
#include <concepts>
#include <functional>
#include <type_traits>
#include <variant>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "sim/agent_list.hpp"
#include "sim/campaign.hpp"
#include "sim/cascade.hpp"
#include "sim/error.hpp"
#include "sim/network/graph.hpp"
#include "sim/network/in_arcs.hpp"
#include "sim/population.hpp"
#include "sim/prefetch.hpp"
#include "sim/random.hpp"
#include "sim/run_result.hpp"
#include "sim/seeds.hpp"

namespace wom {

/// How one run of replicates is executed (not what is simulated: that is the model's).
struct EngineOptions {
  Step steps = 100;
  std::uint32_t replicates = 1;
  /// The run simulates replicates first_replicate .. first_replicate + replicates - 1, in rows
  /// 0 .. replicates - 1 of its result. A replicate's random streams depend only on its own
  /// index, so a run split into replicate ranges and joined (append_replicates) equals the
  /// whole run: a sweep hands out its last points' replicates separately to balance ranks.
  std::uint32_t first_replicate = 0;
  std::uint64_t seed = 1;
  double step_hours = 1.0;
  bool stop_when_quiet = true;
  bool record_adoption_steps = false;
  /// Keep the [replicate, step] series; without them a run keeps only the per-replicate
  /// summaries, for batches of millions of replicates (the series would be R x (steps+1)).
  bool record_series = true;
  /// A step is split over threads once its frontier has at least this many agents.
  std::size_t parallel_frontier = 256;
  /// Whether steps may be split over threads at all. A sweep whose lanes each keep a thread
  /// busy with points of their own turns it off: a split step's claims are atomic, and no
  /// thread would be free to share the step (its points ran 17 % slower split).
  bool split_steps = true;
  /// Replicates run concurrently (one ReplicateState per thread) when the graph has at most
  /// this many agents; above it they run one after another, each parallel inside, so memory
  /// stays at one replicate's state.
  NodeId concurrent_replicates_max_agents = 1u << 22;
  /// Called after each replicate finishes with the number finished so far (1 .. replicates),
  /// for progress reports. May be called concurrently from several threads, and the counts
  /// may arrive out of order; it only observes, so results do not depend on it.
  std::function<void(std::uint32_t done)> on_replicate_done;
  /// The run's channels (sponsored, influencer, referral, fundraiser), or none.
  const Campaign* campaign = nullptr;
  /// Incoming arcs; when given, every adoption is attributed to the exposure that tipped it
  /// (channel, source agent, layer) and reach is counted. Needed when `campaign` has
  /// channels besides seeds, or the model can adopt without an exposure.
  const InArcs* in_arcs = nullptr;
  /// Agents' susceptibility and activity ([population]), or none (then nothing is deferred or
  /// scaled). Models that read it declare kAgentTraits.
  const Population* population = nullptr;
  /// Record who tipped whom (RunResult::referral_tree) and the cascade metrics; needs in_arcs.
  bool record_referral_tree = false;
};

/// Adoption step of an agent an exposure tipped while it was offline: it adopts at its next
/// online step (ReplicateState::pending), and no other exposure claims it meanwhile.
inline constexpr Step kPending = -2;

/// Working memory of one running replicate, reused across replicates.
/// Memory: 8 bytes per agent, plus 12 for models that accumulate pressure (and, once they
/// split a step, their routed exposures: about 16 MiB per thread), plus 12 with activity.
class ReplicateState {
 public:
  /// The per-agent arrays are read at random (one cell per exposure), so they live on huge
  /// pages where the kernel allows: on graphs of millions of agents a 4 KiB page per cell
  /// would miss the TLB as well as the cache.
  /// The lists (adopters, touched) are read only below their ends, so they are not filled:
  /// their pages are first touched as they grow.
  ReplicateState(NodeId n, bool with_pressure) {
    assign_huge(adopted_at, n, kNever);
    allocate_huge(adopters, static_cast<std::size_t>(n) + 1);
    if (with_pressure) {
      assign_huge(pressure, n, PressureCell{});
      allocate_huge(touched, n);
    }
  }

  /// Step at which each agent adopted, kNever if not (yet).
  AgentArray<Step> adopted_at;
  /// Every adopter in adoption order; the frontier of each step is a contiguous slice. One
  /// slot more than agents: a branch-free append stores each candidate at the end and
  /// advances past it only if it adopted, so it needs a slot there even when all have.
  AgentArray<NodeId> adopters;
  std::atomic<std::size_t> adopters_end{0};
  /// Model scratch for threshold models: accumulated trust and the cached threshold of each
  /// agent side by side, so one exposure costs one cache miss; and the agents whose cells
  /// are in use.
  struct PressureCell {
    std::uint32_t pressure = 0;   ///< fixed point trust received
    std::uint32_t threshold = 0;  ///< fixed point; 0 = not drawn yet, kClosed = decided
  };
  static constexpr std::uint32_t kClosed = 0xFFFFFFFFu;
  AgentArray<PressureCell> pressure;
  AgentArray<NodeId> touched;
  std::atomic<std::size_t> touched_end{0};
  /// Split steps of models that route exposures (detail::RoutesExposures): per thread, the
  /// exposures bound for each block of agents, kept across steps so their memory is reused.
  struct Routed {
    NodeId head;
    std::uint32_t load;  ///< what the exposure brings (the model's carried())
  };
  using RoutedByBlock = std::vector<std::vector<Routed>>;
  std::unique_ptr<tbb::enumerable_thread_specific<RoutedByBlock>> routed;  ///< made on first use
  /// With activity: the replicate's traits (claims of offline agents are deferred), and the
  /// agents tipped while offline that have not adopted yet (adopted_at == kPending).
  const AgentTraits* activity = nullptr;
  std::vector<NodeId> pending;
  std::atomic<std::size_t> pending_end{0};
  /// With activity: the activity of each pending agent, from the draw that found it offline
  /// (written by its one claimant), so that joining the pending list does not draw it again.
  AgentArray<double> deferred_activity;

  /// A parallel task's registrations for reset (touch<true>), reserved 256 at a time: one
  /// shared counter bumped per first exposure bounced its cache line between the cores, a
  /// quarter of a 10 M-agent linear-threshold run on 2 threads. While one is alive on a thread
  /// (the loop running a task's share of a split step holds one), that thread's touch<true>
  /// of this state goes through it; without one, touch<true> is still correct.
  class TouchBatch {
   public:
    explicit TouchBatch(ReplicateState& s) : state_(s), batch_(s.touched.data(), s.touched_end), outer_(current_) {
      current_ = this;
    }
    ~TouchBatch() { current_ = outer_; }  // then batch_ flushes
    TouchBatch(const TouchBatch&) = delete;
    TouchBatch& operator=(const TouchBatch&) = delete;

   private:
    friend class ReplicateState;
    ReplicateState& state_;
    BatchedAppend<true> batch_;
    TouchBatch* outer_;
    static inline thread_local TouchBatch* current_ = nullptr;
  };

  /// Records that `v`'s scratch entries are in use, so reset() clears them.
  template <bool kParallel>
  void touch(NodeId v) noexcept {
    std::size_t i;
    if constexpr (kParallel) {
      if (TouchBatch* const batch = TouchBatch::current_; batch != nullptr && &batch->state_ == this) {
        batch->batch_.push(v);
        return;
      }
      i = touched_end.fetch_add(1, std::memory_order_relaxed);
    } else {
      i = touched_end.load(std::memory_order_relaxed);
      touched_end.store(i + 1, std::memory_order_relaxed);
    }
    touched[i] = v;
  }

  /// Back to "nobody adopted", in O(agents touched by the last replicate) and at most one
  /// pass over each array (reset_listed).
  void reset() noexcept {
    reset_listed(adopted_at, adopters.data(), adopters_end.load(std::memory_order_relaxed), kNever);
    reset_listed(pressure, touched.data(), touched_end.load(std::memory_order_relaxed), PressureCell{});
    reset_listed(adopted_at, pending.data(), pending_end.load(std::memory_order_relaxed), kNever);
    adopters_end.store(0, std::memory_order_relaxed);
    touched_end.store(0, std::memory_order_relaxed);
    pending_end.store(0, std::memory_order_relaxed);
    activity = nullptr;
  }
};

/// What a model sees while it runs step `step` of one replicate.
template <class Replicate, class Workspace = std::monostate>
struct Exposure {
  const Graph& graph;
  ReplicateState& state;
  const Replicate& replicate;  ///< the model's per-replicate keys
  Step step;
  Workspace* workspace = nullptr;  ///< the model's own per-worker scratch, if it has one
  std::size_t frontier_begin = 0;  ///< adopters[frontier_begin, frontier_end) adopted at step-1
  std::size_t frontier_end = 0;
  bool may_split = false;          ///< the step may be split over threads
  std::size_t parallel_frontier = 256;
  /// Factor on friends' sharing this step (referral programmes), fixed point, kTrustOne = 1.
  std::uint32_t sharing = kTrustOne;
  /// Agents' susceptibility, when the run has one (models with kAgentTraits read it).
  const AgentTraits* traits = nullptr;
  /// The engine will ask the model's attribution hooks (spreading, fired, told_by, own_cause)
  /// about this step afterwards: a model keeps what they read only when this is set.
  bool attributing = false;
};

/// What a model reports about the step it just ran.
struct StepReport {
  std::uint64_t exposures = 0;  ///< arcs over which agents exposed others
  std::uint64_t spreaders = 0;  ///< agents spreading in this step
  bool quiet = false;           ///< nothing can change any more (the engine may stop)
};

/// A push model the engine's frontier stepping (spread_frontier) can run: per-replicate random
/// keys, and a per-arc decision, either `expose<kParallel>(ctx, arc)`, true when the exposure
/// over `arc` tips its head (safe to call concurrently with kParallel; the model reads
/// `ctx.graph.head(arc)` only if it needs to), or a `firing(ctx)` that enumerates the arcs
/// that fire before any head is read (detail::DecidedByArc: independent cascade).
template <class M>
concept SpreadModel = requires(const M& m, std::uint64_t seed, std::uint32_t r,
                               const Exposure<typename M::Replicate>& ctx, ArcId a) {
  typename M::Replicate;
  { M::kUsesPressure } -> std::convertible_to<bool>;
  { m.begin_replicate(seed, r) } -> std::same_as<typename M::Replicate>;
} && (requires(const M& m, const Exposure<typename M::Replicate>& ctx, ArcId a) {
  { m.template expose<false>(ctx, a) } -> std::same_as<bool>;
  { m.template expose<true>(ctx, a) } -> std::same_as<bool>;
} || requires(const M& m, const Exposure<typename M::Replicate>& ctx, NodeId u, ArcId a) {
  { m.firing(ctx).first(u, a, a) } -> std::same_as<ArcId>;
});

/// Per-worker scratch of a model: its own type if it declares `Workspace` (constructed from
/// the number of agents, with reset() called before each replicate), else nothing.
template <class M>
struct WorkspaceOf {
  using type = std::monostate;
};
template <class M>
  requires requires { typename M::Workspace; }
struct WorkspaceOf<M> {
  using type = typename M::Workspace;
};
template <class M>
using WorkspaceType = typename WorkspaceOf<M>::type;
template <class M>
using ContextOf = Exposure<typename M::Replicate, WorkspaceType<M>>;

/// Any model the engine runs: it seeds, then calls `step(ctx)` for t = 1, 2, ... Frontier
/// models implement step() with spread_frontier(); others (SIR, Bass, rumours) walk their
/// own active sets.
template <class M>
concept DiffusionModel = requires(const M& m, std::uint64_t seed, std::uint32_t r, const ContextOf<M>& ctx) {
  typename M::Replicate;
  { M::kUsesPressure } -> std::convertible_to<bool>;
  { m.begin_replicate(seed, r) } -> std::same_as<typename M::Replicate>;
  { m.step(ctx) } -> std::same_as<StepReport>;
};

/// Per-step counts of the replicate being run, recorded as steps are simulated (so a replicate
/// that goes quiet after 3 steps costs 3 rows, whatever `steps` is). Channel figures are
/// [step][channel], layer figures [step][layer]. The tables keep their memory from replicate to
/// replicate and opening a step writes only its row: a batch of small cascades opens two or
/// three steps per replicate, where growing eight vectors per step was a tenth of the run.
/// Rows at and above `dirty_` are zero in the channel and layer tables, so a step opens
/// without clearing its row; clear() zeroes the rows the last replicate wrote, one fill per
/// table instead of one per table and step (320 of the 4,500 instructions of a replicate of
/// independent cascade at p = 0.01, which runs 2-3 steps).
class StepCounts {
 public:
  Step goal_step = -1;
  std::uint64_t reach = 0, donors = 0;

  /// Starts a replicate's record with `channels` channels and `layers` layers (at least 1).
  void clear(std::size_t channels, std::size_t layers) {
    if (channels != channels_ || layers != layers_) {  // rows change width: grow() makes them anew, zero
      for (auto* v : {&new_adopters_, &exposures_, &sharers_, &channel_exposures_, &channel_adoptions_,
                      &layer_adoptions_})
        v->clear();
      donations_.clear();
      channel_spend_.clear();
    } else {
      zero_rows(0, dirty_);
    }
    channels_ = channels;
    layers_ = layers;
    steps_ = dirty_ = 0;
    goal_step = -1;
    reach = donors = 0;
  }
  /// Opens step t's record: the step's figures, all channel and layer figures zero.
  void push(std::uint64_t adopted, std::uint64_t arcs, std::uint64_t spreading) {
    if (steps_ == new_adopters_.size()) grow();
    if (steps_ < dirty_) zero_rows(steps_, steps_ + 1);  // reopened after pop()
    new_adopters_[steps_] = adopted;
    exposures_[steps_] = arcs;
    sharers_[steps_] = spreading;
    donations_[steps_] = 0;
    dirty_ = std::max(dirty_, ++steps_);
  }
  /// Drops the last opened step (nothing happened in it).
  void pop() { --steps_; }
  /// Sets the last opened step's figures.
  void set_last(std::uint64_t adopted, std::uint64_t arcs, std::uint64_t spreading) {
    new_adopters_[steps_ - 1] = adopted;
    exposures_[steps_ - 1] = arcs;
    sharers_[steps_ - 1] = spreading;
  }
  std::int64_t& last_donations() { return donations_[steps_ - 1]; }
  /// Channel and layer figures of the last opened step.
  std::uint64_t* last_exposures() { return channel_exposures_.data() + (steps_ - 1) * channels_; }
  std::uint64_t* last_adoptions() { return channel_adoptions_.data() + (steps_ - 1) * channels_; }
  std::int64_t* last_spend() { return channel_spend_.data() + (steps_ - 1) * channels_; }
  std::uint64_t* last_layer_adoptions() { return layer_adoptions_.data() + (steps_ - 1) * layers_; }

  [[nodiscard]] std::size_t steps() const noexcept { return steps_; }
  [[nodiscard]] std::size_t channels() const noexcept { return channels_; }
  [[nodiscard]] std::size_t layers() const noexcept { return layers_; }
  [[nodiscard]] std::span<const std::uint64_t> new_adopters() const noexcept { return {new_adopters_.data(), steps_}; }
  [[nodiscard]] std::span<const std::uint64_t> exposures() const noexcept { return {exposures_.data(), steps_}; }
  [[nodiscard]] std::span<const std::uint64_t> sharers() const noexcept { return {sharers_.data(), steps_}; }
  [[nodiscard]] std::span<const std::int64_t> donations() const noexcept { return {donations_.data(), steps_}; }
  [[nodiscard]] std::span<const std::uint64_t> channel_exposures() const noexcept {
    return {channel_exposures_.data(), steps_ * channels_};
  }
  [[nodiscard]] std::span<const std::uint64_t> channel_adoptions() const noexcept {
    return {channel_adoptions_.data(), steps_ * channels_};
  }
  [[nodiscard]] std::span<const std::int64_t> channel_spend() const noexcept {
    return {channel_spend_.data(), steps_ * channels_};
  }
  [[nodiscard]] std::span<const std::uint64_t> layer_adoptions() const noexcept {
    return {layer_adoptions_.data(), steps_ * layers_};
  }

 private:
  /// Zeroes rows [from, to) of the channel and layer tables.
  void zero_rows(std::size_t from, std::size_t to) {
    std::fill(channel_exposures_.data() + from * channels_, channel_exposures_.data() + to * channels_, 0);
    std::fill(channel_adoptions_.data() + from * channels_, channel_adoptions_.data() + to * channels_, 0);
    std::fill(channel_spend_.data() + from * channels_, channel_spend_.data() + to * channels_, 0);
    std::fill(layer_adoptions_.data() + from * layers_, layer_adoptions_.data() + to * layers_, 0);
  }
  /// Room for twice the steps (at least 8), for the current widths (new rows are zero). The
  /// tables' rows are new_adopters_.size().
  void grow() {
    const std::size_t rows = std::max<std::size_t>(8, 2 * new_adopters_.size());
    for (auto* v : {&new_adopters_, &exposures_, &sharers_}) v->resize(rows);
    donations_.resize(rows);
    channel_exposures_.resize(rows * channels_);
    channel_adoptions_.resize(rows * channels_);
    channel_spend_.resize(rows * channels_);
    layer_adoptions_.resize(rows * layers_);
  }

  std::size_t channels_ = 3, layers_ = 1, steps_ = 0, dirty_ = 0;  ///< dirty_: rows written since clear()
  std::vector<std::uint64_t> new_adopters_, exposures_, sharers_, channel_exposures_, channel_adoptions_, layer_adoptions_;
  std::vector<std::int64_t> donations_, channel_spend_;
};

/// Whether steps may be split over threads: both the arena and tbb::global_control
/// (--threads) must allow more than one.
bool may_split_steps();
/// Replicates per thread from which a batch runs each replicate's steps unsplit.
inline constexpr std::uint32_t kBusyReplicatesPerThread = 8;
/// Fewest spreaders a task of a split step takes. Each task starts its own fetch-ahead
/// pipeline (offsets 16 and arcs 8 spreaders ahead) with nothing in flight, and flushes its
/// own batched appends: with 32, IC on BA 1M as a single run took 10.8-11.5 ms a replicate on
/// two threads and discrete SIR on BA 100k 7.4 ms; with 256, 10.1-10.4 and 6.7-6.9 ms.
inline constexpr std::size_t kSplitGrain = 256;

namespace detail {

/// A split step's pass over spreaders [begin, end): count(b, e) on chunks of at least
/// kSplitGrain of them, on the arena's threads and isolated (a thread waiting for its chunks
/// takes no other work); returns the sum of what the chunks counted (arcs).
template <class Count>
std::uint64_t split_count(std::size_t begin, std::size_t end, const Count& count) {
  std::atomic<std::uint64_t> total{0};
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end, kSplitGrain), [&](const auto& r) {
      total.fetch_add(count(r.begin(), r.end()), std::memory_order_relaxed);
    });
  });
  return total.load(std::memory_order_relaxed);
}

/// `yes` if `c`, else `no`, computed without a branch. A loop whose outcome is a coin flip to
/// the processor (adopt or not) stores through it to its real target or to a scratch one, so
/// the compiler cannot turn the choice back into a mispredicted branch, as it does with ?:.
template <class T>
[[nodiscard]] inline T* branchless_target(bool c, T* yes, T* no) noexcept {
  const auto mask = std::uintptr_t{0} - static_cast<std::uintptr_t>(c);
  return reinterpret_cast<T*>((reinterpret_cast<std::uintptr_t>(yes) & mask) |
                              (reinterpret_cast<std::uintptr_t>(no) & ~mask));
}

/// Appends newly claimed agents to the adopters array (batched per thread in parallel steps).
template <bool kParallel>
class AdopterSink : public BatchedAppend<kParallel> {
 public:
  explicit AdopterSink(ReplicateState& s) : BatchedAppend<kParallel>(s.adopters.data(), s.adopters_end) {}
};

/// Defers the claim of an agent offline at step t: it becomes pending (once) and adopts at
/// its next online step (run_replicate wakes it). False: no claimant adopts it now.
template <bool kParallel>
bool claim_when_online(ReplicateState& s, NodeId v, Step t) noexcept {
  // Settled agents first: whether v is online is a draw from its activity distribution (two
  // gamma variates for a beta), wasted on an agent that adopted or waits already. A serial
  // claimant is then alone with v; parallel ones race below.
  if (std::atomic_ref<Step>(s.adopted_at[v]).load(std::memory_order_relaxed) != kNever) return false;
  const double activity = s.activity->activity(v);
  if (s.activity->online(v, t, activity)) {
    if constexpr (kParallel) {
      std::atomic_ref<Step> cell(s.adopted_at[v]);
      Step expected = kNever;
      return cell.compare_exchange_strong(expected, t, std::memory_order_relaxed);
    } else {
      s.adopted_at[v] = t;
      return true;
    }
  }
  std::size_t at;
  if constexpr (kParallel) {
    std::atomic_ref<Step> cell(s.adopted_at[v]);
    Step expected = kNever;
    if (!cell.compare_exchange_strong(expected, kPending, std::memory_order_relaxed)) return false;
    at = s.pending_end.fetch_add(1, std::memory_order_relaxed);
  } else {
    s.adopted_at[v] = kPending;
    at = s.pending_end.load(std::memory_order_relaxed);
    s.pending_end.store(at + 1, std::memory_order_relaxed);
  }
  s.pending[at] = v;
  s.deferred_activity[v] = activity;
  return false;
}

/// Claims `v` for adoption at step t; true for exactly one claimant. With activity, an agent
/// offline at t is deferred instead (claim_when_online).
template <bool kParallel>
inline bool claim(ReplicateState& s, NodeId v, Step t) noexcept {
  if (s.activity != nullptr) [[unlikely]] return claim_when_online<kParallel>(s, v, t);
  if constexpr (kParallel) {
    std::atomic_ref<Step> cell(s.adopted_at[v]);
    Step expected = kNever;
    return cell.load(std::memory_order_relaxed) == kNever &&
           cell.compare_exchange_strong(expected, t, std::memory_order_relaxed);
  } else {
    if (s.adopted_at[v] != kNever) return false;
    s.adopted_at[v] = t;
    return true;
  }
}

/// Models whose exposures tip an agent at most once per replicate, and never one that has
/// adopted (linear and fractional threshold: crossing the threshold closes the agent's
/// pressure cell, and a seed's cell is closed when it adopts): their tips are claimed without
/// reading the agent's adoption step, a cache miss per adopter on large graphs. Deferred
/// claims (activity) keep their checks.
template <class M>
concept TipsOnce = M::kUsesPressure && requires { requires M::kTipsOnce; };

/// claim() for an agent the model `M` has just tipped.
template <bool kParallel, class M>
inline bool claim_tipped(ReplicateState& s, NodeId v, Step t) noexcept {
  if constexpr (TipsOnce<M>) {
    if (s.activity == nullptr) {
      if constexpr (kParallel) std::atomic_ref<Step>(s.adopted_at[v]).store(t, std::memory_order_relaxed);
      else s.adopted_at[v] = t;
      return true;
    }
  }
  return claim<kParallel>(s, v, t);
}

/// Models whose exposures are decided by the arcs alone, with no side effect (independent
/// cascade): `firing(ctx)` enumerates a spreading agent's arcs that fire (first(u, begin, end),
/// then next(arc, end)), so the engine skips the others without touching their heads, and
/// claims the heads of those that fire.
template <class M, class Ctx>
concept DecidedByArc = M::kDecidedByArc && requires(const M& m, const Ctx& ctx, NodeId u, ArcId a) {
  { m.firing(ctx).first(u, a, a) } -> std::same_as<ArcId>;
  { m.firing(ctx).next(a, a) } -> std::same_as<ArcId>;
};

/// The firing rule of a DecidedByArc model, or nothing.
template <class M, class Ctx>
auto firing_of(const M& model, const Ctx& ctx) {
  if constexpr (DecidedByArc<M, Ctx>) return model.firing(ctx);
  else return std::monostate{};
}

/// Calls visit(v) for each agent v of agents[begin, end) (a frontier, a list of infected or
/// of candidates, a step's adopters), each of which reads its row of `rows`: a Graph (its arcs)
/// or any type with the same prefetch_offsets(v) and prefetch_arcs(v) (HeadRows, the
/// in-neighbour index's Rows, InArcs). The agents are
/// scattered over the graph, so each one's offsets and row are cache misses; prefetching them
/// 16 and 8 agents ahead overlaps those misses instead of paying them one after another (2-3x
/// on graphs far larger than the caches, 2x for SIS on BA 100k).
template <class Rows, class Visit>
inline void for_each_prefetched(const Rows& rows, const NodeId* agents, std::size_t begin, std::size_t end,
                                Visit&& visit) {
  constexpr std::size_t kOffsetsAhead = 16, kArcsAhead = 8;
  for (std::size_t i = begin; i < std::min(end, begin + kOffsetsAhead); ++i) rows.prefetch_offsets(agents[i]);
  for (std::size_t i = begin; i < std::min(end, begin + kArcsAhead); ++i) rows.prefetch_arcs(agents[i]);
  for (std::size_t i = begin; i < end; ++i) {
    if (i + kOffsetsAhead < end) rows.prefetch_offsets(agents[i + kOffsetsAhead]);
    if (i + kArcsAhead < end) rows.prefetch_arcs(agents[i + kArcsAhead]);
    visit(agents[i]);
  }
}

/// Models that never read an arc's trust (fractional threshold, complex contagion, Bass, the
/// discrete epidemics). Their walks over the graph (rows_read) prefetch the heads alone.
template <class M>
concept IgnoresTrust = requires { requires M::kIgnoresTrust; };

/// The rows a step of `M` reads from the graph, for for_each_prefetched: the one place that
/// turns IgnoresTrust into HeadRows, for the engine's walks and the models' own.
template <class M>
decltype(auto) rows_read(const Graph& g) {
  if constexpr (IgnoresTrust<M>) return HeadRows(g);
  else return (g);
}

/// Spreads from frontier agents [begin, end) of the adopters array; returns arcs processed.
template <bool kParallel, class M, class Ctx>
std::uint64_t spread(const M& model, const Ctx& ctx, std::size_t begin, std::size_t end) {
  const Graph& g = ctx.graph;
  ReplicateState& s = ctx.state;
  AdopterSink<kParallel> sink(s);
  std::uint64_t arcs = 0;
  // The heads are scattered too, like the spreaders (for_each_prefetched): each exposure reads
  // (and writes) the head's adoption step or pressure cell, a miss per arc on large graphs.
  // Exposures therefore go through a ring of kRing: the head's cell is prefetched when the arc
  // is read and the exposure is applied kRing exposures later, so up to kRing misses are in
  // flight instead of one. Exposures are applied in arc order, as without the ring (a serial
  // run is unchanged step by step).
  constexpr std::size_t kRing = 16;
  constexpr bool kByArc = DecidedByArc<M, Ctx>;
  const auto firing = firing_of(model, ctx);
  const NodeId* const heads = g.heads().data();
  ArcId ring_arc[kRing];
  NodeId ring_head[kRing];
  std::size_t pushed = 0, applied = 0;
  // A model that tips an agent at most once claims it by writing its adoption step, a store
  // that misses on large graphs and holds up every later store behind it (x86 commits
  // stores in order): a tenth of a linear-threshold run on BA 1M. A serial step therefore
  // lists the tipped agent at once, prefetches its adoption step (and its offsets: it
  // spreads next step), and writes the step after the ring has drained. Nothing in the step
  // reads a TipsOnce agent's adoption step, so the late write is not observable.
  const bool stamp_late = !kParallel && TipsOnce<M> && s.activity == nullptr;
  const std::size_t first_new = s.adopters_end.load(std::memory_order_relaxed);
  const auto apply = [&](std::size_t slot) {
    const NodeId v = ring_head[slot];
    bool tipped;
    if constexpr (kByArc) tipped = true;  // fired when it entered the ring
    else tipped = model.template expose<kParallel>(ctx, ring_arc[slot]);
    if (!tipped) return;
    if (stamp_late) {
      prefetch(s.adopted_at.data() + v);
      g.prefetch_offsets(v);
      sink.push(v);
    } else if (claim_tipped<kParallel, M>(s, v, ctx.step)) {
      sink.push(v);
    }
  };
  for_each_prefetched(rows_read<M>(g), s.adopters.data(), begin, end, [&](const NodeId u) {
    const ArcId ab = g.arc_begin(u), ae = g.arc_end(u);
    arcs += ae - ab;
    // With kByArc the loop visits only the arcs that fire, decided before any head is read.
    const auto next = [&](ArcId a) {
      if constexpr (kByArc) return firing.next(a, ae);
      else return a + 1;
    };
    ArcId first = ab;
    if constexpr (kByArc) first = firing.first(u, ab, ae);
    for (ArcId a = first; a < ae; a = next(a)) {
      const NodeId v = heads[a];
      if constexpr (M::kUsesPressure) prefetch(s.pressure.data() + v);
      else prefetch(s.adopted_at.data() + v);
      if (pushed - applied == kRing) apply(applied++ % kRing);
      ring_arc[pushed % kRing] = a;
      ring_head[pushed % kRing] = v;
      ++pushed;
    }
  });
  while (applied < pushed) apply(applied++ % kRing);
  if (stamp_late) {
    const std::size_t last_new = s.adopters_end.load(std::memory_order_relaxed);
    for (std::size_t i = first_new; i < last_new; ++i) s.adopted_at[s.adopters[i]] = ctx.step;
  }
  return arcs;
}

/// Models whose split steps route each exposure to the task that owns its head (propagation
/// blocking): `routes(ctx)`, whether this run can; `carried(ctx, arc)`, what the exposure over
/// `arc` brings, read from the arc alone; and `receive(ctx, head, load)`, which applies it to
/// the head's pressure cell and is true when that tips the head. Without routing, two threads
/// adding to cells pay a locked instruction per exposure, which also stops a core overlapping
/// the next cells' misses: a 10 M-agent linear-threshold run gained 1.2-1.3x from a second
/// thread, 1.7-2.0x with routing.
template <class M, class Ctx>
concept RoutesExposures = M::kUsesPressure && requires(const M& m, const Ctx& ctx, ArcId a, NodeId v,
                                                       std::uint32_t w) {
  { m.routes(ctx) } -> std::same_as<bool>;
  { m.carried(ctx, a) } -> std::same_as<std::uint32_t>;
  { m.receive(ctx, v, w) } -> std::same_as<bool>;
};

/// A split step of a routing model, in slabs of the frontier. First the slab's spreaders,
/// split over tasks, append each exposure to their thread's list for the head's block of
/// agents (sequential writes); then the blocks, split over tasks, each apply the exposures
/// every thread listed for their agents, so a cell is written by one task, without atomics. Which
/// exposure crosses a threshold depends on the order, that one does is a sum; the adopters
/// are the same. Returns the arcs processed.
template <class M, class Ctx>
std::uint64_t spread_routed(const M& model, const Ctx& ctx, std::size_t begin, std::size_t end) {
  const Graph& g = ctx.graph;
  ReplicateState& s = ctx.state;
  // 64 blocks: enough to balance two-digit thread counts (a Barabási–Albert graph's lowest
  // block, its oldest agents, gets 1/8 of the arcs), few enough that each thread's lists
  // are 64 write streams.
  const unsigned bits = std::bit_width(std::max<NodeId>(g.num_nodes(), 2) - 1);
  const unsigned shift = bits > 6 ? bits - 6 : 0;
  const std::size_t blocks = ((g.num_nodes() - 1) >> shift) + 1;
  if (!s.routed) s.routed = std::make_unique<tbb::enumerable_thread_specific<ReplicateState::RoutedByBlock>>();
  auto& routed = *s.routed;
  // Slabs of about 2^20 exposures at the mean degree bound the lists (8 MiB of exposures, up
  // to twice that in vector capacity).
  const std::size_t mean_degree = std::max<std::size_t>(1, g.num_arcs() / std::max<NodeId>(1, g.num_nodes()));
  const std::size_t slab = std::max(ctx.parallel_frontier, (std::size_t{1} << 20) / mean_degree);
  const NodeId* const heads = g.heads().data();
  const bool stamp_late = TipsOnce<M> && s.activity == nullptr;
  std::atomic<std::uint64_t> total{0};
  for (std::size_t from = begin; from < end; from += slab) {
    const std::size_t to = std::min(end, from + slab);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(from, to, 32), [&](const tbb::blocked_range<std::size_t>& r) {
      ReplicateState::RoutedByBlock& box = routed.local();
      if (box.size() != blocks) {
        // Each list sized for a slab's share at first: grown from empty, the copies and the
        // faults of the memory they leave were 3-4 % of an LT run on BA 10M.
        box.assign(blocks, {});
        for (std::vector<ReplicateState::Routed>& list : box) list.reserve((std::size_t{1} << 20) / blocks);
      }
      std::uint64_t arcs = 0;
      for_each_prefetched(rows_read<M>(g), s.adopters.data(), r.begin(), r.end(), [&](const NodeId u) {
        const ArcId ab = g.arc_begin(u), ae = g.arc_end(u);
        arcs += ae - ab;
        for (ArcId a = ab; a < ae; ++a) {
          const NodeId v = heads[a];
          box[v >> shift].push_back({v, model.carried(ctx, a)});
        }
      });
      total.fetch_add(arcs, std::memory_order_relaxed);
    });
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
      const ReplicateState::TouchBatch touched(s);
      AdopterSink<true> sink(s);
      // As in spread(): an agent a TipsOnce model tipped is listed at once, and its adoption
      // step, a store that misses, is written kLate tips later, its line prefetched meanwhile.
      constexpr std::size_t kLate = 64;
      NodeId late[kLate];
      std::size_t pending_stamps = 0;
      const auto stamp = [&] {
        for (std::size_t i = 0; i < pending_stamps; ++i)
          std::atomic_ref<Step>(s.adopted_at[late[i]]).store(ctx.step, std::memory_order_relaxed);
        pending_stamps = 0;
      };
      const auto tipped = [&](NodeId v) {
        if (!stamp_late) {
          if (claim_tipped<true, M>(s, v, ctx.step)) sink.push(v);
          return;
        }
        prefetch(s.adopted_at.data() + v);
        sink.push(v);
        late[pending_stamps++] = v;
        if (pending_stamps == kLate) stamp();
      };
      for (std::size_t b = r.begin(); b < r.end(); ++b) {
        for (ReplicateState::RoutedByBlock& box : routed) {
          if (box.size() <= b) continue;
          std::vector<ReplicateState::Routed>& list = box[b];
          // The heads are known in advance: their cells are prefetched 32 exposures ahead (16: the
          // pass took 1.08-1.2x as long on BA 10M).
          constexpr std::size_t kAhead = 32;
          const std::size_t n = list.size();
          for (std::size_t j = 0; j < n; ++j) {
            if (j + kAhead < n) prefetch(s.pressure.data() + list[j + kAhead].head);
            const NodeId v = list[j].head;
            if (model.receive(ctx, v, list[j].load)) tipped(v);
          }
          list.clear();
        }
      }
      stamp();
    });
  }
  return total.load(std::memory_order_relaxed);
}

}  // namespace detail

/// The frontier step of push models: every agent that adopted at step-1 exposes each
/// out-neighbour once (model.expose decides), split over threads when the frontier is large.
template <class M, class Ctx>
StepReport spread_frontier(const M& model, const Ctx& ctx) {
  const std::size_t begin = ctx.frontier_begin, end = ctx.frontier_end;
  StepReport report;
  report.spreaders = end - begin;
  report.quiet = begin == end;
  if (ctx.may_split && end - begin >= ctx.parallel_frontier) {
    if constexpr (detail::RoutesExposures<M, Ctx>) {
      if (model.routes(ctx)) {
        tbb::this_task_arena::isolate([&] { report.exposures = detail::spread_routed(model, ctx, begin, end); });
        return report;
      }
    }
    report.exposures = detail::split_count(begin, end, [&](std::size_t b, std::size_t e) {
      const ReplicateState::TouchBatch touched(ctx.state);
      return detail::spread<true>(model, ctx, b, e);
    });
  } else {
    report.exposures = detail::spread<false>(model, ctx, begin, end);
  }
  return report;
}

/// Summary of one replicate from its step counts.
ReplicateSummary summarise(const StepCounts& counts, NodeId agents, double step_hours);

/// Writes a replicate's counts into its row of the series, padding the quiet tail.
void store_series(const StepCounts& counts, std::uint32_t r, RunResult& result);
/// Writes a replicate's per-channel totals.
void store_channel_totals(const StepCounts& counts, std::uint32_t r, RunResult& result);

namespace detail {

/// Whether a model offers the optional hooks the engine uses when channels are present.
template <class M, class Ctx>
concept HasExternalExposure = requires(const M& m, const Ctx& ctx, NodeId v, std::uint32_t w, std::uint64_t bits) {
  { m.template expose_external<false>(ctx, v, w, bits) } -> std::same_as<bool>;
};
template <class M, class Ctx>
concept HasFired = requires(const M& m, const Ctx& ctx, NodeId tail, ArcId a) {
  { m.fired(ctx, tail, a) } -> std::same_as<bool>;
};

/// Applies a step's channel exposures (serially: they are few next to arcs) and claims the
/// agents they tip. Returns nothing; sets each exposure's `fired`.
template <class M, class Ctx>
void apply_channel_exposures(const M& model, const Ctx& ctx, std::span<ChannelExposure> exposures,
                             std::uint64_t channel_key, StepCounts& counts) {
  std::uint64_t* per_channel = counts.last_exposures();
  AdopterSink<false> sink(ctx.state);
  const std::uint64_t key = derive(channel_key, static_cast<std::uint64_t>(ctx.step));
  for (std::size_t i = 0; i < exposures.size(); ++i) {
    ChannelExposure& e = exposures[i];
    ++per_channel[e.channel];
    if constexpr (HasExternalExposure<M, Ctx>) {
      e.fired = model.template expose_external<false>(ctx, e.agent, e.weight, draw64(key, i));
      if (e.fired && claim_tipped<false, M>(ctx.state, e.agent, ctx.step)) sink.push(e.agent);
    }
  }
}

/// Optional attribution hooks of a model (all pure: asked after the step, they answer as the
/// step decided):
/// - `spreading(ctx, u)`: whether u exposed its out-neighbours in step ctx.step (default: u
///   adopted at step-1, the frontier). Epidemics: u was infectious at the end of step-1; Bass:
///   every adopter keeps exposing.
/// - `fired(ctx, tail, arc)`: exposures fire independently (independent cascade, SIR): whether
///   the exposure from `tail` over `arc` in this step would convert its head on its own.
/// - `told_by(ctx, v)`: the model knows who converted v (the rumour's caller), or kNoNode.
/// - `own_cause(ctx, v)`: the model's own decision for v in this step (Bass: innovation,
///   imitation, or none, i.e. a channel converted it).
template <class M, class Ctx>
concept HasSpreading = requires(const M& m, const Ctx& ctx, NodeId u) {
  { m.spreading(ctx, u) } -> std::same_as<bool>;
};
template <class M, class Ctx>
concept HasToldBy = requires(const M& m, const Ctx& ctx, NodeId v) {
  { m.told_by(ctx, v) } -> std::same_as<NodeId>;
};
template <class M, class Ctx>
concept HasOwnCause = requires(const M& m, const Ctx& ctx, NodeId v) {
  { m.own_cause(ctx, v) } -> std::same_as<OwnCause>;
};

/// Works out who tipped each adopter of step t (ctx.step) from the exposures it received in
/// that step: for models whose exposures fire independently (independent cascade, SIR) the
/// first that fired in canonical order (friends before channels, then lower source id, then
/// lower layer); for models that know who converted the agent (rumour) that friend, else the
/// first channel exposure that fired; for Bass its own draw (innovation: spontaneous,
/// imitation: the heaviest friend), else the channel; for threshold-like models the heaviest
/// exposure, ties in canonical order. An adopter with no exposure in its step adopted
/// spontaneously. The friend's arc gives the layer. Depends only on the step's exposures,
/// never on thread timing.
template <class M, class Ctx>
Tip attribute(const M& model, const Ctx& ctx, const InArcs& in, std::span<const ChannelExposure> exposures,
              std::uint8_t friends_credit, NodeId v) {
  const Graph& g = ctx.graph;
  const ReplicateState& s = ctx.state;
  constexpr bool kIndependent = HasFired<M, Ctx>;
  const auto spreading = [&](NodeId u) {
    if constexpr (HasSpreading<M, Ctx>) return model.spreading(ctx, u);
    else return s.adopted_at[u] == ctx.step - 1;
  };
  const auto first_fired_channel = [&]() -> std::optional<Tip> {
    auto it = std::lower_bound(exposures.begin(), exposures.end(), v,
                               [](const ChannelExposure& e, NodeId agent) { return e.agent < agent; });
    for (; it != exposures.end() && it->agent == v; ++it)
      if (it->fired) return Tip{it->source, it->channel, 0};
    return std::nullopt;
  };
  if constexpr (HasToldBy<M, Ctx>) {
    const NodeId u = model.told_by(ctx, v);
    if (u != kNoNode) {
      for (const auto& [tail, arc] : in.of(v))
        if (tail == u) return Tip{u, friends_credit, g.layer(arc)};
      return Tip{u, friends_credit, 0};  // implicit complete graph: no arcs, one layer
    }
    return first_fired_channel().value_or(Tip{kNoNode, kSpontaneousChannel, 0});
  }
  bool friends_only = false;  // Bass: the model's own draw decided
  if constexpr (HasOwnCause<M, Ctx>) {
    switch (model.own_cause(ctx, v)) {
      case OwnCause::kSpontaneous: return Tip{kNoNode, kSpontaneousChannel, 0};
      case OwnCause::kNeighbours: friends_only = true; break;
      case OwnCause::kNone: {
        if (auto tip = first_fired_channel()) return *tip;
        break;
      }
    }
  }
  Tip best{kNoNode, kSpontaneousChannel, 0};
  std::uint32_t best_weight = 0;
  bool found = false;
  // The heaviest: no later arc outweighs one that carries v's largest trust, and ties keep the
  // first (with trust by constant or 1/in-degree rules, every arc into v does).
  const std::uint32_t heaviest = in.heaviest(v);
  for (const auto& [tail, arc] : in.of(v)) {  // sorted by tail: canonical order
    if (!spreading(tail) || g.distrust(arc)) continue;  // opposition never tips anyone
    const std::uint32_t w = g.trust(arc);
    bool take;
    if constexpr (kIndependent) take = model.fired(ctx, tail, arc);
    else take = !found || w > best_weight;
    if (take) {
      best = {tail, friends_credit, g.layer(arc)};
      best_weight = w;
      found = true;
      if (kIndependent || w == heaviest) break;
    }
  }
  // The implicit complete graph has no arcs to name: everyone is everyone's friend.
  if (friends_only) return found ? best : Tip{kNoNode, friends_credit, 0};
  auto it = std::lower_bound(exposures.begin(), exposures.end(), v,
                             [](const ChannelExposure& e, NodeId agent) { return e.agent < agent; });
  for (; it != exposures.end() && it->agent == v; ++it) {
    bool take;
    if constexpr (kIndependent) take = !found && it->fired;
    else take = !found || it->weight > best_weight;
    if (take) {
      best = {it->source, it->channel, 0};
      best_weight = it->weight;
      found = true;
    }
  }
  if (!found && g.implicit_complete()) return Tip{kNoNode, friends_credit, 0};
  return best;
}

}  // namespace detail

/// Per-worker scratch for attribution and money: tips of the current step's adopters and a
/// stamp per agent for counting reach without an O(N) reset.
struct AttributionScratch {
  std::vector<Tip> tips;
  std::vector<std::uint32_t> seen;  ///< stamp: == current stamp means counted in reach
  std::uint32_t stamp = 0;
  StepMoney money;
  std::vector<Tip> pending_tips;  ///< [i]: tip of ReplicateState::pending[i], from the step it was deferred
  /// [i]: activity of ReplicateState::pending[i], as the claim that deferred it drew it
  /// (ReplicateState::deferred_activity): a pending agent is asked again each step, and each
  /// draw of a beta activity is two gamma variates (two thirds of a fundraiser's run when they
  /// were drawn per step).
  std::vector<double> pending_activity;
  std::vector<Tip> woken_tips;    ///< tips of the pending agents that adopt in the current step
  std::vector<TreeEdge> tree;     ///< the replicate's referral tree, in adoption order
  std::vector<std::uint32_t> index_of, parent;
  void begin(NodeId n) {
    if (seen.size() != n) seen.assign(n, 0);
    if (++stamp == 0) {  // wrapped: clear once every 4 G replicates
      std::fill(seen.begin(), seen.end(), 0);
      stamp = 1;
    }
  }
  bool mark(NodeId v) {
    if (seen[v] == stamp) return false;
    seen[v] = stamp;
    return true;
  }
};

namespace detail {

/// Start of step t with activity: the pending agents online at t adopt now (appended to the
/// adopters in id order, their tips from the step that tipped them moved to woken_tips); the
/// others stay pending. `known` (pending agents with tips) becomes the number left.
inline void wake_pending(ReplicateState& s, AttributionScratch& scratch, const AgentTraits& traits, Step t,
                         std::size_t& known) {
  scratch.woken_tips.clear();
  const std::size_t n = s.pending_end.load(std::memory_order_relaxed);
  AdopterSink<false> sink(s);
  std::size_t keep = 0;
  const double cycle = traits.population->cycle_factor(t);
  for (std::size_t i = 0; i < n; ++i) {
    const NodeId v = s.pending[i];
    if (Population::online_by_chance(traits.keys, v, t, scratch.pending_activity[i] * cycle)) {
      s.adopted_at[v] = t;
      sink.push(v);
      scratch.woken_tips.push_back(scratch.pending_tips[i]);
    } else {
      s.pending[keep] = v;
      scratch.pending_tips[keep] = scratch.pending_tips[i];
      scratch.pending_activity[keep] = scratch.pending_activity[i];
      ++keep;
    }
  }
  s.pending_end.store(keep, std::memory_order_relaxed);
  known = keep;
}

}  // namespace detail

/// Runs replicate `r` on `state` and `workspace` (reset on entry) and fills its row
/// (r - opt.first_replicate) of `result`.
template <DiffusionModel M>
void run_replicate(const Graph& g, const M& model, const SeedPlan& seeds, const EngineOptions& opt,
                   std::uint32_t r, ReplicateState& state, WorkspaceType<M>& workspace,
                   std::vector<NodeId>& seed_buffer, StepCounts& counts, RunResult& result,
                   bool may_split = may_split_steps(), CampaignRun* campaign = nullptr,
                   AttributionScratch* scratch = nullptr) {
  // Random seeds are cache misses (adoption step, offsets): issued first, together, so that
  // the resets and set-up below overlap them.
  seeds.seeds_for(opt.seed, r, seed_buffer);
  for (const NodeId v : seed_buffer) {
    prefetch(state.adopted_at.data() + v);
    g.prefetch_offsets(v);
  }
  state.reset();
  if constexpr (!std::is_same_v<WorkspaceType<M>, std::monostate>) workspace.reset();
  counts.clear(result.channels(), std::max<std::size_t>(1, result.layers()));
  const auto rep = model.begin_replicate(opt.seed, r);
  const bool attribute = opt.in_arcs != nullptr && scratch != nullptr;
  if (campaign) campaign->begin(opt.seed, r);
  if (attribute) scratch->begin(g.num_nodes());
  const std::uint64_t channel_key = campaign ? stream_key(opt.seed, r, Stream::kChannels) : 0;  // only channels draw

  {
    detail::AdopterSink<false> sink(state);
    for (const NodeId v : seed_buffer) {
      if (!detail::claim<false>(state, v, 0)) continue;
      sink.push(v);
      if constexpr (detail::TipsOnce<M>) {  // a seed is never tipped again (TipsOnce)
        state.pressure[v].threshold = ReplicateState::kClosed;
        state.template touch<false>(v);
      }
    }
  }
  std::size_t frontier_begin = 0, frontier_end = state.adopters_end.load(std::memory_order_relaxed);
  counts.push(frontier_end, 0, 0);
  counts.last_adoptions()[kSeedChannel] = frontier_end;

  // Agents' traits. Seeds adopt whatever their activity (they start the campaign); from step 1
  // an exposure that tips an offline agent defers its adoption to its next online step.
  AgentTraits traits;
  if (opt.population != nullptr && opt.population->active()) {
    traits = {opt.population, Population::keys(opt.seed, r)};
    if (opt.population->has_activity() && scratch != nullptr) {
      if (state.pending.size() != g.num_nodes()) {
        state.pending.assign(g.num_nodes(), kNoNode);
        allocate_huge(state.deferred_activity, g.num_nodes());  // read only where written
      }
      state.activity = &traits;
    }
  }
  const bool deferring = state.activity != nullptr;
  const AgentTraits* susceptibility =
      opt.population != nullptr && opt.population->has_susceptibility() ? &traits : nullptr;
  const bool record_tree = opt.record_referral_tree && attribute && !result.referral_tree.empty();
  if (record_tree) scratch->tree.clear();
  // Channels that credit word of mouth: friends, and every referral programme that ran (a
  // deferred agent's tip keeps the credit of the step that decided it).
  std::bitset<256> word_of_mouth;
  word_of_mouth.set(kFriendsChannel);

  std::uint32_t ctx_sharing = kTrustOne;  // the step's sharing factor, for attribution's IC redraws
  // Books the adopters [begin, end) of step t: who tipped them, channel credit, money.
  // Returns true when the campaign is over. (Campaigns and attribution need `scratch`.)
  // `preset`: tips already known for the first adopters (agents deferred while offline).
  const auto book = [&](Step t, std::size_t begin, std::size_t end, std::span<const ChannelExposure> exposures,
                        std::uint8_t friends_credit, std::span<const Tip> preset = {}) -> bool {
    const std::span<const NodeId> adopters(state.adopters.data() + begin, end - begin);
    const std::uint8_t default_channel = t == 0 ? kSeedChannel : friends_credit;
    if (!attribute && !campaign) {
      if (t > 0) {
        counts.last_adoptions()[default_channel] += adopters.size();
        counts.last_layer_adoptions()[0] += adopters.size();  // one layer: attribution runs otherwise
      }
      return false;
    }
    std::vector<Tip>& tips = scratch->tips;
    tips.assign(adopters.size(), Tip{kNoNode, default_channel, 0});
    if (attribute && t > 0) {
      // The step's own frontier (adopters of t-1): models' attribution hooks may read it.
      const ContextOf<M> serial{g, state, rep, t, &workspace, frontier_begin, begin, false, opt.parallel_frontier,
                                ctx_sharing, susceptibility, true};
      // Adopters are scattered: their in-arcs are fetched ahead, as a frontier's arcs are.
      std::size_t i = preset.size();
      detail::for_each_prefetched(*opt.in_arcs, adopters.data(), i, adopters.size(), [&](NodeId v) {
        tips[i++] = detail::attribute(model, serial, *opt.in_arcs, exposures, friends_credit, v);
      });
    }
    std::copy(preset.begin(), preset.end(), tips.begin());
    if (t > 0) {
      for (const Tip& tip : tips) {
        ++counts.last_adoptions()[tip.channel];
        // Word of mouth, whichever step's referral credit applied when it was decided.
        if (word_of_mouth[tip.channel])
          ++counts.last_layer_adoptions()[tip.layer < counts.layers() ? tip.layer : 0];
      }
    }
    if (record_tree)
      for (std::size_t i = 0; i < adopters.size(); ++i)
        scratch->tree.push_back({adopters[i], tips[i].source, t, tips[i].channel, tips[i].layer});
    if (!campaign) return false;
    StepMoney& money = scratch->money;
    money.spend.assign(counts.channels(), 0);
    money.donations = 0;
    money.donors = 0;
    money.goal_reached = false;
    const bool campaign_over = campaign->account(t, adopters, tips, money);
    std::copy(money.spend.begin(), money.spend.end(), counts.last_spend());
    counts.last_donations() = money.donations;
    counts.donors += money.donors;
    if (money.goal_reached && counts.goal_step < 0) counts.goal_step = t;
    return campaign_over;
  };
  bool over = book(0, 0, frontier_end, {}, kFriendsChannel);

  ContextOf<M> ctx{g, state, rep, 0, &workspace, 0, 0, may_split, opt.parallel_frontier};
  ctx.traits = susceptibility;
  ctx.attributing = attribute;
  std::size_t pending_known = 0;  // pending[0, pending_known) have their tips
  for (Step t = 1; t <= opt.steps && !over; ++t) {
    ctx.step = t;
    ctx.frontier_begin = frontier_begin;
    ctx.frontier_end = frontier_end;
    ctx.sharing = ctx_sharing = campaign ? campaign->sharing_multiplier(t) : kTrustOne;
    const std::uint8_t friends_credit = campaign ? campaign->friends_credit(t) : kFriendsChannel;
    word_of_mouth.set(friends_credit);
    std::span<ChannelExposure> exposures;
    counts.push(0, 0, 0);
    std::span<const Tip> woken;
    if (deferring) {  // agents tipped while offline adopt now if they are online
      detail::wake_pending(state, *scratch, traits, t, pending_known);
      woken = scratch->woken_tips;
    }
    if (campaign) {
      exposures = campaign->exposures(t);
      detail::apply_channel_exposures(model, ctx, exposures, channel_key, counts);
      if (attribute)
        for (const auto& e : exposures) counts.reach += scratch->mark(e.agent);
    }
    const StepReport report = model.step(ctx);
    const std::size_t adopted = state.adopters_end.load(std::memory_order_relaxed);
    const std::size_t pending = deferring ? state.pending_end.load(std::memory_order_relaxed) : 0;
    if (pending > pending_known) {
      // Agents this step tipped while they were offline: who tipped them is decided now, from
      // this step's exposures, and booked when they adopt.
      std::sort(state.pending.begin() + static_cast<std::ptrdiff_t>(pending_known),
                state.pending.begin() + static_cast<std::ptrdiff_t>(pending));
      scratch->pending_tips.resize(pending);
      scratch->pending_activity.resize(pending);
      const ContextOf<M> serial{g, state, rep, t, &workspace, frontier_begin, frontier_end, false, opt.parallel_frontier,
                                ctx_sharing, susceptibility, attribute};
      if (attribute) {  // scattered agents, their in-arcs fetched ahead as for the step's adopters
        std::size_t i = pending_known;
        detail::for_each_prefetched(*opt.in_arcs, state.pending.data(), pending_known, pending, [&](NodeId v) {
          scratch->pending_tips[i++] = detail::attribute(model, serial, *opt.in_arcs, exposures, friends_credit, v);
        });
      } else {
        std::fill(scratch->pending_tips.begin() + static_cast<std::ptrdiff_t>(pending_known),
                  scratch->pending_tips.end(), Tip{kNoNode, friends_credit, 0});
      }
      for (std::size_t i = pending_known; i < pending; ++i)
        scratch->pending_activity[i] = state.deferred_activity[state.pending[i]];
      pending_known = pending;
    }
    if (report.quiet && exposures.empty() && adopted == frontier_end && pending == 0 && opt.stop_when_quiet &&
        !(campaign && campaign->acts_after(t))) {
      counts.pop();  // nothing happened: this step is not recorded
      break;
    }
    counts.set_last(adopted - frontier_end, report.exposures, report.spreaders);
    counts.last_exposures()[kFriendsChannel] += report.exposures;
    over = book(t, frontier_end, adopted, exposures, friends_credit, woken);
    frontier_begin = frontier_end;
    frontier_end = adopted;
  }
  if (attribute) {  // reach: seeds, channel exposures (marked above), and heads of every arc used
    // The adopters are scattered: their rows are fetched ahead, as a frontier's are.
    const Step last = static_cast<Step>(counts.steps()) - 1;
    std::uint64_t reach = 0;
    detail::for_each_prefetched(HeadRows(g), state.adopters.data(), 0, frontier_end, [&](NodeId u) {
      reach += scratch->mark(u);
      if (state.adopted_at[u] >= last) return;  // never spread
      for (const NodeId v : g.out_neighbours(u)) reach += scratch->mark(v);
    });
    counts.reach += reach;
  }
  const std::uint32_t row = r - opt.first_replicate;
  result.summaries[row] = summarise(counts, g.num_nodes(), opt.step_hours);
  if (record_tree) {
    std::vector<TreeEdge>& tree = scratch->tree;
    if (scratch->index_of.size() < g.num_nodes()) scratch->index_of.resize(g.num_nodes());
    tree_parents(tree, scratch->index_of, scratch->parent);
    result.cascades[row] = cascade_metrics(scratch->parent);
    // Adopters of a step come in thread-dependent order: the stored tree is sorted, by the
    // ids users know (for an edge list not the agent indices), the order the file documents.
    std::sort(tree.begin(), tree.end(), [&g](const TreeEdge& a, const TreeEdge& b) {
      return a.step != b.step ? a.step < b.step : g.label(a.adopter) < g.label(b.adopter);
    });
    result.referral_tree[row] = tree;
  }
  if (opt.record_series) store_series(counts, row, result);
  store_channel_totals(counts, row, result);
  if (opt.record_adoption_steps) {
    Step* out = result.adoption_step.data() + static_cast<std::size_t>(row) * g.num_nodes();
    for (std::size_t i = 0; i < frontier_end; ++i) out[state.adopters[i]] = state.adopted_at[state.adopters[i]];
  }
}

/// Allocates a RunResult shaped for `opt` on a graph of `agents` agents.
RunResult make_result(NodeId agents, const EngineOptions& opt);
/// Adds the per-layer series and totals (and the referral tree, if recorded) for `graph`.
void shape_layers(RunResult& result, const Graph& graph, const EngineOptions& opt);
/// Models that read the agents' traits (Exposure::traits, deferred claims) declare kAgentTraits.
template <class M>
concept AgentTraitsModel = requires { requires M::kAgentTraits; };
/// The channel names of a run: the campaign's, or the three every run has.
const std::vector<std::string>& channel_names(const EngineOptions& opt);

/// Runs all replicates of a model; the result is identical for any number of threads.
template <DiffusionModel M>
RunResult run_replicates(const Graph& g, const M& model, const SeedPlan& seeds, const EngineOptions& opt) {
  RunResult result = make_result(g.num_nodes(), opt);
  shape_layers(result, g, opt);
  if (opt.population != nullptr && opt.population->active() && !AgentTraitsModel<M>)
    throw InputError("population: susceptibility and activity are modelled by independent_cascade and "
                     "linear_threshold only");
  struct Worker {
    ReplicateState state;
    WorkspaceType<M> workspace;
    std::vector<NodeId> seed_buffer;
    StepCounts counts;
    std::unique_ptr<CampaignRun> campaign;
    AttributionScratch scratch;
  };
  const auto make_workspace = [&] {
    if constexpr (std::is_same_v<WorkspaceType<M>, std::monostate>) return std::monostate{};
    else return WorkspaceType<M>(g.num_nodes());
  };
  tbb::enumerable_thread_specific<Worker> workers(
      [&] {
        return Worker{ReplicateState(g.num_nodes(), M::kUsesPressure), make_workspace(), {}, {},
                      opt.campaign ? opt.campaign->make_run() : nullptr, {}};
      });
  const bool concurrent = g.num_nodes() <= opt.concurrent_replicates_max_agents;
  // Steps are split over threads only where the replicates alone would leave threads idle: with
  // several replicates per thread, splitting buys little balance and costs the parallel paths
  // (atomic counts, tasks) in every large step.
  const bool may_split = opt.split_steps && may_split_steps() &&  // once per run: global state, a lock
                         !(concurrent && opt.replicates >= kBusyReplicatesPerThread * static_cast<std::uint32_t>(
                                                               tbb::this_task_arena::max_concurrency()));
  std::atomic<std::uint32_t> finished{0};
  const auto run = [&](std::uint32_t begin, std::uint32_t end) {
    Worker& w = workers.local();  // once per range: the lookup costs as much as a tiny replicate
    for (std::uint32_t r = begin; r != end; ++r) {
      run_replicate(g, model, seeds, opt, r, w.state, w.workspace, w.seed_buffer, w.counts, result, may_split,
                    w.campaign.get(), &w.scratch);
      if (opt.on_replicate_done) opt.on_replicate_done(finished.fetch_add(1, std::memory_order_relaxed) + 1);
    }
  };
  const std::uint32_t first = opt.first_replicate, last = first + opt.replicates;
  if (last < first) throw InputError("run: replicates " + std::to_string(first) + " + " +
                                     std::to_string(opt.replicates) + " exceed 2^32");
  if (concurrent) {
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(first, last, 1),
                      [&](const tbb::blocked_range<std::uint32_t>& range) { run(range.begin(), range.end()); });
  } else {
    run(first, last);
  }
  return result;
}

}  // namespace wom
