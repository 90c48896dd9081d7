// SPDX-License-Identifier: MIT
#pragma once
/// @file A cache hint the optimiser keeps.

namespace wom {

/// Asks for the cache line holding `p` (read or write), without waiting for it.
///
/// GCC 12's dead-code elimination can delete __builtin_prefetch calls: a loop body holding
/// three of them, two addressed through a loaded value, lost all three at -O2 and -O3 (kept
/// with -fno-tree-dce). On x86-64 the hint is therefore an asm statement, which the optimiser
/// may not drop; elsewhere the builtin.
inline void prefetch(const void* p) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace wom
