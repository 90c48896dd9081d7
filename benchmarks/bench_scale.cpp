// SPDX-License-Identifier: MIT
// Scale (issue 7): a 10 M-agent, 100 M-arc graph on one machine. Generation (Barabási–Albert
// m = 5, and a configuration model with power-law degrees, exponent 2.5, degrees 4..sqrt(n)),
// an independent-cascade and a linear-threshold run on 1 and 2 threads (parallel inside the
// run), loading the graph as a text edge list (parallel parsing), writing the binary cache
// and reloading it. Each phase runs in a child process, so its peak RSS (wait4) is its own.
// Before the runs, the roofline probe (benchmarks/roofline.hpp) measures the memory system on
// 1 and 2 threads: a run's 2-thread speed-up is read against the probe's at that time, as a
// shared machine's second core brings more or less memory throughput from one hour to the next.
//
//   bench_scale [--preset small|perf] [--json FILE] [--dir DIR] [--only ba|config|load] [--agents N]
//
// The perf preset needs about 1.2 GB of memory and 2.5 GB of disk in DIR (default /tmp) for
// the edge list and its cache, both removed at the end. Not run by ctest; the small preset
// (200,000 agents) is.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <tbb/global_control.h>

#include "benchmarks/bench_common.hpp"
#include "benchmarks/roofline.hpp"
#include "models/independent_cascade/independent_cascade.hpp"
#include "models/linear_threshold/linear_threshold.hpp"
#include "sim/engine.hpp"
#include "sim/network/csr_file.hpp"
#include "sim/network/edge_list.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"

using namespace wom;
using bench::now_s;

namespace {

using Figures = std::map<std::string, double>;

/// Runs `phase` in a child process; returns its figures plus its peak RSS ("peak_rss_bytes").
Figures in_child(const std::function<Figures()>& phase) {
  int fds[2];
  if (pipe(fds) != 0) { std::perror("pipe"); std::exit(1); }
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) { std::perror("fork"); std::exit(1); }
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      for (const auto& [k, v] : phase()) out += k + " " + std::to_string(v) + "\n";
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench_scale: %s\n", e.what());
      _exit(1);
    }
    const char* p = out.data();
    std::size_t left = out.size();
    while (left > 0) {
      const ssize_t w = write(fds[1], p, left);
      if (w <= 0) _exit(1);
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(got));
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_scale: a phase failed\n");
    std::exit(1);
  }
  Figures f;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t sp = text.find(' ', at), nl = text.find('\n', at);
    f[text.substr(at, sp - at)] = std::stod(text.substr(sp + 1, nl - sp - 1));
    at = nl + 1;
  }
  f["peak_rss_bytes"] = static_cast<double>(usage.ru_maxrss) * 1024;
  return f;
}

/// Times one replicate (10 random seeds, or `seeds`) on one and on two threads: best of
/// `repeats` each, the two alternating, so that a slow spell of a shared machine weighs on
/// both sides of the speed-up alike. Returns the two times and the last result.
template <class M>
std::tuple<double, double, RunResult> time_runs(const Graph& g, const M& model, std::uint32_t seeds, int repeats) {
  const SeedPlan plan(g, {{"random", seeds, {}}});
  EngineOptions opt;
  opt.steps = 100000;
  opt.replicates = 1;
  opt.seed = 12345;
  opt.record_series = false;
  opt.concurrent_replicates_max_agents = 0;  // one replicate, parallel inside
  double best[2] = {1e300, 1e300};
  RunResult r;
  for (int i = 0; i < repeats; ++i) {
    for (int threads : {1, 2}) {
      const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      const double t0 = now_s();
      r = run_replicates(g, model, plan, opt);
      best[threads - 1] = std::min(best[threads - 1], now_s() - t0);
    }
  }
  return {best[0], best[1], std::move(r)};
}

/// Generation, then IC and LT runs on 1 and 2 threads, in one process (the runs' RSS is the
/// graph's plus the engine's state; generation's transient arrays are freed by then).
Figures generate_and_run(const std::function<Graph()>& generate, std::uint32_t lt_seeds, int repeats) {
  Figures f;
  double t0 = now_s();
  Graph g;
  {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    g = generate();
  }
  f["generate_seconds"] = now_s() - t0;
  f["generate_peak_rss_bytes"] = static_cast<double>(bench::peak_rss_bytes());
  f["agents"] = g.num_nodes();
  f["arcs"] = static_cast<double>(g.num_arcs());
  f["graph_bytes"] = static_cast<double>(g.memory_bytes());
  const IndependentCascade ic(0.1);
  {
    const auto [one, two, r] = time_runs(g, ic, 10, repeats);
    f["ic_seconds_1"] = one;
    f["ic_seconds_2"] = two;
    f["ic_final"] = static_cast<double>(r.summaries[0].final_adopters);
    f["ic_arcs"] = static_cast<double>(r.summaries[0].exposures);
  }
  t0 = now_s();
  {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    assign_trust(g, {"inverse_in_degree", 1.0, 1.0});
  }
  f["lt_trust_seconds"] = now_s() - t0;
  const LinearThreshold lt(Distribution{Distribution::Kind::kUniform, 0.0, 0.0, 1.0});
  {
    const auto [one, two, r] = time_runs(g, lt, lt_seeds, repeats);
    f["lt_seconds_1"] = one;
    f["lt_seconds_2"] = two;
    f["lt_final"] = static_cast<double>(r.summaries[0].final_adopters);
    f["lt_arcs"] = static_cast<double>(r.summaries[0].exposures);
  }
  return f;
}

/// Writes `g` as a text edge list (each undirected edge once, tail > head), quickly.
void write_edge_list(const Graph& g, const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path.string());
  std::vector<char> buf(std::size_t{1} << 24);
  std::size_t at = 0;
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    for (const NodeId v : g.out_neighbours(u)) {
      if (v > u) continue;
      if (at + 32 > buf.size()) { std::fwrite(buf.data(), 1, at, f); at = 0; }
      at = static_cast<std::size_t>(std::to_chars(buf.data() + at, buf.data() + buf.size(), u).ptr - buf.data());
      buf[at++] = ' ';
      at = static_cast<std::size_t>(std::to_chars(buf.data() + at, buf.data() + buf.size(), v).ptr - buf.data());
      buf[at++] = '\n';
    }
  }
  std::fwrite(buf.data(), 1, at, f);
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
  std::string preset = "perf", json_path, only;
  std::filesystem::path dir = "/tmp";
  unsigned long agents = 0;  // 0: the preset's
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--preset") && i + 1 < argc) preset = argv[++i];
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--agents") && i + 1 < argc) agents = std::strtoul(argv[++i], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: %s [--preset small|perf] [--json FILE] [--dir DIR] [--only ba|config|load] [--agents N]\n",
                   argv[0]);
      return 2;
    }
  }
  if (preset != "perf" && preset != "small") {
    std::fprintf(stderr, "%s: --preset must be small or perf\n", argv[0]);
    return 2;
  }
  const bool perf = preset == "perf";
  const NodeId n = agents > 0 ? static_cast<NodeId>(agents) : perf ? 10'000'000 : 200'000;
  const std::uint32_t lt_seeds = n / 100;  // 1 % seeded: LT from 10 seeds stops after ~100 agents
  const int repeats = perf ? 5 : 1;
  const std::string base = "wom-bench-scale-" + std::to_string(getpid());
  const std::filesystem::path edges_path = dir / (base + ".txt"), cache_path = dir / (base + ".wgraph");
  std::printf("wom %s (%s), preset %s, %s; load %.2f at start; n = %u; runs best of %d\n", kVersion, kGitCommit,
              preset.c_str(), bench::machine().c_str(), bench::load_average(), n, repeats);

  std::map<std::string, Figures> results;
  const auto run = [&](const std::string& name, const std::function<Figures()>& phase) {
    if (!only.empty() && name.rfind(only, 0) != 0) return;
    const Figures f = in_child(phase);
    results[name] = f;
    std::printf("%s:", name.c_str());
    for (const auto& [k, v] : f) std::printf(" %s=%.4g", k.c_str(), v);
    std::printf(" (load %.2f)\n", bench::load_average());
    std::fflush(stdout);
  };
  // The probe's arrays (8 times the last-level cache of data, 512 MiB of indices) in a child of
  // their own, so no run's peak RSS includes them.
  if (only.empty() || only.rfind("load", 0) != 0) {
    const Figures f = in_child([&] {
      bench::RooflineProbe probe(perf ? bench::perf_probe_bytes() : std::size_t{1} << 26,
                                 perf ? std::size_t{1} << 27 : std::size_t{1} << 22);
      Figures p;
      for (int threads : {1, 2}) {
        const bench::Roofline r = bench::measure_roofline(probe, threads);
        p["gathers_per_second_" + std::to_string(threads)] = r.gathers_per_second;
        p["read_bytes_per_second_" + std::to_string(threads)] = r.read_bytes_per_second;
        p["mixes_per_second_" + std::to_string(threads)] = r.mixes_per_second;
      }
      return p;
    });
    results["probe"] = f;
    std::printf("probe: random 4-byte gathers %.1f M/s on 1 thread, %.1f M/s on 2 (x%.2f); sequential read %.2f GB/s, "
                "%.2f GB/s (x%.2f); arithmetic x%.2f (load %.2f)\n",
                f.at("gathers_per_second_1") * 1e-6, f.at("gathers_per_second_2") * 1e-6,
                f.at("gathers_per_second_2") / f.at("gathers_per_second_1"), f.at("read_bytes_per_second_1") * 1e-9,
                f.at("read_bytes_per_second_2") * 1e-9, f.at("read_bytes_per_second_2") / f.at("read_bytes_per_second_1"),
                f.at("mixes_per_second_2") / f.at("mixes_per_second_1"), bench::load_average());
    std::fflush(stdout);
  }
  run("ba", [&] { return generate_and_run([&] { return barabasi_albert_graph(n, 5, 1); }, lt_seeds, repeats); });
  run("config", [&] {
    return generate_and_run([&] { return configuration_graph(power_law_degrees(n, 2.5, 4, 0, 1), 1); }, lt_seeds, repeats);
  });
  run("load_write_text", [&] {
    Figures f;
    const Graph g = barabasi_albert_graph(n, 5, 1);
    const double t0 = now_s();
    write_edge_list(g, edges_path);
    f["write_text_seconds"] = now_s() - t0;
    f["text_bytes"] = static_cast<double>(std::filesystem::file_size(edges_path));
    return f;
  });
  if (only.empty() || only.rfind("load", 0) == 0) {
    for (int threads : {1, 2})
      run("load_parse_" + std::to_string(threads), [&] {
        const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        Figures f;
        double t0 = now_s();
        const Graph g = read_edge_list(edges_path, {});
        f["parse_seconds"] = now_s() - t0;
        f["arcs"] = static_cast<double>(g.num_arcs());
        if (threads == 2) {
          t0 = now_s();
          write_csr_file(g, cache_path);
          f["write_cache_seconds"] = now_s() - t0;
          f["cache_bytes"] = static_cast<double>(std::filesystem::file_size(cache_path));
        }
        return f;
      });
    run("load_cache", [&] {
      const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
      Figures f;
      const double t0 = now_s();
      const Graph g = read_csr_file(cache_path);
      f["reload_seconds"] = now_s() - t0;
      f["arcs"] = static_cast<double>(g.num_arcs());
      return f;
    });
    std::error_code ignored;
    std::filesystem::remove(edges_path, ignored);
    std::filesystem::remove(cache_path, ignored);
  }

  // Each run's arcs per second as a fraction of the probe's gathers per second on as many
  // threads: the 10 M-agent graph is the one far larger than the caches.
  const auto probe = results.find("probe");
  for (const char* graph : {"ba", "config"}) {
    const auto it = results.find(graph);
    if (it == results.end()) continue;
    Figures& f = it->second;
    std::printf("%s: 2-thread speed-up IC %.2f, LT %.2f", graph, f.at("ic_seconds_1") / f.at("ic_seconds_2"),
                f.at("lt_seconds_1") / f.at("lt_seconds_2"));
    if (probe != results.end()) {
      for (const char* model : {"ic", "lt"})
        for (const char* threads : {"1", "2"})
          f[std::string(model) + "_gather_fraction_" + threads] =
              f.at(std::string(model) + "_arcs") / f.at(std::string(model) + "_seconds_" + threads) /
              probe->second.at(std::string("gathers_per_second_") + threads);
      std::printf("; of the gather limit (1 / 2 threads) IC %.0f / %.0f %%, LT %.0f / %.0f %%",
                  100 * f.at("ic_gather_fraction_1"), 100 * f.at("ic_gather_fraction_2"),
                  100 * f.at("lt_gather_fraction_1"), 100 * f.at("lt_gather_fraction_2"));
    }
    std::printf("\n");
  }

  if (!json_path.empty()) {
    std::ofstream j(json_path);
    j << bench::json_header("bench_scale", preset) << ",\n  \"agents\": " << n << ",\n  \"threads\": [1, 2],\n  \"phases\": {\n";
    std::size_t i = 0;
    for (const auto& [name, f] : results) {
      j << "    \"" << name << "\": {";
      std::size_t k = 0;
      for (const auto& [key, v] : f) j << (k++ ? ", " : "") << "\"" << key << "\": " << v;
      j << "}" << (++i < results.size() ? ",\n" : "\n");
    }
    j << "  }\n}\n";
  }
  return 0;
}
