// SPDX-License-Identifier: MIT
#include "output/run_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <ctime>
#include <functional>
#include <numeric>
#include <system_error>

#include "output/atomic_file.hpp"
#include "output/hdf5_file.hpp"
#include "output/summary_rows.hpp"
#include "sim/error.hpp"
#include "sim/network/neighbourhood.hpp"
#include "sim/version.hpp"

namespace wom {
namespace {

using namespace output_rows;

/// Bumped whenever a reader would need to change; docs/output.md describes each version.
constexpr int kFormatVersion = 1;

/// Chunk shape of the [replicate, step] series: 64 x 1024 uint64 = 512 KiB at most, and a
/// whole typical run (tens of replicates, hundreds of steps) in one chunk.
constexpr hsize_t kSeriesChunkRows = 64;
constexpr hsize_t kSeriesChunkColumns = 1024;
/// Per-agent data are read one replicate at a time: chunks of one row, 1 MiB of int32.
constexpr hsize_t kAgentChunk = 256 * 1024;
/// gzip level 4: nearly the ratio of 9 at a fraction of the time on these counts.
constexpr int kDeflateLevel = 4;

/// A [replicate, channel, step] series of RunResult.
template <class T>
struct ChannelSeriesSpec {
  const char* name;
  std::vector<T> RunResult::*values;
  const char* units;
  const char* long_name;
};

/// A RunResult whose arrays disagree with its sizes is a bug upstream, not an I/O problem;
/// catching it here keeps a malformed file from ever being written.
void check_consistent(const RunResult& result, const Graph& graph) {
  const std::size_t cells = std::size_t{result.replicates} * result.columns();
  const auto require = [](bool ok, const std::string& what) {
    if (!ok) throw Error("write_run: inconsistent RunResult (a bug): " + what);
  };
  require(result.steps >= 0, "steps = " + std::to_string(result.steps));
  for (const SeriesSpec& spec : kSeries) {
    require((result.*spec.values).size() == cells,
            std::string(spec.name) + " has " + std::to_string((result.*spec.values).size()) +
                " values, expected replicates x (steps + 1) = " + std::to_string(cells));
  }
  require(result.summaries.size() == result.replicates,
          std::to_string(result.summaries.size()) + " summaries for " +
              std::to_string(result.replicates) + " replicates");
  require(result.adoption_step.empty() ||
              result.adoption_step.size() == std::size_t{result.replicates} * result.agents,
          "adoption_step has " + std::to_string(result.adoption_step.size()) + " values, expected " +
              "replicates x agents");
  require(graph.num_nodes() == result.agents, "graph has " + std::to_string(graph.num_nodes()) +
                                                  " agents, result " + std::to_string(result.agents));
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string joined;
  for (const std::string& line : lines) {
    if (!joined.empty()) joined += '\n';
    joined += line;
  }
  return joined;
}

void write_root_attributes(h5::Group& file, const RunResult& result, const Graph& graph,
                           const Provenance& provenance) {
  write_provenance(file, provenance);
  file.set_attribute("agents", std::uint64_t{result.agents});
  file.set_attribute("arcs", std::uint64_t{arcs_of(graph)});  // n(n-1) on the implicit complete graph
  file.set_attribute("directed", std::int32_t{graph.directed() ? 1 : 0});
  file.set_attribute("replicates", std::uint32_t{result.replicates});
  file.set_attribute("steps", std::int32_t{result.steps});
  file.set_attribute("step_hours", result.step_hours);
}

/// /series: the [replicate, channel, step] channel series and the money series.
void write_channel_series(h5::Group& series, const RunResult& result, const h5::Dataset& replicate,
                          const h5::Dataset& time, const h5::Dataset& step) {
  h5::Dataset channel = series.write_strings("channel", result.channel_names);
  channel.make_scale("channel");
  channel.set_attribute("long_name", "channel: seed, friends (word of mouth), spontaneous, then the scenario's");
  const std::size_t columns = result.columns();
  const h5::Storage storage{{1, result.channels(), kSeriesChunkColumns}, kDeflateLevel, true};
  const hsize_t shape[] = {result.replicates, result.channels(), columns};
  const auto describe = [&](h5::Dataset& data, const char* units, const char* long_name) {
    data.describe(units, long_name, {{"replicate", {&replicate}}, {"channel", {&channel}}, {"step", {&time, &step}}});
  };
  h5::Dataset exposures = series.write_dataset<std::uint64_t>("channel_exposures", shape, result.channel_exposures, storage);
  describe(exposures, "exposures", "exposures each channel made at this step (friends: arcs)");
  h5::Dataset adoptions = series.write_dataset<std::uint64_t>("channel_adoptions", shape, result.channel_adoptions, storage);
  describe(adoptions, "agents", "adoptions each channel tipped at this step");
  h5::Dataset spend = series.write_dataset<std::int64_t>("channel_spend_cents", shape, result.channel_spend_cents, storage);
  describe(spend, "cents", "dollars (in cents) each channel spent at this step");

  const hsize_t money_shape[] = {result.replicates, columns};
  h5::Dataset money = series.write_dataset<std::int64_t>("money_raised_cents", money_shape, result.money_cents,
                                                         {{kSeriesChunkRows, kSeriesChunkColumns}, kDeflateLevel, true});
  money.describe("cents", "donations raised by the end of this step (cumulative)",
                 {{"replicate", {&replicate}}, {"step", {&time, &step}}});
}

/// /series/layer and /series/layer_adoptions [replicate, layer, step]: word of mouth per layer.
void write_layer_series(h5::Group& series, const RunResult& result, const h5::Dataset& replicate,
                        const h5::Dataset& time, const h5::Dataset& step) {
  h5::Dataset layer = series.write_strings("layer", result.layer_names);
  layer.make_scale("layer");
  layer.set_attribute("long_name", "network layer ([network] name, then each [[network.layer]])");
  const hsize_t shape[] = {result.replicates, result.layers(), result.columns()};
  h5::Dataset data = series.write_dataset<std::uint64_t>(
      "layer_adoptions", shape, result.layer_adoptions, {{1, result.layers(), kSeriesChunkColumns}, kDeflateLevel, true});
  data.describe("agents", "adoptions word of mouth tipped over this layer at this step",
                {{"replicate", {&replicate}}, {"layer", {&layer}}, {"step", {&time, &step}}});
}

/// Memory layout of one /referral_tree/edges row and one /summary/cascade row.
struct TreeRow {
  std::uint32_t replicate;
  std::int32_t step;
  std::uint64_t adopter;
  std::int64_t source;  ///< input id, -1: none
  std::uint8_t channel;
  std::uint8_t layer;
};
struct CascadeRow {
  std::uint32_t replicate;
  Step depth;
  std::uint64_t largest_generation;
  std::uint64_t trees;
  std::uint64_t largest_tree;
  double structural_virality;
};

/// /referral_tree/edges: every adoption with who tipped it.
void write_referral_tree(h5::Group& file, const RunResult& result, const Graph& graph) {
  std::vector<TreeRow> rows;
  for (std::uint32_t r = 0; r < result.replicates; ++r)
    for (const TreeEdge& e : result.referral_tree[r])
      rows.push_back({r, e.step, graph.label(e.adopter),
                      e.source == kNoNode ? std::int64_t{-1} : static_cast<std::int64_t>(graph.label(e.source)),
                      e.channel, e.layer});
  h5::CompoundType type(sizeof(TreeRow));
  type.add<std::uint32_t>("replicate", offsetof(TreeRow, replicate))
      .add<std::int32_t>("step", offsetof(TreeRow, step))
      .add<std::uint64_t>("adopter", offsetof(TreeRow, adopter))
      .add<std::int64_t>("source", offsetof(TreeRow, source))
      .add<std::uint8_t>("channel", offsetof(TreeRow, channel))
      .add<std::uint8_t>("layer", offsetof(TreeRow, layer));
  h5::Group tree = file.create_group("referral_tree");
  h5::Dataset edges = tree.write_table<TreeRow>("edges", type, rows);
  edges.set_attribute("long_name", "every adoption: replicate, step, adopter, the agent whose exposure tipped it "
                                   "(source, -1: none), channel and layer; by replicate, step, adopter");

}

/// /summary/cascade: each replicate's cascade metrics.
void write_cascades(h5::Group& summary, const RunResult& result) {
  std::vector<CascadeRow> metrics;
  for (std::uint32_t r = 0; r < result.replicates; ++r) {
    const CascadeMetrics& m = result.cascades[r];
    metrics.push_back({r, m.depth, m.largest_generation, m.trees, m.largest_tree, m.structural_virality});
  }
  h5::CompoundType cascade_type(sizeof(CascadeRow));
  cascade_type.add<std::uint32_t>("replicate", offsetof(CascadeRow, replicate))
      .add<Step>("depth", offsetof(CascadeRow, depth))
      .add<std::uint64_t>("largest_generation", offsetof(CascadeRow, largest_generation))
      .add<std::uint64_t>("trees", offsetof(CascadeRow, trees))
      .add<std::uint64_t>("largest_tree", offsetof(CascadeRow, largest_tree))
      .add<double>("structural_virality", offsetof(CascadeRow, structural_virality));
  h5::Dataset table = summary.write_table<CascadeRow>("cascade", cascade_type, metrics);
  table.set_attribute("long_name", "cascade metrics of each replicate's referral forest (structural virality: "
                                   "mean distance over pairs in the same tree, NaN without such a pair)");
}

/// /series: the four [replicate, step] series with their dimension scales. Returns the
/// replicate scale, which per-agent data share.
h5::Dataset write_series(h5::Group& file, const RunResult& result) {
  h5::Group series = file.create_group("series");
  const std::size_t columns = result.columns();

  std::vector<std::uint32_t> replicates(result.replicates);
  std::iota(replicates.begin(), replicates.end(), 0U);
  std::vector<std::int32_t> steps(columns);
  std::iota(steps.begin(), steps.end(), 0);
  std::vector<double> hours(columns);
  std::transform(steps.begin(), steps.end(), hours.begin(),
                 [&](std::int32_t t) { return t * result.step_hours; });

  h5::Dataset replicate = series.write_scale("replicate", replicates, nullptr, "replicate index");
  const h5::Dataset time = series.write_scale("time_hours", hours, "hours", "time since the run began");
  const h5::Dataset step = series.write_scale("step", steps, "steps", "step index (0: seeds)");

  const hsize_t shape[] = {result.replicates, columns};
  const h5::Storage storage{{kSeriesChunkRows, kSeriesChunkColumns}, kDeflateLevel, true};
  for (const SeriesSpec& spec : kSeries) {
    h5::Dataset data =
        series.write_dataset<std::uint64_t>(spec.name, shape, result.*spec.values, storage);
    // time_hours first: h5py's ds.dims[1][0] is the first scale attached.
    data.describe(spec.units, spec.long_name, {{"replicate", {&replicate}}, {"step", {&time, &step}}});
  }
  if (!result.channel_names.empty()) write_channel_series(series, result, replicate, time, step);
  if (!result.layer_adoptions.empty()) write_layer_series(series, result, replicate, time, step);
  return replicate;
}

/// /summary/replicates: one row of ReplicateSummary per replicate.
void write_summary(h5::Group& file, const RunResult& result) {
  std::vector<SummaryRow> rows;
  rows.reserve(result.replicates);
  for (std::uint32_t r = 0; r < result.replicates; ++r) rows.push_back(summary_row(r, result.summaries[r]));
  const h5::CompoundType type = summary_type();
  h5::Group summary = file.create_group("summary");
  h5::Dataset table = summary.write_table<SummaryRow>("replicates", type, rows);
  table.set_attribute("long_name", "summary of each replicate (steps are -1 where undefined)");
  if (!result.cascades.empty()) write_cascades(summary, result);

  if (result.channel_names.empty()) return;
  // Per-channel totals [replicate, channel].
  const hsize_t shape[] = {result.replicates, result.channels()};
  h5::Dataset adoptions = summary.write_dataset<std::uint64_t>("channel_adoptions", shape, result.total_channel_adoptions);
  adoptions.set_attribute("units", "agents");
  adoptions.set_attribute("long_name", "adoptions each channel tipped, per replicate");
  h5::Dataset spend = summary.write_dataset<std::int64_t>("channel_spend_cents", shape, result.total_channel_spend_cents);
  spend.set_attribute("units", "cents");
  spend.set_attribute("long_name", "what each channel spent, per replicate");
  if (result.total_layer_adoptions.empty()) return;
  const hsize_t layer_shape[] = {result.replicates, result.layers()};
  h5::Dataset layers = summary.write_dataset<std::uint64_t>("layer_adoptions", layer_shape, result.total_layer_adoptions);
  layers.set_attribute("units", "agents");
  layers.set_attribute("long_name", "adoptions word of mouth tipped over each layer, per replicate");
}

/// /agents: adoption step of every agent in every replicate, and the agents' input ids.
void write_agents(h5::Group& file, const h5::Dataset& replicate, const RunResult& result,
                  const Graph& graph) {
  h5::Group agents = file.create_group("agents");
  std::vector<std::uint64_t> labels = graph.labels();
  if (labels.empty()) {  // no remapping happened: agent i is input id i
    labels.resize(result.agents);
    std::iota(labels.begin(), labels.end(), std::uint64_t{0});
  }
  const hsize_t label_shape[] = {labels.size()};
  h5::Dataset label = agents.write_dataset<std::uint64_t>("label", label_shape, labels,
                                                         {{kAgentChunk / 2}, kDeflateLevel, true});
  label.make_scale("label");
  label.set_attribute("long_name", "input id of the agent (edge-list id; the index when generated)");
  // netCDF-4 looks a dimension up only in the variable's own group and its parents, and
  // takes the last scale attached to it: without a replicate scale of its own, /agents
  // would make the whole file unreadable by netCDF-C. Attached after /series/replicate,
  // which h5py still lists first.
  std::vector<std::uint32_t> replicates(result.replicates);
  std::iota(replicates.begin(), replicates.end(), 0U);
  const hsize_t replicate_shape[] = {replicates.size()};
  h5::Dataset own_replicate = agents.write_dataset<std::uint32_t>("replicate", replicate_shape, replicates);
  own_replicate.make_scale("replicate");
  own_replicate.set_attribute("long_name", "replicate index (same values as /series/replicate)");

  const hsize_t shape[] = {result.replicates, result.agents};
  h5::Dataset adoption = agents.write_dataset<Step>("adoption_step", shape, result.adoption_step,
                                                    {{1, kAgentChunk}, kDeflateLevel, true});
  adoption.describe("steps", "step at which the agent adopted (-1: never)",
                    {{"replicate", {&replicate, &own_replicate}}, {"agent", {&label}}});
}

void write_contents(h5::Group& file, const RunResult& result, const Graph& graph,
                    const Provenance& provenance) {
  write_root_attributes(file, result, graph, provenance);
  const h5::Dataset replicate = write_series(file, result);
  write_summary(file, result);
  if (!result.cascades.empty()) write_referral_tree(file, result, graph);
  if (!result.adoption_step.empty()) write_agents(file, replicate, result, graph);
}

/// The one atomic writer of every wom file (output/atomic_file.hpp).
constexpr auto& write_atomically = write_hdf5_atomically;

}  // namespace

void write_provenance(h5::Group& file, const Provenance& provenance) {
  file.set_attribute("format_version", std::int32_t{kFormatVersion});
  file.set_attribute("wom_version", kVersion);
  file.set_attribute("git_commit", kGitCommit);
  file.set_attribute("scenario_path", provenance.scenario_path);
  file.set_attribute("scenario", provenance.scenario_text);
  file.set_attribute("overrides", join_lines(provenance.overrides));
  file.set_attribute("command_line", provenance.command_line);
  file.set_attribute("model", provenance.model);
  file.set_attribute("seed", std::uint64_t{provenance.seed});
  file.set_attribute("threads", std::int32_t{provenance.threads});
  file.set_attribute("started_utc", provenance.started_utc);
  file.set_attribute("finished_utc", provenance.finished_utc);
  file.set_attribute("build_seconds", provenance.build_seconds);
  file.set_attribute("run_seconds", provenance.run_seconds);
}

void write_run(const std::filesystem::path& path, const RunResult& result, const Graph& graph,
               const Provenance& provenance) {
  check_consistent(result, graph);
  write_atomically(path, [&](h5::File& file) { write_contents(file, result, graph, provenance); });
}

void write_comparison(const std::filesystem::path& path, const std::vector<ComparisonVariant>& variants,
                      const ComparisonTable& table, const std::string& command_line) {
  for (const auto& v : variants) check_consistent(*v.result, *v.graph);
  write_atomically(path, [&](h5::File& file) {
    file.set_attribute("format_version", std::int32_t{kFormatVersion});
    file.set_attribute("kind", "comparison");
    file.set_attribute("wom_version", kVersion);
    file.set_attribute("git_commit", kGitCommit);
    file.set_attribute("command_line", command_line);
    h5::Group group = file.create_group("variants");
    for (const auto& v : variants) {
      h5::Group g = group.create_group(v.name);
      write_contents(g, *v.result, *v.graph, v.provenance);
    }
    h5::Group comparison = file.create_group("comparison");
    comparison.write_strings("variant", table.variants);
    comparison.write_strings("metric", table.metrics);
    const hsize_t shape[] = {table.variants.size(), table.metrics.size()};
    h5::Dataset mean = comparison.write_dataset<double>("mean", shape, table.mean);
    mean.set_attribute("long_name", "mean over replicates of each metric, [variant, metric]");
    h5::Dataset half = comparison.write_dataset<double>("ci95_half_width", shape, table.ci95);
    half.set_attribute("long_name", "half-width of the 95% confidence interval of the mean (Student t)");
  });
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[sizeof "2026-11-25T22:38:43Z"];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace wom
