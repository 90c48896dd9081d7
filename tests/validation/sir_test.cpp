// SPDX-License-Identifier: MIT
// SIR against percolation theory (Newman 2002; Kenah & Robins 2007).
//
// Discrete time: an infection lasts D ~ Geometric(γ) steps and transmits over an arc in each
// of them with probability β, so an arc transmits during the infection with probability
// T = β/(β+γ-βγ); continuous time (rates β, γ): T = β/(β+γ). Transmissions into one agent
// come from different infectors and are independent, so the final size r of a large outbreak
// solves the bond-percolation equation: on G(N, c/N), r = 1 - e^{-cTr}; on K_N with T per
// pair, r = 1 - (1-T)^{(N-1)r}. Transmissions out of one infector share its D, so the chance
// that one seed starts a large outbreak is 1 - u with u = E_D[exp(-c·τ(D)·(1-u))],
// τ(D) = 1-(1-β)^D (equal to r only when D is fixed). Below threshold (cT < 1) an outbreak is
// a subcritical branching process with mean offspring cT: mean size 1/(1-cT).
//
// Statistics. On Erdős–Rényi graphs the graph itself varies the outcome by O(N^-1/2), so each
// estimate averages G independent graphs with R runs each and its standard error is the SD of
// the G per-graph means over √G (a t statistic with G-1 degrees of freedom); tolerance
// 5 SE (two-sided false alarm below 2e-4 for G = 16). Finite-N corrections of these
// means are O(1/N) (< 1e-5 here) and are covered by the 5 SE. Large outbreak: final
// fraction > 5%, far above the O(10) agents of minor outbreaks and far below r.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/sir/sir.hpp"
#include "sim/network/generators.hpp"
#include "validation/report.hpp"

using namespace wom;
using test::check_row;
using test::fmt;

namespace {

double transmissibility(double beta, double gamma, bool continuous) {
  return continuous ? beta / (beta + gamma) : beta / (beta + gamma - beta * gamma);
}

/// Probability that one seed on G(N, c/N) starts a large outbreak (discrete time).
double outbreak_probability(double c, double beta, double gamma) {
  const auto extinction = [&](double u) {
    double sum = 0, pd = gamma;  // P(D = d) = γ(1-γ)^(d-1)
    for (int d = 1; d < 100000 && pd > 1e-17; ++d, pd *= 1 - gamma)
      sum += pd * std::exp(-c * (1 - std::pow(1 - beta, d)) * (1 - u));
    return sum;
  };
  double u = 0;
  for (int i = 0; i < 10000; ++i) u = extinction(u);  // iterates up to the smallest fixed point
  return 1 - u;
}

struct Outcome {
  test::MeanSe large_fraction;  ///< mean final fraction of large outbreaks (SE over graphs)
  test::MeanSe p_large;         ///< fraction of runs with a large outbreak (SE over graphs)
  test::MeanSe size;            ///< mean final size in agents (all runs; SE over graphs)
};

template <class MakeModel>
Outcome run_on_gnp(NodeId n, double c, std::uint32_t graphs, std::uint32_t runs, const MakeModel& make_model,
                   std::uint64_t seed) {
  std::vector<double> large, p_large, size;
  for (std::uint32_t gi = 0; gi < graphs; ++gi) {
    const Graph g = gnp_graph(n, c / (n - 1), false, seed * 1000 + gi);
    EngineOptions opt;
    opt.steps = 100'000;
    opt.replicates = runs;
    opt.seed = seed + gi;
    opt.record_series = false;
    const RunResult r = run_replicates(g, make_model(g), SeedPlan(g, {{"random", 1, {}}}), opt);
    std::vector<double> fr;
    double sizes = 0;
    for (const auto& s : r.summaries) {
      if (s.final_fraction > 0.05) fr.push_back(s.final_fraction);
      sizes += static_cast<double>(s.final_adopters);
    }
    if (!fr.empty()) large.push_back(test::mean_se(fr).mean);
    p_large.push_back(static_cast<double>(fr.size()) / runs);
    size.push_back(sizes / runs);
  }
  return {test::mean_se(large), test::mean_se(p_large), test::mean_se(size)};
}

}  // namespace

TEST_CASE("sir on Erdős–Rényi graphs: final size, outbreak probability, subcritical size") {
  const NodeId n = test::scaled<NodeId>(50'000, 500'000);
  const std::uint32_t graphs = test::scaled<std::uint32_t>(16, 24);
  const std::uint32_t runs = test::scaled<std::uint32_t>(12, 20);
  const double c = 4;

  SUBCASE("discrete time above threshold") {
    const double beta = 0.3, gamma = 0.5;
    const double T = transmissibility(beta, gamma, false);
    const double r = test::bisect([&](double x) { return x - (1 - std::exp(-c * T * x)); }, 1e-6, 1);
    const Outcome o = run_on_gnp(n, c, graphs, runs, [&](const Graph&) { return DiscreteSir(beta, gamma); }, 31);
    const std::string setting = "G(N, c/N), c = 4, β = 0.3, γ = 0.5 (T = " + fmt(T) + "), N = " + std::to_string(n);
    check_row({"sir", "final size of large outbreaks, r = 1 - e^{-cTr}, " + setting, r, o.large_fraction.mean,
               5 * o.large_fraction.se, "5 SE over " + std::to_string(graphs) + " graphs"});
    const double pl = outbreak_probability(c, beta, gamma);
    check_row({"sir", "P(large outbreak) from one seed, u = E_D[e^{-cτ(D)(1-u)}], " + setting, pl, o.p_large.mean,
               5 * o.p_large.se, "5 SE over " + std::to_string(graphs) + " graphs of " + std::to_string(runs) + " runs"});
  }

  SUBCASE("continuous time above threshold") {
    const double beta = 0.6, gamma = 1.0;
    const double T = transmissibility(beta, gamma, true);
    const double r = test::bisect([&](double x) { return x - (1 - std::exp(-c * T * x)); }, 1e-6, 1);
    const Outcome o =
        run_on_gnp(n, c, graphs, runs, [&](const Graph& g) { return ContinuousSir(beta, gamma, g); }, 32);
    const std::string setting = "G(N, c/N), c = 4, rates β = 0.6, γ = 1 (T = " + fmt(T) + "), N = " + std::to_string(n);
    check_row({"sir", "continuous time: final size of large outbreaks, " + setting, r, o.large_fraction.mean,
               5 * o.large_fraction.se, "5 SE over " + std::to_string(graphs) + " graphs"});
  }

  SUBCASE("below threshold the outbreak stays small") {
    const double beta = 0.1, gamma = 0.5;
    const double T = transmissibility(beta, gamma, false);
    const std::uint32_t small_runs = test::scaled<std::uint32_t>(250, 1000);
    const Outcome o =
        run_on_gnp(n, c, graphs, small_runs, [&](const Graph&) { return DiscreteSir(beta, gamma); }, 33);
    const std::string setting = "G(N, c/N), c = 4, β = 0.1, γ = 0.5 (cT = " + fmt(c * T) + "), N = " + std::to_string(n);
    check_row({"sir", "below threshold: mean outbreak size (agents), 1/(1-cT), " + setting, 1 / (1 - c * T),
               o.size.mean, 5 * o.size.se, "5 SE over " + std::to_string(graphs) + " graphs"});
    check_row({"sir", "below threshold: fraction of runs reaching 5% of N, " + setting, 0, o.p_large.mean, 0,
               "exactly none"});
  }
}

TEST_CASE("sir on the complete graph: final-size equation and threshold") {
  const NodeId n = test::scaled<NodeId>(100'000, 1'000'000);
  const std::uint32_t reps = test::scaled<std::uint32_t>(40, 100);
  const Graph g = Graph::implicit_complete_graph(n);
  const double gamma = 0.5;
  const auto run = [&](const Graph& graph, double beta, std::uint32_t replicates) {
    EngineOptions opt;
    opt.steps = 100'000;
    opt.replicates = replicates;
    opt.seed = 77;
    opt.record_series = false;
    return run_replicates(graph, DiscreteSir(beta, gamma), SeedPlan(graph, {{"random", 1, {}}}), opt);
  };
  {
    const double R0 = 2;  // (N-1)·T
    const double T = R0 / (n - 1);
    const double beta = T * gamma / (1 - T * (1 - gamma));  // inverts T = β/(β+γ-βγ)
    const double r = test::bisect([&](double x) { return x - (1 - std::pow(1 - T, (n - 1) * x)); }, 1e-6, 1);
    const RunResult res = run(g, beta, reps);
    std::vector<double> large;
    for (const auto& s : res.summaries)
      if (s.final_fraction > 0.05) large.push_back(s.final_fraction);
    REQUIRE(large.size() >= reps / 4);
    const auto m = test::mean_se(large);
    check_row({"sir", "K_N final size of large outbreaks, r = 1 - (1-T)^{(N-1)r}, (N-1)T = 2, γ = 0.5, N = " +
                          std::to_string(n),
               r, m.mean, 4 * m.se + 2.0 / n, "4 SE + 2/N"});
  }
  {
    // Every step sweeps all susceptibles, so the many short subcritical runs use a smaller K_N.
    const NodeId m_agents = test::scaled<NodeId>(10'000, 50'000);
    const Graph small_graph = Graph::implicit_complete_graph(m_agents);
    const double R0 = 0.7;
    const double T = R0 / (m_agents - 1);
    const double beta = T * gamma / (1 - T * (1 - gamma));
    const std::uint32_t small = test::scaled<std::uint32_t>(2000, 10000);
    const RunResult res = run(small_graph, beta, small);
    std::vector<double> sizes;
    double largest = 0;
    for (const auto& s : res.summaries) {
      sizes.push_back(static_cast<double>(s.final_adopters));
      largest = std::max(largest, s.final_fraction);
    }
    const auto m = test::mean_se(sizes);
    const std::string setting = "K_N, (N-1)T = 0.7, γ = 0.5, N = " + std::to_string(m_agents) + ", " + std::to_string(small) + " runs";
    check_row({"sir", "below threshold: mean outbreak size (agents), 1/(1-(N-1)T), " + setting, 1 / (1 - R0), m.mean,
               4 * m.se, "4 SE"});
    CHECK(largest < 0.01);
  }
}
