// SPDX-License-Identifier: MIT
#pragma once
/// @file Counting adopted in-neighbours against a per-agent integer requirement: the core
/// of the fractional threshold (Watts 2002) and complex contagion (Centola & Macy 2007)
/// models. Each agent's ReplicateState::PressureCell holds the number of exposures received
/// (each adopted in-neighbour exposes it once, the step after adopting) and its requirement
/// `need` >= 1, computed on first exposure. Counts are integers, so the outcome does not
/// depend on the order threads add them in.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>

#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/network/graph.hpp"
#include "sim/relaxed.hpp"

namespace wom::neighbour_count {

/// Fixed point of a fraction for "m/k >= f" tests: floor(f·2^32). Rounding down at 2^-32
/// makes a fraction equal to the f written in the scenario pass (f = 0.4 as a double is a
/// hair above 2/5, but floor(0.4·2^32)/2^32 is not), while a fraction below f passes only if
/// it is within 2^-32 of it, which takes a degree above 65536.
[[nodiscard]] inline std::uint64_t fraction_fixed(double f) {
  // f·2^32 is exact, as ldexp(f, 32) is, without ldexp's call into libm (a sixth of a
  // fractional threshold replicate, which computes this on each agent's first exposure).
  return static_cast<std::uint64_t>(std::clamp(std::floor(f * 0x1p32), 0.0, 0x1p34));
}

/// Neighbours needed for the fraction F / 2^32 of k in-neighbours: the least m with
/// m·2^32 >= F·k, at least 1 (an agent adopts on an exposure, never spontaneously), kept
/// below ReplicateState::kClosed. Exact integer arithmetic (128-bit product).
[[nodiscard]] inline std::uint32_t need_for_fraction(std::uint64_t fraction_fixed, std::uint64_t k) {
  __extension__ using u128 = unsigned __int128;
  const u128 product = static_cast<u128>(fraction_fixed) * k;
  const u128 need = (product + ((u128{1} << 32) - 1)) >> 32;
  return static_cast<std::uint32_t>(std::clamp<u128>(need, 1, ReplicateState::kClosed - 1));
}

/// Counts one exposure of `head`; true when this exposure is the one that brings its count to
/// its requirement `need_of(head)` (exactly one exposure does, whatever the order). The
/// crossing closes the cell, so later exposures of an adopter cost one read. The cell is
/// updated with atomics if kAtomicCell (split steps without routing); the reset list is
/// shared with other tasks if kSharedLists (any split step). Always inlined into the spread
/// loop that calls it once per arc: as a call (GCC's choice) it was a quarter of a complex
/// contagion run's samples, and inlining it cut a run's instructions by 23 % (fractional
/// threshold's by 20 %).
template <bool kAtomicCell, bool kSharedLists = kAtomicCell, class NeedOf>
[[nodiscard, gnu::always_inline]] inline bool count_exposure(ReplicateState& s, NodeId head, const NeedOf& need_of) {
  auto& cell = s.pressure[head];
  std::uint32_t need = relaxed::load(cell.threshold);
  if (need == ReplicateState::kClosed) return false;
  const std::uint32_t old = relaxed::add<kAtomicCell>(cell.pressure, 1);
  if (old == 0) s.template touch<kSharedLists>(head);  // first exposure: register the cell for reset
  if (need == 0) {  // not computed yet: a pure function of (replicate, head), so racers agree
    need = need_of(head);
    relaxed::publish<kAtomicCell>(cell.threshold, need);
  }
  if (old + 1 == need) {
    relaxed::store<kAtomicCell>(cell.threshold, ReplicateState::kClosed);
    return true;
  }
  return false;
}

/// A routed exposure (detail::RoutesExposures) counts one, whatever the arc.
inline constexpr std::uint32_t kOneExposure = 1;

/// Models that count neighbours need the arcs: the implicit complete graph has none.
inline void require_arcs(const Graph& g, const char* model) {
  if (g.implicit_complete()) {
    throw InputError(std::string("model.name: ") + model +
                     " counts exposures over the network's arcs, but the complete graph of " +
                     std::to_string(g.num_nodes()) +
                     " agents is implicit (no arcs stored); raise network.implicit_above to at least n "
                     "to store its arcs");
  }
}

}  // namespace wom::neighbour_count
