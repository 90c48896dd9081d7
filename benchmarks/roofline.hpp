// SPDX-License-Identifier: MIT
#pragma once
/// @file The machine's limits for graph traversal: random 4-byte gathers per second from an
/// array far larger than the caches (index array read sequentially, data array read at those
/// indices, as a CSR traversal reads heads sequentially and agent state at the heads), and
/// sequential read bandwidth. Arrays are allocated on 2 MiB huge pages where the kernel
/// allows (as the graph and the engine's state are), so the probe measures the memory
/// system, not the page walker. Every figure is the best of `repeats` timings.

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "sim/random.hpp"

namespace wom::bench {

struct Roofline {
  double gathers_per_second = 0;         ///< random 4-byte loads, all threads
  double read_bytes_per_second = 0;      ///< sequential read, all threads
  std::uint64_t array_bytes = 0;         ///< size of the gathered-from array
  int threads = 1;
};

namespace roofline_detail {

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Page-aligned memory advised for huge pages before first touch.
struct HugeBuffer {
  explicit HugeBuffer(std::size_t bytes) : size(bytes) {
    constexpr std::size_t kHuge = std::size_t{1} << 21;
    const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    data = static_cast<std::uint32_t*>(std::aligned_alloc(kHuge, rounded));
    if (data == nullptr) throw std::bad_alloc();
    ::madvise(data, rounded, MADV_HUGEPAGE);  // a hint: without it the probe still runs
  }
  ~HugeBuffer() { std::free(data); }
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;
  std::uint32_t* data;
  std::size_t size;
};

/// Runs body(thread, threads) on `threads` threads and returns the wall time.
template <class Body>
double timed(int threads, const Body& body) {
  std::vector<std::thread> pool;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  double t0 = 0;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {}
      body(t, threads);
    });
  while (ready.load() < threads) {}
  t0 = now_s();
  go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
  return now_s() - t0;
}

}  // namespace roofline_detail

/// Measures the limits with `threads` threads on an array of `array_bytes` (a power of two).
/// `gathers` loads in all, split over the threads.
inline Roofline measure_roofline(std::size_t array_bytes, std::size_t gathers, int threads, int repeats = 3) {
  using namespace roofline_detail;
  const std::size_t n = array_bytes / sizeof(std::uint32_t);
  HugeBuffer data(array_bytes);
  HugeBuffer index(gathers * sizeof(std::uint32_t));
  // Fill in parallel (first touch), with values the sums depend on so nothing is elided.
  timed(threads, [&](int t, int nt) {
    const std::size_t b = n * t / nt, e = n * (t + 1) / nt;
    for (std::size_t i = b; i < e; ++i) data.data[i] = static_cast<std::uint32_t>(i * 2654435761u);
    const std::size_t gb = gathers * t / nt, ge = gathers * (t + 1) / nt;
    for (std::size_t i = gb; i < ge; ++i) index.data[i] = static_cast<std::uint32_t>(draw64(7, i) & (n - 1));
  });
  std::vector<std::uint64_t> sink(static_cast<std::size_t>(threads) * 8, 0);
  Roofline r;
  r.array_bytes = array_bytes;
  r.threads = threads;
  double best_gather = 1e300, best_read = 1e300;
  for (int rep = 0; rep < repeats; ++rep) {
    best_gather = std::min(best_gather, timed(threads, [&](int t, int nt) {
      const std::size_t b = gathers * t / nt, e = gathers * (t + 1) / nt;
      const std::uint32_t* idx = index.data;
      const std::uint32_t* d = data.data;
      std::uint64_t s0 = 0, s1 = 0;
      std::size_t i = b;
      for (; i + 1 < e; i += 2) { s0 += d[idx[i]]; s1 += d[idx[i + 1]]; }
      if (i < e) s0 += d[idx[i]];
      sink[static_cast<std::size_t>(t) * 8] += s0 + s1;
    }));
    best_read = std::min(best_read, timed(threads, [&](int t, int nt) {
      const std::size_t b = n * t / nt, e = n * (t + 1) / nt;
      const std::uint32_t* d = data.data;
      std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      std::size_t i = b;
      for (; i + 3 < e; i += 4) { s0 += d[i]; s1 += d[i + 1]; s2 += d[i + 2]; s3 += d[i + 3]; }
      for (; i < e; ++i) s0 += d[i];
      sink[static_cast<std::size_t>(t) * 8] += s0 + s1 + s2 + s3;
    }));
  }
  std::uint64_t total = 0;
  for (const auto x : sink) total += x;
  if (total == 42) std::puts("");  // keeps the sums alive
  r.gathers_per_second = static_cast<double>(gathers) / best_gather;
  r.read_bytes_per_second = static_cast<double>(array_bytes) / best_read;
  return r;
}

}  // namespace wom::bench
