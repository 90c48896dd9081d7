// SPDX-License-Identifier: MIT
#include "cli/common.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cli/command.hpp"
#include "sim/error.hpp"

namespace fs = std::filesystem;

namespace wom::cli {

void add_threads_option(CLI::App& command, Invocation& invocation) {
  command.add_option("-t,--threads", invocation.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 4096));
}

void check_output_path(const std::string& output, bool force) {
  const fs::path out(output);
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(output + ": output folder '" + dir.string() + "' does not exist");
  if (fs::is_directory(out, ec)) throw InputError(output + ": is a folder, not an output file");
  if (fs::exists(out, ec) && !force) throw InputError(output + ": already exists (use --force to replace it)");
}

double student_t975(std::size_t dof) {
  // Exact table to 30 degrees of freedom, then the Cornish–Fisher expansion (error < 1e-4).
  static constexpr double table[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                     2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                     2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof == 0) return NAN;
  if (dof <= 30) return table[dof];
  const double z = 1.959964, n = static_cast<double>(dof);
  return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

std::pair<double, double> mean_ci95(double sum, double sum_squares, std::size_t n) {
  if (n == 0) return {NAN, NAN};
  const double mean = sum / static_cast<double>(n);
  if (n == 1) return {mean, NAN};
  const double var = std::max(0.0, (sum_squares - static_cast<double>(n) * mean * mean) / static_cast<double>(n - 1));
  return {mean, student_t975(n - 1) * std::sqrt(var / static_cast<double>(n))};
}

}  // namespace wom::cli
