// SPDX-License-Identifier: MIT
#pragma once
/// @file A compact binary cache of a graph's CSR, so a large edge list is parsed once
/// (`wom graph EDGES -o G.wgraph`) and later runs load the arrays directly: 100 M arcs
/// reload in about a second instead of tens of seconds of parsing.
///
/// What it holds is what read_edge_list returns: agents, directedness, offsets, heads, the
/// input weights (if any) and the input labels (if not the identity). Trust is not stored:
/// it is assigned after loading by the scenario's `[trust]` rule, as for an edge list.
///
/// Layout (little-endian, every array 64-byte aligned from the start of the file):
///   bytes 0-7    magic "\x89WOMCSR\n" (not text, so never mistaken for an edge list)
///   8-11         format version (1)
///   12-15        flags: 1 = directed, 2 = weights present, 4 = labels present
///   16-23        agents n
///   24-31        arcs m
///   32-39        checksum of the arrays (see csr_file.cpp)
///   40-63        zero
///   then offsets (n + 1 × uint64), heads (m × uint32), weights (m × float32, if flagged),
///   labels (n × uint64, if flagged), each padded with zeros to a multiple of 64 bytes.
/// numpy reads it with np.fromfile(path, dtype, count, offset=...).

#include <filesystem>
#include <string>

#include "sim/network/graph.hpp"

namespace wom {

/// Whether `path` starts with the cache file's magic (false if it cannot be read).
[[nodiscard]] bool is_csr_file(const std::filesystem::path& path);

/// Writes `g`'s structure, weights and labels (not its trust) to `path`, created or
/// truncated; errors name `shown_as` (default: `path`). `wom graph` writes through
/// output/atomic_file.hpp's write_file_atomically, so an interrupt or a failure leaves nothing.
/// @throws Error for a multi-layer or implicit graph or one with distrust flags (not an
///         edge list's graph); IoError if the file cannot be written.
void write_csr_file(const Graph& g, const std::filesystem::path& path, const std::string& shown_as = {});

/// Reads a cache file; trust starts at 1.0 on every arc.
/// @throws IoError if it cannot be opened or read; InputError naming the file if it is not a
///         cache file, has another version, is truncated, fails its checksum or holds an
///         invalid CSR.
[[nodiscard]] Graph read_csr_file(const std::filesystem::path& path);

}  // namespace wom
