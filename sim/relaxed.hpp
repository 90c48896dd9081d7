// SPDX-License-Identifier: MIT
#pragma once
/// @file Reads and writes of a pressure cell's 32-bit fields (sim/engine.hpp's PressureCell)
/// that are relaxed atomics when tasks share the cell (kAtomic) and plain accesses otherwise.
/// Relaxed order suffices: a cell holds order-independent sums and pure-function thresholds,
/// so no ordering between agents is needed.

#include <atomic>
#include <cstdint>

namespace wom::relaxed {

[[nodiscard]] inline std::uint32_t load(std::uint32_t& v) noexcept {
  return std::atomic_ref<std::uint32_t>(v).load(std::memory_order_relaxed);
}

template <bool kAtomic>
void store(std::uint32_t& v, std::uint32_t x) noexcept {
  if constexpr (kAtomic) std::atomic_ref<std::uint32_t>(v).store(x, std::memory_order_relaxed);
  else v = x;
}

/// Stores a freshly drawn threshold unless the cell moved on (another caller drew it, or
/// closed it), so a late writer never reopens a closed cell.
template <bool kAtomic>
void publish(std::uint32_t& v, std::uint32_t x) noexcept {
  if constexpr (kAtomic) {
    std::uint32_t expected = 0;
    std::atomic_ref<std::uint32_t>(v).compare_exchange_strong(expected, x, std::memory_order_relaxed);
  } else {
    v = x;
  }
}

/// Adds x; returns the value before.
template <bool kAtomic>
std::uint32_t add(std::uint32_t& v, std::uint32_t x) noexcept {
  if constexpr (kAtomic) return std::atomic_ref<std::uint32_t>(v).fetch_add(x, std::memory_order_relaxed);
  const std::uint32_t old = v;
  v = old + x;
  return old;
}

}  // namespace wom::relaxed
