// SPDX-License-Identifier: MIT
// libFuzzer target: the scenario loader (TOML parsing, validation, --set overrides, sweep
// plans). Any input must either load or be refused with an InputError; everything else
// (a crash, a sanitizer report, another exception, a hang, unbounded memory) is a bug.
// A loaded scenario must also survive a round trip through its resolved text, which
// `wom validate` prints and documents as loadable again.
//
// Input: scenario text, optionally followed by a line "---" and one `--set` argument per line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario.hpp"
#include "scenarios/schema.hpp"
#include "scenarios/sweep.hpp"
#include "sim/error.hpp"

namespace {

/// Scenario paths resolve edge lists against their folder: one that exists and holds nothing
/// the fuzzer could name by accident.
const std::filesystem::path& scenario_path() {
  static const std::filesystem::path path = [] {
    const auto folder = std::filesystem::temp_directory_path() / "wom-fuzz-scenario";
    std::filesystem::create_directories(folder);
    return folder / "fuzz.toml";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  if (const auto split = text.find("\n---\n"); split != std::string::npos) {
    std::string_view rest = std::string_view(text).substr(split + 5);
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      overrides.emplace_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    text.resize(split + 1);
  }
  try {
    if (text.find("[sweep") != std::string::npos) {
      (void)wom::plan_sweep_text(text, scenario_path(), overrides);
      return 0;
    }
    const wom::Scenario scenario = wom::parse_scenario(text, scenario_path(), overrides);
    const std::string resolved = wom::resolved_scenario_toml(scenario);
    try {
      (void)wom::parse_scenario(resolved, scenario_path());
    } catch (const wom::InputError& e) {
      // The resolved text of a valid scenario must load: a round-trip failure is a bug.
      std::fprintf(stderr, "resolved scenario does not load again: %s\n--- resolved:\n%s\n", e.what(), resolved.c_str());
      std::abort();
    }
  } catch (const wom::InputError&) {
    // Refused with a message: the expected outcome for bad input.
  }
  return 0;
}
