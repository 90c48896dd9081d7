// SPDX-License-Identifier: MIT
#include "sim/network/generators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include <boost/random/poisson_distribution.hpp>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "sim/error.hpp"
#include "sim/network/csr_file.hpp"
#include "sim/network/edge_list.hpp"
#include "sim/prefetch.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

/// Sub-streams of Stream::kNetwork, one per generator and purpose, so that e.g. the degree
/// sequence and the stub matching of one configuration graph never share draws.
enum class Tag : std::uint64_t {
  kGnp = 1,
  kGnm = 2,
  kBarabasiAlbert = 3,
  kWattsStrogatzCoin = 4,
  kWattsStrogatzTarget = 5,
  kConfiguration = 6,
  kPowerLaw = 7,
  kPoisson = 8,
  kSbm = 9,
};

/// The network is shared by all replicates of a run, hence replicate 0.
std::uint64_t key_for(std::uint64_t seed, Tag tag) {
  return derive(stream_key(seed, 0, Stream::kNetwork), static_cast<std::uint64_t>(tag));
}

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

void check_probability(double p, const char* key) {
  if (!(p >= 0.0 && p <= 1.0))  // also rejects NaN
    throw InputError(std::string(key) + " = " + num(p) + " must be a probability in [0, 1]");
}

/// Capacity for a binomial(cells, p) number of edges: mean + 6 sd, so a reallocation is
/// practically never needed (and harmless if it is).
std::size_t binomial_capacity(double cells, double p) {
  const double mean = cells * p;
  const double cap = mean + 6.0 * std::sqrt(mean * (1.0 - p)) + 16.0;
  return static_cast<std::size_t>(std::min(cap, cells + 1.0));
}

void reserve(EdgeBuffer& edges, std::size_t count) {
  edges.tails.reserve(count);
  edges.heads.reserve(count);
}

/// Gaps between successes of Bernoulli(p) trials: the number of failures before the next
/// success is floor(log(1-u) / log(1-p)) for uniform u (inverse CDF of the geometric law).
class GeometricSkipper {
 public:
  GeometricSkipper(std::uint64_t key, double p) : key_(key), always_(p >= 1.0),
                                                  inv_log_q_(1.0 / std::log1p(-p)) {}
  std::uint64_t next() noexcept {
    if (always_) return 0;
    const double u = to_unit(draw64(key_, counter_++));
    const double gap = std::floor(std::log1p(-u) * inv_log_q_);
    // Huge gaps (tiny p) are capped where they can no longer overflow the caller's cursor.
    return gap >= 0x1p62 ? (std::uint64_t{1} << 62) : static_cast<std::uint64_t>(gap);
  }

 private:
  std::uint64_t key_;
  std::uint64_t counter_ = 0;
  bool always_;
  double inv_log_q_;
};

/// Visits every cell of a rows x cols grid independently with probability p, in row-major
/// order, calling emit(row, col) for the chosen ones. O(rows + chosen).
template <class Emit>
void sample_grid(std::uint64_t rows, std::uint64_t cols, double p, std::uint64_t key, Emit&& emit) {
  if (p <= 0.0 || rows == 0 || cols == 0) return;
  GeometricSkipper skip(key, p);
  std::uint64_t r = 0, c = 0;  // next candidate cell
  for (;;) {
    c += skip.next();
    if (c >= cols) {  // division, not a loop: one gap can span many short rows
      r += c / cols;
      c %= cols;
    }
    if (r >= rows) return;
    emit(r, c);
    if (++c == cols) { c = 0; ++r; }
  }
}

/// Visits every pair (r, c) with 0 <= c < r < n independently with probability p, in
/// row-major order, calling emit(r, c). Rows grow, so the row-advance loop runs at most n
/// times in all: O(n + chosen).
template <class Emit>
void sample_lower_triangle(std::uint64_t n, double p, std::uint64_t key, Emit&& emit) {
  if (p <= 0.0 || n < 2) return;
  GeometricSkipper skip(key, p);
  std::uint64_t r = 1, c = 0;
  for (;;) {
    c += skip.next();
    while (c >= r) {
      c -= r;
      if (++r >= n) return;
    }
    emit(r, c);
    if (++c == r) {
      c = 0;
      if (++r >= n) return;
    }
  }
}

/// Row r of the strict lower triangle starts at index r(r-1)/2; inverse of that numbering.
std::pair<NodeId, NodeId> triangle_pair(std::uint64_t index) {
  auto v = static_cast<std::uint64_t>((1.0 + std::sqrt(1.0 + 8.0 * static_cast<double>(index))) / 2.0);
  // The double estimate can be off by one either way for indices beyond 2^52.
  while (v * (v - 1) / 2 > index) --v;
  while ((v + 1) * v / 2 <= index) ++v;
  return {static_cast<NodeId>(v), static_cast<NodeId>(index - v * (v - 1) / 2)};
}

/// `count` distinct indices from [0, total), sorted, every subset equally likely (the
/// procedure is symmetric under relabelling the indices). Each round draws the shortfall,
/// sorts only the new draws and merges them in, then drops repeats. With count <= total/2 a
/// draw repeats with probability <= 1/2, so the shortfall shrinks geometrically: one or two
/// rounds for sparse graphs, O(log count) rounds of O(count) merging at half density.
std::vector<std::uint64_t> distinct_sorted_sample(std::uint64_t total, std::uint64_t count,
                                                  std::uint64_t key) {
  std::vector<std::uint64_t> picked;
  picked.reserve(count);
  for (std::uint64_t round = 0; picked.size() < count; ++round) {
    const std::uint64_t round_key = derive(key, round);
    const std::uint64_t need = count - picked.size();
    const auto old_end = static_cast<std::ptrdiff_t>(picked.size());
    for (std::uint64_t i = 0; i < need; ++i) picked.push_back(bounded(draw64(round_key, i), total));
    tbb::parallel_sort(picked.begin() + old_end, picked.end());
    std::inplace_merge(picked.begin(), picked.begin() + old_end, picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  }
  return picked;
}

void check_node_count(std::uint64_t n, const char* key) {
  if (n > kNoNode) {
    throw InputError(std::string(key) + " = " + std::to_string(n) + " exceeds the largest supported agent count " +
                     std::to_string(kNoNode));
  }
}

void make_sum_even(std::vector<std::uint32_t>& degrees, std::uint64_t key, std::uint32_t max_degree) {
  const std::uint64_t sum = std::accumulate(degrees.begin(), degrees.end(), std::uint64_t{0});
  if (sum % 2 == 0 || degrees.empty()) return;
  // Counter n is past every per-agent draw, so the choice is its own coordinate.
  auto& d = degrees[bounded(draw64(key, degrees.size()), degrees.size())];
  if (d < max_degree) ++d; else --d;
}

}  // namespace

Graph complete_graph(NodeId n) {
  check_node_count(n, "network.n");
  EdgeBuffer edges;
  reserve(edges, n < 2 ? 0 : static_cast<std::size_t>(n) * (n - 1) / 2);
  for (NodeId v = 1; v < n; ++v)
    for (NodeId w = 0; w < v; ++w) edges.add(v, w);
  return Graph::from_edges(n, std::move(edges), false);
}

Graph gnp_graph(NodeId n, double p, bool directed, std::uint64_t seed) {
  check_node_count(n, "network.n");
  check_probability(p, "network.p");
  const std::uint64_t key = key_for(seed, Tag::kGnp);
  EdgeBuffer edges;
  if (directed) {
    // Row = tail, column j in [0, n-1) = head j, skipping the diagonal.
    const double cells = static_cast<double>(n) * (n > 0 ? n - 1.0 : 0.0);
    reserve(edges, binomial_capacity(cells, p));
    sample_grid(n, n > 0 ? n - 1 : 0, p, key, [&](std::uint64_t r, std::uint64_t c) {
      edges.add(static_cast<NodeId>(r), static_cast<NodeId>(c + (c >= r)));
    });
  } else {
    const double cells = static_cast<double>(n) * (n > 0 ? n - 1.0 : 0.0) / 2.0;
    reserve(edges, binomial_capacity(cells, p));
    sample_lower_triangle(n, p, key, [&](std::uint64_t r, std::uint64_t c) {
      edges.add(static_cast<NodeId>(r), static_cast<NodeId>(c));
    });
  }
  return Graph::from_edges(n, std::move(edges), directed);
}

Graph gnm_graph(NodeId n, std::uint64_t m, bool directed, std::uint64_t seed) {
  check_node_count(n, "network.n");
  const std::uint64_t pairs = n < 2 ? 0
                              : directed ? std::uint64_t{n} * (n - 1)
                                         : std::uint64_t{n} * (n - 1) / 2;
  if (m > pairs) {
    throw InputError("network.edges = " + std::to_string(m) + " exceeds the " + std::to_string(pairs) + " possible " +
                     (directed ? "arcs" : "edges") + " among network.n = " + std::to_string(n) + " agents");
  }
  const std::uint64_t key = key_for(seed, Tag::kGnm);
  EdgeBuffer edges;
  reserve(edges, m);
  auto emit = [&](std::uint64_t index) {
    if (directed) {
      const auto tail = static_cast<NodeId>(index / (n - 1));
      const auto j = static_cast<NodeId>(index % (n - 1));
      edges.add(tail, j + (j >= tail));
    } else {
      const auto [v, w] = triangle_pair(index);
      edges.add(v, w);
    }
  };
  if (m <= pairs / 2) {
    for (const std::uint64_t index : distinct_sorted_sample(pairs, m, key)) emit(index);
  } else {
    // Dense: draw the pairs to leave out (fewer than m), then emit all the others.
    const auto excluded = distinct_sorted_sample(pairs, pairs - m, key);
    auto next_excluded = excluded.begin();
    for (std::uint64_t index = 0; index < pairs; ++index) {
      if (next_excluded != excluded.end() && *next_excluded == index) { ++next_excluded; continue; }
      emit(index);
    }
  }
  return Graph::from_edges(n, std::move(edges), directed);
}

Graph barabasi_albert_graph(NodeId n, std::uint32_t m, std::uint64_t seed) {
  check_node_count(n, "network.n");
  if (m < 1) throw InputError("network.m = 0: each new agent must attach to at least one other");
  if (m >= n) {
    throw InputError("network.m = " + std::to_string(m) + " must be less than network.n = " + std::to_string(n) +
                     " (the start-up clique has m + 1 agents)");
  }
  const std::uint64_t key = key_for(seed, Tag::kBarabasiAlbert);
  const std::uint64_t clique_edges = std::uint64_t{m} * (m + 1) / 2;
  EdgeBuffer edges;
  reserve(edges, clique_edges + std::uint64_t{m} * (n - m - 1));
  for (NodeId v = 1; v <= m; ++v)
    for (NodeId w = 0; w < v; ++w) edges.add(v, w);

  // Degree-proportional choice without a separate repeated-nodes list: that list is exactly
  // the concatenation of all edge endpoints, so a uniform endpoint of a uniform existing edge
  // is the same draw and costs no extra memory.
  //
  // The loop is bound by cache misses on those random endpoints. Agent s sees exactly
  // edges_before(s) edges whatever was drawn, so its first m draws are known in advance
  // and are prefetched kLookahead agents early.
  //
  // Half the endpoints need no memory at all: the tail of every edge after the clique is the
  // agent that attached it, s = m + 1 + (edge - clique_edges) / m (exactly m edges each), so
  // only heads (and the clique's few tails) are read.
  auto edges_before = [&](std::uint64_t s) { return clique_edges + std::uint64_t{m} * (s - m - 1); };
  auto endpoint = [&](std::uint64_t e) -> NodeId {
    const std::uint64_t edge = e >> 1;
    if (e & 1) return edges.heads[edge];
    if (edge < clique_edges) return edges.tails[edge];
    return static_cast<NodeId>(m + 1 + (edge - clique_edges) / m);
  };
  constexpr NodeId kLookahead = 8;
  auto prefetch = [&](NodeId s) {
    const std::uint64_t agent_key = derive(key, s), endpoints = 2 * edges_before(s);
    for (std::uint32_t i = 0; i < m; ++i) {
      const std::uint64_t e = bounded(draw64(agent_key, i), endpoints);
      // Within the reserved capacity, possibly past size(): a prefetch never faults anyway.
      if (e & 1) wom::prefetch(edges.heads.data() + (e >> 1));
    }
  };
  // Repeats among the m targets: a scan of the targets so far for small m (they are in
  // cache), a per-agent mark (chosen_by[t] == s) for large m.
  constexpr std::uint32_t kScanLimit = 16;
  std::vector<NodeId> chosen_by(m > kScanLimit ? n : 0, kNoNode);
  for (NodeId s = m + 1; s < n; ++s) {
    if (std::uint64_t{s} + kLookahead < n) prefetch(s + kLookahead);
    const std::uint64_t endpoints = 2 * edges_before(s);  // edges of s itself are not candidates
    const std::uint64_t agent_key = derive(key, s);
    const std::size_t first = edges.size();
    std::uint64_t counter = 0;
    for (std::uint32_t attached = 0; attached < m;) {
      const std::uint64_t e = bounded(draw64(agent_key, counter++), endpoints);
      const NodeId t = endpoint(e);
      if (m > kScanLimit) {
        if (chosen_by[t] == s) continue;
        chosen_by[t] = s;
      } else if (std::find(edges.heads.begin() + static_cast<std::ptrdiff_t>(first), edges.heads.end(), t) !=
                 edges.heads.end()) {
        continue;
      }
      edges.add(s, t);
      ++attached;
    }
  }
  return Graph::from_edges(n, std::move(edges), false);
}

Graph watts_strogatz_graph(NodeId n, std::uint32_t k, double beta, std::uint64_t seed) {
  check_node_count(n, "network.n");
  if (k % 2 != 0) throw InputError("network.k = " + std::to_string(k) + " must be even (k/2 neighbours on each side)");
  if (k >= n && k > 0) {
    throw InputError("network.k = " + std::to_string(k) + " must be less than network.n = " + std::to_string(n));
  }
  check_probability(beta, "network.rewire");
  const std::uint32_t half = k / 2;
  const std::uint64_t slots = std::uint64_t{n} * half;
  // Edge slot e = u*half + (j-1) is owned by u for good; only its far end far[e] (initially
  // u+j) is rewired. Every edge has one owner among its two ends, so (a, b) exists iff a
  // slot of a points to b or a slot of b points to a: an O(k) check with no hash set.
  std::vector<NodeId> far(slots);
  for (NodeId u = 0; u < n; ++u)
    for (std::uint32_t j = 1; j <= half; ++j)
      far[std::uint64_t{u} * half + j - 1] = static_cast<NodeId>((std::uint64_t{u} + j) % n);
  auto has_edge = [&](NodeId a, NodeId b) {
    const NodeId* fa = far.data() + std::uint64_t{a} * half;
    const NodeId* fb = far.data() + std::uint64_t{b} * half;
    for (std::uint32_t i = 0; i < half; ++i)
      if (fa[i] == b || fb[i] == a) return true;
    return false;
  };
  std::vector<std::uint32_t> degree(beta > 0.0 ? n : 0, k);
  const std::uint64_t coin_key = key_for(seed, Tag::kWattsStrogatzCoin);
  const std::uint64_t target_key = key_for(seed, Tag::kWattsStrogatzTarget);
  if (beta > 0.0) {
    // networkx's order: all agents' first-neighbour edges, then the second, ... The order
    // matters because earlier rewirings change which targets later ones may use.
    for (std::uint32_t j = 1; j <= half; ++j) {
      for (NodeId u = 0; u < n; ++u) {
        const std::uint64_t e = std::uint64_t{u} * half + j - 1;
        if (to_unit(draw64(coin_key, e)) >= beta) continue;
        if (degree[u] >= n - 1) continue;  // adjacent to everyone: nothing to rewire to
        const std::uint64_t slot_key = derive(target_key, e);
        std::uint64_t counter = 0;
        NodeId w;
        do {
          w = static_cast<NodeId>(bounded(draw64(slot_key, counter++), n));
        } while (w == u || has_edge(u, w));
        --degree[far[e]];
        ++degree[w];
        far[e] = w;
      }
    }
  }
  EdgeBuffer edges;
  edges.heads = std::move(far);
  edges.tails.resize(slots);
  for (std::uint64_t e = 0; e < slots; ++e) edges.tails[e] = static_cast<NodeId>(e / half);
  return Graph::from_edges(n, std::move(edges), false);
}

Graph configuration_graph(const std::vector<std::uint32_t>& degrees, std::uint64_t seed) {
  check_node_count(degrees.size(), "network.n");
  const auto n = static_cast<NodeId>(degrees.size());
  const std::uint64_t stubs_total = std::accumulate(degrees.begin(), degrees.end(), std::uint64_t{0});
  if (stubs_total % 2 != 0) {
    throw InputError("network.degrees: the degree sum " + std::to_string(stubs_total) +
                     " is odd, but every edge uses two stubs");
  }
  std::vector<NodeId> stubs(stubs_total);
  {
    auto out = stubs.begin();
    for (NodeId u = 0; u < n; ++u) out = std::fill_n(out, degrees[u], u);
  }
  // Fisher–Yates; draw i is a pure function of (seed, i). Every swap reads a random stub, a
  // cache miss on large graphs; since the draws are known in advance, the stub of the swap
  // kAhead steps later is prefetched now (same swaps, same order: 3-4x on 100 M stubs).
  const std::uint64_t key = key_for(seed, Tag::kConfiguration);
  constexpr std::uint64_t kAhead = 32;
  for (std::uint64_t i = stubs_total; i > 1; --i) {
    if (i > kAhead + 1) prefetch(stubs.data() + bounded(draw64(key, i - 1 - kAhead), i - kAhead));
    const std::uint64_t j = bounded(draw64(key, i - 1), i);
    std::swap(stubs[i - 1], stubs[j]);
  }
  // In a uniform shuffle, pairing stub i with stub i + S/2 is as uniform a matching as
  // pairing neighbours, and lets the first half become the tails column in place.
  const std::uint64_t half = stubs_total / 2;
  EdgeBuffer edges;
  edges.heads.assign(stubs.begin() + static_cast<std::ptrdiff_t>(half), stubs.end());
  stubs.resize(half);
  stubs.shrink_to_fit();  // CSR construction below then runs beside one stubs array, not 1.5
  edges.tails = std::move(stubs);
  return Graph::from_edges(n, std::move(edges), false);
}

std::vector<std::uint32_t> power_law_degrees(NodeId n, double exponent, std::uint32_t min_degree,
                                             std::uint32_t max_degree, std::uint64_t seed) {
  check_node_count(n, "network.n");
  if (!std::isfinite(exponent)) throw InputError("network.exponent must be a finite number");
  if (max_degree == 0) max_degree = static_cast<std::uint32_t>(std::floor(std::sqrt(static_cast<double>(n))));
  if (min_degree < 1) throw InputError("network.min_degree must be at least 1 (k^-exponent is undefined at 0)");
  if (min_degree > max_degree) {
    throw InputError("network.min_degree = " + std::to_string(min_degree) + " exceeds network.max_degree = " +
                     std::to_string(max_degree) + " (0 means floor(sqrt(network.n)))");
  }
  if (max_degree >= n) {
    throw InputError("network.max_degree = " + std::to_string(max_degree) + " must be less than network.n = " +
                     std::to_string(n));
  }
  // cdf[i] = P(K <= min_degree + i); the last entry is exactly 1 so every u < 1 lands.
  std::vector<double> cdf(max_degree - min_degree + 1);
  double total = 0.0;
  for (std::size_t i = 0; i < cdf.size(); ++i) {
    total += std::pow(static_cast<double>(min_degree + i), -exponent);
    cdf[i] = total;
  }
  for (double& c : cdf) c /= total;
  cdf.back() = 1.0;

  const std::uint64_t key = key_for(seed, Tag::kPowerLaw);
  std::vector<std::uint32_t> degrees(n);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 4096), [&](const tbb::blocked_range<NodeId>& r) {
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      const double x = to_unit(draw64(key, u));
      const auto i = std::upper_bound(cdf.begin(), cdf.end(), x) - cdf.begin();
      degrees[u] = min_degree + static_cast<std::uint32_t>(i);
    }
  });
  make_sum_even(degrees, key, max_degree);
  return degrees;
}

std::vector<std::uint32_t> poisson_degrees(NodeId n, double mean, std::uint64_t seed) {
  check_node_count(n, "network.n");
  if (!(std::isfinite(mean) && mean >= 0.0)) {
    throw InputError("network.mean_degree = " + num(mean) + " must be a finite number >= 0");
  }
  std::vector<std::uint32_t> degrees(n, 0);
  if (mean == 0.0) return degrees;  // boost's Poisson needs mean > 0
  const std::uint64_t key = key_for(seed, Tag::kPoisson);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 4096), [&](const tbb::blocked_range<NodeId>& r) {
    boost::random::poisson_distribution<std::uint32_t, double> poisson(mean);
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      CounterEngine engine(derive(key, u));  // one engine per agent: independent of the split
      degrees[u] = poisson(engine);
    }
  });
  make_sum_even(degrees, key, std::numeric_limits<std::uint32_t>::max());
  return degrees;
}

Graph sbm_graph(const std::vector<NodeId>& block_sizes, double p_in, double p_out, std::uint64_t seed) {
  if (block_sizes.empty()) throw InputError("network.block_sizes must list at least one block");
  std::vector<std::uint64_t> first(block_sizes.size() + 1, 0);
  for (std::size_t b = 0; b < block_sizes.size(); ++b) {
    if (block_sizes[b] == 0) throw InputError("network.block_sizes[" + std::to_string(b) + "] is 0; every block needs an agent");
    first[b + 1] = first[b] + block_sizes[b];
  }
  check_node_count(first.back(), "the sum of network.block_sizes");
  check_probability(p_in, "network.p_in");
  check_probability(p_out, "network.p_out");
  const auto n = static_cast<NodeId>(first.back());

  double expected = 0.0, cells_total = 0.0;
  for (std::size_t a = 0; a < block_sizes.size(); ++a) {
    const double sa = block_sizes[a];
    expected += p_in * sa * (sa - 1) / 2;
    cells_total += sa * (sa - 1) / 2;
    const double rest = static_cast<double>(n - first[a + 1]);
    expected += p_out * sa * rest;
    cells_total += sa * rest;
  }
  EdgeBuffer edges;
  reserve(edges, binomial_capacity(cells_total, cells_total > 0 ? expected / cells_total : 0.0));

  const std::uint64_t key = key_for(seed, Tag::kSbm);
  for (std::size_t a = 0; a < block_sizes.size(); ++a) {
    const std::uint64_t block_key = derive(key, a);
    const std::uint64_t fa = first[a];
    sample_lower_triangle(block_sizes[a], p_in, derive(block_key, a), [&](std::uint64_t r, std::uint64_t c) {
      edges.add(static_cast<NodeId>(fa + r), static_cast<NodeId>(fa + c));
    });
    for (std::size_t b = a + 1; b < block_sizes.size(); ++b) {
      const std::uint64_t fb = first[b];
      sample_grid(block_sizes[a], block_sizes[b], p_out, derive(block_key, b), [&](std::uint64_t r, std::uint64_t c) {
        edges.add(static_cast<NodeId>(fa + r), static_cast<NodeId>(fb + c));
      });
    }
  }
  return Graph::from_edges(n, std::move(edges), false);
}

Graph make_network(const NetworkSpec& spec, std::uint64_t seed, const std::filesystem::path& base_dir) {
  const std::string& g = spec.generator;
  if (g == "edge_list") {
    if (spec.path.empty()) throw InputError("network.path must name the edge-list file");
    std::filesystem::path path(spec.path);
    if (path.is_relative()) path = base_dir / path;
    if (is_csr_file(path)) {  // a cache written by `wom graph` (sim/network/csr_file.hpp)
      Graph cached = read_csr_file(path);
      if (cached.directed() != spec.directed) {
        throw InputError("network.directed = " + std::string(spec.directed ? "true" : "false") + " but " +
                         path.string() + " holds " + (cached.directed() ? "a directed" : "an undirected") +
                         " graph (cached with" + (cached.directed() ? "" : "out") + " `wom graph --directed`)");
      }
      return cached;
    }
    EdgeListOptions options;
    options.directed = spec.directed;
    return read_edge_list(path, options);
  }
  const bool needs_n = !(g == "sbm" || (g == "configuration" && !spec.degrees.empty()));
  if (needs_n && spec.n == 0) throw InputError("network.n must be at least 1 for generator '" + g + "'");
  if (g == "complete") {
    return spec.n > spec.implicit_above ? Graph::implicit_complete_graph(spec.n) : complete_graph(spec.n);
  }
  if (g == "gnp") return gnp_graph(spec.n, spec.p, spec.directed, seed);
  if (g == "gnm") return gnm_graph(spec.n, spec.edges, spec.directed, seed);
  if (g == "barabasi_albert") return barabasi_albert_graph(spec.n, spec.m, seed);
  if (g == "watts_strogatz") return watts_strogatz_graph(spec.n, spec.k, spec.rewire, seed);
  if (g == "configuration") {
    if (!spec.degrees.empty()) {
      if (spec.n != 0 && spec.degrees.size() != spec.n) {
        throw InputError("network.degrees has " + std::to_string(spec.degrees.size()) +
                         " entries but network.n = " + std::to_string(spec.n));
      }
      return configuration_graph(spec.degrees, seed);
    }
    if (spec.degree_distribution == "power_law") {
      return configuration_graph(power_law_degrees(spec.n, spec.exponent, spec.min_degree, spec.max_degree, seed), seed);
    }
    if (spec.degree_distribution == "poisson") {
      return configuration_graph(poisson_degrees(spec.n, spec.mean_degree, seed), seed);
    }
    throw InputError("network.degree_distribution = '" + spec.degree_distribution +
                     "' is not one of \"power_law\", \"poisson\" (or give network.degrees)");
  }
  if (g == "sbm") {
    std::uint64_t sum = 0;
    for (const NodeId s : spec.block_sizes) sum += s;
    if (spec.n != 0 && sum != spec.n) {
      throw InputError("network.block_sizes sum to " + std::to_string(sum) + " but network.n = " +
                       std::to_string(spec.n));
    }
    return sbm_graph(spec.block_sizes, spec.p_in, spec.p_out, seed);
  }
  throw InputError("network.generator = '" + g +
                   "' is not one of \"complete\", \"gnp\", \"gnm\", \"barabasi_albert\", "
                   "\"watts_strogatz\", \"configuration\", \"sbm\", \"edge_list\"");
}

}  // namespace wom
