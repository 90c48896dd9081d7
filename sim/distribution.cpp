// SPDX-License-Identifier: MIT
#include "sim/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <boost/random/beta_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

namespace wom {
namespace {

// Rejection sampling for truncated normal/lognormal: after this many misses the window
// holds so little mass that the draw is clamped instead (a documented approximation).
constexpr int kMaxTruncationTries = 64;

template <class Dist>
double truncated(Dist dist, CounterEngine& engine, double low, double high) {
  for (int i = 0; i < kMaxTruncationTries; ++i) {
    const double x = dist(engine);
    if (x >= low && x <= high) return x;
  }
  return std::clamp(dist(engine), low, high);
}

}  // namespace

double Distribution::sample_shaped(CounterEngine& engine) const {
  switch (kind) {
    case Kind::kConstant:
    case Kind::kUniform:
      return sample(engine);
    case Kind::kNormal:
      return truncated(boost::random::normal_distribution<double>(mean, sd), engine, low, high);
    case Kind::kLognormal:
      return truncated(boost::random::lognormal_distribution<double>(mean, sd), engine, low, high);
    case Kind::kBeta:
      return boost::random::beta_distribution<double>(alpha, beta)(engine);
  }
  return value;
}

double Distribution::min_value() const {
  switch (kind) {
    case Kind::kConstant: return value;
    case Kind::kBeta: return 0.0;
    default: return low;
  }
}

double Distribution::max_value() const {
  switch (kind) {
    case Kind::kConstant: return value;
    case Kind::kBeta: return 1.0;
    default: return high;
  }
}

const char* Distribution::kind_name(Kind k) {
  switch (k) {
    case Kind::kConstant: return "constant";
    case Kind::kUniform: return "uniform";
    case Kind::kNormal: return "normal";
    case Kind::kBeta: return "beta";
    case Kind::kLognormal: return "lognormal";
  }
  return "?";
}

std::string Distribution::describe() const {
  std::ostringstream s;
  s << kind_name(kind) << '(';
  switch (kind) {
    case Kind::kConstant: s << value; break;
    case Kind::kUniform: s << low << ", " << high; break;
    case Kind::kNormal:
    case Kind::kLognormal: s << "mean " << mean << ", sd " << sd << ", in [" << low << ", " << high << ']'; break;
    case Kind::kBeta: s << alpha << ", " << beta; break;
  }
  s << ')';
  return s.str();
}

}  // namespace wom
