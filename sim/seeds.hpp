// SPDX-License-Identifier: MIT
#pragma once
/// @file Seed channels resolved against a graph: who has adopted at step 0.

#include <cstdint>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/spec.hpp"

namespace wom {

/// Resolves the seed channels once per run: top-degree and explicit seeds are fixed; random
/// seeds are drawn per replicate from the counter stream (seed, replicate, kSeeds, channel),
/// so each replicate samples its own seeds and any replicate can be recomputed alone.
class SeedPlan {
 public:
  /// A plan with no seeds.
  SeedPlan() = default;
  /// @throws InputError if a count exceeds N or an explicit id is not an agent of the graph.
  /// `salt` separates the random draws of plans that must not coincide (influencer hubs
  /// versus seeds).
  SeedPlan(const Graph& graph, const std::vector<SeedSpec>& channels, std::uint64_t salt = 0);

  /// The seeds of one replicate, appended to `out` (cleared first). Each channel's agents are
  /// distinct; agents named by two channels appear twice (the engine adopts them once).
  void seeds_for(std::uint64_t seed, std::uint32_t replicate, std::vector<NodeId>& out) const;

 private:
  const Graph* graph_ = nullptr;
  NodeId n_ = 0;
  std::uint64_t salt_ = 0;
  std::vector<NodeId> fixed_;
  struct RandomChannel {
    std::uint32_t index;
    std::uint32_t count;
    bool friendship_paradox;
  };
  std::vector<RandomChannel> random_;
};

/// The k agents of highest out-degree, ties broken by lower id.
std::vector<NodeId> top_degree_agents(const Graph& graph, std::uint32_t k);

}  // namespace wom
