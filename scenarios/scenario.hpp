// SPDX-License-Identifier: MIT
#pragma once
/// @file A validated scenario: everything a run depends on.

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "models/model_spec.hpp"
#include "scenarios/sweep_spec.hpp"
#include "sim/spec.hpp"

namespace wom {

struct Scenario {
  std::filesystem::path path;          ///< file it was loaded from
  std::string text;                    ///< the file's full text, verbatim (provenance)
  std::vector<std::string> overrides;  ///< --set key=value applied on top, in order
  NetworkSpec network;
  TrustSpec trust;
  PopulationSpec population;
  ModelSpec model;
  std::vector<ChannelSpec> channels;   ///< [[channel]] entries, in file order

  /// The seed channels' specs, in order.
  [[nodiscard]] std::vector<SeedSpec> seed_specs() const {
    std::vector<SeedSpec> out;
    for (const auto& c : channels)
      if (c.type == "seed") out.push_back(c.seed);
    return out;
  }
  RunSpec run;
  OutputSpec output;
  SweepSpec sweep;                     ///< [sweep]; only `wom sweep` reads it
};

/// Loads, applies `overrides` ("dotted.key=value", TOML value syntax, bare words taken as
/// strings), and validates a scenario. Collects every problem before throwing.
/// @throws InputError whose message has one line per problem: `file:line:column: key: what`
///         (`--set key=value: key: what` for overrides).
Scenario load_scenario(const std::filesystem::path& path, std::span<const std::string> overrides = {});
/// The text of a scenario file. @throws InputError naming the file if it cannot be read.
std::string read_scenario_text(const std::filesystem::path& path);

/// Same, from text already in memory; `path` is used for messages and relative edge-list paths.
Scenario parse_scenario(std::string text, const std::filesystem::path& path,
                        std::span<const std::string> overrides = {});

}  // namespace wom
