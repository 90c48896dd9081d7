// SPDX-License-Identifier: MIT
#pragma once
// Pieces shared by the commands that write results.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>

#include "output/run_writer.hpp"
#include "scenarios/scenario.hpp"

namespace wom::cli {

/// Fills what an output's provenance says of its scenario (path, text, --set overrides,
/// model, seed), of the command line and of the threads in force; times are the caller's.
void describe_scenario(Provenance& provenance, const Scenario& scenario, const std::string& command_line);

/// How wom meets signals; main calls it first, before any thread exists.
///  - SIGINT, SIGTERM, SIGHUP: a watcher thread removes every output file still being written
///    (output/atomic_file.hpp), prints one line and ends the process with status 128 + the
///    signal number (130, 143, 129). A final output is thus either complete or absent; a
///    sweep's checkpoint is kept (its records are synced and checksummed as written), so
///    `wom sweep --resume` continues an interrupted sweep.
///  - SIGXFSZ is ignored: a write beyond `ulimit -f` then fails with EFBIG and is reported
///    like a full disk, instead of killing wom with its temporary file left behind.
void install_signal_handling();

/// What the message after an interruption adds (a static string, e.g. how to resume), or
/// nullptr for nothing.
void set_interrupt_note(const char* note);

/// `text` with each byte that is not printable UTF-8 (control characters other than line
/// breaks and tabs, bytes of invalid UTF-8) written as \xNN: error messages quote the
/// user's files, which may be binary, and must not garble the terminal.
std::string printable(std::string_view text);

/// CLI11 check of `--seed`: an integer in [0, 2^64 - 1], with a message saying so (CLI11's
/// own NonNegativeNumber prints its range as 0.000000 to a 309-digit number).
CLI::Validator seed_check();

/// Refuses, before any simulation, an output path whose folder is missing, that names a
/// folder, or that exists (unless `force`). @throws InputError.
void check_output_path(const std::string& output, bool force);

/// Mean and half-width of the 95% confidence interval (Student t) of `n` values with the
/// given sum and sum of squares; NaN when n = 0.
std::pair<double, double> mean_ci95(double sum, double sum_squares, std::size_t n);

}  // namespace wom::cli
