// SPDX-License-Identifier: MIT
// The `wom` executable. The only place that prints errors and chooses an exit status:
// 0 success, 2 bad input (scenario, edge list, flags, output path) or a failed read or write
// (a missing or corrupt file, a full disk), 1 anything else (a bug; please report it),
// 128 + N when ended by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129: cli/common.hpp).
// docs/errors.md lists the messages.

#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "output/hdf5_file.hpp"
#include "sim/error.hpp"
#include "sim/version.hpp"

int main(int argc, char** argv) {
  using namespace wom;
  constexpr int kExitInput = 2;
  constexpr int kExitInternal = 1;
  // First: before HDF5 is used and before any thread (TBB's, MPI's) exists.
  h5::quiet_library();
  try {
    cli::install_signal_handling();
  } catch (const std::exception& e) {
    std::cerr << "wom: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  // The message as thrown (one line per problem), with the user's bytes made printable.
  const auto report = [](const char* kind, const std::string& message) {
    const std::string text = cli::printable(message);
    std::cerr << "wom: " << kind << ": " << text << '\n';
  };
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
      cli::add_graph_command(app, inv),
  };

  // A first word that names no command: CLI11 would say only "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    const std::string word = argv[1];
    std::string names;
    bool known = false;
    for (const auto& c : commands) {
      known = known || c.app->get_name() == word;
      names += (names.empty() ? "" : ", ") + c.app->get_name();
    }
    if (!known) {
      report("error", "unknown command '" + word + "'; the commands are " + names + " (wom --help)");
      return kExitInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // CLI11's message in wom's format: one line, and where to look.
    std::string where = "wom --help";
    for (const auto& c : commands)
      if (c.app->parsed()) where = "wom " + c.app->get_name() + " --help";
    report("error", std::string(e.what()) + " (" + where + " lists the options)");
    return kExitInput;
  }

  for (int i = 0; i < argc; ++i) inv.command_line += (i ? " " : "") + std::string(argv[i]);
  try {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                    inv.threads > 0 ? static_cast<std::size_t>(inv.threads)
                                                : static_cast<std::size_t>(tbb::info::default_concurrency()));
    for (const auto& c : commands) {
      if (!c.app->parsed()) continue;
      if (c.app->get_name() == "sweep") {
        cli::set_interrupt_note("the sweep's checkpoint OUT.h5.progress keeps every finished point: "
                                "rerun the same command with --resume to continue");
      }
      return c.run(inv);
    }
    return kExitInput;
  } catch (const InputError& e) {
    report("error", e.what());
    return kExitInput;
  } catch (const IoError& e) {
    report("error", e.what());
    return kExitInput;
  } catch (const std::bad_alloc&) {
    report("error", "out of memory: this run needs more memory than the machine gives it (docs/limits.md "
                    "lists what each size needs; lower the replicates, threads or network size)");
    return kExitInternal;
  } catch (const std::exception& e) {
    report("internal error", e.what());
    return kExitInternal;
  } catch (...) {
    report("internal error", "an unknown exception");
    return kExitInternal;
  }
}
