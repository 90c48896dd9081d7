// SPDX-License-Identifier: MIT
#pragma once
/// @file The referral tree of a replicate (who tipped whom) and its cascade metrics: depth,
/// largest generation and structural virality (Goel, Anderson, Hofman & Watts, "The
/// structural virality of online diffusion", Management Science 62(1), 2016).
///
/// A replicate's adopters form a forest: an adopter whose tip names a source agent that
/// adopted before it (a friend, a referrer, an influencer who had adopted) hangs below that
/// agent; every other adopter (seeds, sponsored and spontaneous adoptions, posts by hubs who
/// never adopted) is a root. Generations count from the roots (a root is generation 0).
/// Structural virality of a forest: the mean shortest-path distance over all pairs of nodes
/// that lie in the same tree (pairs in different trees are not connected and are left out),
/// i.e. the sum over trees of their Wiener index over the sum over trees of n_i(n_i - 1)/2.
/// For a single tree this is Goel et al.'s ν. Undefined (NaN) when no tree has two nodes.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sim/types.hpp"

namespace wom {

/// One adoption in the referral tree.
struct TreeEdge {
  NodeId adopter = kNoNode;
  NodeId source = kNoNode;   ///< the agent whose exposure tipped it, or kNoNode
  Step step = 0;             ///< adoption step
  std::uint8_t channel = 0;  ///< channel credited (ids as in RunResult::channel_names)
  std::uint8_t layer = 0;    ///< network layer of the tipping arc (word of mouth)
};

/// Cascade metrics of one replicate's forest.
struct CascadeMetrics {
  Step depth = -1;                         ///< largest generation number; -1 with no adopter
  std::uint64_t largest_generation = 0;    ///< most nodes in one generation
  std::uint64_t trees = 0;                 ///< roots
  std::uint64_t largest_tree = 0;          ///< nodes of the largest tree
  double structural_virality = std::numeric_limits<double>::quiet_NaN();
};

inline constexpr std::uint32_t kNoParent = std::numeric_limits<std::uint32_t>::max();

/// Metrics of a forest given as parent indices in topological order: parent[i] < i, or
/// kNoParent for a root. O(n) time and memory: generations in one forward pass, subtree
/// sizes in one backward pass, and the Wiener index of each tree as the sum over its edges
/// of size(below) × (n_tree - size(below)), each edge lying on exactly that many paths.
/// @throws Error if some parent index is not below its child's.
CascadeMetrics cascade_metrics(std::span<const std::uint32_t> parent);

/// Parent indices of a replicate's adoptions (`edges` in adoption order, steps
/// non-decreasing): an edge's parent is the earlier edge whose adopter is its source, if any.
/// `index_of` is scratch of at least N entries (no initialisation needed).
void tree_parents(std::span<const TreeEdge> edges, std::vector<std::uint32_t>& index_of,
                  std::vector<std::uint32_t>& parent);

}  // namespace wom
