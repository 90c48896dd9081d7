// SPDX-License-Identifier: MIT
// The `wom` executable: parse -> validate -> build -> run -> write. The only place that
// prints errors and chooses an exit status: 0 success, 2 bad input (scenario, edge list,
// flags, output path), 1 anything else.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "models/registry.hpp"
#include "output/run_writer.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/schema.hpp"
#include "sim/error.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"
#include "sim/seeds.hpp"
#include "sim/version.hpp"

namespace fs = std::filesystem;
using namespace wom;

namespace {

constexpr int kExitInput = 2;

struct Options {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  int threads = 0;  // 0 = all cores
  std::string seed;
  bool force = false;
  bool quiet = false;
};

/// The output path must be creatable before hours of simulation are spent.
void check_output_path(const Options& o) {
  const fs::path out(o.output);
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(o.output + ": output folder '" + dir.string() + "' does not exist");
  if (fs::is_directory(out, ec)) throw InputError(o.output + ": is a folder, not an output file");
  if (fs::exists(out, ec) && !o.force)
    throw InputError(o.output + ": already exists (use --force to replace it)");
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Mean and half-width of the 95% normal confidence interval over replicates.
template <class F>
std::pair<double, double> mean_ci(const RunResult& r, F value) {
  double sum = 0, sum2 = 0;
  std::size_t n = 0;
  for (const auto& s : r.summaries) {
    const double v = value(s);
    if (std::isnan(v)) continue;
    sum += v;
    sum2 += v * v;
    ++n;
  }
  if (n == 0) return {NAN, NAN};
  const double mean = sum / n;
  const double var = n > 1 ? (sum2 - n * mean * mean) / (n - 1) : 0.0;
  return {mean, n > 1 ? 1.96 * std::sqrt(std::max(var, 0.0) / n) : 0.0};
}

void print_summary(const Scenario& sc, const Graph& g, const RunResult& r, double build_s, double run_s,
                   const std::string& out) {
  const auto step_or_nan = [](Step s) { return s < 0 ? NAN : static_cast<double>(s); };
  std::printf("%s: %s on %u agents, %llu arcs; %u replicates x %d steps\n", sc.path.string().c_str(),
              sc.model.name.c_str(), g.num_nodes(), static_cast<unsigned long long>(g.num_arcs()), r.replicates,
              r.steps);
  std::printf("  %-22s %14s %12s\n", "metric", "mean", "95% CI +/-");
  const auto row = [&](const char* name, std::pair<double, double> v, int decimals) {
    char m[32], c[32];
    std::snprintf(m, sizeof m, "%.*f", decimals, v.first);
    std::snprintf(c, sizeof c, "%.*f", decimals, v.second);
    std::printf("  %-22s %14s %12s\n", name, m, c);
  };
  row("final adopters", mean_ci(r, [](auto& s) { return double(s.final_adopters); }), 1);
  row("final fraction", mean_ci(r, [](auto& s) { return s.final_fraction; }), 5);
  row("peak step", mean_ci(r, [&](auto& s) { return step_or_nan(s.peak_step); }), 2);
  row("steps to 50% of final", mean_ci(r, [&](auto& s) { return step_or_nan(s.steps_to_50); }), 2);
  row("steps to 90% of final", mean_ci(r, [&](auto& s) { return step_or_nan(s.steps_to_90); }), 2);
  row("exposures (arcs)", mean_ci(r, [](auto& s) { return double(s.exposures); }), 1);
  std::printf("  build %.3f s, run %.3f s (%.3g s per replicate); wrote %s\n", build_s, run_s,
              run_s / r.replicates, out.c_str());
}

int run(const Options& o, const std::string& command_line) {
  Provenance prov;
  prov.started_utc = utc_now();
  auto overrides = o.overrides;
  if (!o.seed.empty()) overrides.push_back("run.seed=" + o.seed);
  const Scenario sc = load_scenario(o.scenario, overrides);
  check_output_path(o);

  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t graph_seed = sc.network.seed ? *sc.network.seed : derive(sc.run.seed, static_cast<std::uint64_t>(Stream::kNetwork));
  Graph g = make_network(sc.network, graph_seed, sc.path.parent_path());
  assign_trust(g, sc.trust);
  const SeedPlan seeds(g, sc.seeds);
  const double build_s = seconds_since(t0);

  EngineOptions eo;
  eo.steps = sc.run.steps;
  eo.replicates = sc.run.replicates;
  eo.seed = sc.run.seed;
  eo.step_hours = sc.run.step_hours;
  eo.stop_when_quiet = sc.run.stop_when_quiet;
  eo.record_adoption_steps = sc.output.adoption_steps;
  const auto t1 = std::chrono::steady_clock::now();
  const RunResult result = run_model(sc.model, sc.population, g, seeds, eo);
  const double run_s = seconds_since(t1);

  prov.command_line = command_line;
  prov.scenario_path = sc.path.string();
  prov.scenario_text = sc.text;
  prov.overrides = sc.overrides;
  prov.model = sc.model.name;
  prov.seed = sc.run.seed;
  prov.threads = static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  prov.build_seconds = build_s;
  prov.run_seconds = run_s;
  prov.finished_utc = utc_now();
  write_run(o.output, result, g, prov);
  if (!o.quiet) print_summary(sc, g, result, build_s, run_s, o.output);
  return 0;
}

int validate(const Options& o) {
  const Scenario sc = load_scenario(o.scenario, o.overrides);
  std::cout << "# " << sc.path.string() << ": valid. Resolved scenario (defaults filled in):\n"
            << resolved_scenario_toml(sc);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wom: agent-based simulator of word of mouth (sponsored posts, referrals, cascades)", "wom"};
  app.set_version_flag("--version", std::string("wom ") + kVersion + " (commit " + kGitCommit + ")");
  app.require_subcommand(1);
  Options o;

  auto* run_cmd = app.add_subcommand("run", "Run a scenario and write its time series and summaries to HDF5");
  run_cmd->add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
  run_cmd->add_option("-o,--output", o.output, "Output HDF5 file (written atomically)")->required();
  run_cmd->add_option("-t,--threads", o.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 4096));
  run_cmd->add_option("--seed", o.seed, "Master seed, overriding [run] seed")->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--set", o.overrides, "Override a scenario key: --set model.probability=0.05 (repeatable)");
  run_cmd->add_flag("-f,--force", o.force, "Replace the output file if it exists");
  run_cmd->add_flag("-q,--quiet", o.quiet, "Print nothing on success");

  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario and print it with every default filled in");
  validate_cmd->add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
  validate_cmd->add_option("--set", o.overrides, "Override a scenario key (repeatable)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitInput;
  }

  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  try {
    const tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                                      o.threads > 0 ? static_cast<std::size_t>(o.threads)
                                                    : static_cast<std::size_t>(tbb::info::default_concurrency()));
    if (run_cmd->parsed()) return run(o, command_line);
    return validate(o);
  } catch (const InputError& e) {
    std::cerr << "wom: error: " << e.what() << '\n';
    return kExitInput;
  } catch (const IoError& e) {
    std::cerr << "wom: error: " << e.what() << '\n';
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "wom: internal error: " << e.what() << '\n';
    return 1;
  }
}
