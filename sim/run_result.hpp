// SPDX-License-Identifier: MIT
#pragma once
/// @file What a run produces: time series [replicate, step] and a summary per replicate.

#include <cstdint>
#include <vector>

#include "sim/types.hpp"

namespace wom {

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
};

/// Time series are row-major [replicate][step] with `steps + 1` columns (step 0 = seeds).
/// Columns past a replicate's last_step repeat its final state (0 new, same cumulative).
struct RunResult {
  NodeId agents = 0;
  std::uint32_t replicates = 0;
  Step steps = 0;
  double step_hours = 1.0;
  std::vector<std::uint64_t> new_adopters;         ///< agents adopting at step t
  std::vector<std::uint64_t> cumulative_adopters;  ///< agents adopted at or before t
  std::vector<std::uint64_t> exposures;            ///< arcs over which adopters exposed others at t
  std::vector<std::uint64_t> active_sharers;       ///< agents spreading at t (adopted at t-1)
  std::vector<ReplicateSummary> summaries;
  /// [replicate][agent] adoption step (kNever = -1), only if requested by [output].
  std::vector<Step> adoption_step;

  [[nodiscard]] std::size_t columns() const noexcept { return static_cast<std::size_t>(steps) + 1; }
  [[nodiscard]] std::size_t at(std::uint32_t replicate, Step t) const noexcept {
    return replicate * columns() + static_cast<std::size_t>(t);
  }
};

}  // namespace wom
