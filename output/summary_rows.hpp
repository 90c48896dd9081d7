// SPDX-License-Identifier: MIT
#pragma once
/// @file What run files and sweep files share: the [.., replicate, step] series of a RunResult
/// with their names, units and descriptions, and the /summary/replicates row of a
/// ReplicateSummary with its HDF5 compound type. Internal to output/.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "output/hdf5_file.hpp"
#include "sim/run_result.hpp"

namespace wom::output_rows {

/// A time series of RunResult and how it is described in the file.
struct SeriesSpec {
  const char* name;
  ReplicateRows<std::uint64_t> RunResult::*values;
  const char* units;
  const char* long_name;
};

inline constexpr SeriesSpec kSeries[] = {
    {"new_adopters", &RunResult::new_adopters, "agents", "agents adopting at this step"},
    {"cumulative_adopters", &RunResult::cumulative_adopters, "agents", "agents adopted at or before this step"},
    {"exposures", &RunResult::exposures, "arcs", "arcs over which adopters exposed others at this step"},
    {"active_sharers", &RunResult::active_sharers, "agents", "agents spreading at this step"},
};

/// Memory layout of one /summary/replicates row (on disk the fields are packed).
struct SummaryRow {
  std::uint32_t replicate;
  std::uint64_t final_adopters;
  double final_fraction;
  Step peak_step;
  std::uint64_t peak_adopters;
  Step steps_to_50;
  Step steps_to_90;
  Step last_step;
  std::uint64_t exposures;
  std::uint64_t reach;
  std::int64_t spend_cents;
  std::int64_t money_cents;
  std::int64_t money_24h_cents;
  std::uint64_t donors;
  Step goal_step;
};

/// The HDF5 compound type of SummaryRow, field names as in docs/output.md.
inline h5::CompoundType summary_type() {
  h5::CompoundType type(sizeof(SummaryRow));
  type.add<std::uint32_t>("replicate", offsetof(SummaryRow, replicate))
      .add<std::uint64_t>("final_adopters", offsetof(SummaryRow, final_adopters))
      .add<double>("final_fraction", offsetof(SummaryRow, final_fraction))
      .add<Step>("peak_step", offsetof(SummaryRow, peak_step))
      .add<std::uint64_t>("peak_adopters", offsetof(SummaryRow, peak_adopters))
      .add<Step>("steps_to_50", offsetof(SummaryRow, steps_to_50))
      .add<Step>("steps_to_90", offsetof(SummaryRow, steps_to_90))
      .add<Step>("last_step", offsetof(SummaryRow, last_step))
      .add<std::uint64_t>("exposures", offsetof(SummaryRow, exposures))
      .add<std::uint64_t>("reach", offsetof(SummaryRow, reach))
      .add<std::int64_t>("spend_cents", offsetof(SummaryRow, spend_cents))
      .add<std::int64_t>("money_cents", offsetof(SummaryRow, money_cents))
      .add<std::int64_t>("money_24h_cents", offsetof(SummaryRow, money_24h_cents))
      .add<std::uint64_t>("donors", offsetof(SummaryRow, donors))
      .add<Step>("goal_step", offsetof(SummaryRow, goal_step));
  return type;
}

/// Row `r` of the table, from replicate r's summary.
inline SummaryRow summary_row(std::uint32_t r, const ReplicateSummary& s) {
  return {r,           s.final_adopters, s.final_fraction, s.peak_step,   s.peak_adopters,   s.steps_to_50,
          s.steps_to_90, s.last_step,    s.exposures,      s.reach,       s.spend_cents,     s.money_cents,
          s.money_24h_cents, s.donors,   s.goal_step};
}

}  // namespace wom::output_rows
