// SPDX-License-Identifier: MIT
#pragma once
/// @file What a run produces: time series [replicate, step] and a summary per replicate.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/cascade.hpp"
#include "sim/huge_array.hpp"
#include "sim/types.hpp"

namespace wom {

/// Per-replicate rows of a result. Every replicate writes its rows whole, so the engine sizes
/// them without filling them first: a batch of a million small replicates has 160 MB of
/// summaries and totals, and one thread zeroing them beforehand was a serial pass of its own
/// (IC p = 0.01 on BA 100k with two threads: 0.353-0.381 µs per run with it, 0.322-0.340
/// without). Sizing one with resize() leaves the entries indeterminate until written (see
/// UninitialisedAllocator).
template <class T>
using ReplicateRows = std::vector<T, UninitialisedAllocator<T>>;

/// Summary of one replicate. Steps are -1 where undefined (e.g. no adoption at all).
struct ReplicateSummary {
  std::uint64_t final_adopters = 0;
  double final_fraction = 0.0;     ///< final_adopters / N
  Step peak_step = -1;             ///< step with the most new adopters (earliest on ties), step >= 1; -1 if none
  std::uint64_t peak_adopters = 0; ///< new adopters at peak_step
  Step steps_to_50 = -1;           ///< first step with cumulative adopters >= 50% of final
  Step steps_to_90 = -1;           ///< first step with cumulative adopters >= 90% of final
  Step last_step = 0;              ///< last step simulated (earlier than `steps` if it went quiet)
  std::uint64_t exposures = 0;     ///< arcs processed over the whole replicate
  std::uint64_t reach = 0;         ///< agents exposed at least once (by friends or any channel) or seeded
  std::int64_t spend_cents = 0;    ///< all channels' spend
  std::int64_t money_cents = 0;    ///< donations raised in total
  std::int64_t money_24h_cents = 0;///< donations raised by the end of hour 24
  std::uint64_t donors = 0;        ///< adopters who donated a positive amount
  Step goal_step = -1;             ///< first step at which donations reached the fundraiser's goal
};

/// Time series are row-major [replicate][step] with `steps + 1` columns (step 0 = seeds).
/// Columns past a replicate's last_step repeat its final state (0 new, same cumulative).
struct RunResult {
  NodeId agents = 0;
  std::uint32_t replicates = 0;
  Step steps = 0;
  double step_hours = 1.0;
  ReplicateRows<std::uint64_t> new_adopters;         ///< agents adopting at step t
  ReplicateRows<std::uint64_t> cumulative_adopters;  ///< agents adopted at or before t
  ReplicateRows<std::uint64_t> exposures;            ///< arcs over which adopters exposed others at t
  ReplicateRows<std::uint64_t> active_sharers;       ///< agents spreading at t (adopted at t-1)
  ReplicateRows<ReplicateSummary> summaries;
  /// [replicate][agent] adoption step (kNever = -1), only if requested by [output].
  std::vector<Step> adoption_step;

  /// Channels: "seed", "friends", "spontaneous", then the scenario's channels.
  std::vector<std::string> channel_names;
  /// [replicate][channel][step]: exposures each channel made, adoptions it tipped, dollars
  /// (cents) it spent in that step.
  ReplicateRows<std::uint64_t> channel_exposures;
  ReplicateRows<std::uint64_t> channel_adoptions;
  ReplicateRows<std::int64_t> channel_spend_cents;
  /// [replicate][step]: donations raised by the end of each step (cumulative), in cents.
  ReplicateRows<std::int64_t> money_cents;
  /// [replicate][channel]: totals over the replicate.
  ReplicateRows<std::uint64_t> total_channel_adoptions;
  ReplicateRows<std::int64_t> total_channel_spend_cents;

  /// Network layers (Graph::layer_names) and the adoptions word of mouth tipped over each:
  /// [replicate][layer][step] (with the series) and [replicate][layer] totals. Word of mouth is
  /// the adoptions credited to friends or to a running referral programme.
  std::vector<std::string> layer_names;
  ReplicateRows<std::uint64_t> layer_adoptions;
  ReplicateRows<std::uint64_t> total_layer_adoptions;
  /// With [output] referral_tree: each replicate's adoptions with who tipped them, sorted by
  /// (step, adopter), and the cascade metrics of that forest ([replicate]).
  std::vector<std::vector<TreeEdge>> referral_tree;
  std::vector<CascadeMetrics> cascades;

  [[nodiscard]] std::size_t channels() const noexcept { return channel_names.size(); }
  [[nodiscard]] std::size_t at(std::uint32_t replicate, std::size_t channel, Step t) const noexcept {
    return (static_cast<std::size_t>(replicate) * channels() + channel) * columns() + static_cast<std::size_t>(t);
  }

  [[nodiscard]] std::size_t layers() const noexcept { return layer_names.size(); }
  [[nodiscard]] std::size_t layer_at(std::uint32_t replicate, std::size_t layer, Step t) const noexcept {
    return (static_cast<std::size_t>(replicate) * layers() + layer) * columns() + static_cast<std::size_t>(t);
  }

  /// Appends the rows of `later`, a run of the same scenario over the replicates that follow
  /// this one's (EngineOptions::first_replicate): every per-replicate field is replicate-major,
  /// so the joined result equals one run over both ranges. @throws Error if the shapes differ.
  void append_replicates(RunResult&& later);

  [[nodiscard]] std::size_t columns() const noexcept { return static_cast<std::size_t>(steps) + 1; }
  [[nodiscard]] std::size_t at(std::uint32_t replicate, Step t) const noexcept {
    return replicate * columns() + static_cast<std::size_t>(t);
  }
};

}  // namespace wom
