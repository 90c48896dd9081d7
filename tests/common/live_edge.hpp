// SPDX-License-Identifier: MIT
#pragma once
// Exact expectations for IC and LT on small graphs by enumerating live-edge graphs.
//
// IC (Kempe, Kleinberg & Tardos 2003, Claim 2.3): keep each arc independently with its
// probability; the agents reachable from the seeds are distributed as IC's adopters, and
// the step at which an agent adopts is its BFS distance in the live-edge graph.
// LT (ibid., Claim 2.6): each agent keeps at most one in-arc, arc u->v with probability
// w_uv and none with 1 - sum_u w_uv; reachability again gives LT's adopters, step by step.

#include <cstdint>
#include <functional>
#include <queue>
#include <stdexcept>
#include <vector>

#include "sim/network/graph.hpp"

namespace wom::test {

/// Exact mean and variance of the number of adopters by each step 0..steps, and each
/// agent's probability of ever adopting.
struct Exact {
  std::vector<double> mean_cumulative;  // [step]
  std::vector<double> var_cumulative;   // [step]
  std::vector<double> p_adopt;          // [agent]
};

/// BFS levels from `seeds` over the arcs with live[a] set; -1 if unreachable.
inline std::vector<int> live_levels(const Graph& g, const std::vector<bool>& live, const std::vector<NodeId>& seeds) {
  std::vector<int> level(g.num_nodes(), -1);
  std::queue<NodeId> q;
  for (NodeId s : seeds)
    if (level[s] < 0) { level[s] = 0; q.push(s); }
  while (!q.empty()) {
    const NodeId u = q.front();
    q.pop();
    for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a)
      if (live[a] && level[g.head(a)] < 0) { level[g.head(a)] = level[u] + 1; q.push(g.head(a)); }
  }
  return level;
}

inline void accumulate(Exact& e, double prob, const std::vector<int>& level, int steps) {
  for (int t = 0; t <= steps; ++t) {
    double count = 0;
    for (int l : level) count += (l >= 0 && l <= t);
    e.mean_cumulative[t] += prob * count;
    e.var_cumulative[t] += prob * count * count;  // E[X^2] until finish()
  }
  for (std::size_t v = 0; v < level.size(); ++v) e.p_adopt[v] += prob * (level[v] >= 0);
}

inline Exact start(const Graph& g, int steps) {
  return {std::vector<double>(steps + 1, 0.0), std::vector<double>(steps + 1, 0.0),
          std::vector<double>(g.num_nodes(), 0.0)};
}

inline void finish(Exact& e) {
  for (std::size_t t = 0; t < e.mean_cumulative.size(); ++t)
    e.var_cumulative[t] -= e.mean_cumulative[t] * e.mean_cumulative[t];
}

/// IC with per-arc probability p_arc[a].
inline Exact exact_ic(const Graph& g, const std::vector<double>& p_arc, const std::vector<NodeId>& seeds, int steps) {
  const std::size_t m = g.num_arcs();
  Exact e = start(g, steps);
  std::vector<bool> live(m);
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << m); ++mask) {
    double prob = 1.0;
    for (std::size_t a = 0; a < m; ++a) {
      live[a] = (mask >> a) & 1;
      prob *= live[a] ? p_arc[a] : 1.0 - p_arc[a];
    }
    if (prob > 0) accumulate(e, prob, live_levels(g, live, seeds), steps);
  }
  finish(e);
  return e;
}

/// LT with per-arc weight w_arc[a] (in-weights of each agent sum to at most 1).
inline Exact exact_lt(const Graph& g, const std::vector<double>& w_arc, const std::vector<NodeId>& seeds, int steps) {
  std::vector<std::vector<ArcId>> in(g.num_nodes());
  for (NodeId u = 0; u < g.num_nodes(); ++u)
    for (ArcId a = g.arc_begin(u); a < g.arc_end(u); ++a) in[g.head(a)].push_back(a);
  for (const auto& arcs : in) {
    double total = 0;
    for (ArcId a : arcs) total += w_arc[a];
    if (total > 1.0 + 1e-12) throw std::invalid_argument("exact_lt: in-weights of an agent sum above 1");
  }
  Exact e = start(g, steps);
  std::vector<bool> live(g.num_arcs(), false);
  // Depth-first over agents: each picks one in-arc or none.
  std::function<void(NodeId, double)> choose = [&](NodeId v, double prob) {
    if (v == g.num_nodes()) {
      if (prob > 0) accumulate(e, prob, live_levels(g, live, seeds), steps);
      return;
    }
    double none = 1.0;
    for (ArcId a : in[v]) {
      none -= w_arc[a];
      live[a] = true;
      choose(v + 1, prob * w_arc[a]);
      live[a] = false;
    }
    choose(v + 1, prob * none);
  };
  choose(0, 1.0);
  finish(e);
  return e;
}

}  // namespace wom::test
