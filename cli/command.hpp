// SPDX-License-Identifier: MIT
#pragma once
// Each `wom` subcommand lives in its own file and registers itself through one function
// listed in main.cpp. Commands throw wom::InputError / IoError; main turns them into
// messages and exit statuses.

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace wom::cli {

/// What every command may need besides its own options.
struct Invocation {
  std::string command_line;  ///< argv joined by spaces, for provenance
  int threads = 0;           ///< --threads; 0 = all cores
};

/// Adds `-t,--threads` to a command that simulates (main applies it with tbb::global_control).
void add_threads_option(CLI::App& command, Invocation& invocation);

/// A registered subcommand: its CLI11 node and the function that runs it once parsed.
struct Command {
  CLI::App* app = nullptr;
  std::function<int(const Invocation&)> run;
};

Command add_run_command(CLI::App& wom, Invocation& invocation);
Command add_validate_command(CLI::App& wom, Invocation& invocation);
Command add_compare_command(CLI::App& wom, Invocation& invocation);
Command add_sweep_command(CLI::App& wom, Invocation& invocation);  // and add_merge_command: issue 5
Command add_merge_command(CLI::App& wom, Invocation& invocation);
Command add_inspect_command(CLI::App& wom, Invocation& invocation);
Command add_export_command(CLI::App& wom, Invocation& invocation);
Command add_plot_command(CLI::App& wom, Invocation& invocation);
Command add_graph_command(CLI::App& wom, Invocation& invocation);  // issue 7: binary graph cache

}  // namespace wom::cli
