// SPDX-License-Identifier: MIT
// Quality of the counter-based streams at a fixed seed: uniformity (chi-square) and
// independence of neighbouring streams and coordinates (Pearson correlation).

#include <cmath>
#include <vector>

#include <boost/random/normal_distribution.hpp>
#include <doctest/doctest.h>

#include "sim/random.hpp"

using namespace wom;

namespace {

// Upper quantile of chi-square with k degrees of freedom (Wilson–Hilferty); z = 3.719 is
// the standard normal's 0.9999 quantile, so a correct generator fails 1 in 10,000 seeds.
double chi2_upper(double k, double z = 3.719) {
  const double h = 2.0 / (9.0 * k);
  return k * std::pow(1.0 - h + z * std::sqrt(h), 3);
}

double chi2_uniform(const std::vector<double>& u, int bins) {
  std::vector<double> count(bins, 0);
  for (double x : u) count[static_cast<int>(x * bins)] += 1;
  const double expected = static_cast<double>(u.size()) / bins;
  double chi2 = 0;
  for (double c : count) chi2 += (c - expected) * (c - expected) / expected;
  return chi2;
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

constexpr std::size_t kDraws = 1'000'000;
// |r| of independent samples is about N(0, 1/n): 4.5 / sqrt(n) fails 1 in ~150,000.
const double kMaxCorrelation = 4.5 / std::sqrt(static_cast<double>(kDraws));

}  // namespace

TEST_CASE("one stream is uniform: chi-square over 1000 bins and over pairs") {
  CounterEngine e(stream_key(42, 0, Stream::kSpread));
  std::vector<double> u(kDraws);
  for (auto& x : u) x = to_unit(e());
  CHECK(chi2_uniform(u, 1000) < chi2_upper(999));
  // Serial pairs (u_i, u_{i+1}) on a 32 x 32 grid.
  std::vector<double> pairs;
  for (std::size_t i = 0; i + 1 < u.size(); i += 2) pairs.push_back((std::floor(u[i] * 32) * 32 + std::floor(u[i + 1] * 32)) / 1024.0);
  CHECK(chi2_uniform(pairs, 1024) < chi2_upper(1023));
}

TEST_CASE("neighbouring streams are uncorrelated") {
  const auto draws = [](std::uint64_t key) {
    std::vector<double> u(kDraws);
    for (std::size_t i = 0; i < kDraws; ++i) u[i] = to_unit(draw64(key, i));
    return u;
  };
  SUBCASE("replicate r and r+1") {
    CHECK(std::abs(correlation(draws(stream_key(7, 3, Stream::kSpread)), draws(stream_key(7, 4, Stream::kSpread)))) < kMaxCorrelation);
  }
  SUBCASE("seed s and s+1") {
    CHECK(std::abs(correlation(draws(stream_key(7, 0, Stream::kSpread)), draws(stream_key(8, 0, Stream::kSpread)))) < kMaxCorrelation);
  }
  SUBCASE("two streams of one replicate") {
    CHECK(std::abs(correlation(draws(stream_key(7, 0, Stream::kSpread)), draws(stream_key(7, 0, Stream::kThreshold)))) < kMaxCorrelation);
  }
  SUBCASE("agents v and v+1: first draw of each, across agents") {
    const std::uint64_t key = stream_key(7, 0, Stream::kThreshold);
    std::vector<double> a(kDraws), b(kDraws);
    for (std::size_t v = 0; v < kDraws; ++v) {
      a[v] = to_unit(CounterEngine(derive(key, v))());
      b[v] = to_unit(CounterEngine(derive(key, v + 1))());
    }
    CHECK(std::abs(correlation(a, b)) < kMaxCorrelation);
    CHECK(chi2_uniform(a, 1000) < chi2_upper(999));
  }
}

TEST_CASE("CounterEngine feeds Boost.Random distributions") {
  CounterEngine e(stream_key(1, 0, Stream::kPopulation));
  boost::random::normal_distribution<double> normal(2.0, 3.0);
  double sum = 0, sum2 = 0;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) { const double x = normal(e); sum += x; sum2 += x * x; }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  CHECK(std::abs(mean - 2.0) < 4 * 3.0 / std::sqrt(n));
  // Var of the sample variance of a normal is 2 sigma^4 / n.
  CHECK(std::abs(var - 9.0) < 4 * std::sqrt(2.0 * 81.0 / n));
}

TEST_CASE("streams are pure functions of their coordinates") {
  CHECK(draw64(stream_key(1, 2, Stream::kSeeds), 3) == draw64(stream_key(1, 2, Stream::kSeeds), 3));
  CHECK(stream_key(1, 2, Stream::kSeeds) != stream_key(2, 1, Stream::kSeeds));
  CHECK(bounded(~0ull, 10) == 9);
  CHECK(bounded(0, 10) == 0);
}

TEST_CASE("nearest_double rounds exactly as the unsigned conversion does") {
  // The conversion the draws used before it (and Boost's uniform_01): any difference would
  // change thresholds and break reproducibility across versions.
  const auto same = [](std::uint64_t x) {
    const volatile std::uint64_t opaque = x;  // the compiler's own conversion, not a folded constant
    return nearest_double(x) == static_cast<double>(opaque);
  };
  for (const std::uint64_t x :
       {std::uint64_t{0}, std::uint64_t{1}, (std::uint64_t{1} << 53) - 1, std::uint64_t{1} << 53,
        (std::uint64_t{1} << 53) + 1, (std::uint64_t{1} << 63) - 1, std::uint64_t{1} << 63,
        (std::uint64_t{1} << 63) + 1, (std::uint64_t{1} << 63) + (std::uint64_t{1} << 10),
        (std::uint64_t{1} << 63) + (std::uint64_t{1} << 10) + 1, ~std::uint64_t{0}, ~std::uint64_t{0} - 1024,
        ~std::uint64_t{0} - 1025, std::uint64_t{0xFFFFFFFF}, std::uint64_t{0x1FFFFFFFF}}) {
    CHECK(same(x));
  }
  // Random bits, and every tie region: the low 11 bits at and around half an ulp (2^10) for
  // values with the top bit set, where round-half-to-even decides.
  std::uint64_t mismatches = 0;
  for (std::uint64_t i = 0; i < 2'000'000; ++i) {
    const std::uint64_t bits = draw64(0xABCDEFull, i);
    if (!same(bits)) ++mismatches;
    const std::uint64_t tie = (bits & ~std::uint64_t{0x7FF}) | (std::uint64_t{1} << 63) | 0x400;
    if (!same(tie) || !same(tie - 1) || !same(tie + 1)) ++mismatches;
  }
  CHECK(mismatches == 0);
}
