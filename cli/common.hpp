// SPDX-License-Identifier: MIT
#pragma once
// Pieces shared by the commands that write results.

#include <cstddef>
#include <string>
#include <utility>

namespace wom::cli {

/// Refuses, before any simulation, an output path whose folder is missing, that names a
/// folder, or that exists (unless `force`). @throws InputError.
void check_output_path(const std::string& output, bool force);

/// Mean and half-width of the 95% confidence interval (Student t) of `n` values with the
/// given sum and sum of squares; NaN when n = 0.
std::pair<double, double> mean_ci95(double sum, double sum_squares, std::size_t n);

/// Two-sided 97.5% quantile of Student's t with `dof` degrees of freedom.
double student_t975(std::size_t dof);

}  // namespace wom::cli
