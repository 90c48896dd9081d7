// SPDX-License-Identifier: MIT
#include "sim/huge_array.hpp"

#include <sys/mman.h>

#include <cstdint>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace wom {

void advise_huge_pages(void* data, std::size_t bytes) noexcept {
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  if (bytes < kHuge) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint only
}

void fill_in_parallel(std::size_t count, std::size_t chunk, void (*fill)(void*, std::size_t, std::size_t),
                      void* context) {
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, chunk),
                      [&](const tbb::blocked_range<std::size_t>& r) { fill(context, r.begin(), r.end()); });
  });
}

}  // namespace wom
