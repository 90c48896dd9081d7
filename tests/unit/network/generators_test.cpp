// SPDX-License-Identifier: MIT
// Generators: exact counts where the model fixes them, statistical checks where it does not
// (each tolerance is 5 standard deviations of the statistic, so a correct generator fails
// with probability below 1e-6 per check; the seeds are fixed, so the tests are deterministic
// anyway), determinism in the seed, and parameter validation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "sim/error.hpp"
#include "sim/network/generators.hpp"

namespace {

using wom::Graph;
using wom::NodeId;

/// No self-loops, strictly increasing neighbour lists (so no duplicate arcs), and for an
/// undirected graph every arc has its reverse.
void check_simple(const Graph& g) {
  std::uint64_t bad_loops = 0, bad_order = 0, missing_reverse = 0;
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    const auto nb = g.out_neighbours(u);
    for (std::size_t i = 0; i < nb.size(); ++i) {
      if (nb[i] == u) ++bad_loops;
      if (i > 0 && nb[i] <= nb[i - 1]) ++bad_order;
      if (!g.directed()) {
        const auto back = g.out_neighbours(nb[i]);
        if (!std::binary_search(back.begin(), back.end(), u)) ++missing_reverse;
      }
    }
  }
  CHECK(bad_loops == 0);
  CHECK(bad_order == 0);
  CHECK(missing_reverse == 0);
}

bool same_graph(const Graph& a, const Graph& b) {
  return a.num_nodes() == b.num_nodes() && a.offsets() == b.offsets() && a.heads() == b.heads();
}

/// |x - mean| <= 5 sd.
void check_within_5sd(double x, double mean, double sd) {
  INFO("observed " << x << ", expected " << mean << " +- 5 x " << sd);
  CHECK(std::abs(x - mean) <= 5.0 * sd);
}

/// Number of undirected edges with both ends in [lo_a, hi_a) x [lo_b, hi_b) (a != b ranges)
/// or within [lo_a, hi_a) (same range).
std::uint64_t count_edges(const Graph& g, NodeId lo_a, NodeId hi_a, NodeId lo_b, NodeId hi_b) {
  std::uint64_t count = 0;
  for (NodeId u = lo_a; u < hi_a; ++u)
    for (const NodeId v : g.out_neighbours(u))
      if (v >= lo_b && v < hi_b) ++count;
  return lo_a == lo_b ? count / 2 : count;
}

template <class F>
std::string input_error_message(F&& f) {
  try {
    f();
  } catch (const wom::InputError& e) {
    return e.what();
  }
  return "(no InputError thrown)";
}

}  // namespace

TEST_CASE("complete_graph has n(n-1) arcs") {
  for (const NodeId n : {0u, 1u, 2u, 7u, 100u}) {
    const auto g = wom::complete_graph(n);
    CHECK(g.num_nodes() == n);
    CHECK(g.num_arcs() == std::uint64_t{n} * (n > 0 ? n - 1 : 0));
    check_simple(g);
  }
}

TEST_CASE("gnp_graph edge count is binomial") {
  // n = 20000, p = 0.001: N pairs, count ~ Binomial(N, p), sd = sqrt(N p (1-p)).
  const NodeId n = 20000;
  const double p = 0.001;
  SUBCASE("undirected") {
    const auto g = wom::gnp_graph(n, p, false, 7);
    check_simple(g);
    const double pairs = n * (n - 1.0) / 2;
    check_within_5sd(static_cast<double>(g.num_arcs() / 2), pairs * p, std::sqrt(pairs * p * (1 - p)));
    // Row bias check: edges among the first half of the agents (a quarter of the pairs).
    const double half_pairs = (n / 2) * (n / 2 - 1.0) / 2;
    check_within_5sd(static_cast<double>(count_edges(g, 0, n / 2, 0, n / 2)), half_pairs * p,
                     std::sqrt(half_pairs * p * (1 - p)));
  }
  SUBCASE("directed") {
    const auto g = wom::gnp_graph(n, p, true, 7);
    CHECK(g.directed());
    check_simple(g);
    const double pairs = n * (n - 1.0);
    check_within_5sd(static_cast<double>(g.num_arcs()), pairs * p, std::sqrt(pairs * p * (1 - p)));
    // Arcs towards lower ids are as likely as towards higher ones: Binomial(arcs, 1/2).
    std::uint64_t down = 0;
    for (NodeId u = 0; u < n; ++u)
      for (const NodeId v : g.out_neighbours(u)) down += v < u;
    const double arcs = static_cast<double>(g.num_arcs());
    check_within_5sd(static_cast<double>(down), arcs / 2, std::sqrt(arcs / 4));
  }
  SUBCASE("p = 0 and p = 1") {
    CHECK(wom::gnp_graph(50, 0.0, false, 1).num_arcs() == 0);
    CHECK(wom::gnp_graph(50, 1.0, false, 1).num_arcs() == 50 * 49);
    CHECK(wom::gnp_graph(50, 1.0, true, 1).num_arcs() == 50 * 49);
    check_simple(wom::gnp_graph(50, 1.0, true, 1));
  }
  SUBCASE("tiny p over a large n does not overflow the cursor") {
    CHECK(wom::gnp_graph(100000, 1e-300, true, 1).num_arcs() == 0);
    CHECK(wom::gnp_graph(100000, 1e-300, false, 1).num_arcs() == 0);
  }
}

TEST_CASE("gnm_graph has exactly m edges") {
  SUBCASE("sparse undirected") {
    const auto g = wom::gnm_graph(1000, 5000, false, 3);
    CHECK(g.num_arcs() == 10000);
    check_simple(g);
  }
  SUBCASE("sparse directed") {
    const auto g = wom::gnm_graph(1000, 5000, true, 3);
    CHECK(g.num_arcs() == 5000);
    check_simple(g);
  }
  SUBCASE("dense (complement sampling) undirected and directed") {
    const auto u = wom::gnm_graph(50, 1000, false, 3);  // of 1225 pairs
    CHECK(u.num_arcs() == 2000);
    check_simple(u);
    const auto d = wom::gnm_graph(50, 2400, true, 3);  // of 2450 ordered pairs
    CHECK(d.num_arcs() == 2400);
    check_simple(d);
  }
  SUBCASE("all pairs, none, and too many") {
    CHECK(wom::gnm_graph(40, 780, false, 1).num_arcs() == 1560);
    CHECK(wom::gnm_graph(40, 0, false, 1).num_arcs() == 0);
    CHECK_THROWS_AS(wom::gnm_graph(40, 781, false, 1), wom::InputError);
    CHECK_THROWS_AS(wom::gnm_graph(40, 1561, true, 1), wom::InputError);
    CHECK_THROWS_AS(wom::gnm_graph(1, 1, false, 1), wom::InputError);
  }
  SUBCASE("every pair is equally likely: edges among the first half") {
    // 200 agents, m = 4000 of 19900 pairs: hypergeometric count in the first half's 4950
    // pairs; its sd is below the binomial sqrt(m q (1-q)) with q = 4950/19900.
    const double q = 4950.0 / 19900;
    double total = 0;
    const int reps = 20;
    for (int s = 0; s < reps; ++s) total += count_edges(wom::gnm_graph(200, 4000, false, 100 + s), 0, 100, 0, 100);
    check_within_5sd(total, reps * 4000 * q, std::sqrt(reps * 4000 * q * (1 - q)));
  }
}

TEST_CASE("barabasi_albert_graph: counts, minimum degree and hub growth") {
  // Start-up clique on m+1 agents: m(m+1)/2 edges, then m edges per later agent.
  const NodeId n = 2000;
  const std::uint32_t m = 3;
  const auto g = wom::barabasi_albert_graph(n, m, 11);
  CHECK(g.num_arcs() == std::uint64_t{m} * (m + 1) + 2ull * m * (n - m - 1));
  check_simple(g);
  CHECK(g.degree_stats().min_out >= m);

  // m = 1 is a tree on n agents.
  CHECK(wom::barabasi_albert_graph(500, 1, 2).num_arcs() == 2 * 499);

  // The largest hub grows like m sqrt(n): a 100x larger graph has a ~10x larger hub. Demand 3x.
  const auto small = wom::barabasi_albert_graph(1000, m, 5).degree_stats();
  const auto large = wom::barabasi_albert_graph(100000, m, 6).degree_stats();
  INFO("max degree n=1e3: " << small.max_out << ", n=1e5: " << large.max_out);
  CHECK(large.max_out > 3 * small.max_out);
  CHECK(large.min_out >= m);
  CHECK(large.mean_out == doctest::Approx(2.0 * m).epsilon(0.01));
  // Degree law P(k) = 2m(m+1) / (k(k+1)(k+2)), so P(m) = 2/(m+2) = 0.4 for m = 3 (uniform
  // instead of preferential attachment would give 1/(m+1) = 0.25). Binomial sd over n agents;
  // the finite-size bias at n = 1e5 is far below it.
  const auto big = wom::barabasi_albert_graph(100000, m, 5);
  std::uint64_t at_m = 0;
  for (NodeId u = 0; u < big.num_nodes(); ++u) at_m += big.out_degree(u) == m;
  const double p_m = 2.0 / (m + 2);
  check_within_5sd(static_cast<double>(at_m), 1e5 * p_m, std::sqrt(1e5 * p_m * (1 - p_m)));

  CHECK(wom::barabasi_albert_graph(4, 3, 1).num_arcs() == 12);  // just the clique
  CHECK_THROWS_AS(wom::barabasi_albert_graph(10, 0, 1), wom::InputError);
  CHECK_THROWS_AS(wom::barabasi_albert_graph(3, 3, 1), wom::InputError);
}

TEST_CASE("watts_strogatz_graph: ring lattice and rewiring") {
  const NodeId n = 1000;
  const std::uint32_t k = 6;
  SUBCASE("beta = 0 is the ring lattice") {
    const auto g = wom::watts_strogatz_graph(n, k, 0.0, 1);
    CHECK(g.num_arcs() == std::uint64_t{n} * k);
    for (NodeId u : {0u, 500u, 999u}) {
      std::vector<NodeId> expect;
      for (std::uint32_t j = 1; j <= k / 2; ++j) {
        expect.push_back((u + j) % n);
        expect.push_back((u + n - j) % n);
      }
      std::sort(expect.begin(), expect.end());
      const auto nb = g.out_neighbours(u);
      CHECK(std::vector<NodeId>(nb.begin(), nb.end()) == expect);
    }
  }
  SUBCASE("beta = 0.2 rewires about a fifth of the edges, keeping exactly n k arcs") {
    const double beta = 0.2;
    const auto g = wom::watts_strogatz_graph(n, k, beta, 1);
    CHECK(g.num_arcs() == std::uint64_t{n} * k);
    check_simple(g);
    // Edges longer than k/2 around the ring are rewired ones: Binomial(n k / 2, beta), less
    // the few rewired edges landing back within distance k/2 (probability ~k/n each, about
    // 4 edges here, well inside the 5 sd = 110 tolerance).
    std::uint64_t long_edges = 0;
    for (NodeId u = 0; u < n; ++u)
      for (const NodeId v : g.out_neighbours(u)) {
        const NodeId d = u > v ? u - v : v - u;
        if (std::min(d, n - d) > k / 2) ++long_edges;
      }
    const double edges = n * k / 2.0;
    check_within_5sd(static_cast<double>(long_edges / 2), edges * beta, std::sqrt(edges * beta * (1 - beta)));
  }
  SUBCASE("dense: rewiring an agent adjacent to everyone is skipped, no hang") {
    const auto g = wom::watts_strogatz_graph(10, 8, 1.0, 4);
    CHECK(g.num_arcs() == 80);
    check_simple(g);
  }
  CHECK(wom::watts_strogatz_graph(10, 0, 0.5, 1).num_arcs() == 0);
  CHECK_THROWS_AS(wom::watts_strogatz_graph(100, 5, 0.1, 1), wom::InputError);
  CHECK_THROWS_AS(wom::watts_strogatz_graph(6, 6, 0.1, 1), wom::InputError);
  CHECK_THROWS_AS(wom::watts_strogatz_graph(100, 4, 1.5, 1), wom::InputError);
}

TEST_CASE("configuration_graph realises the degree sequence up to dropped loops and multi-edges") {
  SUBCASE("4-regular on 10000 agents") {
    const std::vector<std::uint32_t> degrees(10000, 4);
    const auto g = wom::configuration_graph(degrees, 9);
    check_simple(g);
    // Expected self-loops (<k^2>-<k>)/(2<k>) = 1.5 and multi-edges ~2.25: a handful of arcs.
    CHECK(g.num_arcs() <= 40000);
    CHECK(g.num_arcs() >= 40000 - 40);
    for (NodeId u = 0; u < g.num_nodes(); ++u) CHECK_LE(g.out_degree(u), 4);
  }
  SUBCASE("explicit small sequence") {
    const auto g = wom::configuration_graph({1, 1, 0}, 1);
    CHECK(g.num_arcs() == 2);
    CHECK(g.out_degree(2) == 0);
  }
  CHECK_THROWS_AS(wom::configuration_graph({1, 2, 2}, 1), wom::InputError);
}

TEST_CASE("power_law_degrees follows the truncated power law") {
  const NodeId n = 200000;
  const double gamma = 2.5;
  const std::uint32_t kmin = 2, kmax = 100;
  const auto degrees = wom::power_law_degrees(n, gamma, kmin, kmax, 13);
  REQUIRE(degrees.size() == n);
  // Exact moments of P(k) = k^-gamma / Z on [kmin, kmax].
  double z = 0, m1 = 0, m2 = 0;
  for (std::uint32_t k = kmin; k <= kmax; ++k) {
    const double w = std::pow(k, -gamma);
    z += w;
    m1 += k * w;
    m2 += double(k) * k * w;
  }
  m1 /= z;
  m2 /= z;
  const std::uint64_t sum = std::accumulate(degrees.begin(), degrees.end(), std::uint64_t{0});
  CHECK(sum % 2 == 0);
  CHECK(*std::min_element(degrees.begin(), degrees.end()) >= kmin);
  CHECK(*std::max_element(degrees.begin(), degrees.end()) <= kmax);
  // Sample mean: sd sqrt(var / n); the parity fix moves the sum by at most 1 (1/n in mean).
  check_within_5sd(static_cast<double>(sum) / n, m1, std::sqrt((m2 - m1 * m1) / n) + 1.0 / n);
  // Share of minimum-degree agents: Binomial(n, P(kmin)).
  const double p_min = std::pow(kmin, -gamma) / z;
  check_within_5sd(static_cast<double>(std::count(degrees.begin(), degrees.end(), kmin)), n * p_min,
                   std::sqrt(n * p_min * (1 - p_min)) + 1);

  SUBCASE("default max degree is floor(sqrt(n))") {
    const auto d = wom::power_law_degrees(10000, 2.0, 1, 0, 3);
    CHECK(*std::max_element(d.begin(), d.end()) <= 100);
    CHECK(*std::max_element(d.begin(), d.end()) >= 50);  // P(k >= 50) ~ 1% at gamma 2: ~100 agents
  }
  SUBCASE("configuration graph over it is simple") {
    check_simple(wom::configuration_graph(wom::power_law_degrees(20000, 2.5, 1, 0, 5), 5));
  }
  CHECK_THROWS_AS(wom::power_law_degrees(100, 2.5, 0, 10, 1), wom::InputError);
  CHECK_THROWS_AS(wom::power_law_degrees(100, 2.5, 11, 10, 1), wom::InputError);
  CHECK_THROWS_AS(wom::power_law_degrees(100, 2.5, 1, 100, 1), wom::InputError);
}

TEST_CASE("poisson_degrees has the requested mean and variance") {
  const NodeId n = 200000;
  const double mean = 7.5;
  const auto d = wom::poisson_degrees(n, mean, 17);
  const std::uint64_t sum = std::accumulate(d.begin(), d.end(), std::uint64_t{0});
  CHECK(sum % 2 == 0);
  const double sample_mean = static_cast<double>(sum) / n;
  // Mean: sd sqrt(mean / n), plus 1/n for the parity fix.
  check_within_5sd(sample_mean, mean, std::sqrt(mean / n) + 1.0 / n);
  // Variance: Var(s^2) ~ (mu4 - sigma^4) / n = (mean + 2 mean^2) / n for a Poisson law.
  double ss = 0;
  for (const auto k : d) ss += (k - sample_mean) * (k - sample_mean);
  check_within_5sd(ss / (n - 1), mean, std::sqrt((mean + 2 * mean * mean) / n));
  CHECK(wom::poisson_degrees(10, 0.0, 1) == std::vector<std::uint32_t>(10, 0));
  CHECK_THROWS_AS(wom::poisson_degrees(10, -1.0, 1), wom::InputError);
}

TEST_CASE("sbm_graph within- and between-block counts match expectation") {
  const std::vector<NodeId> sizes{300, 500, 200};
  const double p_in = 0.05, p_out = 0.002;
  const auto g = wom::sbm_graph(sizes, p_in, p_out, 21);
  CHECK(g.num_nodes() == 1000);
  check_simple(g);
  const NodeId first[] = {0, 300, 800, 1000};
  double within = 0, within_cells = 0;
  for (int a = 0; a < 3; ++a) {
    const double cells = sizes[a] * (sizes[a] - 1.0) / 2;
    const double c = static_cast<double>(count_edges(g, first[a], first[a + 1], first[a], first[a + 1]));
    check_within_5sd(c, cells * p_in, std::sqrt(cells * p_in * (1 - p_in)));
    within += c;
    within_cells += cells;
    for (int b = a + 1; b < 3; ++b) {
      const double cross = double(sizes[a]) * sizes[b];
      check_within_5sd(static_cast<double>(count_edges(g, first[a], first[a + 1], first[b], first[b + 1])),
                       cross * p_out, std::sqrt(cross * p_out * (1 - p_out)));
    }
  }
  const double between_cells = 1000 * 999 / 2.0 - within_cells;
  check_within_5sd(within, within_cells * p_in, std::sqrt(within_cells * p_in * (1 - p_in)));
  check_within_5sd(static_cast<double>(g.num_arcs() / 2) - within, between_cells * p_out,
                   std::sqrt(between_cells * p_out * (1 - p_out)));
  CHECK_THROWS_AS(wom::sbm_graph({}, 0.1, 0.1, 1), wom::InputError);
  CHECK_THROWS_AS(wom::sbm_graph({10, 0}, 0.1, 0.1, 1), wom::InputError);
  CHECK_THROWS_AS(wom::sbm_graph({10, 10}, 0.1, -0.1, 1), wom::InputError);
}

TEST_CASE("every generator is a pure function of its seed") {
  struct Case {
    const char* name;
    Graph (*make)(std::uint64_t seed);
  };
  const Case cases[] = {
      {"gnp", [](std::uint64_t s) { return wom::gnp_graph(2000, 0.003, false, s); }},
      {"gnp directed", [](std::uint64_t s) { return wom::gnp_graph(2000, 0.003, true, s); }},
      {"gnm", [](std::uint64_t s) { return wom::gnm_graph(2000, 3000, false, s); }},
      {"gnm directed", [](std::uint64_t s) { return wom::gnm_graph(2000, 3000, true, s); }},
      {"barabasi_albert", [](std::uint64_t s) { return wom::barabasi_albert_graph(2000, 2, s); }},
      {"watts_strogatz", [](std::uint64_t s) { return wom::watts_strogatz_graph(2000, 4, 0.1, s); }},
      {"configuration power_law",
       [](std::uint64_t s) { return wom::configuration_graph(wom::power_law_degrees(2000, 2.5, 1, 0, s), s); }},
      {"configuration poisson",
       [](std::uint64_t s) { return wom::configuration_graph(wom::poisson_degrees(2000, 4.0, s), s); }},
      {"sbm", [](std::uint64_t s) { return wom::sbm_graph({1000, 1000}, 0.004, 0.001, s); }},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto a = c.make(42), b = c.make(42), other = c.make(43);
    check_simple(a);
    CHECK(same_graph(a, b));
    CHECK_FALSE(same_graph(a, other));
  }
}

TEST_CASE("make_network dispatches on the generator name") {
  wom::NetworkSpec spec;
  spec.n = 500;
  SUBCASE("barabasi_albert") {
    spec.generator = "barabasi_albert";
    spec.m = 2;
    CHECK(same_graph(wom::make_network(spec, 5, "."), wom::barabasi_albert_graph(500, 2, 5)));
  }
  SUBCASE("complete") {
    spec.generator = "complete";
    spec.n = 20;
    CHECK(wom::make_network(spec, 5, ".").num_arcs() == 380);
  }
  SUBCASE("gnp") {
    spec.generator = "gnp";
    spec.p = 0.01;
    spec.directed = true;
    CHECK(same_graph(wom::make_network(spec, 5, "."), wom::gnp_graph(500, 0.01, true, 5)));
  }
  SUBCASE("gnm") {
    spec.generator = "gnm";
    spec.edges = 700;
    CHECK(wom::make_network(spec, 5, ".").num_arcs() == 1400);
  }
  SUBCASE("watts_strogatz") {
    spec.generator = "watts_strogatz";
    spec.k = 4;
    spec.rewire = 0.1;
    CHECK(same_graph(wom::make_network(spec, 5, "."), wom::watts_strogatz_graph(500, 4, 0.1, 5)));
  }
  SUBCASE("configuration from explicit degrees, power law and poisson") {
    spec.generator = "configuration";
    spec.n = 4;
    spec.degrees = {1, 1, 1, 1};
    CHECK(wom::make_network(spec, 5, ".").num_arcs() == 4);
    spec.degrees.clear();
    spec.n = 500;
    spec.degree_distribution = "power_law";
    CHECK(same_graph(wom::make_network(spec, 5, "."),
                     wom::configuration_graph(wom::power_law_degrees(500, 2.5, 1, 0, 5), 5)));
    spec.degree_distribution = "poisson";
    spec.mean_degree = 3;
    CHECK(same_graph(wom::make_network(spec, 5, "."), wom::configuration_graph(wom::poisson_degrees(500, 3, 5), 5)));
  }
  SUBCASE("sbm") {
    spec.generator = "sbm";
    spec.block_sizes = {200, 300};
    spec.p_in = 0.02;
    spec.p_out = 0.001;
    CHECK(same_graph(wom::make_network(spec, 5, "."), wom::sbm_graph({200, 300}, 0.02, 0.001, 5)));
  }
  SUBCASE("edge_list relative to the scenario folder") {
    spec.generator = "edge_list";
    spec.path = "karate.txt";
    const auto g = wom::make_network(spec, 5, WOM_DATA_DIR);
    CHECK(g.num_nodes() == 34);
    CHECK(g.num_arcs() == 156);
  }
}

TEST_CASE("make_network names the offending key") {
  wom::NetworkSpec spec;
  spec.n = 10;
  spec.generator = "barabasi_albert";
  spec.m = 10;
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.m") != std::string::npos);
  spec.generator = "watts_strogatz";
  spec.k = 3;
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.k") != std::string::npos);
  spec.generator = "sbm";
  spec.block_sizes = {4, 5};
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.block_sizes") !=
        std::string::npos);
  spec.generator = "gnm";
  spec.edges = 46;
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.edges") != std::string::npos);
  spec.generator = "gnp";
  spec.p = 2;
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.p") != std::string::npos);
  spec.generator = "configuration";
  spec.degrees = {1, 1};
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.degrees") != std::string::npos);
  spec.degrees.clear();
  spec.degree_distribution = "zipf";
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.degree_distribution") !=
        std::string::npos);
  spec.generator = "small_world";
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.generator") !=
        std::string::npos);
  spec.generator = "complete";
  spec.n = 0;
  CHECK(input_error_message([&] { wom::make_network(spec, 1, "."); }).find("network.n") != std::string::npos);
}
