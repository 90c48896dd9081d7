// SPDX-License-Identifier: MIT
#pragma once
/// @file A cache hint the optimiser keeps.

#include <cstddef>

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

/// Asks for the first and the last cache line of the row column[begin, end) of a CSR array:
/// a row of ten 4-byte entries straddles two lines more often than not, and the lines between,
/// in long rows, are read in order. An empty row asks for its first entry's line.
template <class T>
inline void prefetch_row(const T* column, std::size_t begin, std::size_t end) noexcept {
  prefetch(column + begin);
  prefetch(column + (end - (end > begin)));
}

}  // namespace wom
