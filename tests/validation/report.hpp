// SPDX-License-Identifier: MIT
#pragma once
// Validation against theory: each comparison is one row (model, quantity, expected, measured,
// tolerance), checked with doctest and, when WOM_VALIDATION_REPORT names a file, appended to
// it as a tab-separated line for scripts/validate.sh to turn into docs/validation.md.
// WOM_VALIDATION_SCALE=full selects the larger populations and replicate counts of the report
// (the quick sizes keep ctest fast).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

namespace wom::test {

/// Whether the run asks for the report's full scale.
inline bool full_scale() {
  const char* s = std::getenv("WOM_VALIDATION_SCALE");
  return s != nullptr && std::string_view(s) == "full";
}

/// `quick` for ctest, `full` for scripts/validate.sh.
template <class T>
T scaled(T quick, T full) {
  return full_scale() ? full : quick;
}

/// How a row passes: measured within tolerance of expected, or below/above expected by more
/// than the tolerance (one-sided claims such as "slower than before").
enum class Test { kWithin, kBelow, kAbove };

struct Row {
  std::string model;
  std::string quantity;  ///< what is compared, with the setting (N, parameters)
  double expected;
  double measured;
  double tolerance;      ///< |measured - expected| <= tolerance passes
  std::string basis;     ///< how the tolerance was derived
  bool informational = false;  ///< reported, not checked (e.g. a variant shown to deviate)
  Test test = Test::kWithin;
};

/// Checks one row and records it in the report file, if any.
inline void check_row(const Row& row) {
  const double error = row.test == Test::kWithin ? std::abs(row.measured - row.expected) : row.measured - row.expected;
  const bool pass = row.test == Test::kWithin  ? error <= row.tolerance
                    : row.test == Test::kBelow ? error < -row.tolerance
                                               : error > row.tolerance;
  const char* verdict = row.informational ? "info" : pass ? "pass" : "FAIL";
  char expected[48];
  std::snprintf(expected, sizeof expected, row.test == Test::kWithin ? "%.6g" : row.test == Test::kBelow ? "< %g" : "> %g",
                row.expected);
  if (const char* path = std::getenv("WOM_VALIDATION_REPORT")) {
    if (std::FILE* f = std::fopen(path, "a")) {
      std::fprintf(f, "%s\t%s\t%s\t%.6g\t%.3g\t%.3g\t%s\t%s\n", row.model.c_str(), row.quantity.c_str(), expected,
                   row.measured, error, row.tolerance, verdict, row.basis.c_str());
      std::fclose(f);
    }
  }
  INFO(row.model << ": " << row.quantity << ": expected " << expected << ", measured " << row.measured << ", error "
                 << error << ", tolerance " << row.tolerance << " (" << row.basis << ")");
  if (!row.informational) CHECK(pass);
}

/// Mean and standard error of the mean of a sample.
struct MeanSe {
  double mean = 0, se = 0, sd = 0;
  std::size_t n = 0;
};
inline MeanSe mean_se(const std::vector<double>& x) {
  MeanSe r;
  r.n = x.size();
  if (x.empty()) return r;
  double sum = 0;
  for (double v : x) sum += v;
  r.mean = sum / static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - r.mean) * (v - r.mean);
  r.sd = x.size() > 1 ? std::sqrt(ss / static_cast<double>(x.size() - 1)) : 0.0;
  r.se = r.sd / std::sqrt(static_cast<double>(x.size()));
  return r;
}

/// Root of f in [a, b] by bisection (f(a), f(b) of opposite signs).
inline double bisect(const std::function<double(double)>& f, double a, double b) {
  double fa = f(a);
  for (int i = 0; i < 200; ++i) {
    const double m = 0.5 * (a + b);
    const double fm = f(m);
    if ((fm < 0) == (fa < 0)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return 0.5 * (a + b);
}

inline std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

}  // namespace wom::test
