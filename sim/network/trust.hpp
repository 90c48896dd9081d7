// SPDX-License-Identifier: MIT
#pragma once
/// @file Assigns per-arc trust from a `[trust]` rule: how much a friend's word weighs.
/// People trust friends before strangers: these rules set friend (network) trust only;
/// brand and influencer trust belong to their `[[channel]]`.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/spec.hpp"

namespace wom {

/// Converts a trust value to fixed point (rounded to the nearest 2^-15).
/// @throws InputError naming `what` if value is not in [0, kTrustMax].
Trust trust_fixed(double value, const char* what);

/// What a rule needs besides its spec.
struct TrustContext {
  /// Base seed of the "random" rule when `TrustSpec::seed` is unset (the scenario pipeline
  /// passes the network's seed, so random trust stays fixed with the graph it belongs to).
  std::uint64_t seed = 0;
  /// Layer index: a coordinate of random draws, so two layers with the same rule and seed
  /// still draw independently.
  std::uint32_t layer = 0;
  /// Scenario key of the rule's table, for messages ("trust", "network.layer.0.trust").
  std::string key = "trust";
};

/// Sets every arc's trust (and distrust flags) by the rule:
/// - "constant": `value` on every arc;
/// - "inverse_in_degree": floor(2^15 / in-degree(head)) / 2^15, so the trust an agent
///   receives from all its in-neighbours sums to at most 1 (Kempe, Kleinberg & Tardos 2003's
///   weights for the linear threshold model; flooring keeps the sum <= 1 exactly);
/// - "weight": the edge list's weight column times `scale`;
/// - "tie_strength": `strong` if the arc's embeddedness (tie_measure) is >= `cutoff`, else
///   `weak`; embeddedness is read in the underlying undirected graph (an arc's tail and head
///   are neighbours whichever way the arcs point);
/// - "random": a draw from `distribution` per arc, keyed by (seed, layer, label of tail,
///   label of head): a pure function of the arc's endpoints, so it does not depend on the
///   edge list's line order or the thread count. The two arcs of an undirected edge draw
///   independently (a friendship can be trusted more one way than the other) unless
///   `symmetric`, when both use the key of (lower label, higher label).
/// Then, when `negative` is set, arcs whose edge-list weight is below 0 (distrust ratings,
/// e.g. soc-sign-bitcoinotc's -10..-1) get trust 0 ("ignore") or keep the rule's trust as a
/// magnitude and are flagged Graph::distrust ("oppose"; the weight rule then uses |weight|).
/// Without `negative`, the weight rule rejects negative weights and other rules disregard
/// the sign. On a graph merged from layers, the rule applies to all arcs alike; build_network
/// (sim/network/layers.hpp) instead applies each layer's own rule before merging.
/// @throws InputError if a resulting trust falls outside [0, kTrustMax], or the rule (or
///         `negative`) needs weights the graph does not have.
void assign_trust(Graph& graph, const TrustSpec& spec, const TrustContext& context = {});

/// Embeddedness of a tie, for the "tie_strength" rule.
enum class TieMeasure {
  /// |N(u) ∩ N(v)|: friends the two have in common.
  kCommonNeighbours,
  /// |N(u) ∩ N(v)| / (|N(u) ∪ N(v)| - 2), the neighbourhood overlap of J.-P. Onnela et al.,
  /// "Structure and tie strengths in mobile communication networks", PNAS 104, 7332 (2007);
  /// 0 where the denominator is 0 (an edge whose ends have no other neighbours).
  kOverlap,
};

/// The measure of every arc, indexed by ArcId. N(x) is x's neighbourhood in the underlying
/// undirected, simple graph (out- and in-neighbours, each once, never x itself), so u is in
/// N(v) and v in N(u). Sorted neighbour lists intersected by merging (galloping when one list
/// is much shorter): O(sum over arcs of min(deg u, deg v) log(...)) and at worst
/// O(sum of deg^2); parallel over agents, and deterministic.
std::vector<double> tie_measure(const Graph& graph, TieMeasure measure);

/// Size of the intersection of two ascending, duplicate-free id lists.
std::uint32_t intersection_size(std::span<const NodeId> a, std::span<const NodeId> b) noexcept;

}  // namespace wom
