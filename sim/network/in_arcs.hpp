// SPDX-License-Identifier: MIT
#pragma once
/// @file Incoming arcs of every agent, for the attribution of adoptions (who exposed whom).
/// Built only when a run needs it: 12 bytes per arc and 2 per agent.

#include <algorithm>
#include <span>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/prefetch.hpp"

namespace wom {

class InArcs {
 public:
  struct Entry {
    NodeId tail;
    ArcId arc;
  };
  explicit InArcs(const Graph& g)
      : offsets_(static_cast<std::size_t>(g.num_nodes()) + 1, 0), entries_(g.num_arcs()), heaviest_(g.num_nodes(), 0) {
    for (ArcId a = 0; a < g.num_arcs(); ++a) {
      ++offsets_[g.head(a) + 1];
      heaviest_[g.head(a)] = std::max(heaviest_[g.head(a)], g.trust(a));
    }
    for (NodeId v = 0; v < g.num_nodes(); ++v) offsets_[v + 1] += offsets_[v];
    std::vector<ArcId> cursor(offsets_.begin(), offsets_.end() - 1);
    for (NodeId u = 0; u < g.num_nodes(); ++u)  // tails ascending: entries sorted by tail
      for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) entries_[cursor[g.head(a)]++] = {u, a};
  }
  /// The arcs into v, sorted by tail.
  [[nodiscard]] std::span<const Entry> of(NodeId v) const noexcept {
    return {entries_.data() + offsets_[v], entries_.data() + offsets_[v + 1]};
  }
  /// The largest trust on an arc into v, as the graph had it when this index was built: a
  /// search for v's heaviest exposure stops at the first arc that carries it.
  [[nodiscard]] Trust heaviest(NodeId v) const noexcept { return heaviest_[v]; }

  /// Cache hints for attributing v's adoption soon (detail::for_each_prefetched): where its
  /// arcs are and its largest trust, then the first and last line of its arcs.
  void prefetch_offsets(NodeId v) const noexcept {
    prefetch(offsets_.data() + v);
    prefetch(heaviest_.data() + v);
  }
  void prefetch_arcs(NodeId v) const noexcept { prefetch_row(entries_.data(), offsets_[v], offsets_[v + 1]); }

 private:
  std::vector<ArcId> offsets_;
  std::vector<Entry> entries_;
  std::vector<Trust> heaviest_;
};

}  // namespace wom
