// SPDX-License-Identifier: MIT
#pragma once
/// @file Parameter sweeps: a scenario's `[sweep]` section (and `wom sweep --set key=v1,v2`)
/// expanded into points.
///
/// A point is the base scenario plus one `--set`-style override (`key=value`) per swept
/// parameter, so every point is loaded and validated by exactly the code that loads a
/// scenario, and `wom run` with the same overrides reproduces it. plan_sweep validates
/// every point before anything is simulated and reports all problems at once, at the
/// position of the offending parameter value in the scenario file.
///
/// Determinism: a point's results depend only on the scenario, its overrides and the
/// replicate index. With common random numbers (the default) every point runs with the
/// scenario's run.seed, so replicate r of every point sees the same random streams; without,
/// point i runs with derive(run.seed, i). The random designs draw from counter-based streams
/// keyed by sweep.seed, so the design itself is reproducible.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "scenarios/scenario.hpp"

namespace wom {

/// A swept parameter's value at one point, typed as in the output's /sweep/points table.
using SweepValue = std::variant<bool, std::int64_t, double, std::string>;

/// Type of a parameter's column in /sweep/points: the narrowest that holds all its values
/// (integers and floats together make a float column; anything else is text).
enum class SweepValueKind : std::uint8_t { kBool, kInt, kFloat, kString };

/// Name of a kind as written in the file attribute `sweep_parameter_types`.
std::string_view sweep_kind_name(SweepValueKind kind);

/// One swept key.
struct SweepParameter {
  std::string key;                  ///< dotted scenario key, e.g. "model.probability"
  SweepValueKind kind = SweepValueKind::kFloat;
  /// Listed values, as TOML text (grid, zip; random designs draw from the list).
  std::vector<std::string> values;
  /// A range {low, high[, log]} (random and latin_hypercube only).
  bool range = false;
  double low = 0.0, high = 0.0;
  bool log = false;      ///< log-uniform: uniform in log(value)
  bool integer = false;  ///< low and high were integers: integer values, both ends included
  bool from_command_line = false;
};

/// One point of the design.
struct SweepPoint {
  std::vector<std::string> overrides;  ///< "key=value", one per parameter, in parameter order
  std::vector<SweepValue> values;      ///< the same values, typed per column
  Scenario scenario;                   ///< base + overrides, validated; run.seed = `seed`
  std::uint64_t seed = 0;              ///< the point's master seed (see file comment)
  /// Points with equal keys share one PreparedScenario (network, seeds, campaign): equal
  /// scenarios but for [model] parameters and the [run] seed (digest of the rest).
  std::string prepared_key;
  /// Points with equal keys have the same network: equal [network], [trust] and network
  /// seed. A point whose PreparedScenario is new copies the graph of one with this key.
  std::string graph_key;
};

/// A sweep ready to run: every point validated.
struct SweepPlan {
  Scenario base;  ///< the scenario file with the non-swept --set overrides applied
  std::string design;
  bool common_random_numbers = true;
  std::uint64_t design_seed = 0;   ///< seed of the random designs (unused by grid and zip)
  std::uint32_t replicates = 1;    ///< per point
  std::vector<SweepParameter> parameters;
  std::vector<SweepPoint> points;
  /// The `--set` arguments exactly as given (provenance).
  std::vector<std::string> set_arguments;
  /// Hex digest of everything the results depend on (scenario text, overrides, every
  /// point's overrides and seed, replicates): checkpoints and shards are checked against it.
  std::string hash;
};

/// Expands and validates a sweep. `set_arguments` are `wom sweep --set` arguments:
/// `key=v1,v2,...` (commas outside brackets, braces and quotes separate values) sweeps `key`
/// over the values; a single value is an ordinary override, unless `key` is a parameter of
/// the file (then it replaces that parameter's values) or the value is a range
/// `{low = a, high = b}`. `sweep.*` keys (e.g. `sweep.design=zip`) set the [sweep] table.
/// @throws InputError listing every problem, one per line, `file:line:column: key: what`
///         (`--set text: key: what` for command-line values).
SweepPlan plan_sweep(const std::filesystem::path& scenario_path, std::span<const std::string> set_arguments);

/// Same, from text in memory (tests).
SweepPlan plan_sweep_text(std::string text, const std::filesystem::path& scenario_path,
                          std::span<const std::string> set_arguments);

/// Splits a `--set` value list at the commas outside brackets, braces and quotes.
std::vector<std::string> split_sweep_values(std::string_view text);

/// 32 hex digits of a 128-bit non-cryptographic digest (FNV-1a, two lanes, mixed).
std::string digest_hex(std::string_view data);

}  // namespace wom
