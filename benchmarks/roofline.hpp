// SPDX-License-Identifier: MIT
#pragma once
/// @file The machine's limits for graph traversal: random 4-byte gathers per second from an
/// array far larger than the caches (index array read sequentially, data array read at those
/// indices, as a CSR traversal reads heads sequentially and agent state at the heads), and
/// sequential read bandwidth. Arrays are allocated on 2 MiB huge pages where the kernel
/// allows (as the graph and the engine's state are), so the probe measures the memory
/// system, not the page walker. Beside them, the machine's arithmetic: rounds of the engine's
/// random mix per second, which touch no memory, so their 2-thread speed-up is the most any
/// code can get from the second core at that moment. Every figure is the best of `repeats`
/// timings.

#include <sys/mman.h>
#include <unistd.h>

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
  double mixes_per_second = 0;           ///< rounds of the engine's random mix, all threads
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

/// The probe's arrays, kept so that it can be timed again next to each workload: this machine
/// is a shared VM whose speed drifts by tens of percent within minutes, and a workload's
/// fraction of the gather limit is only meaningful if both were timed under the same drift.
class RooflineProbe {
 public:
  /// An array of `array_bytes` (a power of two) and `gathers` indices into it.
  RooflineProbe(std::size_t array_bytes, std::size_t gathers)
      : n_(array_bytes / sizeof(std::uint32_t)), gathers_(gathers), data_(array_bytes),
        index_(gathers * sizeof(std::uint32_t)) {
    using namespace roofline_detail;
    // Filled in parallel (first touch), with values the sums depend on so nothing is elided.
    timed(2, [&](int t, int nt) {
      const std::size_t b = n_ * t / nt, e = n_ * (t + 1) / nt;
      for (std::size_t i = b; i < e; ++i) data_.data[i] = static_cast<std::uint32_t>(i * 2654435761u);
      const std::size_t gb = gathers_ * t / nt, ge = gathers_ * (t + 1) / nt;
      for (std::size_t i = gb; i < ge; ++i) index_.data[i] = static_cast<std::uint32_t>(draw64(7, i) & (n_ - 1));
    });
  }

  [[nodiscard]] std::size_t array_bytes() const noexcept { return data_.size; }
  /// Bytes of both arrays, data and indices: what the probe adds to its process's RSS.
  [[nodiscard]] std::size_t resident_bytes() const noexcept { return data_.size + index_.size; }

  /// Seconds for the first `count` gathers, split over `threads` threads.
  double time_gathers(int threads, std::size_t count) {
    return roofline_detail::timed(threads, [&](int t, int nt) {
      const std::size_t b = count * t / nt, e = count * (t + 1) / nt;
      const std::uint32_t* idx = index_.data;
      const std::uint32_t* d = data_.data;
      std::uint64_t s0 = 0, s1 = 0;
      std::size_t i = b;
      for (; i + 1 < e; i += 2) { s0 += d[idx[i]]; s1 += d[idx[i + 1]]; }
      if (i < e) s0 += d[idx[i]];
      keep(s0 + s1);
    });
  }
  /// Seconds to read the array sequentially, split over `threads` threads.
  double time_read(int threads) {
    return roofline_detail::timed(threads, [&](int t, int nt) {
      const std::size_t b = n_ * t / nt, e = n_ * (t + 1) / nt;
      const std::uint32_t* d = data_.data;
      std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      std::size_t i = b;
      for (; i + 3 < e; i += 4) { s0 += d[i]; s1 += d[i + 1]; s2 += d[i + 2]; s3 += d[i + 3]; }
      for (; i < e; ++i) s0 += d[i];
      keep(s0 + s1 + s2 + s3);
    });
  }
  /// Seconds for `count` rounds of the engine's random mix (draw64, independent rounds, as a
  /// replicate's draws are), split over `threads` threads.
  double time_mixes(int threads, std::size_t count) {
    return roofline_detail::timed(threads, [&](int t, int nt) {
      const std::size_t b = count * t / nt, e = count * (t + 1) / nt;
      std::uint64_t s = 0;
      for (std::size_t i = b; i < e; ++i) s += draw64(0x5EED, i);
      keep(s);
    });
  }
  /// Rounds of the random mix per second with `threads` threads.
  double mixes_per_second(int threads, std::size_t count) {
    return static_cast<double>(count) / time_mixes(threads, count);
  }
  /// Gathers per second with `threads` threads, over the first `count` gathers (all if 0).
  double gathers_per_second(int threads, std::size_t count = 0) {
    count = count == 0 ? gathers_ : std::min(count, gathers_);
    return static_cast<double>(count) / time_gathers(threads, count);
  }

 private:
  /// Keeps a sum alive so the loads are not elided.
  void keep(std::uint64_t sum) { sink_.fetch_add(sum, std::memory_order_relaxed); }

  std::size_t n_, gathers_;
  roofline_detail::HugeBuffer data_, index_;
  std::atomic<std::uint64_t> sink_{0};
};

/// Bytes of the perf preset's gathered-from array: the smallest power of two at least 8 times
/// the last-level cache (so nearly every gather misses it) and at least 256 MiB, but no more
/// than a quarter of the physical memory nor 16 GiB (4-byte indices). A fixed 256 MiB was 8
/// times the 32 MiB L3 of the first machines this ran on; on a host reporting a 480 MiB L3 it
/// read 86 M gathers/s on one thread where 4 GiB reads 42 M.
inline std::size_t perf_probe_bytes() {
  const long llc = ::sysconf(_SC_LEVEL3_CACHE_SIZE);
  const std::size_t want = 8 * static_cast<std::size_t>(llc > 0 ? llc : 32L << 20);
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  const std::size_t cap = std::min(std::size_t{1} << 34, pages > 0 && page > 0
                                                             ? static_cast<std::size_t>(pages) * page / 4
                                                             : std::size_t{1} << 30);
  std::size_t bytes = std::size_t{1} << 28;
  while (bytes < want && 2 * bytes <= cap) bytes *= 2;
  return bytes;
}

/// Rounds of the random mix per timing: a twentieth of a second on one thread.
inline constexpr std::size_t kMixes = std::size_t{1} << 25;

/// Measures the limits with `threads` threads: each figure the best of `repeats` timings.
inline Roofline measure_roofline(RooflineProbe& probe, int threads, int repeats = 3) {
  Roofline r;
  r.array_bytes = probe.array_bytes();
  r.threads = threads;
  double best_read = 1e300;
  for (int rep = 0; rep < repeats; ++rep) {
    r.gathers_per_second = std::max(r.gathers_per_second, probe.gathers_per_second(threads));
    best_read = std::min(best_read, probe.time_read(threads));
    r.mixes_per_second = std::max(r.mixes_per_second, probe.mixes_per_second(threads, kMixes));
  }
  r.read_bytes_per_second = static_cast<double>(r.array_bytes) / best_read;
  return r;
}

}  // namespace wom::bench
