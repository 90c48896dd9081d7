// SPDX-License-Identifier: MIT
#pragma once
// Small graphs with non-uniform arc values, for exact-enumeration validation.

#include <string>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/network/trust.hpp"

namespace wom::test {

struct WeightedArc {
  NodeId tail, head;
  double value;  // IC probability or LT weight of this arc
};

struct SmallCase {
  std::string name;
  NodeId n;
  std::vector<WeightedArc> arcs;  // listed as arcs (both directions for undirected cases)
  std::vector<NodeId> seeds;
};

/// Builds a directed CSR from the listed arcs and sets each arc's trust to its value (in
/// fixed point). Returns the value actually stored per CSR arc, in CSR order.
inline Graph build(const SmallCase& c, std::vector<double>& stored_trust) {
  EdgeBuffer e;
  for (const auto& a : c.arcs) e.add(a.tail, a.head);
  Graph g = Graph::from_edges(c.n, std::move(e), /*directed=*/true);
  stored_trust.assign(g.num_arcs(), 0.0);
  for (const auto& wa : c.arcs) {
    for (ArcId a = g.arc_begin(wa.tail); a < g.arc_end(wa.tail); ++a) {
      if (g.head(a) != wa.head) continue;
      g.trusts()[a] = trust_fixed(wa.value, "test");
      stored_trust[a] = static_cast<double>(g.trusts()[a]) / kTrustOne;
    }
  }
  return g;
}

/// Three cases: a directed graph with cycles; an undirected graph (every edge as two arcs
/// with different values, 14 arcs); a directed graph with two seeds and converging paths.
/// Incoming values of each agent sum to at most 1, so the cases serve LT as well.
inline std::vector<SmallCase> small_cases() {
  return {
      {"directed cycles", 6,
       {{0, 1, 0.5}, {0, 2, 0.3}, {1, 2, 0.35}, {2, 3, 0.6}, {1, 3, 0.2}, {3, 4, 0.9}, {4, 1, 0.4},
        {3, 5, 0.25}, {5, 0, 0.8}},
       {0}},
      {"undirected, 7 edges", 6,
       {{0, 1, 0.45}, {1, 0, 0.3}, {0, 2, 0.25}, {2, 0, 0.2}, {1, 2, 0.3}, {2, 1, 0.15}, {1, 3, 0.5},
        {3, 1, 0.35}, {2, 4, 0.6}, {4, 2, 0.4}, {3, 5, 0.7}, {5, 3, 0.3}, {4, 5, 0.3}, {5, 4, 0.35}},
       {0}},
      {"directed, two seeds", 7,
       {{0, 2, 0.6}, {1, 2, 0.3}, {0, 3, 0.45}, {1, 4, 0.8}, {2, 5, 0.5}, {3, 5, 0.25}, {4, 5, 0.2},
        {5, 6, 0.65}, {3, 6, 0.3}, {6, 3, 0.3}, {2, 4, 0.15}, {4, 3, 0.2}},
       {0, 1}},
  };
}

}  // namespace wom::test
