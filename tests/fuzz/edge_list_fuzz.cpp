// SPDX-License-Identifier: MIT
// libFuzzer target: the edge-list reader through its public API (read_edge_list), on plain
// and gzip files. Any input must give a graph that satisfies the CSR's invariants or be
// refused with an InputError (malformed line) or IoError (corrupt gzip); anything else is
// a bug.
//
// Input: one option byte (bit 0: name the file .gz, bit 1: directed, bit 2: read weights),
// then the file's bytes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/error.hpp"
#include "sim/network/edge_list.hpp"

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "edge-list graph invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const auto folder = std::filesystem::temp_directory_path();
  const auto path = folder / ("wom-fuzz-edges-" + std::to_string(::getpid()) + ((flags & 1) ? ".txt.gz" : ".txt"));
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  wom::EdgeListOptions options;
  options.directed = (flags & 2) != 0;
  options.read_weights = (flags & 4) != 0;
  try {
    wom::BuildReport report;
    const wom::Graph g = wom::read_edge_list(path, options, &report);
    // The CSR's invariants: sorted, distinct, in-range heads, no self-loops.
    require(g.num_nodes() > 0, "no agents");
    require(g.directed() == options.directed, "directedness");
    std::uint64_t arcs = 0;
    for (wom::NodeId u = 0; u < g.num_nodes(); ++u) {
      require(g.arc_begin(u) <= g.arc_end(u), "offsets decrease");
      for (wom::ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) {
        require(g.head(a) < g.num_nodes(), "head out of range");
        require(g.head(a) != u, "self-loop kept");
        require(a == g.arc_begin(u) || g.head(a - 1) < g.head(a), "neighbours not sorted and distinct");
        ++arcs;
      }
    }
    require(arcs == g.num_arcs(), "arc count");
    require(options.directed || arcs % 2 == 0, "undirected graph with an odd arc count");
  } catch (const wom::InputError&) {
  } catch (const wom::IoError&) {
  }
  std::filesystem::remove(path);
  return 0;
}
