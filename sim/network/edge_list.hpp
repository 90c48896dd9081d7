// SPDX-License-Identifier: MIT
#pragma once
/// @file Reader for SNAP-style edge lists.
///
/// Format: one edge per line, `tail head [weight ...]`, separated by spaces, tabs or commas;
/// lines starting with '#' or '%' and blank lines are skipped; ids are arbitrary unsigned
/// integers, remapped to 0..N-1 in order of first appearance (Graph::labels() keeps the map);
/// a third column, if present, is read as a weight (e.g. trust rating or sign); further
/// columns are ignored (SNAP's timestamps). Files ending in .gz are decompressed on the fly.

#include <filesystem>

#include "sim/network/graph.hpp"

namespace wom {

struct EdgeListOptions {
  bool directed = false;
  bool read_weights = true;  ///< keep the third column as Graph::weights() when present
};

/// @throws InputError naming the file, line number and offending text for a malformed line
///         (non-numeric id, missing head, id beyond 2^64, weight not a finite number, ...);
///         IoError if the file cannot be opened or a .gz stream is truncated.
Graph read_edge_list(const std::filesystem::path& path, const EdgeListOptions& options,
                     BuildReport* report = nullptr);

}  // namespace wom
