// SPDX-License-Identifier: MIT
#include "sim/cascade.hpp"

#include <algorithm>
#include <string>

#include "sim/error.hpp"

namespace wom {

CascadeMetrics cascade_metrics(std::span<const std::uint32_t> parent) {
  CascadeMetrics m;
  const std::size_t n = parent.size();
  if (n == 0) return m;
  std::vector<std::uint32_t> generation(n), root(n), below(n, 1);
  std::vector<std::uint64_t> per_generation;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t p = parent[i];
    if (p == kNoParent) {
      generation[i] = 0;
      root[i] = static_cast<std::uint32_t>(i);
      ++m.trees;
    } else {
      if (p >= i) throw Error("cascade_metrics: parent " + std::to_string(p) + " of node " + std::to_string(i) +
                              " is not an earlier node");
      generation[i] = generation[p] + 1;
      root[i] = root[p];
    }
    if (generation[i] >= per_generation.size()) per_generation.resize(generation[i] + 1, 0);
    ++per_generation[generation[i]];
  }
  m.depth = static_cast<Step>(per_generation.size()) - 1;
  m.largest_generation = *std::max_element(per_generation.begin(), per_generation.end());
  for (std::size_t i = n; i-- > 0;)
    if (parent[i] != kNoParent) below[parent[i]] += below[i];
  // Integer sums: exact, so the result does not depend on the order of the adopters.
  __extension__ using u128 = unsigned __int128;
  u128 distance = 0, pairs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (parent[i] == kNoParent) {
      const std::uint64_t size = below[i];
      m.largest_tree = std::max<std::uint64_t>(m.largest_tree, size);
      pairs += static_cast<u128>(size) * (size - 1) / 2;
    } else {
      const std::uint64_t size = below[i], tree = below[root[i]];
      distance += static_cast<u128>(size) * (tree - size);
    }
  }
  if (pairs > 0) m.structural_virality = static_cast<double>(distance) / static_cast<double>(pairs);
  return m;
}

void tree_parents(std::span<const TreeEdge> edges, std::vector<std::uint32_t>& index_of,
                  std::vector<std::uint32_t>& parent) {
  parent.assign(edges.size(), kNoParent);
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const TreeEdge& e = edges[i];
    if (e.source != kNoNode && e.source < index_of.size()) {
      // index_of is not cleared between replicates: an entry counts only if it points at an
      // earlier edge of this replicate whose adopter is the source, adopted in an earlier step.
      const std::uint32_t j = index_of[e.source];
      if (j < i && edges[j].adopter == e.source && edges[j].step < e.step) parent[i] = j;
    }
    index_of[e.adopter] = static_cast<std::uint32_t>(i);
  }
}

}  // namespace wom
