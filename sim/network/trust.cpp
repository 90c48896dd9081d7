// SPDX-License-Identifier: MIT
#include "sim/network/trust.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/error.hpp"
#include "sim/prefetch.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

std::string number(double x) {
  std::string s = std::to_string(x);
  // std::to_string prints six decimals; trim the zeros ("0.100000" -> "0.1").
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

NodeId tail_of(const Graph& g, ArcId a) {
  const auto& off = g.offsets();
  return static_cast<NodeId>(std::upper_bound(off.begin(), off.end(), a) - off.begin() - 1);
}

std::string arc_text(const Graph& g, ArcId a) {
  return std::to_string(g.label(tail_of(g, a))) + " -> " + std::to_string(g.label(g.head(a)));
}

/// Runs `body(u)` for every agent, in parallel; each call must touch only its own arcs.
template <class Body>
void for_each_agent(NodeId n, Body&& body) {
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 512), [&](const tbb::blocked_range<NodeId>& r) {
    for (NodeId u = r.begin(); u != r.end(); ++u) body(u);
  });
}

// ---- embeddedness ----------------------------------------------------------------------------

/// Sorted, duplicate-free neighbour lists of the underlying undirected simple graph.
struct Adjacency {
  std::vector<ArcId> offsets;
  std::vector<NodeId> ids;
  [[nodiscard]] std::span<const NodeId> of(NodeId u) const noexcept {
    return {ids.data() + offsets[u], ids.data() + offsets[u + 1]};
  }
};

/// Merges two ascending lists dropping repeats; writes to `out` if given, returns the count.
std::uint64_t merge_unique(std::span<const NodeId> a, std::span<const NodeId> b, NodeId* out) {
  std::uint64_t count = 0;
  std::size_t i = 0, j = 0;
  bool any = false;
  NodeId last = 0;
  while (i < a.size() || j < b.size()) {
    NodeId x;
    if (j == b.size() || (i < a.size() && a[i] <= b[j])) {
      x = a[i++];
    } else {
      x = b[j++];
    }
    if (any && x == last) continue;
    any = true;
    last = x;
    if (out != nullptr) out[count] = x;
    ++count;
  }
  return count;
}

Adjacency undirected_adjacency(const Graph& g) {
  const NodeId n = g.num_nodes();
  // In-lists, tails ascending (so sorted), by counting sort on the head.
  std::vector<ArcId> in_off(static_cast<std::size_t>(n) + 1, 0);
  for (const NodeId v : g.heads()) ++in_off[v + 1];
  std::partial_sum(in_off.begin(), in_off.end(), in_off.begin());
  std::vector<NodeId> in_ids(g.num_arcs());
  {
    std::vector<ArcId> cursor(in_off.begin(), in_off.end() - 1);
    for (NodeId u = 0; u < n; ++u)
      for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) in_ids[cursor[g.head(a)]++] = u;
  }
  auto in_of = [&](NodeId u) {
    return std::span<const NodeId>(in_ids.data() + in_off[u], in_ids.data() + in_off[u + 1]);
  };
  Adjacency adj;
  adj.offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  for_each_agent(n, [&](NodeId u) { adj.offsets[u + 1] = merge_unique(g.out_neighbours(u), in_of(u), nullptr); });
  std::partial_sum(adj.offsets.begin(), adj.offsets.end(), adj.offsets.begin());
  adj.ids.resize(adj.offsets[n]);
  for_each_agent(n, [&](NodeId u) { merge_unique(g.out_neighbours(u), in_of(u), adj.ids.data() + adj.offsets[u]); });
  return adj;
}

/// Calls `f(arc, common, deg tail, deg head)` for every arc, degrees and common neighbours
/// taken in the underlying undirected simple graph. Parallel over tails; `f` must write only
/// data of the arc it is given. The cost is memory latency (each arc's head list is a random
/// access), so heads' offsets and lists are prefetched a few arcs ahead.
template <class F>
void for_each_tie(const Graph& g, F&& f) {
  // An undirected one-layer graph is already symmetric, sorted and duplicate-free: then each
  // edge is counted once (tail < head) and the count shared with the reverse arc, which the
  // tail's task alone writes.
  const bool simple = !g.directed() && g.layer_count() == 1;
  Adjacency adj;
  if (!simple) adj = undirected_adjacency(g);
  const ArcId* off = simple ? g.offsets().data() : adj.offsets.data();
  const NodeId* ids = simple ? g.heads().data() : adj.ids.data();
  auto neighbours = [off, ids](NodeId x) { return std::span<const NodeId>(ids + off[x], ids + off[x + 1]); };
  const ArcId* arc_off = g.offsets().data();
  const NodeId* heads = g.heads().data();
  constexpr ArcId kFar = 16, kNear = 8;  // prefetch distances: offsets, then the list itself
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, g.num_nodes(), 512), [&](const tbb::blocked_range<NodeId>& r) {
    const ArcId last = arc_off[r.end()];
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      const auto nu = neighbours(u);
      for (ArcId a = arc_off[u]; a < arc_off[u + 1]; ++a) {
        if (a + kFar < last) prefetch(off + heads[a + kFar]);
        if (a + kNear < last && (!simple || heads[a + kNear] > u)) prefetch(ids + off[heads[a + kNear]]);
        const NodeId v = heads[a];
        if (simple && v < u) continue;
        const auto nv = neighbours(v);
        const std::uint32_t common = intersection_size(nu, nv);
        f(a, common, nu.size(), nv.size());
        if (simple) {
          const ArcId back = off[v] + static_cast<ArcId>(std::lower_bound(nv.begin(), nv.end(), u) - nv.begin());
          f(back, common, nv.size(), nu.size());
        }
      }
    }
  });
}

double measure_value(TieMeasure measure, std::uint32_t common, std::uint64_t deg_u, std::uint64_t deg_v) {
  if (measure == TieMeasure::kCommonNeighbours) return common;
  // |N(u) ∪ N(v)| - 2 = deg u + deg v - common - 2, since v ∈ N(u) and u ∈ N(v).
  const std::uint64_t others = deg_u + deg_v - 2 - common;
  return others == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(others);
}

TieMeasure parse_measure(const std::string& name, const std::string& key) {
  if (name == "common_neighbours") return TieMeasure::kCommonNeighbours;
  if (name == "overlap") return TieMeasure::kOverlap;
  throw InputError(key + ".measure: expected 'common_neighbours' or 'overlap', found '" + name + "'");
}

// ---- rules -----------------------------------------------------------------------------------

void weight_rule(Graph& g, const TrustSpec& spec, const std::string& key, std::vector<std::uint64_t>& distrust) {
  const auto& w = g.weights();
  if (w.size() != g.num_arcs()) {
    throw InputError(key + ".rule: 'weight' needs an edge list with a third (weight) column");
  }
  auto& trust = g.trusts();
  const bool signed_weights = !spec.negative.empty();
  const bool oppose = spec.negative == "oppose";
  for (ArcId a = 0; a < g.num_arcs(); ++a) {
    const double weight = w[a];
    double t = weight * spec.scale;
    if (signed_weights && weight < 0) {
      if (!oppose) {
        trust[a] = 0;
        continue;
      }
      t = -t;
      distrust[a >> 6] |= std::uint64_t{1} << (a & 63);
    }
    if (!(t >= 0.0 && t <= kTrustMax)) {
      std::string message = key + ".scale: arc " + arc_text(g, a) + " has weight " + number(weight) + " x scale " +
                            number(spec.scale) + " gives trust " + number(t) + ", outside [0, " +
                            std::to_string(kTrustMax) + "]";
      if (weight < 0 && !signed_weights) message += " (set " + key + ".negative to 'ignore' or 'oppose' for signed data)";
      throw InputError(message);
    }
    trust[a] = static_cast<Trust>(std::lround(t * kTrustOne));
  }
}

void tie_strength_rule(Graph& g, const TrustSpec& spec, const std::string& key) {
  const TieMeasure measure = parse_measure(spec.measure, key);
  const Trust strong = trust_fixed(spec.strong, (key + ".strong").c_str());
  const Trust weak = trust_fixed(spec.weak, (key + ".weak").c_str());
  auto& trust = g.trusts();
  for_each_tie(g, [&](ArcId a, std::uint32_t common, std::uint64_t deg_u, std::uint64_t deg_v) {
    trust[a] = measure_value(measure, common, deg_u, deg_v) >= spec.cutoff ? strong : weak;
  });
}

void random_rule(Graph& g, const TrustSpec& spec, const TrustContext& context) {
  const std::uint64_t base =
      derive(stream_key(spec.seed.value_or(context.seed), 0, Stream::kTrust), context.layer);
  const double low = spec.distribution.min_value(), high = spec.distribution.max_value();
  if (!(low >= 0.0 && high <= kTrustMax)) {
    throw InputError(context.key + ".distribution: " + spec.distribution.describe() + " can draw values outside [0, " +
                     std::to_string(kTrustMax) + "]");
  }
  auto& trust = g.trusts();
  for_each_agent(g.num_nodes(), [&](NodeId u) {
    const std::uint64_t lu = g.label(u);
    for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) {
      std::uint64_t first = lu, second = g.label(g.head(a));
      if (spec.symmetric && second < first) std::swap(first, second);
      CounterEngine engine(derive(derive(base, first), second));
      const double t = std::clamp(spec.distribution.sample(engine), low, high);
      trust[a] = static_cast<Trust>(std::lround(t * kTrustOne));
    }
  });
}

}  // namespace

Trust trust_fixed(double value, const char* what) {
  if (!(value >= 0.0 && value <= kTrustMax)) {
    throw InputError(std::string(what) + ": trust " + std::to_string(value) + " outside [0, " +
                     std::to_string(kTrustMax) + "]");
  }
  return static_cast<Trust>(std::lround(value * kTrustOne));
}

std::uint32_t intersection_size(std::span<const NodeId> a, std::span<const NodeId> b) noexcept {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.empty() || a.back() < b.front() || b.back() < a.front()) return 0;
  std::uint32_t count = 0;
  if (b.size() > 16 * a.size()) {
    // Galloping: |a| binary searches over a shrinking tail of b.
    auto from = b.begin();
    for (const NodeId x : a) {
      from = std::lower_bound(from, b.end(), x);
      if (from == b.end()) break;
      if (*from == x) {
        ++count;
        ++from;
      }
    }
    return count;
  }
  // Branch-free merge: which list advances is data, not a (mispredicted) branch.
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const NodeId x = a[i], y = b[j];
    count += x == y ? 1u : 0u;
    i += x <= y ? 1u : 0u;
    j += y <= x ? 1u : 0u;
  }
  return count;
}

std::vector<double> tie_measure(const Graph& graph, TieMeasure measure) {
  std::vector<double> out(graph.num_arcs());
  for_each_tie(graph, [&](ArcId a, std::uint32_t common, std::uint64_t deg_u, std::uint64_t deg_v) {
    out[a] = measure_value(measure, common, deg_u, deg_v);
  });
  return out;
}

void assign_trust(Graph& graph, const TrustSpec& spec, const TrustContext& context) {
  const std::string& key = context.key;
  const bool signed_weights = !spec.negative.empty();
  if (signed_weights && spec.negative != "ignore" && spec.negative != "oppose") {
    throw InputError(key + ".negative: expected 'ignore' or 'oppose', found '" + spec.negative + "'");
  }
  if (signed_weights && graph.weights().size() != graph.num_arcs()) {
    throw InputError(key + ".negative: reads the signs of the edge list's third (weight) column, which this "
                     "network does not have");
  }
  graph.set_distrust_bits({});
  std::vector<std::uint64_t> distrust;
  if (spec.negative == "oppose") distrust.assign((graph.num_arcs() + 63) / 64, 0);

  if (spec.rule == "constant") {
    graph.set_uniform_trust(trust_fixed(spec.value, (key + ".value").c_str()));
  } else if (spec.rule == "inverse_in_degree") {
    // Each arc takes its head's 1/in-degree: a table per agent (a division per agent, not per
    // arc), then a gather per arc, prefetched ahead and split over threads (a serial loop with
    // a division per arc took 3.3-4.5 s on 100 M arcs).
    const auto in = graph.in_degrees();
    std::vector<Trust> by_head(in.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, in.size(), 1 << 16), [&](const auto& r) {
      for (std::size_t v = r.begin(); v < r.end(); ++v)
        by_head[v] = in[v] == 0 ? Trust{0} : static_cast<Trust>(kTrustOne / in[v]);
    });
    auto& trust = graph.trusts();
    const NodeId* heads = graph.heads().data();
    tbb::parallel_for(tbb::blocked_range<ArcId>(0, graph.num_arcs(), 1 << 16), [&](const auto& r) {
      constexpr ArcId kAhead = 32;
      for (ArcId a = r.begin(); a < r.end(); ++a) {
        if (a + kAhead < r.end()) prefetch(by_head.data() + heads[a + kAhead]);
        trust[a] = by_head[heads[a]];
      }
    });
  } else if (spec.rule == "weight") {
    weight_rule(graph, spec, key, distrust);
  } else if (spec.rule == "tie_strength") {
    tie_strength_rule(graph, spec, key);
  } else if (spec.rule == "random") {
    random_rule(graph, spec, context);
  } else {
    throw InputError(key + ".rule: unknown rule '" + spec.rule + "'");
  }

  // Signs, for the rules that do not read the weights themselves.
  if (signed_weights && spec.rule != "weight") {
    const auto& w = graph.weights();
    const bool any_negative = std::any_of(w.begin(), w.end(), [](float x) { return x < 0; });
    if (any_negative && spec.negative == "ignore") {
      auto& trust = graph.trusts();  // ends the uniform-trust guarantee: some arcs drop to 0
      for (ArcId a = 0; a < graph.num_arcs(); ++a)
        if (w[a] < 0) trust[a] = 0;
    } else if (any_negative) {
      for (ArcId a = 0; a < graph.num_arcs(); ++a)
        if (w[a] < 0) distrust[a >> 6] |= std::uint64_t{1} << (a & 63);
    }
  }
  if (std::any_of(distrust.begin(), distrust.end(), [](std::uint64_t word) { return word != 0; })) {
    graph.set_distrust_bits(std::move(distrust));
  }
}

}  // namespace wom
