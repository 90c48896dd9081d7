// SPDX-License-Identifier: MIT
#pragma once
/// @file Counter-based random numbers.
///
/// Every draw is a pure function of (seed, replicate, stream, step, agent or arc, index):
/// a key is derived by hashing those coordinates, and a CounterEngine then yields
/// mix(key + i * gamma) for i = 0, 1, ... No engine is shared between threads and no
/// sequence depends on which thread visits which agent, so results are identical for any
/// thread count or rank count. The mixer is the SplitMix64 finaliser (Steele, Lea & Flood,
/// "Fast splittable pseudorandom number generators", OOPSLA 2014), whose output sequence
/// passes BigCrush; keys are chained through it so that neighbouring coordinates give
/// unrelated keys (tests/unit/sim/random_test.cpp checks uniformity and independence).

#include <cstdint>
#include <limits>

namespace wom {

/// Golden-ratio increment of SplitMix64.
inline constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;

/// SplitMix64 finaliser: a bijective 64-bit avalanche mix.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Extends a key by one coordinate. Not commutative: (a, b) and (b, a) give different keys.
[[nodiscard]] constexpr std::uint64_t derive(std::uint64_t key, std::uint64_t coordinate) noexcept {
  return mix64(key + kGamma * (coordinate + 1) + 0x632BE59BD9B4E019ull) ^ (key >> 17);
}

/// Named random streams, so two uses of randomness never share draws by accident.
enum class Stream : std::uint64_t {
  kNetwork = 1,    ///< graph generators
  kSeeds = 2,      ///< seed selection
  kThreshold = 3,  ///< per-agent thresholds
  kSpread = 4,     ///< per-arc spreading draws
  kTrust = 5,      ///< random trust
  kPopulation = 6, ///< other per-agent attributes
  kChannels = 7,   ///< channel targeting and channel exposures' draws
  kDonation = 8,   ///< donation amounts
  kAdoption = 9,   ///< per-agent, per-step adoption draws of sweep models (Bass, SIR on K_n)
  kRecovery = 10,  ///< per-agent recovery draws (SIR, SIS)
  kContact = 11,   ///< choice of whom to contact (rumour)
  kSusceptibility = 12,  ///< per-agent susceptibility ([population] susceptibility)
  kActivity = 13,        ///< per-agent activity ([population] activity)
  kOnline = 14,          ///< per-agent, per-step draw of being online
};

/// Key for a replicate's stream: derive(seed, replicate, stream).
[[nodiscard]] constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t replicate,
                                                 Stream stream) noexcept {
  return derive(derive(derive(0x5EEDull, seed), replicate), static_cast<std::uint64_t>(stream));
}

/// One uniform 64-bit draw for coordinate `index` of a stream: mix(key + index * gamma).
/// Hot loops (one draw per arc) use this directly rather than building an engine.
[[nodiscard]] constexpr std::uint64_t draw64(std::uint64_t key, std::uint64_t index) noexcept {
  return mix64(key + kGamma * (index + 1));
}

/// Uniform double in [0, 1) with 53 random bits.
[[nodiscard]] constexpr double to_unit(std::uint64_t bits) noexcept {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

/// `bits` as the nearest double, as static_cast<double> rounds it, without the branch on the
/// top bit that x86-64 compilers emit for an unsigned conversion (a coin flip to the branch
/// predictor when the bits are random): both halves convert exactly, and the one addition
/// rounds once.
[[nodiscard]] constexpr double nearest_double(std::uint64_t bits) noexcept {
  return static_cast<double>(static_cast<std::int64_t>(bits >> 32)) * 0x1.0p32 +
         static_cast<double>(static_cast<std::int64_t>(bits & 0xFFFFFFFFu));
}

/// A UniformRandomBitGenerator over one counter-based stream, to feed Boost.Random
/// distributions (normal, beta, lognormal, ...). Cheap to construct: build one per agent
/// (key = derive(stream_key, agent)) where a distribution needs several draws.
class CounterEngine {
 public:
  using result_type = std::uint64_t;
  explicit constexpr CounterEngine(std::uint64_t key) noexcept : key_(key) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  constexpr result_type operator()() noexcept { return draw64(key_, counter_++); }
  /// Draws consumed so far.
  [[nodiscard]] constexpr std::uint64_t consumed() const noexcept { return counter_; }

 private:
  std::uint64_t key_;
  std::uint64_t counter_ = 0;
};

/// Uniform integer in [0, bound) without modulo bias worth speaking of (Lemire's
/// multiply-shift; the bias is below bound / 2^64).
[[nodiscard]] inline std::uint64_t bounded(std::uint64_t bits, std::uint64_t bound) noexcept {
  __extension__ using u128 = unsigned __int128;  // GCC/Clang extension; -Wpedantic knows
  return static_cast<std::uint64_t>((static_cast<u128>(bits) * bound) >> 64);
}

}  // namespace wom
