// SPDX-License-Identifier: MIT
#pragma once
/// @file Degree and neighbour queries that work alike on a CSR graph and on the implicit
/// complete graph (Graph::implicit_complete_graph), for models that count adopted neighbours
/// or contact a random neighbour.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/random.hpp"

namespace wom {

/// Out-degree of u: n - 1 on the implicit complete graph.
[[nodiscard]] inline std::uint64_t out_degree_of(const Graph& g, NodeId u) noexcept {
  return g.implicit_complete() ? std::uint64_t{g.num_nodes()} - 1 : g.out_degree(u);
}

/// Arcs the graph represents: n(n-1) on the implicit complete graph, which stores none.
[[nodiscard]] inline std::uint64_t arcs_of(const Graph& g) noexcept {
  return g.implicit_complete() ? std::uint64_t{g.num_nodes()} * (g.num_nodes() - (g.num_nodes() > 0)) : g.num_arcs();
}

/// The i-th out-neighbour of u, i < out_degree_of(g, u). On the implicit complete graph the
/// neighbours of u are 0..n-1 without u, in order.
[[nodiscard]] inline NodeId neighbour_of(const Graph& g, NodeId u, std::uint64_t i) noexcept {
  if (g.implicit_complete()) return static_cast<NodeId>(i < u ? i : i + 1);
  return g.head(g.arc_begin(u) + i);
}

/// A uniformly random out-neighbour of u from 64 random bits; kNoNode if u has none.
[[nodiscard]] inline NodeId random_neighbour(const Graph& g, NodeId u, std::uint64_t bits) noexcept {
  const std::uint64_t d = out_degree_of(g, u);
  return d == 0 ? kNoNode : neighbour_of(g, u, bounded(bits, d));
}

/// In-degrees, the denominators of "fraction of neighbours": stored only for directed CSR
/// graphs (4 bytes per agent); an undirected graph's in-degree is its out-degree, and the
/// implicit complete graph's is n - 1.
class InDegrees {
 public:
  InDegrees() = default;
  explicit InDegrees(const Graph& g) {
    if (g.directed() && !g.implicit_complete()) in_ = g.in_degrees();
  }
  [[nodiscard]] std::uint64_t operator()(const Graph& g, NodeId v) const noexcept {
    if (!in_.empty()) return in_[v];
    return out_degree_of(g, v);
  }

 private:
  std::vector<std::uint32_t> in_;
};

/// In-neighbours of every agent as a CSR of tails (8 bytes per agent + 4 per arc), for models
/// that pull (read their in-neighbours' state). Empty, and not needed, on undirected graphs,
/// where in-neighbours are out-neighbours: use tails_of() either way.
class InNeighbours {
 public:
  InNeighbours() = default;
  explicit InNeighbours(const Graph& g) {
    if (!g.directed() || g.implicit_complete()) return;
    const NodeId n = g.num_nodes();
    offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
    for (ArcId a = 0; a < g.num_arcs(); ++a) ++offsets_[g.head(a) + 1];
    for (NodeId v = 0; v < n; ++v) offsets_[v + 1] += offsets_[v];
    tails_.resize(g.num_arcs());
    std::vector<ArcId> cursor(offsets_.begin(), offsets_.end() - 1);
    for (NodeId u = 0; u < n; ++u)
      for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) tails_[cursor[g.head(a)]++] = u;
  }
  /// The agents with an arc into v (sorted by id).
  [[nodiscard]] std::span<const NodeId> tails_of(const Graph& g, NodeId v) const noexcept {
    if (offsets_.empty()) return g.out_neighbours(v);
    return {tails_.data() + offsets_[v], tails_.data() + offsets_[v + 1]};
  }

  /// The rows tails_of reads, for detail::for_each_prefetched: v's offsets, then (once they
  /// have arrived) its row of tails.
  class Rows {
   public:
    Rows(const Graph& g, const InNeighbours& in) : g_(g), in_(in) {}
    void prefetch_offsets(NodeId v) const noexcept {
      if (in_.offsets_.empty()) g_.prefetch_offsets(v);
      else prefetch(in_.offsets_.data() + v);
    }
    void prefetch_arcs(NodeId v) const noexcept {
      if (in_.offsets_.empty()) g_.prefetch_heads(v);
      else prefetch_row(in_.tails_.data(), in_.offsets_[v], in_.offsets_[v + 1]);
    }

   private:
    const Graph& g_;
    const InNeighbours& in_;
  };
  [[nodiscard]] Rows rows(const Graph& g) const noexcept { return {g, *this}; }

 private:
  std::vector<ArcId> offsets_;
  std::vector<NodeId> tails_;
};

}  // namespace wom
