// SPDX-License-Identifier: MIT
#include "sim/network/memory_estimate.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

namespace wom {
namespace {

/// Mean of P(k) ∝ k^-a on [lo, hi] (the continuous approximation: the configuration
/// model's power law has up to sqrt(n) or n distinct degrees, too many to sum).
double power_law_mean(double a, double lo, double hi) {
  if (hi <= lo) return lo;
  const auto integral = [](double exponent, double x0, double x1) {  // ∫ x^exponent dx
    if (std::abs(exponent + 1) < 1e-12) return std::log(x1 / x0);
    return (std::pow(x1, exponent + 1) - std::pow(x0, exponent + 1)) / (exponent + 1);
  };
  return integral(1 - a, lo, hi) / integral(-a, lo, hi);
}

/// Expected arcs of one layer's generator (no layers).
double layer_arcs(const NetworkSpec& net) {
  const double n = net.n;
  const double pairs = n * (n - 1);  // ordered pairs
  const std::string& g = net.generator;
  if (g == "complete") return net.n > net.implicit_above ? 0.0 : pairs;
  if (g == "gnp") return net.p * pairs;  // directed: p per ordered pair; undirected: 2 arcs per edge
  if (g == "gnm") return static_cast<double>(net.edges) * (net.directed ? 1 : 2);
  if (g == "barabasi_albert") {
    const double m = net.m;
    return 2 * (m * (m + 1) / 2 + m * std::max(0.0, n - m - 1));
  }
  if (g == "watts_strogatz") return n * net.k;
  if (g == "configuration") {
    if (!net.degrees.empty()) {
      double sum = 0;
      for (const std::uint32_t d : net.degrees) sum += d;
      return sum;
    }
    if (net.degree_distribution == "poisson") return n * net.mean_degree;
    const double hi = net.max_degree != 0 ? net.max_degree : std::floor(std::sqrt(n));
    return n * power_law_mean(net.exponent, std::max<double>(net.min_degree, 1), std::max(hi, 1.0));
  }
  if (g == "sbm") {
    double within = 0, total = 0;
    for (const NodeId s : net.block_sizes) {
      within += static_cast<double>(s) * (static_cast<double>(s) - 1);
      total += s;
    }
    const double between = total * (total - 1) - within;
    return net.p_in * within + net.p_out * between;  // ordered pairs: 2 arcs per undirected edge
  }
  return 0.0;  // edge_list: the file's size, not estimated
}

}  // namespace

double expected_arcs(const NetworkSpec& network) {
  double arcs = layer_arcs(network);
  for (const LayerSpec& layer : network.layers) arcs += layer_arcs(layer.network);
  return arcs;
}

MemoryNeed estimate_memory(const NetworkSpec& network, std::uint32_t replicates, std::int64_t steps,
                           std::size_t channels, bool adoption_steps) {
  MemoryNeed need;
  const double arcs = expected_arcs(network);
  need.agents = network.n;
  need.arcs = arcs >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(arcs);
  need.network_bytes = arcs * kPeakBytesPerArc + static_cast<double>(network.n) * kPeakBytesPerAgent;
  // Per replicate and step: four adopter series and money, plus three per channel (8 bytes
  // each); per replicate and agent: the adoption step (4 bytes) when asked for.
  const double r = replicates;
  need.result_bytes = r * (static_cast<double>(steps) + 1) * 8 * (5 + 3 * static_cast<double>(channels));
  if (adoption_steps) need.result_bytes += r * network.n * 4;
  return need;
}

std::uint64_t available_memory() {
  double bytes = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  // cgroup v2 limit of this process's group ("max" when there is none).
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");
  std::string limit;
  if (cgroup >> limit && limit != "max") {
    char* end = nullptr;
    const double value = std::strtod(limit.c_str(), &end);
    if (end != limit.c_str() && value > 0) bytes = std::min(bytes, value);
  }
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit rl{};
    if (::getrlimit(resource, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
      bytes = std::min(bytes, static_cast<double>(rl.rlim_cur));
    }
  }
  return bytes >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(bytes);
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  char text[48];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return text;
}

std::optional<MemoryRefusal> check_memory(const NetworkSpec& network, std::uint32_t replicates, std::int64_t steps,
                                          std::size_t channels, bool adoption_steps, std::uint64_t available) {
  const MemoryNeed need = estimate_memory(network, replicates, steps, channels, adoption_steps);
  if (need.total() <= static_cast<double>(available)) return std::nullopt;
  char arcs[32];
  std::snprintf(arcs, sizeof arcs, "%.3g", expected_arcs(network));
  const std::string have = "more than the " + format_bytes(static_cast<double>(available)) +
                           " of memory available (docs/limits.md)";
  // Blame what dominates: the network, or the results kept for every replicate.
  if (need.network_bytes >= need.result_bytes) {
    return MemoryRefusal{"network.n", "a " + network.generator + " network of " + std::to_string(network.n) +
                                          " agents and about " + arcs + " arcs needs about " +
                                          format_bytes(need.total()) + " of memory to build and run, " + have};
  }
  const std::string key = adoption_steps && replicates * static_cast<double>(network.n) * 4 > need.result_bytes / 2
                              ? "output.adoption_steps"
                              : "run.replicates";
  return MemoryRefusal{key, "keeping the results of " + std::to_string(replicates) + " replicates x " +
                                std::to_string(steps) + " steps" +
                                (adoption_steps ? " and each agent's adoption step" : "") + " needs about " +
                                format_bytes(need.total()) + " of memory, " + have};
}

}  // namespace wom
