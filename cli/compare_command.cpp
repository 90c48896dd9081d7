// SPDX-License-Identifier: MIT
// `wom compare A.toml B.toml ... -o OUT.h5`: run several scenarios with common random
// numbers (the same seed, so replicate r of every scenario draws from the same streams) and
// print, and write, a side-by-side table with 95% confidence intervals over replicates.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "output/run_writer.hpp"
#include "scenarios/pipeline.hpp"

namespace wom::cli {
namespace compare_command {

struct Options {
  std::vector<std::string> scenarios;
  std::string output;
  std::vector<std::string> overrides;
  std::string seed;
  bool force = false;
  bool quiet = false;
};

struct Variant {
  std::string name;
  std::unique_ptr<PreparedScenario> prepared;
  RunResult result;
  double run_seconds = 0;
};

/// One row of the table: how to read a metric off one replicate (NaN: undefined there).
struct Metric {
  std::string name;
  std::function<double(const RunResult&, std::uint32_t)> value;
};

std::vector<Metric> metrics_for(const std::vector<Variant>& variants) {
  std::vector<Metric> m;
  m.push_back({"adopters (final)", [](const RunResult& r, std::uint32_t i) { return double(r.summaries[i].final_adopters); }});
  m.push_back({"reach (agents exposed)", [](const RunResult& r, std::uint32_t i) { return double(r.summaries[i].reach); }});
  std::vector<std::string> channels;  // union, in order of first appearance
  for (const auto& v : variants)
    for (const auto& c : v.result.channel_names)
      if (std::find(channels.begin(), channels.end(), c) != channels.end() || c == "spontaneous") continue;
      else channels.push_back(c);
  for (const auto& c : channels) {
    m.push_back({"adoptions: " + c, [c](const RunResult& r, std::uint32_t i) {
                   const auto it = std::find(r.channel_names.begin(), r.channel_names.end(), c);
                   if (it == r.channel_names.end()) return 0.0;
                   return double(r.total_channel_adoptions[i * r.channels() + std::size_t(it - r.channel_names.begin())]);
                 }});
  }
  m.push_back({"spend ($)", [](const RunResult& r, std::uint32_t i) { return r.summaries[i].spend_cents / 100.0; }});
  // What the money bought: spend over the adoptions credited to paid channels (all but
  // seeds, friends and spontaneous), per replicate; undefined where nothing was bought.
  m.push_back({"cost per paid adoption ($)", [](const RunResult& r, std::uint32_t i) {
                 double paid = 0;
                 for (std::size_t c = kFirstCampaignChannel; c < r.channels(); ++c) paid += double(r.total_channel_adoptions[i * r.channels() + c]);
                 const auto spend = r.summaries[i].spend_cents;
                 return spend > 0 && paid > 0 ? spend / 100.0 / paid : NAN;
               }});
  m.push_back({"hours to 50% of final", [](const RunResult& r, std::uint32_t i) {
                 const Step s = r.summaries[i].steps_to_50;
                 return s < 0 ? NAN : s * r.step_hours;
               }});
  const bool money = std::any_of(variants.begin(), variants.end(), [](const Variant& v) {
    return std::any_of(v.result.summaries.begin(), v.result.summaries.end(), [](const auto& s) { return s.money_cents != 0; });
  });
  if (money) {  // only fundraisers raise money: no rows of zeros for the others
    m.push_back({"money raised ($)", [](const RunResult& r, std::uint32_t i) { return r.summaries[i].money_cents / 100.0; }});
    m.push_back({"money in first 24 h ($)", [](const RunResult& r, std::uint32_t i) { return r.summaries[i].money_24h_cents / 100.0; }});
    m.push_back({"donors", [](const RunResult& r, std::uint32_t i) { return double(r.summaries[i].donors); }});
    m.push_back({"hours to goal", [](const RunResult& r, std::uint32_t i) {
                   const Step s = r.summaries[i].goal_step;
                   return s < 0 ? NAN : s * r.step_hours;
                 }});
  }
  return m;
}

ComparisonTable tabulate(const std::vector<Variant>& variants) {
  ComparisonTable t;
  const auto metrics = metrics_for(variants);
  for (const auto& v : variants) t.variants.push_back(v.name);
  for (const auto& m : metrics) t.metrics.push_back(m.name);
  for (const auto& v : variants) {
    for (const auto& m : metrics) {
      double sum = 0, sum2 = 0;
      std::size_t n = 0;
      for (std::uint32_t i = 0; i < v.result.replicates; ++i) {
        const double x = m.value(v.result, i);
        if (std::isnan(x)) continue;
        sum += x;
        sum2 += x * x;
        ++n;
      }
      const auto [mean, ci] = mean_ci95(sum, sum2, n);
      t.mean.push_back(mean);
      t.ci95.push_back(ci);
    }
  }
  return t;
}

void print_table(const ComparisonTable& t, const std::vector<Variant>& variants) {
  constexpr int kMetricWidth = 26, kColumn = 24;
  std::printf("%-*s", kMetricWidth, "metric (mean ± 95% CI)");
  for (const auto& v : t.variants) std::printf(" %*s", kColumn, v.c_str());
  std::printf("\n");
  for (std::size_t m = 0; m < t.metrics.size(); ++m) {
    std::printf("%-*s", kMetricWidth, t.metrics[m].c_str());
    const int decimals = t.metrics[m].find("($)") != std::string::npos ? 2 : 1;
    for (std::size_t v = 0; v < t.variants.size(); ++v) {
      const double mean = t.mean[v * t.metrics.size() + m], ci = t.ci95[v * t.metrics.size() + m];
      char cell[64];
      if (std::isnan(mean)) std::snprintf(cell, sizeof cell, "-");
      else if (std::isnan(ci)) std::snprintf(cell, sizeof cell, "%.*f", decimals, mean);
      else std::snprintf(cell, sizeof cell, "%.*f ± %.*f", decimals, mean, decimals, ci);
      // "±" is two bytes in UTF-8 but one column: pad by display width.
      const int pad = kColumn - static_cast<int>(std::string(cell).size()) + (std::isnan(ci) || std::isnan(mean) ? 0 : 1);
      std::printf(" %*s%s", std::max(pad, 0), "", cell);
    }
    std::printf("\n");
  }
  for (const auto& v : variants) {
    std::printf("  %s: %s, %s on %u agents; %u replicates x %d steps of %g h, run %.3f s\n", v.name.c_str(),
                v.prepared->scenario().path.string().c_str(), v.prepared->scenario().model.name.c_str(),
                v.prepared->graph().num_nodes(), v.result.replicates, v.result.steps, v.result.step_hours, v.run_seconds);
  }
}

int run(const Options& o, const Invocation& inv) {
  auto overrides = o.overrides;
  if (!o.seed.empty()) overrides.push_back("run.seed=" + o.seed);
  std::vector<Variant> variants;
  std::map<std::string, int> seen;
  for (const auto& path : o.scenarios) {  // load and validate everything before running anything
    Variant v;
    v.prepared = std::make_unique<PreparedScenario>(load_scenario(path, overrides));
    v.name = v.prepared->scenario().path.stem().string();
    if (seen[v.name]++ > 0) v.name += "#" + std::to_string(seen[v.name]);
    variants.push_back(std::move(v));
  }
  check_output_path(o.output, o.force);
  const std::string started = utc_now();
  for (auto& v : variants) {
    const auto t0 = std::chrono::steady_clock::now();
    v.result = v.prepared->simulate();
    v.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const ComparisonTable table = tabulate(variants);
  std::vector<ComparisonVariant> written;
  for (const auto& v : variants) {
    const Scenario& sc = v.prepared->scenario();
    Provenance p;
    describe_scenario(p, sc, inv.command_line);
    p.started_utc = started;
    p.finished_utc = utc_now();
    p.build_seconds = v.prepared->build_seconds();
    p.run_seconds = v.run_seconds;
    written.push_back({v.name, &v.result, &v.prepared->graph(), p});
  }
  write_comparison(o.output, written, table, inv.command_line);
  if (!o.quiet) {
    print_table(table, variants);
    std::printf("  wrote %s\n", o.output.c_str());
  }
  return 0;
}

}  // namespace compare_command

Command add_compare_command(CLI::App& wom, Invocation& invocation) {
  auto o = std::make_shared<compare_command::Options>();
  CLI::App* app = wom.add_subcommand(
      "compare", "Run scenarios with common random numbers and compare them side by side (95% CIs over replicates)");
  app->add_option("scenarios", o->scenarios, "Scenario files (TOML), two or more")->required()->expected(2, 64);
  app->add_option("-o,--output", o->output, "Output HDF5 file: every run plus the table (written atomically)")
      ->required();
  app->add_option("--seed", o->seed, "Master seed for every scenario, overriding [run] seed")->check(seed_check());
  app->add_option("--set", o->overrides, "Override a key in every scenario: --set run.replicates=50 (repeatable)");
  add_threads_option(*app, invocation);
  app->add_flag("-f,--force", o->force, "Replace the output file if it exists");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return {app, [o](const Invocation& inv) { return compare_command::run(*o, inv); }};
}

}  // namespace wom::cli
