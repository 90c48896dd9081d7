// SPDX-License-Identifier: MIT
#include "sim/seeds.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sim/error.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

// Floyd's algorithm: k distinct values from [0, n) with exactly k draws. Small k (the usual
// case, a handful of seeds) scans the values drawn so far instead of keeping a hash set, and
// writes in place: a replicate of independent cascade at p = 0.01 on BA 100k costs well under
// a microsecond, and constructing the set and growing the vector per seed were a tenth of it.
void distinct_sample(std::uint64_t key, NodeId n, std::uint32_t k, std::vector<NodeId>& out) {
  const std::size_t first = out.size();
  out.resize(first + k);
  NodeId* const drawn = out.data() + first;
  // Draw i is uniform on [0, j] with j = n - k + i; a value drawn before is replaced by j.
  const auto last = [&](std::uint32_t i) { return static_cast<NodeId>(n - k + i); };
  const auto draw = [&](std::uint32_t i) { return static_cast<NodeId>(bounded(draw64(key, i), std::uint64_t{last(i)} + 1)); };
  if (k <= 64) {
    // `seen` has a bit, picked by a hash, for each value kept so far: a draw whose bit is clear
    // is new without the scan (with 10 seeds, 9 draws in 10), which was 45 comparisons.
    const auto bit = [](NodeId v) { return std::uint64_t{1} << ((v * 0x9E3779B97F4A7C15ULL) >> 58); };
    std::uint64_t seen = 0;
    for (std::uint32_t i = 0; i < k; ++i) {
      const NodeId t = draw(i);
      bool taken = false;
      if (seen & bit(t))
        for (std::uint32_t m = 0; m < i; ++m) taken |= drawn[m] == t;
      drawn[i] = taken ? last(i) : t;
      seen |= bit(drawn[i]);
    }
    return;
  }
  // Larger k: the values drawn so far in an open-addressing table at most half full (linear
  // probing, Fibonacci hashing), one allocation per call: 100,000 seeds of 10 M agents took
  // 20-30 ms in a node-based std::unordered_set, a serial part of every replicate.
  const unsigned bits = std::bit_width(std::size_t{k} * 2 - 1);
  std::vector<NodeId> table(std::size_t{1} << bits, kNoNode);
  const std::size_t mask = table.size() - 1;
  const auto insert = [&](NodeId t) {  // false if t was there already
    for (std::size_t h = (t * 0x9E3779B97F4A7C15ULL) >> (64 - bits);; h = (h + 1) & mask) {
      if (table[h] == t) return false;
      if (table[h] == kNoNode) {
        table[h] = t;
        return true;
      }
    }
  };
  for (std::uint32_t i = 0; i < k; ++i) {
    NodeId t = draw(i);
    if (!insert(t)) insert(t = last(i));
    drawn[i] = t;
  }
}

}  // namespace

std::vector<NodeId> top_degree_agents(const Graph& graph, std::uint32_t k) {
  std::vector<NodeId> ids(graph.num_nodes());
  std::iota(ids.begin(), ids.end(), NodeId{0});
  const auto by_degree = [&](NodeId a, NodeId b) {
    const auto da = out_degree_of(graph, a), db = out_degree_of(graph, b);
    return da != db ? da > db : a < b;
  };
  std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), by_degree);
  ids.resize(k);
  return ids;
}

// Friendship paradox (Feld 1991; Cohen, Havlin & ben-Avraham 2003's acquaintance
// immunisation): a random out-neighbour of a uniformly drawn agent, so agents are picked in
// proportion to their in-degree. Draws are distinct; agents without out-arcs are redrawn.
static void paradox_sample(std::uint64_t key, const Graph& g, std::uint32_t k, std::uint32_t channel, std::vector<NodeId>& out) {
  const std::size_t first = out.size();
  std::unordered_set<NodeId> seen;
  const std::uint64_t max_draws = 64ull * k + 1024;
  for (std::uint64_t i = 0; out.size() - first < k; ++i) {
    if (i == max_draws) {
      throw InputError("channel." + std::to_string(channel) + ".count: the friendship-paradox strategy found only " +
                       std::to_string(out.size() - first) + " distinct neighbours in " + std::to_string(max_draws) +
                       " draws; lower count");
    }
    const auto u = static_cast<NodeId>(bounded(draw64(key, 2 * i), g.num_nodes()));
    const NodeId v = random_neighbour(g, u, draw64(key, 2 * i + 1));  // implicit K_n too
    if (v == kNoNode) continue;
    if (seen.insert(v).second) out.push_back(v);
  }
}

SeedPlan::SeedPlan(const Graph& graph, const std::vector<SeedSpec>& channels, std::uint64_t salt)
    : graph_(&graph), n_(graph.num_nodes()), salt_(salt) {
  std::unordered_map<std::uint64_t, NodeId> by_label;
  for (std::uint32_t c = 0; c < channels.size(); ++c) {
    const SeedSpec& s = channels[c];
    const std::string where = "channel." + std::to_string(c);
    if (s.strategy == "explicit") {
      if (by_label.empty()) {
        for (NodeId u = 0; u < n_; ++u) by_label.emplace(graph.label(u), u);
      }
      for (const auto id : s.ids) {
        const auto it = by_label.find(id);
        if (it == by_label.end()) {
          throw InputError(where + ".ids: agent " + std::to_string(id) + " is not in the network");
        }
        fixed_.push_back(it->second);
      }
      continue;
    }
    if (s.count > n_) {
      throw InputError(where + ".count: " + std::to_string(s.count) + " seeds requested but the network has " +
                       std::to_string(n_) + " agents");
    }
    if (s.strategy == "top_degree") {
      const auto top = top_degree_agents(graph, s.count);
      fixed_.insert(fixed_.end(), top.begin(), top.end());
    } else if (s.strategy == "random" || s.strategy == "friendship_paradox") {
      random_.push_back({c, s.count, s.strategy == "friendship_paradox"});
    } else {
      throw InputError(where + ".strategy: unknown seed strategy '" + s.strategy + "'");
    }
  }
}

void SeedPlan::seeds_for(std::uint64_t seed, std::uint32_t replicate, std::vector<NodeId>& out) const {
  out.assign(fixed_.begin(), fixed_.end());
  const std::uint64_t key = derive(stream_key(seed, replicate, Stream::kSeeds), salt_);
  for (const auto& r : random_) {
    if (r.friendship_paradox) paradox_sample(derive(key, r.index), *graph_, r.count, r.index, out);
    else distinct_sample(derive(key, r.index), n_, r.count, out);
  }
}

}  // namespace wom
