// SPDX-License-Identifier: MIT
#pragma once
/// @file Seeded network generators. Every generator is a pure function of its parameters
/// and seed (randomness from sim/random.hpp counter streams under Stream::kNetwork, one
/// sub-stream per generator), so a scenario names a graph exactly, whatever the thread count.
/// All generated graphs are undirected (two arcs per edge) unless stated. Generated graphs
/// never contain self-loops or repeated arcs.
///
/// Parameter errors throw InputError with a message naming the scenario key
/// (`network.<key>`), since the scenario validator cannot check relations between keys
/// (m < n, sum of block sizes = n, ...) on its own.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "sim/network/graph.hpp"
#include "sim/spec.hpp"

namespace wom {

/// The graph a `[network]` section describes: a generator, or an edge list whose relative
/// `path` is resolved against `base_dir` (the scenario file's folder). For "configuration",
/// an explicit `degrees` sequence wins over `degree_distribution`.
/// @throws InputError on invalid or inconsistent parameters (naming `network.<key>`);
///         IoError if an edge list cannot be read.
Graph make_network(const NetworkSpec& spec, std::uint64_t seed, const std::filesystem::path& base_dir);

/// K_n: every pair connected, n(n-1) arcs.
Graph complete_graph(NodeId n);

/// Erdős–Rényi G(n, p): each of the n(n-1)/2 pairs (n(n-1) ordered pairs if `directed`)
/// independently with probability p. O(n + m) time by geometric skipping between successive
/// edges (V. Batagelj, U. Brandes, "Efficient generation of large random networks",
/// Phys. Rev. E 71, 036113, 2005). @throws InputError unless 0 <= p <= 1.
Graph gnp_graph(NodeId n, double p, bool directed, std::uint64_t seed);

/// Erdős–Rényi G(n, m): exactly m distinct edges (arcs if `directed`), every such set equally
/// likely. Draws m pair indices, sorts and dedupes, and tops up the shortfall until m are
/// distinct; above half of all pairs it draws the complement instead.
/// @throws InputError if m exceeds the number of possible edges.
Graph gnm_graph(NodeId n, std::uint64_t m, bool directed, std::uint64_t seed);

/// Barabási–Albert preferential attachment (A.-L. Barabási, R. Albert, Science 286, 1999).
/// Start-up: a clique on agents 0..m (so every agent ends with degree >= m, unlike networkx's
/// star, whose leaves keep degree 1). Each later agent s = m+1, ..., n-1 attaches to m
/// distinct earlier agents chosen with probability proportional to their current degree
/// (uniformly among the endpoints of the existing edges, i.e. networkx's repeated-nodes
/// list, redrawing repeats). Edges: m(m+1)/2 + m(n-m-1); arcs twice that. O(n·m).
/// @throws InputError unless 1 <= m < n.
Graph barabasi_albert_graph(NodeId n, std::uint32_t m, std::uint64_t seed);

/// Watts–Strogatz small world (D. J. Watts, S. H. Strogatz, Nature 393, 1998), rewired as
/// networkx does: ring lattice where each agent links to its k/2 nearest neighbours on each
/// side; then for j = 1..k/2 and each agent u in order, with probability beta the edge
/// (u, u+j) is replaced by (u, w) for a uniform w that is neither u nor already a neighbour
/// (skipped if u is adjacent to everyone). Exactly n·k arcs. O(n·k) expected, plus O(k) per
/// neighbour check. @throws InputError unless k is even, k < n and 0 <= beta <= 1.
Graph watts_strogatz_graph(NodeId n, std::uint32_t k, double beta, std::uint64_t seed);

/// Configuration model over a degree sequence (M. Molloy, B. Reed 1995; M. E. J. Newman,
/// "The structure and function of complex networks", 2003): the degree-many stubs of every
/// agent are shuffled and paired. Self-loops and multi-edges that matching produces are
/// dropped, as networkx's Graph(configuration_model(...)) does, so realised degrees can fall
/// slightly below the requested ones for hubs. @throws InputError if the degree sum is odd.
Graph configuration_graph(const std::vector<std::uint32_t>& degrees, std::uint64_t seed);

/// Degree sequence with P(k) ∝ k^-exponent on [min_degree, max_degree] (max_degree 0 means
/// floor(sqrt(n)), the structural cutoff that keeps multi-edges rare), sampled by inverse CDF
/// on a precomputed table. If the sum is odd, one agent chosen by the seed gets one more
/// stub (one fewer if it already has max_degree), so a configuration graph can pair them.
/// @throws InputError unless 1 <= min_degree <= max_degree < n.
std::vector<std::uint32_t> power_law_degrees(NodeId n, double exponent, std::uint32_t min_degree,
                                             std::uint32_t max_degree, std::uint64_t seed);

/// Degree sequence with independent Poisson(mean) degrees; if the sum is odd, one agent
/// chosen by the seed gets one more stub. @throws InputError unless mean is finite and >= 0.
std::vector<std::uint32_t> poisson_degrees(NodeId n, double mean, std::uint64_t seed);

/// Stochastic block model (P. W. Holland, K. B. Laskey, S. Leinhardt 1983): blocks of the
/// given sizes, edge probability p_in within a block and p_out between blocks, each block
/// pair in O(size + edges) by geometric skipping. Agents are numbered block by block.
/// @throws InputError on an empty or zero-sized block, or a probability outside [0, 1].
Graph sbm_graph(const std::vector<NodeId>& block_sizes, double p_in, double p_out, std::uint64_t seed);

}  // namespace wom
