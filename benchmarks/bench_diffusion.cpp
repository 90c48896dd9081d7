// SPDX-License-Identifier: MIT
// Diffusion throughput on Barabási–Albert graphs: independent cascade and linear threshold,
// replicate batches (many concurrent runs) and single large runs (parallel inside a run),
// on 1 and 2 threads. Prints a table and writes JSON (figures, commit, machine, threads).
//
//   bench_diffusion [--preset small|perf] [--json FILE]
//
// Reference figures (issue 2, a compiled single-threaded IC library on this machine):
// BA N = 100,000, m = 5, 10 random seeds: 8 ms per run at p = 0.1, 1.6 µs per run at p = 0.01.

#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <tbb/global_control.h>

#include "models/independent_cascade/independent_cascade.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "sim/engine.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"
#include "sim/version.hpp"

using namespace wom;

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Peak resident set size of this process in bytes (VmHWM).
std::uint64_t peak_rss_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

struct Figure {
  std::string workload;
  int threads;
  double seconds_per_replicate;
  double arcs_per_second;
  double mean_final;
  double reference_seconds;  // 0 = none
  std::uint32_t replicates;
};

struct Workload {
  std::string name;
  const Graph* graph;
  std::function<RunResult(const EngineOptions&)> run;
  std::uint32_t replicates;
  bool single_run;           // replicates one after another, each split over threads
  double reference_seconds;  // per replicate, 0 = none
};

Figure measure(const Workload& w, int threads) {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  EngineOptions opt;
  opt.steps = 1000;
  opt.replicates = w.replicates;
  opt.seed = 12345;
  opt.record_series = false;  // summaries only, as the reference library computes final sizes
  if (w.single_run) opt.concurrent_replicates_max_agents = 0;
  w.run(opt);  // warm-up: page in the graph, size the states
  // Best of three: this machine is a shared VM whose speed drifts by tens of percent.
  double dt = 1e300;
  RunResult r;
  for (int rep = 0; rep < 3; ++rep) {
    const double t0 = now_s();
    r = w.run(opt);
    dt = std::min(dt, now_s() - t0);
  }
  double arcs = 0, final_sum = 0;
  for (const auto& s : r.summaries) { arcs += static_cast<double>(s.exposures); final_sum += static_cast<double>(s.final_adopters); }
  return {w.name, threads, dt / w.replicates, arcs / dt, final_sum / w.replicates, w.reference_seconds, w.replicates};
}

}  // namespace

int main(int argc, char** argv) {
  std::string preset = "perf", json_path;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--preset") && i + 1 < argc) preset = argv[++i];
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
    else { std::fprintf(stderr, "usage: %s [--preset small|perf] [--json FILE]\n", argv[0]); return 2; }
  }
  const bool perf = preset == "perf";
  const NodeId big_n = perf ? 1'000'000 : 20'000, small_n = perf ? 100'000 : 5'000;

  double t0 = now_s();
  Graph big = barabasi_albert_graph(big_n, 5, 1);
  const double build_big = now_s() - t0;
  Graph big_lt = big;
  assign_trust(big_lt, {"inverse_in_degree", 1.0, 1.0});
  t0 = now_s();
  const Graph small = barabasi_albert_graph(small_n, 5, 2);
  const double build_small = now_s() - t0;

  const SeedPlan seeds_big(big, {{"random", 10, {}}});
  const SeedPlan seeds_small(small, {{"random", 10, {}}});
  const IndependentCascade ic01(0.1), ic001(0.01);
  const LinearThreshold lt(Distribution{Distribution::Kind::kUniform, 0.0, 0.0, 1.0});
  const std::uint32_t big_reps = perf ? 20 : 4;

  std::vector<Workload> workloads{
      {"IC p=0.1, BA 1M m=5, batch", &big, [&](const EngineOptions& o) { return run_replicates(big, ic01, seeds_big, o); }, big_reps, false, 0},
      {"IC p=0.1, BA 1M m=5, single run", &big, [&](const EngineOptions& o) { return run_replicates(big, ic01, seeds_big, o); }, big_reps, true, 0},
      {"LT 1/in-degree, BA 1M m=5, batch", &big_lt, [&](const EngineOptions& o) { return run_replicates(big_lt, lt, seeds_big, o); }, big_reps, false, 0},
      {"LT 1/in-degree, BA 1M m=5, single run", &big_lt, [&](const EngineOptions& o) { return run_replicates(big_lt, lt, seeds_big, o); }, big_reps, true, 0},
      {"IC p=0.1, BA 100k m=5", &small, [&](const EngineOptions& o) { return run_replicates(small, ic01, seeds_small, o); }, perf ? 400u : 20u, false, 8e-3},
      {"IC p=0.01, BA 100k m=5", &small, [&](const EngineOptions& o) { return run_replicates(small, ic001, seeds_small, o); }, perf ? 1'000'000u : 2000u, false, 1.6e-6},
  };
  if (!perf)
    for (auto& w : workloads) {
      const auto pos = w.name.find(w.name.find("1M") != std::string::npos ? "1M" : "100k");
      w.name.replace(pos, w.name.find(' ', pos) - pos, std::to_string(w.graph->num_nodes()));
    }

  std::vector<Figure> figures;
  std::printf("wom %s (%s), preset %s, hardware threads %u\n", kVersion, kGitCommit, preset.c_str(),
              std::thread::hardware_concurrency());
  std::printf("graph build: BA n=%u m=5 %.3f s (%llu arcs); BA n=%u m=5 %.3f s\n", big.num_nodes(), build_big,
              static_cast<unsigned long long>(big.num_arcs()), small.num_nodes(), build_small);
  std::printf("%-40s %3s %10s %14s %12s %10s %8s %9s\n", "workload", "thr", "reps", "s/replicate", "Marcs/s",
              "final", "speedup", "vs ref");
  for (const auto& w : workloads) {
    double one_thread = 0;
    for (int threads : {1, 2}) {
      const Figure f = measure(w, threads);
      if (threads == 1) one_thread = f.seconds_per_replicate;
      figures.push_back(f);
      char ref[32] = "";
      if (f.reference_seconds > 0) std::snprintf(ref, sizeof ref, "%.1fx", f.reference_seconds / f.seconds_per_replicate);
      std::printf("%-40s %3d %10u %14.4g %12.1f %10.1f %8.2f %9s\n", f.workload.c_str(), threads, f.replicates,
                  f.seconds_per_replicate, f.arcs_per_second / 1e6, f.mean_final, one_thread / f.seconds_per_replicate, ref);
      std::fflush(stdout);
    }
  }
  // Memory: graph plus one running replicate's state, against 8 B/arc + 32 B/agent.
  const double arcs = static_cast<double>(big_lt.num_arcs()), agents = big_lt.num_nodes();
  const double graph_bytes = static_cast<double>(big_lt.memory_bytes());
  const double state_ic = agents * (sizeof(Step) + sizeof(NodeId));
  const double state_lt = state_ic + agents * 3 * sizeof(std::uint32_t);
  std::printf("memory (BA %u): graph %.1f MB = %.2f B/arc + %.1f B/agent; IC state %.0f B/agent, LT state %.0f B/agent; "
              "budget 8 B/arc + 32 B/agent: IC %.2f, LT %.2f of budget; peak RSS %.1f MB\n",
              big.num_nodes(), graph_bytes / 1e6, (arcs * 6) / arcs, (graph_bytes - arcs * 6) / agents,
              state_ic / agents, state_lt / agents, (graph_bytes + state_ic) / (8 * arcs + 32 * agents),
              (graph_bytes + state_lt) / (8 * arcs + 32 * agents), peak_rss_bytes() / 1e6);

  if (!json_path.empty()) {
    utsname u{};
    uname(&u);
    std::ofstream j(json_path);
    j << "{\n  \"benchmark\": \"bench_diffusion\",\n  \"preset\": \"" << preset << "\",\n  \"commit\": \"" << kGitCommit
      << "\",\n  \"machine\": \"" << u.machine << " " << u.release << ", " << std::thread::hardware_concurrency()
      << " hardware threads\",\n  \"graph_build_seconds\": " << build_big << ",\n  \"peak_rss_bytes\": " << peak_rss_bytes()
      << ",\n  \"graph_bytes_per_arc\": " << graph_bytes / arcs << ",\n  \"results\": [\n";
    for (std::size_t i = 0; i < figures.size(); ++i) {
      const auto& f = figures[i];
      j << "    {\"workload\": \"" << f.workload << "\", \"threads\": " << f.threads << ", \"replicates\": " << f.replicates
        << ", \"seconds_per_replicate\": " << f.seconds_per_replicate << ", \"arcs_per_second\": " << f.arcs_per_second
        << ", \"mean_final_adopters\": " << f.mean_final << ", \"reference_seconds_per_replicate\": " << f.reference_seconds
        << "}" << (i + 1 < figures.size() ? ",\n" : "\n");
    }
    j << "  ]\n}\n";
  }
  return 0;
}
