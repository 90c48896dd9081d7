// SPDX-License-Identifier: MIT
#include "sim/network/graph.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include "sim/error.hpp"
#include "sim/prefetch.hpp"

namespace wom {

namespace {

/// Below this many edges the CSR is built serially: threads would cost more than they save.
constexpr std::size_t kParallelEdges = std::size_t{1} << 20;

}  // namespace

Graph Graph::from_edges(NodeId n, EdgeBuffer edges, bool directed, BuildReport* report) {
  const bool weighted = !edges.weights.empty();
  if (weighted && edges.weights.size() != edges.size()) {
    throw Error("EdgeBuffer: " + std::to_string(edges.weights.size()) + " weights for " +
                std::to_string(edges.size()) + " edges");
  }
  Graph g;
  g.n_ = n;
  g.directed_ = directed;
  const std::size_t m = edges.size();
  // Large inputs are counted and scattered by several threads, each owning a range of tails:
  // every thread reads all edges but writes only its own agents' counts and arcs, so no
  // write is shared (atomic read-modify-writes on random cells would serialise the cache
  // misses that dominate here), and each agent's arcs keep input order whatever the split.
  const std::size_t parts =
      m >= kParallelEdges ? std::max<std::size_t>(1, static_cast<std::size_t>(tbb::this_task_arena::max_concurrency())) : 1;
  const auto for_parts = [&](std::vector<NodeId> bounds, auto&& body) {
    if (parts == 1) {
      body(NodeId{0}, n);
      return;
    }
    tbb::parallel_for(std::size_t{0}, parts, [&](std::size_t p) { body(bounds[p], bounds[p + 1]); });
  };
  std::vector<NodeId> even(parts + 1);  // agent ranges of equal size, for counting
  for (std::size_t p = 0; p <= parts; ++p) even[p] = static_cast<NodeId>(std::uint64_t{n} * p / parts);

  // The first edge naming an agent beyond n, if any (the message names it).
  std::size_t bad = m;
  if (parts > 1) {
    bad = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, m, 1 << 16), m,
        [&](const tbb::blocked_range<std::size_t>& r, std::size_t found) {
          for (std::size_t e = r.begin(); e < r.end() && e < found; ++e)
            if (edges.tails[e] >= n || edges.heads[e] >= n) return e;
          return found;
        },
        [](std::size_t x, std::size_t y) { return std::min(x, y); });
  } else {
    for (std::size_t e = 0; e < m && bad == m; ++e)
      if (edges.tails[e] >= n || edges.heads[e] >= n) bad = e;
  }
  if (bad < m) {
    const NodeId u = edges.tails[bad], v = edges.heads[bad];
    throw InputError("edge " + std::to_string(bad) + " (" + std::to_string(u) + ", " + std::to_string(v) +
                     ") names an agent beyond N = " + std::to_string(n));
  }
  std::uint64_t self_loops = 0;
  for (std::size_t e = 0; e < m; ++e) self_loops += edges.tails[e] == edges.heads[e];

  // Counting sort by tail: degrees at offsets[u + 1], prefix sum (offsets[u + 1] = end of u's
  // arcs), then, from the last edge backwards, each arc is placed at --offsets[u + 1], which
  // keeps each agent's arcs in input order and leaves offsets[u + 1] at the start of u's
  // arcs: shifted down by one, offsets are the CSR's without a cursor array.
  std::vector<ArcId> offsets;
  assign_huge(offsets, static_cast<std::size_t>(n) + 1, ArcId{0});
  // Every count and every placed arc is a cache miss on a large graph, and the range tests
  // mispredict often enough to stop the processor from overlapping them, so both passes
  // prefetch the cells kAhead edges ahead (branch-free: an agent outside the range
  // prefetches the range's first cell, which is hot anyway).
  constexpr std::size_t kAhead = 32;
  const auto own = [](NodeId x, NodeId lo, NodeId hi) { return x - lo < hi - lo; };
  for_parts(even, [&](NodeId lo, NodeId hi) {
    for (std::size_t e = 0; e < m; ++e) {
      if (e + kAhead < m) {
        const NodeId pu = edges.tails[e + kAhead], pv = edges.heads[e + kAhead];
        prefetch(offsets.data() + (own(pu, lo, hi) ? pu : lo) + 1);
        if (!directed) prefetch(offsets.data() + (own(pv, lo, hi) ? pv : lo) + 1);
      }
      const NodeId u = edges.tails[e], v = edges.heads[e];
      if (u == v) continue;
      if (own(u, lo, hi)) ++offsets[u + 1];
      if (!directed && own(v, lo, hi)) ++offsets[v + 1];
    }
  });
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  const ArcId stored = offsets[n];
  std::vector<NodeId> heads;
  std::vector<float> weights;
  assign_huge(heads, stored, NodeId{0});
  if (weighted) weights.assign(stored, 0.0f);
  std::vector<NodeId> balanced(parts + 1, n);  // agent ranges of about equal arc counts, for scattering
  balanced[0] = 0;
  for (std::size_t p = 1; p < parts; ++p)
    balanced[p] = static_cast<NodeId>(
        std::lower_bound(offsets.begin() + 1, offsets.end(), stored * p / parts) - (offsets.begin() + 1));
  for_parts(balanced, [&](NodeId lo, NodeId hi) {
    for (std::size_t e = m; e-- > 0;) {
      // Two stages: the cursor 2·kAhead edges ahead, then the arc slot it points to kAhead
      // ahead (a hint only: cursors still move before the arc is placed).
      if (e >= 2 * kAhead) {
        const NodeId pu = edges.tails[e - 2 * kAhead], pv = edges.heads[e - 2 * kAhead];
        prefetch(offsets.data() + (own(pu, lo, hi) ? pu : lo) + 1);
        if (!directed) prefetch(offsets.data() + (own(pv, lo, hi) ? pv : lo) + 1);
      }
      if (e >= kAhead) {
        // The slot below the cursor, or slot 0 at cursor 0 (a pointer before the array is undefined).
        const auto slot = [&](NodeId x) {
          return heads.data() + std::max<ArcId>(offsets[(own(x, lo, hi) ? x : lo) + 1], 1) - 1;
        };
        prefetch(slot(edges.tails[e - kAhead]));
        if (!directed) prefetch(slot(edges.heads[e - kAhead]));
      }
      const NodeId u = edges.tails[e], v = edges.heads[e];
      if (u == v) continue;
      if (!directed && own(v, lo, hi)) {
        const ArcId b = --offsets[v + 1];
        heads[b] = u;
        if (weighted) weights[b] = edges.weights[e];
      }
      if (own(u, lo, hi)) {
        const ArcId a = --offsets[u + 1];
        heads[a] = v;
        if (weighted) weights[a] = edges.weights[e];
      }
    }
  });
  std::move(offsets.begin() + 1, offsets.end(), offsets.begin());
  offsets[n] = stored;
  edges = EdgeBuffer{};  // release the input before the per-node pass

  // Sort each neighbour list and merge duplicates, in place; stable so the first weight wins.
  std::vector<std::uint32_t> kept(n, 0);  // a merged list has at most n - 1 distinct heads
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 1024), [&](const tbb::blocked_range<NodeId>& r) {
    std::vector<std::pair<NodeId, float>> scratch;
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      const ArcId b = offsets[u], e = offsets[u + 1];
      if (e - b < 2) { kept[u] = static_cast<std::uint32_t>(e - b); continue; }
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
      kept[u] = static_cast<std::uint32_t>(out - b);
    }
  });

  // Compact in place: every list moves down (or stays), so ascending order never overwrites
  // a list not yet moved.
  ArcId arcs = 0;
  for (NodeId u = 0; u < n; ++u) {
    const ArcId from = offsets[u];
    offsets[u] = arcs;
    if (from != arcs) {
      std::copy_n(heads.begin() + static_cast<std::ptrdiff_t>(from), kept[u], heads.begin() + static_cast<std::ptrdiff_t>(arcs));
      if (weighted)
        std::copy_n(weights.begin() + static_cast<std::ptrdiff_t>(from), kept[u],
                    weights.begin() + static_cast<std::ptrdiff_t>(arcs));
    }
    arcs += kept[u];
  }
  offsets[n] = arcs;
  if (arcs != stored) {
    heads.resize(arcs);
    if (weighted) weights.resize(arcs);
    if (stored - arcs > stored / 8) {  // give back a large slack (a copy, so only then)
      heads.shrink_to_fit();
      weights.shrink_to_fit();
    }
  }
  g.offsets_ = std::move(offsets);
  g.heads_ = std::move(heads);
  g.weights_ = std::move(weights);
  assign_huge(g.trust_, arcs, static_cast<Trust>(kTrustOne));
  if (report) {
    report->self_loops_dropped = self_loops;
    // Each undirected duplicate edge was stored twice, once per direction.
    report->duplicate_arcs_dropped = (stored - arcs) / (directed ? 1 : 2);
  }
  return g;
}

Graph Graph::from_csr(NodeId n, bool directed, std::vector<ArcId> offsets, std::vector<NodeId> heads,
                      std::vector<float> weights, std::vector<std::uint64_t> labels, const std::string& what) {
  const ArcId arcs = heads.size();
  if (offsets.size() != static_cast<std::size_t>(n) + 1 || offsets.front() != 0 || offsets.back() != arcs)
    throw InputError(what + ": offsets do not span the " + std::to_string(arcs) + " arcs of " + std::to_string(n) +
                     " agents");
  if (!weights.empty() && weights.size() != arcs)
    throw InputError(what + ": " + std::to_string(weights.size()) + " weights for " + std::to_string(arcs) + " arcs");
  if (!labels.empty() && labels.size() != n)
    throw InputError(what + ": " + std::to_string(labels.size()) + " labels for " + std::to_string(n) + " agents");
  // The first agent whose list is not a valid one (offsets descending, an id beyond n, a
  // self-loop, not strictly ascending), if any.
  const NodeId bad = tbb::parallel_reduce(
      tbb::blocked_range<NodeId>(0, n, 4096), n,
      [&](const tbb::blocked_range<NodeId>& r, NodeId found) {
        for (NodeId u = r.begin(); u < r.end() && u < found; ++u) {
          const ArcId b = offsets[u], e = offsets[u + 1];
          if (e < b || e > arcs) return u;
          for (ArcId a = b; a < e; ++a)
            if (heads[a] >= n || heads[a] == u || (a > b && heads[a] <= heads[a - 1])) return u;
        }
        return found;
      },
      [](NodeId a, NodeId b) { return std::min(a, b); });
  if (bad < n)
    throw InputError(what + ": the neighbour list of agent " + std::to_string(bad) +
                     " is not strictly ascending ids of other agents below " + std::to_string(n));
  Graph g;
  g.n_ = n;
  g.directed_ = directed;
  g.offsets_ = std::move(offsets);
  g.heads_ = std::move(heads);
  g.weights_ = std::move(weights);
  g.labels_ = std::move(labels);
  assign_huge(g.trust_, arcs, static_cast<Trust>(kTrustOne));
  return g;
}

std::vector<std::uint32_t> Graph::in_degrees() const {
  std::vector<std::uint32_t> deg(n_, 0);
  if (heads_.size() < kParallelEdges) {
    for (const NodeId v : heads_) ++deg[v];
    return deg;
  }
  // Each thread counts the heads in its own range of agents (see from_edges: no shared writes).
  const auto parts = static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
  tbb::parallel_for(std::size_t{0}, parts, [&](std::size_t p) {
    const auto lo = static_cast<NodeId>(std::uint64_t{n_} * p / parts);
    const auto hi = static_cast<NodeId>(std::uint64_t{n_} * (p + 1) / parts);
    constexpr std::size_t kAhead = 32;  // prefetched as in from_edges, for the same reason
    const std::size_t m = heads_.size();
    for (std::size_t a = 0; a < m; ++a) {
      if (a + kAhead < m) {
        const NodeId pv = heads_[a + kAhead];
        prefetch(deg.data() + (pv - lo < hi - lo ? pv : lo));
      }
      const NodeId v = heads_[a];
      if (v - lo < hi - lo) ++deg[v];
    }
  });
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
