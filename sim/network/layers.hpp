// SPDX-License-Identifier: MIT
#pragma once
/// @file Multi-layer networks: several sets of arcs over one set of agents (an offline circle
/// of close friends and an online follower network, say), each with its own trust rule.
/// Word of mouth travels on every layer; Graph::layer(arc) says which, so adoptions can be
/// attributed per layer.
///
/// All layers live in one CSR: the arcs of every layer are merged per tail and sorted by
/// (head, layer), so parallel arcs of different layers are kept (u can reach v both as a
/// friend and as a follower, with different trust), while repeats within a layer were already
/// merged when that layer was built. A multi-layer graph costs one byte per arc more (the
/// layer id); a one-layer graph stores no layer array.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/spec.hpp"

namespace wom {

/// Most layers a graph can have (layer ids are one byte).
inline constexpr std::size_t kMaxLayers = 256;

/// One layer on its way into a multi-layer graph.
struct NetworkLayer {
  std::string name;  ///< Graph::layer_names() entry
  Graph graph;       ///< the layer's arcs, trust (and distrust flags) already assigned
  /// How the layer's agents are matched to those of the layers before it:
  /// true (edge lists): by label (Graph::label, the file's ids; generated agents' labels are
  /// their ids), agents not seen before being added after them, in this layer's id order;
  /// false (generated layers): agent i is agent i of layer 0, so the agent counts must agree.
  bool match_labels = false;
  /// Scenario key of the layer's table, for messages ("network.layer.0").
  std::string key = "network";
};

/// Merges layers (layer 0 first) into one graph over the union of their agents, with per-arc
/// layer ids in the order given, trust, distrust flags and weights carried over (weights kept
/// if any layer has them, NaN on the arcs of layers that have none), labels set when agents
/// are not simply 0..N-1, and directed if any layer is. One layer is returned as it is, named.
/// @throws InputError on more than kMaxLayers layers, a repeated name, or a positional layer
///         whose agent count differs from layer 0's.
Graph merge_layers(std::vector<NetworkLayer> layers);

/// Seed of layer `index` of a network whose layer 0 is generated with `seed`: the layer's own
/// `seed` key, else derive(seed, index) (layer 0: `seed` itself).
std::uint64_t layer_seed(const NetworkSpec& layer, std::uint64_t seed, std::size_t index);

/// The network `[network]` (with its `[[network.layer]]` entries) and `[trust]` describe:
/// every layer made (make_network) and given trust by its own rule (assign_trust, with the
/// layer's index as the coordinate of random trust and `seed` as its default seed), then
/// merged. Without layers this is exactly make_network + assign_trust, the one layer named
/// `network.name`.
/// @throws InputError or IoError as make_network, assign_trust and merge_layers do.
Graph build_network(const NetworkSpec& network, const TrustSpec& trust, std::uint64_t seed,
                    const std::filesystem::path& base_dir);

}  // namespace wom
