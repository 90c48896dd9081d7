// SPDX-License-Identifier: MIT
#pragma once
/// @file Plain serial implementations of the Bass, Maki–Thompson rumour, complex contagion
/// and SIS models, the references the engine's versions are timed against (issue 7): what
/// one would write without wom, on an adjacency list (vector of neighbour vectors), with
/// std::mt19937_64 and the standard distributions, one replicate after another on one
/// thread. They simulate the same processes as models/bass (hazard form), models/rumour
/// (random sequential), models/complex_contagion (no window) and models/sis on the same
/// graph and seeds rule, so their mean final sizes agree with the engine's within sampling
/// error (the benchmark prints both), but not draw for draw.

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

/// `count` distinct agents drawn uniformly (a repeat is drawn again, as SeedPlan's random
/// strategy does).
inline std::vector<NodeId> draw_seeds(NodeId n, std::uint32_t count, std::mt19937_64& rng) {
  std::uniform_int_distribution<NodeId> pick(0, n - 1);
  std::vector<NodeId> seeds;
  while (seeds.size() < std::min<std::size_t>(count, n)) {
    const NodeId v = pick(rng);
    if (std::find(seeds.begin(), seeds.end(), v) == seeds.end()) seeds.push_back(v);
  }
  return seeds;
}

/// Bass, hazard form, Δ = 1: at each step every non-adopter v adopts with probability
/// p + q·m_v/k_v, m_v counted over its neighbours adopted before the step (k_v = 0: p).
/// Stops when everyone adopted or after `max_steps`.
inline PlainResult plain_bass(const std::vector<std::vector<NodeId>>& adj, double p, double q,
                              std::uint32_t seeds, std::uint32_t max_steps, std::mt19937_64& rng) {
  const auto n = static_cast<NodeId>(adj.size());
  std::vector<char> adopted(n, 0), next;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uint64_t count = 0;
  for (const NodeId v : draw_seeds(n, seeds, rng)) { adopted[v] = 1; ++count; }
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
  std::vector<NodeId> spreaders = draw_seeds(n, seeds, rng), order, fresh;
  for (const NodeId v : spreaders) status[v] = kSpreader;
  std::uint64_t heard = spreaders.size();
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

/// Complex contagion without a window: an agent adopts in the step after the one in which its
/// `sources`-th neighbour adopted. Each step's new adopters count once at each neighbour.
inline PlainResult plain_complex_contagion(const std::vector<std::vector<NodeId>>& adj, std::uint32_t sources,
                                           std::uint32_t seeds, std::mt19937_64& rng) {
  const auto n = static_cast<NodeId>(adj.size());
  std::vector<char> adopted(n, 0);
  std::vector<std::uint32_t> count(n, 0);
  std::vector<NodeId> frontier = draw_seeds(n, seeds, rng), next;
  for (const NodeId v : frontier) adopted[v] = 1;
  PlainResult r;
  r.final_size = frontier.size();
  while (!frontier.empty()) {
    for (const NodeId u : frontier)
      for (const NodeId v : adj[u])
        if (!adopted[v] && ++count[v] == sources) next.push_back(v);
    for (const NodeId v : next) adopted[v] = 1;
    r.final_size += next.size();
    frontier.swap(next);
    next.clear();
    ++r.steps;
  }
  return r;
}

/// Discrete SIS: at each step every agent infected at the step's start infects each
/// susceptible neighbour with probability β and then recovers with probability γ, susceptible
/// again from the next step. Runs `steps` steps (or until nobody is infected); the final size
/// is the agents ever infected.
inline PlainResult plain_sis(const std::vector<std::vector<NodeId>>& adj, double beta, double gamma,
                             std::uint32_t seeds, std::uint32_t steps, std::mt19937_64& rng) {
  const auto n = static_cast<NodeId>(adj.size());
  enum : char { kSusceptible, kInfected, kJustInfected };
  std::vector<char> state(n, kSusceptible), ever(n, 0);
  std::vector<NodeId> infected = draw_seeds(n, seeds, rng), next;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  PlainResult r;
  for (const NodeId v : infected) { state[v] = kInfected; ever[v] = 1; }
  r.final_size = infected.size();
  for (std::uint32_t t = 1; t <= steps && !infected.empty(); ++t) {
    for (const NodeId u : infected)
      for (const NodeId v : adj[u])
        if (state[v] == kSusceptible && unit(rng) < beta) {
          state[v] = kJustInfected;
          next.push_back(v);
          r.final_size += !ever[v];
          ever[v] = 1;
        }
    for (const NodeId u : infected) {
      if (unit(rng) < gamma) state[u] = kSusceptible;
      else next.push_back(u);
    }
    for (const NodeId v : next) state[v] = kInfected;
    infected.swap(next);
    next.clear();
    r.steps = t;
  }
  return r;
}

}  // namespace wom::bench
