// SPDX-License-Identifier: MIT
#pragma once
/// @file Named integer types shared by every wom library.

#include <cstdint>
#include <limits>

namespace wom {

/// Dense agent id in [0, N). 32 bits: the CSR stores one per arc, so width is memory.
using NodeId = std::uint32_t;
/// Index of an arc in the CSR arrays; 64 bits so graphs beyond 4 G arcs stay addressable.
using ArcId = std::uint64_t;
/// Discrete time step; step 0 is the initial (seed) state.
using Step = std::int32_t;
/// Per-arc trust in fixed point, kTrustOne = 1.0 (see fixed_point below).
using Trust = std::uint16_t;

/// Adoption step of an agent that never adopted.
inline constexpr Step kNever = -1;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

/// Trust and threshold fixed point: 1.0 is 2^15, so trust spans [0, 2) with resolution
/// 2^-15 ≈ 3.05e-5. Integer pressure sums commute, which makes linear-threshold totals
/// bit-identical whatever order threads add them in; the headroom above 1 lets strong ties
/// weigh more than a plain friendship.
inline constexpr std::uint32_t kTrustOne = 1u << 15;
inline constexpr double kTrustMax = (65535.0) / kTrustOne;

}  // namespace wom
