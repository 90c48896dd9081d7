// SPDX-License-Identifier: MIT
#pragma once
/// @file How much memory a scenario will need, known before anything is allocated, so an
/// absurd network size (n = 4e9 with m = 1000) is refused with the estimate in the message
/// instead of ending in an out-of-memory kill hours later. The constants are the measured
/// peaks of docs/limits.md (building a network holds its edge buffer and its CSR at once).
///
/// Edge-list networks are not estimated: their size is that of the file, known only once
/// read (and a gzip file's only once decompressed).

#include <cstdint>
#include <optional>
#include <string>

#include "sim/spec.hpp"

namespace wom {

/// Peak bytes per stored arc while a network is built: the generator's edge buffer (8 bytes
/// per edge, one edge per arc when directed, one per two arcs otherwise: counted as 8 to
/// cover both), the CSR's head (4) and trust (2), and the sort's scratch.
inline constexpr std::uint64_t kPeakBytesPerArc = 16;
/// Peak bytes per agent: CSR offsets (8), construction counters and cursors (16), one
/// running replicate's state (up to 20 for linear threshold), labels and slack.
inline constexpr std::uint64_t kPeakBytesPerAgent = 64;

/// What a scenario holds in memory at its peak.
struct MemoryNeed {
  std::uint64_t agents = 0;
  std::uint64_t arcs = 0;          ///< expected stored arcs, all layers (undirected: 2 per edge)
  double network_bytes = 0;        ///< building and holding the network
  double result_bytes = 0;         ///< series and per-agent results of all replicates
  [[nodiscard]] double total() const { return network_bytes + result_bytes; }
};

/// Expected arcs of a generated network and its generated layers (0 for an edge list, which
/// is not estimated; an implicit complete graph stores none).
double expected_arcs(const NetworkSpec& network);

/// The peak memory of a scenario with this network that runs `replicates` x `steps` with
/// `channels` channels, keeping per-agent adoption steps if `adoption_steps`.
MemoryNeed estimate_memory(const NetworkSpec& network, std::uint32_t replicates, std::int64_t steps,
                           std::size_t channels, bool adoption_steps);

/// Bytes this process may use: the least of physical memory, the cgroup's memory.max and
/// RLIMIT_AS / RLIMIT_DATA.
std::uint64_t available_memory();

/// "1.5 GiB", "64.0 TiB".
std::string format_bytes(double bytes);

/// A scenario that does not fit: the dotted key to blame and the message (with the estimate).
struct MemoryRefusal {
  std::string key;
  std::string message;
};

/// Refusal of a scenario whose estimate exceeds `available` bytes, else nothing.
std::optional<MemoryRefusal> check_memory(const NetworkSpec& network, std::uint32_t replicates, std::int64_t steps,
                                          std::size_t channels, bool adoption_steps, std::uint64_t available);

}  // namespace wom
