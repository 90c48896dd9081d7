// SPDX-License-Identifier: MIT
#include "sim/network/graph.hpp"

#include <algorithm>
#include <numeric>

#include <tbb/parallel_for.h>

#include "sim/error.hpp"

namespace wom {

Graph Graph::from_edges(NodeId n, EdgeBuffer edges, bool directed, BuildReport* report) {
  const bool weighted = !edges.weights.empty();
  if (weighted && edges.weights.size() != edges.size()) {
    throw Error("EdgeBuffer: " + std::to_string(edges.weights.size()) + " weights for " +
                std::to_string(edges.size()) + " edges");
  }
  Graph g;
  g.n_ = n;
  g.directed_ = directed;

  // Counting sort by tail: degrees, prefix sum, scatter.
  std::vector<ArcId> offsets(static_cast<std::size_t>(n) + 1, 0);
  std::uint64_t self_loops = 0;
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const NodeId u = edges.tails[e], v = edges.heads[e];
    if (u >= n || v >= n) {
      throw InputError("edge " + std::to_string(e) + " (" + std::to_string(u) + ", " +
                       std::to_string(v) + ") names an agent beyond N = " + std::to_string(n));
    }
    if (u == v) { ++self_loops; continue; }
    ++offsets[u + 1];
    if (!directed) ++offsets[v + 1];
  }
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  std::vector<NodeId> heads(offsets[n]);
  std::vector<float> weights(weighted ? offsets[n] : 0);
  {
    std::vector<ArcId> cursor(offsets.begin(), offsets.end() - 1);
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const NodeId u = edges.tails[e], v = edges.heads[e];
      if (u == v) continue;
      const ArcId a = cursor[u]++;
      heads[a] = v;
      if (weighted) weights[a] = edges.weights[e];
      if (!directed) {
        const ArcId b = cursor[v]++;
        heads[b] = u;
        if (weighted) weights[b] = edges.weights[e];
      }
    }
  }
  edges = EdgeBuffer{};  // release the input before the per-node pass

  // Sort each neighbour list and merge duplicates, in place; stable so the first weight wins.
  std::vector<ArcId> kept(n, 0);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 1024), [&](const tbb::blocked_range<NodeId>& r) {
    std::vector<std::pair<NodeId, float>> scratch;
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      const ArcId b = offsets[u], e = offsets[u + 1];
      if (e - b < 2) { kept[u] = e - b; continue; }
      ArcId out = b;
      if (!weighted) {
        std::sort(heads.begin() + static_cast<std::ptrdiff_t>(b), heads.begin() + static_cast<std::ptrdiff_t>(e));
        for (ArcId a = b; a < e; ++a)
          if (a == b || heads[a] != heads[out - 1]) heads[out++] = heads[a];
      } else {
        scratch.clear();
        for (ArcId a = b; a < e; ++a) scratch.emplace_back(heads[a], weights[a]);
        std::stable_sort(scratch.begin(), scratch.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        for (std::size_t i = 0; i < scratch.size(); ++i) {
          if (i == 0 || scratch[i].first != scratch[i - 1].first) {
            heads[out] = scratch[i].first;
            weights[out] = scratch[i].second;
            ++out;
          }
        }
      }
      kept[u] = out - b;
    }
  });

  // Compact into the final arrays.
  g.offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
  for (NodeId u = 0; u < n; ++u) g.offsets_[u + 1] = g.offsets_[u] + kept[u];
  const ArcId arcs = g.offsets_[n];
  if (arcs == heads.size()) {
    g.heads_ = std::move(heads);
    g.weights_ = std::move(weights);
  } else {
    g.heads_.resize(arcs);
    if (weighted) g.weights_.resize(arcs);
    for (NodeId u = 0; u < n; ++u) {
      std::copy_n(heads.begin() + static_cast<std::ptrdiff_t>(offsets[u]), kept[u],
                  g.heads_.begin() + static_cast<std::ptrdiff_t>(g.offsets_[u]));
      if (weighted)
        std::copy_n(weights.begin() + static_cast<std::ptrdiff_t>(offsets[u]), kept[u],
                    g.weights_.begin() + static_cast<std::ptrdiff_t>(g.offsets_[u]));
    }
  }
  g.trust_.assign(arcs, static_cast<Trust>(kTrustOne));
  if (report) {
    report->self_loops_dropped = self_loops;
    // Each undirected duplicate edge was stored twice, once per direction.
    report->duplicate_arcs_dropped = (offsets[n] - arcs) / (directed ? 1 : 2);
  }
  return g;
}

std::vector<std::uint32_t> Graph::in_degrees() const {
  std::vector<std::uint32_t> deg(n_, 0);
  for (const NodeId v : heads_) ++deg[v];
  return deg;
}

DegreeStats Graph::degree_stats() const {
  DegreeStats s;
  s.nodes = n_;
  s.arcs = num_arcs();
  if (n_ == 0) return s;
  const auto in = in_degrees();
  s.min_out = out_degree(0);
  double sum = 0, sum2 = 0;
  for (NodeId u = 0; u < n_; ++u) {
    const auto d = out_degree(u);
    s.min_out = std::min(s.min_out, d);
    s.max_out = std::max(s.max_out, d);
    s.max_in = std::max<std::uint64_t>(s.max_in, in[u]);
    sum += static_cast<double>(d);
    sum2 += static_cast<double>(d) * static_cast<double>(d);
    if (d == 0 && in[u] == 0) ++s.isolated;
  }
  s.mean_out = sum / n_;
  s.second_moment_out = sum2 / n_;
  return s;
}

std::uint64_t Graph::memory_bytes() const noexcept {
  return offsets_.size() * sizeof(ArcId) + heads_.size() * sizeof(NodeId) +
         trust_.size() * sizeof(Trust) + weights_.size() * sizeof(float) +
         labels_.size() * sizeof(std::uint64_t) + distrust_.size() * sizeof(std::uint64_t) +
         layer_.size() * sizeof(std::uint8_t);
}

void Graph::set_distrust_bits(std::vector<std::uint64_t> bits) {
  if (!bits.empty() && bits.size() != (num_arcs() + 63) / 64) {
    throw Error("Graph::set_distrust_bits: " + std::to_string(bits.size()) + " words for " +
                std::to_string(num_arcs()) + " arcs");
  }
  distrust_ = std::move(bits);
}

void Graph::set_layer_name(std::string name) {
  if (layer_names_.size() != 1) throw Error("Graph::set_layer_name: the graph has several layers");
  layer_names_[0] = std::move(name);
}

}  // namespace wom
