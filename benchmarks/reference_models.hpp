// SPDX-License-Identifier: MIT
#pragma once
/// @file Plain serial implementations of the Bass and Maki–Thompson rumour models, the
/// references the engine's versions are timed against (issue 7): what one would write
/// without wom, on an adjacency list (vector of neighbour vectors), with std::mt19937_64 and
/// the standard distributions, one replicate after another on one thread. They simulate
/// the same processes as models/bass (hazard form) and models/rumour (random sequential)
/// on the same graph and seeds rule, so their mean final sizes agree with the engine's
/// within sampling error (the benchmark prints both), but not draw for draw.

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "sim/network/graph.hpp"

namespace wom::bench {

/// Adjacency list of the graph's out-neighbours.
inline std::vector<std::vector<NodeId>> adjacency(const Graph& g) {
  std::vector<std::vector<NodeId>> adj(g.num_nodes());
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    const auto nb = g.out_neighbours(u);
    adj[u].assign(nb.begin(), nb.end());
  }
  return adj;
}

/// Outcome of one plain replicate.
struct PlainResult {
  std::uint64_t final_size = 0;
  std::uint64_t steps = 0;
};

/// Bass, hazard form, Δ = 1: at each step every non-adopter v adopts with probability
/// p + q·m_v/k_v, m_v counted over its neighbours adopted before the step (k_v = 0: p).
/// Stops when everyone adopted or after `max_steps`.
inline PlainResult plain_bass(const std::vector<std::vector<NodeId>>& adj, double p, double q,
                              std::uint32_t seeds, std::uint32_t max_steps, std::mt19937_64& rng) {
  const auto n = static_cast<NodeId>(adj.size());
  std::vector<char> adopted(n, 0), next;
  std::uniform_int_distribution<NodeId> pick(0, n - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uint64_t count = 0;
  for (std::uint32_t i = 0; i < seeds; ++i) {
    const NodeId v = pick(rng);
    if (!adopted[v]) { adopted[v] = 1; ++count; }
  }
  PlainResult r;
  for (std::uint32_t t = 1; t <= max_steps && count < n; ++t) {
    next = adopted;
    for (NodeId v = 0; v < n; ++v) {
      if (adopted[v]) continue;
      std::uint64_t m = 0;
      for (const NodeId u : adj[v]) m += adopted[u] != 0;
      const double k = static_cast<double>(adj[v].size());
      const double prob = k == 0 ? p : std::min(1.0, p + q * static_cast<double>(m) / k);
      if (unit(rng) < prob) { next[v] = 1; ++count; }
    }
    adopted.swap(next);
    r.steps = t;
  }
  r.final_size = count;
  return r;
}

/// Maki–Thompson rumour, random sequential: each step the spreaders (as of the step's start)
/// call in a random order a uniform neighbour; an ignorant callee becomes a spreader (calling
/// from the next step), otherwise the caller becomes a stifler. Stops when no spreader is left.
inline PlainResult plain_rumour(const std::vector<std::vector<NodeId>>& adj, std::uint32_t seeds,
                                std::mt19937_64& rng) {
  const auto n = static_cast<NodeId>(adj.size());
  enum : char { kIgnorant, kSpreader, kStifler };
  std::vector<char> status(n, kIgnorant);
  std::vector<NodeId> spreaders, order, fresh;
  std::uniform_int_distribution<NodeId> pick(0, n - 1);
  std::uint64_t heard = 0;
  for (std::uint32_t i = 0; i < seeds; ++i) {
    const NodeId v = pick(rng);
    if (status[v] == kIgnorant) { status[v] = kSpreader; spreaders.push_back(v); ++heard; }
  }
  PlainResult r;
  while (!spreaders.empty()) {
    order = spreaders;
    std::shuffle(order.begin(), order.end(), rng);
    for (const NodeId u : order) {
      const auto& nb = adj[u];
      if (nb.empty()) { status[u] = kStifler; continue; }
      const NodeId v = nb[std::uniform_int_distribution<std::size_t>(0, nb.size() - 1)(rng)];
      if (status[v] == kIgnorant) {
        status[v] = kSpreader;
        fresh.push_back(v);
        ++heard;
      } else {
        status[u] = kStifler;
      }
    }
    spreaders.erase(std::remove_if(spreaders.begin(), spreaders.end(), [&](NodeId u) { return status[u] != kSpreader; }),
                    spreaders.end());
    spreaders.insert(spreaders.end(), fresh.begin(), fresh.end());
    fresh.clear();
    ++r.steps;
  }
  r.final_size = heard;
  return r;
}

}  // namespace wom::bench
