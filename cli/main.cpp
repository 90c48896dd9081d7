// SPDX-License-Identifier: MIT
// The `wom` executable. The only place that prints errors and chooses an exit status:
// 0 success, 2 bad input (scenario, edge list, flags, output path), 1 anything else.

#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "cli/command.hpp"
#include "sim/error.hpp"
#include "sim/version.hpp"

int main(int argc, char** argv) {
  using namespace wom;
  constexpr int kExitInput = 2;
  CLI::App app{"wom: agent-based simulator of word of mouth (sponsored posts, referrals, cascades)", "wom"};
  app.set_version_flag("--version", std::string("wom ") + kVersion + " (commit " + kGitCommit + ")");
  app.require_subcommand(1);
  cli::Invocation inv;
  const std::vector<cli::Command> commands{
      cli::add_run_command(app, inv),
      cli::add_validate_command(app, inv),
      cli::add_compare_command(app, inv),
      cli::add_sweep_command(app, inv), cli::add_merge_command(app, inv),
      cli::add_inspect_command(app, inv), cli::add_export_command(app, inv), cli::add_plot_command(app, inv),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitInput;
  }

  for (int i = 0; i < argc; ++i) inv.command_line += (i ? " " : "") + std::string(argv[i]);
  try {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                    inv.threads > 0 ? static_cast<std::size_t>(inv.threads)
                                                : static_cast<std::size_t>(tbb::info::default_concurrency()));
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run(inv);
    return kExitInput;
  } catch (const InputError& e) {
    std::cerr << "wom: error: " << e.what() << '\n';
    return kExitInput;
  } catch (const IoError& e) {
    std::cerr << "wom: error: " << e.what() << '\n';
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "wom: internal error: " << e.what() << '\n';
    return 1;
  }
}
