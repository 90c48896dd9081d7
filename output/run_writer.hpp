// SPDX-License-Identifier: MIT
#pragma once
/// @file Writes a run (RunResult) to one HDF5 file, atomically: the data go to a temporary
/// name in the same folder, which is renamed over the target only once complete and
/// closed, so a reader never sees a partial file under the final name. Layout: docs/output.md.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/run_result.hpp"

namespace wom {

/// Root attributes of every wom file: what produced it, from what, when.
struct Provenance {
  std::string command_line;            ///< argv joined with spaces
  std::string scenario_path;
  std::string scenario_text;           ///< verbatim file text
  std::vector<std::string> overrides;  ///< --set key=value, in order
  std::string model;                   ///< model registry name
  std::uint64_t seed = 0;
  int threads = 0;
  std::string started_utc;             ///< ISO 8601, e.g. 2026-11-25T22:38:43Z
  std::string finished_utc;
  double build_seconds = 0.0;          ///< network + population construction
  double run_seconds = 0.0;            ///< simulation of all replicates
};

namespace h5 {
class Group;
}
/// Writes the format and wom version, the commit and `provenance` as root attributes, the
/// part every wom file (run, comparison, sweep) shares.
void write_provenance(h5::Group& file, const Provenance& provenance);

/// Writes `result` to `path` (atomically, see file comment). `graph` supplies the agent
/// labels written beside per-agent data and the network's size attributes.
/// @throws IoError if the file cannot be created, written or renamed; no file is left at
///         `path` (nor a temporary one) in that case.
void write_run(const std::filesystem::path& path, const RunResult& result, const Graph& graph,
               const Provenance& provenance);

/// One scenario of a comparison, as written under /variants/<name>.
struct ComparisonVariant {
  std::string name;
  const RunResult* result = nullptr;
  const Graph* graph = nullptr;
  Provenance provenance;
};

/// The side-by-side table of a comparison: mean and 95% CI half-width, [variant][metric].
struct ComparisonTable {
  std::vector<std::string> variants;
  std::vector<std::string> metrics;
  std::vector<double> mean;  ///< row-major [variant][metric]
  std::vector<double> ci95;
};

/// Writes a comparison file atomically: /variants/<name> holds each run's full layout (as
/// a run file's root), /comparison the table. @throws IoError as write_run.
void write_comparison(const std::filesystem::path& path, const std::vector<ComparisonVariant>& variants,
                      const ComparisonTable& table, const std::string& command_line);

/// ISO 8601 UTC time of now, to the second.
std::string utc_now();

}  // namespace wom
