// SPDX-License-Identifier: MIT
#pragma once
/// @file Writes a parameter sweep to one HDF5 file, atomically like a run file
/// (output/run_writer.hpp), and reads one back (`wom merge`, `wom sweep --resume`).
/// Layout: docs/output.md, "Sweep files": /sweep/points (parameter values per point),
/// /series/* [point, replicate, step], /summary/replicates [point, replicate],
/// /summary/points (mean, sd and 95% interval of each summary metric per point).
///
/// Rows are in the order the records are given (callers sort them by point index), so a
/// file depends only on the records, never on which rank or thread computed them. A shard
/// file (`wom sweep --shard i/N`) holds a subset of the points; merging the shards' records
/// and writing them again gives the file a single run writes.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "output/run_writer.hpp"
#include "sim/run_result.hpp"

namespace wom {

/// Type of a parameter's column in /sweep/points.
enum class SweepColumnKind : std::uint8_t { kBool, kInt, kFloat, kString };

/// One swept key: the column's name (the dotted key) and type.
struct SweepColumn {
  std::string key;
  SweepColumnKind kind = SweepColumnKind::kFloat;
};

/// A parameter value at one point, of its column's kind.
using SweepCell = std::variant<bool, std::int64_t, double, std::string>;

/// What simulating one point produced.
struct SweepPointResult {
  std::uint32_t point = 0;         ///< index in the design
  std::uint64_t seed = 0;          ///< the point's master seed
  std::uint64_t arcs = 0;          ///< arcs of the point's network
  bool directed = false;
  /// The replicates in `run` are first_replicate .. first_replicate + run.replicates - 1: all
  /// of them, except in a replicate range on its way to rank 0 (WorkUnit).
  std::uint32_t first_replicate = 0;
  RunResult run;                   ///< its replicates (agents, series, summaries)
  double build_seconds = 0.0;      ///< network built for this point (0 when it was shared)
  double simulate_seconds = 0.0;   ///< wall time of simulating its replicates
};

/// One row of a sweep file: a point's results and what the design says about it.
struct SweepRecord {
  SweepPointResult result;
  std::vector<SweepCell> values;  ///< one per column
  std::string overrides;          ///< the point's `key=value` overrides, one per line
};

/// What a sweep file says about the whole sweep.
struct SweepHeader {
  /// Root attributes shared with run files. model and seed are the base scenario's;
  /// build_seconds sums the networks built; run_seconds is the wall time of simulating.
  Provenance provenance;
  std::string design;
  bool common_random_numbers = true;
  std::uint64_t design_seed = 0;
  std::uint32_t total_points = 0;  ///< points of the whole sweep (a shard holds fewer)
  std::uint32_t replicates = 0;    ///< per point
  Step steps = 0;
  double step_hours = 1.0;
  std::vector<SweepColumn> columns;
  std::string hash;                ///< digest of the sweep's inputs (SweepPlan::hash)
  std::string shard;               ///< "i/N" in a shard file, else empty
  std::int32_t mpi_ranks = 1;
  std::uint32_t resumed_points = 0;   ///< points taken from a checkpoint, not recomputed
  double simulate_seconds = 0.0;      ///< sum over points of simulate_seconds
};

/// Writes `records` (sorted by point, distinct) to `path`, atomically.
/// @throws Error if the records disagree with the header (a bug), IoError on I/O failure;
///         nothing is left at `path` then.
void write_sweep(const std::filesystem::path& path, const SweepHeader& header, std::span<const SweepRecord> records);

/// A sweep file read back.
struct SweepFile {
  SweepHeader header;
  std::vector<SweepRecord> records;
};

/// Reads a file write_sweep wrote. @throws IoError if it is not a complete sweep file.
SweepFile read_sweep(const std::filesystem::path& path);

/// The summary metrics of /summary/points, in field order.
std::span<const char* const> sweep_metric_names();

/// Two-sided 97.5% quantile of Student's t with `dof` degrees of freedom (NaN for 0).
double student_t975(std::size_t dof);

/// Per-point statistics of one metric over replicates.
struct MetricStats {
  double mean = 0, sd = 0, ci95_low = 0, ci95_high = 0;
  std::uint32_t n = 0;  ///< replicates where the metric is defined (steps: not -1)
};
/// Statistics of metric `metric` (index into sweep_metric_names()) over `summaries`:
/// undefined values skipped; sd with n - 1 (NaN below 2 values); mean ± t·sd/√n.
MetricStats metric_stats(std::span<const ReplicateSummary> summaries, std::size_t metric);

}  // namespace wom
