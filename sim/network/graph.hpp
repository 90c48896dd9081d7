// SPDX-License-Identifier: MIT
#pragma once
/// @file Immutable compressed-sparse-row network with per-arc trust.
///
/// Memory per arc: 4 bytes (head id) + 2 bytes (trust) = 6 bytes, plus 4 bytes when the
/// input carried a weight column; per agent 8 bytes of offsets. Undirected input is stored
/// as two arcs, one each way, so "out-arcs of u" are always the agents u can expose.

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/huge_array.hpp"
#include "sim/prefetch.hpp"
#include "sim/types.hpp"

namespace wom {

struct NetworkLayer;

/// Edges as read or generated, before CSR construction. Column layout keeps 100 M edges
/// at 8 bytes each (12 with weights).
struct EdgeBuffer {
  std::vector<NodeId> tails;
  std::vector<NodeId> heads;
  std::vector<float> weights;  ///< empty, or one per edge (third column of an edge list)

  void add(NodeId tail, NodeId head) { tails.push_back(tail); heads.push_back(head); }
  void add(NodeId tail, NodeId head, float weight) { add(tail, head); weights.push_back(weight); }
  [[nodiscard]] std::size_t size() const noexcept { return tails.size(); }
};

/// What CSR construction dropped, so callers can report it (documented policy: an agent
/// does not influence itself, and a repeated arc is one relationship, first weight wins).
struct BuildReport {
  std::uint64_t self_loops_dropped = 0;
  std::uint64_t duplicate_arcs_dropped = 0;
};

/// Degree statistics of a graph (out-degrees; in-degrees too for directed graphs).
struct DegreeStats {
  NodeId nodes = 0;
  ArcId arcs = 0;
  std::uint64_t min_out = 0, max_out = 0, max_in = 0;
  double mean_out = 0.0;
  double second_moment_out = 0.0;  ///< <k^2>, for branching-factor estimates
  NodeId isolated = 0;             ///< agents with neither in- nor out-arcs
};

class Graph {
 public:
  Graph() = default;

  /// Builds the CSR from an edge buffer over agents [0, n). Undirected edges become two arcs.
  /// Self-loops are dropped and duplicate arcs merged (reported in `report`). Neighbour lists
  /// are sorted by head id, so the graph depends only on the edge set, not on input order.
  /// Trust starts at 1.0 on every arc. @throws InputError if an id is >= n.
  static Graph from_edges(NodeId n, EdgeBuffer edges, bool directed, BuildReport* report = nullptr);

  /// A graph from CSR arrays already in from_edges' form (a cache file's, sim/network/csr_file.hpp):
  /// offsets of n + 1 entries from 0 to heads.size(), each neighbour list strictly ascending
  /// with no self-loop, weights empty or one per arc, labels empty or n distinct ids.
  /// Trust starts at 1.0 on every arc. Checked in parallel, O(arcs).
  /// @throws InputError (prefixed by `what`) naming the first violation found.
  static Graph from_csr(NodeId n, bool directed, std::vector<ArcId> offsets, std::vector<NodeId> heads,
                        std::vector<float> weights, std::vector<std::uint64_t> labels, const std::string& what);

  [[nodiscard]] NodeId num_nodes() const noexcept { return n_; }
  [[nodiscard]] ArcId num_arcs() const noexcept { return heads_.size(); }
  /// Whether the input was directed (an undirected graph stores every edge twice).
  [[nodiscard]] bool directed() const noexcept { return directed_; }

  /// The complete graph K_n without stored arcs (K_100000 would need 10^10): the CSR is empty,
  /// so every agent has out_degree 0 and frontier (push) models would see no neighbours.
  /// Models that support it check implicit_complete() and work through global counts (each
  /// agent is adjacent to the n - 1 others); the registry refuses it to the others with an
  /// InputError. Built by `[network] generator = "complete"` above `implicit_above` agents.
  [[nodiscard]] static Graph implicit_complete_graph(NodeId n) {
    Graph g;
    g.n_ = n;
    g.offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
    g.implicit_complete_ = true;
    return g;
  }
  /// Whether this is an implicit complete graph (see implicit_complete_graph).
  [[nodiscard]] bool implicit_complete() const noexcept { return implicit_complete_; }

  [[nodiscard]] ArcId arc_begin(NodeId u) const noexcept { return offsets_[u]; }
  [[nodiscard]] ArcId arc_end(NodeId u) const noexcept { return offsets_[u + 1]; }
  [[nodiscard]] std::uint64_t out_degree(NodeId u) const noexcept { return offsets_[u + 1] - offsets_[u]; }
  [[nodiscard]] std::span<const NodeId> out_neighbours(NodeId u) const noexcept {
    return {heads_.data() + offsets_[u], heads_.data() + offsets_[u + 1]};
  }
  [[nodiscard]] NodeId head(ArcId a) const noexcept { return heads_[a]; }
  [[nodiscard]] Trust trust(ArcId a) const noexcept { return trust_[a]; }
  /// True when every arc has the same trust, uniform_trust(): models may then decide an
  /// exposure without loading the arc's trust (one cache miss less per frontier agent).
  [[nodiscard]] bool has_uniform_trust() const noexcept { return uniform_trust_; }
  [[nodiscard]] Trust uniform_trust() const noexcept { return trust_.empty() ? Trust{0} : trust_[0]; }
  /// Sets every arc's trust to `t`.
  void set_uniform_trust(Trust t) {
    std::fill(trust_.begin(), trust_.end(), t);
    uniform_trust_ = true;
  }

  /// Cache hints for a traversal that will soon visit `u`'s offsets, or its arcs (the first
  /// and the last line of the row, wom::prefetch_row).
  void prefetch_offsets(NodeId u) const noexcept { prefetch(offsets_.data() + u); }
  /// u's heads (for models that read no trust).
  void prefetch_heads(NodeId u) const noexcept { prefetch_row(heads_.data(), offsets_[u], offsets_[u + 1]); }
  /// u's heads and trust.
  void prefetch_arcs(NodeId u) const noexcept {
    const ArcId a = offsets_[u], e = offsets_[u + 1];
    prefetch_row(heads_.data(), a, e);
    if (!uniform_trust_) prefetch_row(trust_.data(), a, e);
  }

  [[nodiscard]] const std::vector<ArcId>& offsets() const noexcept { return offsets_; }
  [[nodiscard]] const std::vector<NodeId>& heads() const noexcept { return heads_; }
  [[nodiscard]] const std::vector<Trust>& trusts() const noexcept { return trust_; }
  /// Per-arc trust, writable: trust rules (sim/network/trust.hpp) assign it after building.
  /// Writable access ends the uniform-trust guarantee.
  [[nodiscard]] std::vector<Trust>& trusts() noexcept {
    uniform_trust_ = false;
    return trust_;
  }
  /// Per-arc input weight (edge list third column), empty when the input had none.
  [[nodiscard]] const std::vector<float>& weights() const noexcept { return weights_; }

  /// In-degree of every agent (computed on demand, O(arcs)).
  [[nodiscard]] std::vector<std::uint32_t> in_degrees() const;
  [[nodiscard]] DegreeStats degree_stats() const;

  /// Input id of each agent (edge-list ids are remapped to 0..N-1); empty means identity.
  [[nodiscard]] const std::vector<std::uint64_t>& labels() const noexcept { return labels_; }
  void set_labels(std::vector<std::uint64_t> labels) { labels_ = std::move(labels); }
  [[nodiscard]] std::uint64_t label(NodeId u) const noexcept { return labels_.empty() ? u : labels_[u]; }

  /// Bytes held by the CSR arrays (offsets, heads, trust, weights, labels, layer ids,
  /// distrust bits).
  [[nodiscard]] std::uint64_t memory_bytes() const noexcept;

  // ---- signed ties (sim/network/trust.hpp, `[trust] negative = "oppose"`) ----
  /// Whether some arc is a distrust arc (a negative edge-list weight kept as opposition).
  [[nodiscard]] bool has_distrust() const noexcept { return !distrust_.empty(); }
  /// Whether arc `a` carries distrust: its trust() is then the magnitude of a negative
  /// influence (linear threshold subtracts it from the pressure instead of adding it).
  [[nodiscard]] bool distrust(ArcId a) const noexcept {
    return !distrust_.empty() && ((distrust_[a >> 6] >> (a & 63)) & 1u) != 0;
  }
  /// Packed distrust flags, bit (a % 64) of word a / 64 for arc a; empty when no arc has one.
  [[nodiscard]] const std::vector<std::uint64_t>& distrust_bits() const noexcept { return distrust_; }
  /// Sets the flags: empty, or (num_arcs() + 63) / 64 words (all-zero words are stored as
  /// given; pass an empty vector for "none"). @throws Error on another size.
  void set_distrust_bits(std::vector<std::uint64_t> bits);

  // ---- layers (sim/network/layers.hpp) ----
  /// Number of layers; 1 unless the graph was merged from several (merge_layers).
  [[nodiscard]] std::size_t layer_count() const noexcept { return layer_names_.size(); }
  /// Layer of arc `a`, in [0, layer_count()); 0 on a one-layer graph (no array is stored).
  [[nodiscard]] std::uint8_t layer(ArcId a) const noexcept { return layer_.empty() ? 0 : layer_[a]; }
  /// Per-arc layer ids; empty on a one-layer graph.
  [[nodiscard]] const std::vector<std::uint8_t>& layers() const noexcept { return layer_; }
  /// Layer names in layer-id order (scenario `name` keys); {"network"} by default.
  [[nodiscard]] const std::vector<std::string>& layer_names() const noexcept { return layer_names_; }
  /// Names a one-layer graph's only layer. @throws Error on a multi-layer graph.
  void set_layer_name(std::string name);

 private:
  NodeId n_ = 0;
  bool directed_ = false;
  std::vector<ArcId> offsets_{0};
  std::vector<NodeId> heads_;
  std::vector<Trust> trust_;
  bool uniform_trust_ = true;
  std::vector<float> weights_;
  std::vector<std::uint64_t> labels_;
  std::vector<std::uint64_t> distrust_;                 ///< packed bits; empty: no distrust arc
  std::vector<std::uint8_t> layer_;                     ///< per-arc layer id; empty: one layer
  std::vector<std::string> layer_names_{"network"};
  bool implicit_complete_ = false;                      ///< K_n_ with no arcs stored

  friend Graph merge_layers(std::vector<NetworkLayer> layers);
};

/// A graph's out-rows without their trust, for walks (detail::for_each_prefetched) in models
/// that read only the heads: on a graph with trust, Graph's own hints would fetch the trust
/// rows too.
class HeadRows {
 public:
  explicit HeadRows(const Graph& g) : g_(g) {}
  void prefetch_offsets(NodeId v) const noexcept { g_.prefetch_offsets(v); }
  void prefetch_arcs(NodeId v) const noexcept { g_.prefetch_heads(v); }

 private:
  const Graph& g_;
};

}  // namespace wom
