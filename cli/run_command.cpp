// SPDX-License-Identifier: MIT
// `wom run SCENARIO -o OUT.h5`: simulate every replicate of one scenario and write them.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "output/run_writer.hpp"
#include "scenarios/pipeline.hpp"
#include "scenarios/schema.hpp"
#include "sim/error.hpp"
#include "sim/network/neighbourhood.hpp"

namespace wom::cli {
namespace run_command {

struct Options {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  std::string seed;
  bool force = false;
  bool quiet = false;
  bool dry_run = false;
};

/// Mean and 95% CI over replicates of one summary field; NaN entries (undefined steps) skipped.
template <class F>
std::pair<double, double> over_replicates(const RunResult& r, F value) {
  double sum = 0, sum2 = 0;
  std::size_t n = 0;
  for (const auto& s : r.summaries) {
    const double v = value(s);
    if (std::isnan(v)) continue;
    sum += v;
    sum2 += v * v;
    ++n;
  }
  return mean_ci95(sum, sum2, n);
}

void print_summary(const PreparedScenario& p, const RunResult& r, double run_s, const std::string& out) {
  const Scenario& sc = p.scenario();
  const Graph& g = p.graph();
  const auto step = [](Step s) { return s < 0 ? NAN : static_cast<double>(s); };
  std::printf("%s: %s on %u agents, %llu arcs; %u replicates x %d steps\n", sc.path.string().c_str(),
              sc.model.name.c_str(), g.num_nodes(), static_cast<unsigned long long>(arcs_of(g)), r.replicates,
              r.steps);
  std::printf("  %-22s %14s %12s\n", "metric", "mean", "95% CI +/-");
  const auto row = [](const char* name, std::pair<double, double> v, int decimals) {
    std::printf("  %-22s %14.*f %12.*f\n", name, decimals, v.first, decimals, v.second);
  };
  row("final adopters", over_replicates(r, [](auto& s) { return double(s.final_adopters); }), 1);
  row("final fraction", over_replicates(r, [](auto& s) { return s.final_fraction; }), 5);
  row("peak step", over_replicates(r, [&](auto& s) { return step(s.peak_step); }), 2);
  row("steps to 50% of final", over_replicates(r, [&](auto& s) { return step(s.steps_to_50); }), 2);
  row("steps to 90% of final", over_replicates(r, [&](auto& s) { return step(s.steps_to_90); }), 2);
  row("exposures (arcs)", over_replicates(r, [](auto& s) { return double(s.exposures); }), 1);
  const bool money = std::any_of(r.summaries.begin(), r.summaries.end(), [](auto& s) { return s.money_cents > 0; });
  if (money) {
    row("money raised ($)", over_replicates(r, [](auto& s) { return s.money_cents / 100.0; }), 2);
    row("money in 24 h ($)", over_replicates(r, [](auto& s) { return s.money_24h_cents / 100.0; }), 2);
    row("donors", over_replicates(r, [](auto& s) { return double(s.donors); }), 1);
    row("hours to goal", over_replicates(r, [&](auto& s) { return step(s.goal_step) * r.step_hours; }), 2);
  }
  if (r.layers() > 1) {  // word of mouth per layer
    for (std::size_t l = 0; l < r.layers(); ++l) {
      double sum = 0, sum2 = 0;
      for (std::uint32_t i = 0; i < r.replicates; ++i) {
        const double v = double(r.total_layer_adoptions[i * r.layers() + l]);
        sum += v;
        sum2 += v * v;
      }
      row(("word of mouth: " + r.layer_names[l]).c_str(), mean_ci95(sum, sum2, r.replicates), 1);
    }
  }
  if (!r.cascades.empty()) {
    const auto cascade = [&](auto value) {
      double sum = 0, sum2 = 0;
      std::size_t n = 0;
      for (const CascadeMetrics& c : r.cascades) {
        const double v = value(c);
        if (std::isnan(v)) continue;
        sum += v;
        sum2 += v * v;
        ++n;
      }
      return mean_ci95(sum, sum2, n);
    };
    row("cascade depth", cascade([](const CascadeMetrics& c) { return c.depth < 0 ? NAN : double(c.depth); }), 2);
    row("largest generation", cascade([](const CascadeMetrics& c) { return double(c.largest_generation); }), 1);
    row("structural virality", cascade([](const CascadeMetrics& c) { return c.structural_virality; }), 3);
  }
  std::printf("  build %.3f s, run %.3f s (%.3g s per replicate); wrote %s\n", p.build_seconds(), run_s,
              run_s / r.replicates, out.c_str());
}

/// --dry-run: everything a run checks and builds, then the resolved scenario and the
/// network's size instead of a simulation. Writes nothing.
int dry_run(const Options& o, const PreparedScenario& prepared) {
  if (!o.output.empty()) check_output_path(o.output, o.force);
  const Scenario& sc = prepared.scenario();
  const Graph& g = prepared.graph();
  std::printf("# %s: valid. Resolved scenario (defaults filled in):\n%s", sc.path.string().c_str(),
              resolved_scenario_toml(sc).c_str());
  std::printf("# network: %u agents, %llu arcs (%s), mean out-degree %.3g; built in %.3f s\n", g.num_nodes(),
              static_cast<unsigned long long>(arcs_of(g)), g.directed() ? "directed" : "undirected: 2 arcs per edge",
              g.num_nodes() ? static_cast<double>(arcs_of(g)) / g.num_nodes() : 0.0, prepared.build_seconds());
  std::printf("# dry run: %u replicates x %d steps not simulated; nothing written\n", sc.run.replicates,
              sc.run.steps);
  return 0;
}

int run(const Options& o, const Invocation& inv) {
  if (o.output.empty() && !o.dry_run) throw InputError("run: --output is required (or --dry-run)");
  Provenance prov;
  prov.started_utc = utc_now();
  auto overrides = o.overrides;
  if (!o.seed.empty()) overrides.push_back("run.seed=" + o.seed);
  const PreparedScenario prepared(load_scenario(o.scenario, overrides));
  if (o.dry_run) return dry_run(o, prepared);
  check_output_path(o.output, o.force);

  const auto t0 = std::chrono::steady_clock::now();
  EngineOptions engine = prepared.engine_options();
  Progress progress("run", engine.replicates, "replicates", Progress::wanted(o.quiet));
  engine.on_replicate_done = progress.callback();
  const RunResult result = prepared.simulate(engine);
  progress.finish();
  const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const Scenario& sc = prepared.scenario();
  describe_scenario(prov, sc, inv.command_line);
  prov.build_seconds = prepared.build_seconds();
  prov.run_seconds = run_s;
  prov.finished_utc = utc_now();
  write_run(o.output, result, prepared.graph(), prov);
  if (!o.quiet) print_summary(prepared, result, run_s, o.output);
  return 0;
}

}  // namespace run_command

Command add_run_command(CLI::App& wom, Invocation& invocation) {
  auto o = std::make_shared<run_command::Options>();
  CLI::App* app = wom.add_subcommand("run", "Run a scenario and write its time series and summaries to HDF5");
  app->add_option("scenario", o->scenario, "Scenario file (TOML)")->required();
  app->add_option("-o,--output", o->output, "Output HDF5 file (written atomically); required unless --dry-run");
  app->add_option("--seed", o->seed, "Master seed, overriding [run] seed")->check(seed_check());
  app->add_option("--set", o->overrides, "Override a scenario key: --set model.probability=0.05 (repeatable)");
  add_threads_option(*app, invocation);
  app->add_flag("-f,--force", o->force, "Replace the output file if it exists");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success (and no progress bar)");
  app->add_flag("-n,--dry-run", o->dry_run,
                "Validate, build the network, print the resolved scenario and the network's size; simulate and write nothing");
  return {app, [o](const Invocation& inv) { return run_command::run(*o, inv); }};
}

}  // namespace wom::cli
