// SPDX-License-Identifier: MIT
// `wom validate SCENARIO`: check a scenario and print it with every default filled in.

#include <iostream>

#include "cli/command.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/schema.hpp"

namespace wom::cli {

Command add_validate_command(CLI::App& wom, Invocation&) {
  struct Options {
    std::string scenario;
    std::vector<std::string> overrides;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = wom.add_subcommand("validate", "Check a scenario and print it with every default filled in");
  app->add_option("scenario", o->scenario, "Scenario file (TOML)")->required();
  app->add_option("--set", o->overrides, "Override a scenario key: --set run.steps=50 (repeatable)");
  return {app, [o](const Invocation&) {
            const Scenario sc = load_scenario(o->scenario, o->overrides);
            std::cout << "# " << sc.path.string() << ": valid. Resolved scenario (defaults filled in):\n"
                      << resolved_scenario_toml(sc);
            return 0;
          }};
}

}  // namespace wom::cli
