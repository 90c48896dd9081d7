// SPDX-License-Identifier: MIT
#pragma once
/// @file Large arrays read at random (graph columns, per-agent state): huge-page backing, and
/// per-agent arrays that are filled by all threads instead of one.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace wom {

/// Asks the kernel to back [data, data + bytes) with transparent huge pages (a hint, for
/// memory not yet touched): graph arrays and per-agent state are read at random, and with
/// 4 KiB pages each such read beyond a few MB misses the TLB as well as the caches.
void advise_huge_pages(void* data, std::size_t bytes) noexcept;

/// Empties `v` and reserves `count` entries in fresh memory advised for huge pages.
template <class T, class Allocator>
void reserve_huge(std::vector<T, Allocator>& v, std::size_t count) {
  v = std::vector<T, Allocator>();
  v.reserve(count);
  advise_huge_pages(v.data(), count * sizeof(T));
}

/// Calls fill(context, begin, end) on chunks of [0, count), `chunk` long, on all threads,
/// inside this_task_arena::isolate: the caller may be constructing thread-local state, which a
/// stolen outer task on this thread would ask for again. Out of line, so that this header
/// (which the graph and every result include) does not bring in TBB's parallel_for.
void fill_in_parallel(std::size_t count, std::size_t chunk, void (*fill)(void*, std::size_t, std::size_t),
                      void* context);

/// Sizes `v` to `count` copies of `value` in fresh memory advised for huge pages.
template <class T>
void assign_huge(std::vector<T>& v, std::size_t count, const T& value) {
  reserve_huge(v, count);
  v.assign(count, value);
}

/// An allocator whose value-initialisation of trivially copyable elements writes nothing, so
/// a vector can be sized without one thread passing over all of its memory: the first write
/// to each page, which also has the kernel clear it, is left to whoever writes it first.
template <class T>
struct UninitialisedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  UninitialisedAllocator() = default;
  template <class U>
  UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}  // NOLINT: allocators convert implicitly
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    // Trivially copyable types are implicit-lifetime types: the allocation already holds
    // them, with indeterminate values until written.
    if constexpr (!std::is_trivially_copyable_v<U>) ::new (static_cast<void*>(p)) U();
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// A per-agent array of a running replicate: millions of entries on large graphs, allocated
/// once per run.
template <class T>
using AgentArray = std::vector<T, UninitialisedAllocator<T>>;

/// Sizes `v` to `count` entries of indeterminate value on huge pages, for arrays that are
/// only read below an end the run advances (adopters, reset lists): the pages the run never
/// reaches are never touched.
template <class T>
void allocate_huge(AgentArray<T>& v, std::size_t count) {
  static_assert(std::is_trivially_copyable_v<T>);
  reserve_huge(v, count);
  v.resize(count);  // writes nothing
}

/// Sizes `v` to `count` copies of `value` on huge pages, written by all threads a huge page
/// each: a 10 M-agent replicate's state is 200 MB, a fifth of a linear-threshold run on BA 10M
/// when one thread filled it.
template <class T>
void assign_huge(AgentArray<T>& v, std::size_t count, const T& value) {
  allocate_huge(v, count);
  constexpr std::size_t kPage = std::max<std::size_t>(1, (std::size_t{1} << 21) / sizeof(T));
  T* const data = v.data();
  if (count <= 4 * kPage) {
    std::fill_n(data, count, value);
    return;
  }
  struct Fill {
    T* data;
    const T* value;
  } fill{data, &value};
  fill_in_parallel(count, kPage, [](void* context, std::size_t begin, std::size_t end) {
    const auto& f = *static_cast<const Fill*>(context);
    std::fill(f.data + begin, f.data + end, *f.value);
  }, &fill);
}

/// Sets v[listed[i]] = value for the `count` listed agents: a store for each, or, when they
/// are more than a sixteenth of the array, one pass over the whole array. Resets of a
/// replicate that reached most agents (a rumour's half, an epidemic's three quarters) were
/// scattered stores, a sixth of the rumour's time on BA 100k. The sixteenth takes a store at
/// a random agent to cost about as much as writing sixteen entries in order.
template <class T, class A, class Id>
void reset_listed(std::vector<T, A>& v, const Id* listed, std::size_t count, const T& value) {
  if (count > v.size() / 16) {
    std::fill(v.begin(), v.end(), value);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) v[listed[i]] = value;
}

}  // namespace wom
