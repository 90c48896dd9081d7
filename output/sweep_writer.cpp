// SPDX-License-Identifier: MIT
#include "output/sweep_writer.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <numeric>
#include <optional>
#include <system_error>

#include "output/atomic_file.hpp"
#include "output/hdf5_file.hpp"
#include "output/summary_rows.hpp"
#include "sim/error.hpp"
#include "sim/version.hpp"

namespace wom {
namespace {

namespace fs = std::filesystem;
using namespace output_rows;
using h5::Handle;

/// Same layout version as run files: a sweep file is a new kind of file, not a new version.
constexpr int kFormatVersion = 1;
/// gzip level 1: a sweep holds tens of megabytes of mostly repeated counts, which level 1
/// writes several times faster than level 4 (run files) for about 10% more bytes.
constexpr int kDeflateLevel = 1;
/// Series chunks hold at most this many values (512 KiB of uint64): whole points, as many
/// as fit, so a point's replicates are read together.
constexpr hsize_t kChunkValues = 64 * 1024;

template <class R>
R check(R result, std::string_view action, std::string_view object, const fs::path& file) {
  if (result < 0) h5::throw_error(action, object, file);
  return result;
}


/// [replicate, channel, step] series, as in run files.
template <class T>
struct ChannelSeriesSpec {
  const char* name;
  ReplicateRows<T> RunResult::*values;
  const char* units;
  const char* long_name;
};
constexpr ChannelSeriesSpec<std::uint64_t> kChannelCounts[] = {
    {"channel_exposures", &RunResult::channel_exposures, "exposures",
     "exposures each channel made at this step (friends: arcs)"},
    {"channel_adoptions", &RunResult::channel_adoptions, "agents", "adoptions each channel tipped at this step"},
};
constexpr ChannelSeriesSpec<std::int64_t> kChannelSpend{"channel_spend_cents", &RunResult::channel_spend_cents, "cents",
                                                        "dollars (in cents) each channel spent at this step"};



ReplicateSummary from_row(const SummaryRow& row) {
  ReplicateSummary s;
  s.final_adopters = row.final_adopters;
  s.final_fraction = row.final_fraction;
  s.peak_step = row.peak_step;
  s.peak_adopters = row.peak_adopters;
  s.steps_to_50 = row.steps_to_50;
  s.steps_to_90 = row.steps_to_90;
  s.last_step = row.last_step;
  s.exposures = row.exposures;
  s.reach = row.reach;
  s.spend_cents = row.spend_cents;
  s.money_cents = row.money_cents;
  s.money_24h_cents = row.money_24h_cents;
  s.donors = row.donors;
  s.goal_step = row.goal_step;
  return s;
}

constexpr const char* kMetrics[] = {"final_adopters", "final_fraction", "peak_step",   "peak_adopters",   "steps_to_50",
                                    "steps_to_90",    "last_step",      "exposures",   "reach",           "spend_cents",
                                    "money_cents",    "money_24h_cents", "donors",     "goal_step"};
constexpr std::size_t kMetricCount = std::size(kMetrics);

/// Value of metric m in one replicate; NaN where undefined (a step of -1).
double metric_value(const ReplicateSummary& s, std::size_t m) {
  const auto step = [](Step t) { return t < 0 ? NAN : static_cast<double>(t); };
  switch (m) {
    case 0: return static_cast<double>(s.final_adopters);
    case 1: return s.final_fraction;
    case 2: return step(s.peak_step);
    case 3: return static_cast<double>(s.peak_adopters);
    case 4: return step(s.steps_to_50);
    case 5: return step(s.steps_to_90);
    case 6: return step(s.last_step);
    case 7: return static_cast<double>(s.exposures);
    case 8: return static_cast<double>(s.reach);
    case 9: return static_cast<double>(s.spend_cents);
    case 10: return static_cast<double>(s.money_cents);
    case 11: return static_cast<double>(s.money_24h_cents);
    case 12: return static_cast<double>(s.donors);
    default: return step(s.goal_step);
  }
}

/// One /summary/points element.
struct MetricCell {
  double mean, sd, ci95_low, ci95_high;
  std::uint32_t n;
};
struct PointStatsRow {
  std::uint32_t point;
  std::uint32_t replicates;
  MetricCell metric[kMetricCount];
};

h5::CompoundType point_stats_type() {
  h5::CompoundType type(sizeof(PointStatsRow));
  type.add<std::uint32_t>("point", offsetof(PointStatsRow, point))
      .add<std::uint32_t>("replicates", offsetof(PointStatsRow, replicates));
  for (std::size_t m = 0; m < kMetricCount; ++m) {
    const std::size_t base = offsetof(PointStatsRow, metric) + m * sizeof(MetricCell);
    const std::string name = kMetrics[m];
    type.add<double>(name + "_mean", base + offsetof(MetricCell, mean))
        .add<double>(name + "_sd", base + offsetof(MetricCell, sd))
        .add<double>(name + "_ci95_low", base + offsetof(MetricCell, ci95_low))
        .add<double>(name + "_ci95_high", base + offsetof(MetricCell, ci95_high))
        .add<std::uint32_t>(name + "_n", base + offsetof(MetricCell, n));
  }
  return type;
}

// ---- files -----------------------------------------------------------------------------------

std::string join_lines(const std::vector<std::string>& lines) {
  std::string joined;
  for (const std::string& line : lines) joined += (joined.empty() ? "" : "\n") + line;
  return joined;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) return out;
    start = nl + 1;
  }
}

std::string_view kind_name(SweepColumnKind kind) {
  switch (kind) {
    case SweepColumnKind::kBool: return "bool";
    case SweepColumnKind::kInt: return "int";
    case SweepColumnKind::kFloat: return "float";
    case SweepColumnKind::kString: return "string";
  }
  return "string";
}

// ---- HDF5 pieces the RAII layer does not cover (2-D and text tables) ---------------------

Handle string_type(std::string_view object, const fs::path& file) {
  Handle type(check(H5Tcopy(H5T_C_S1), "create string type for", object, file), H5Tclose);
  check(H5Tset_size(type.get(), H5T_VARIABLE), "create string type for", object, file);
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "create string type for", object, file);
  return type;
}

/// h5py's boolean: an int8 enum {FALSE = 0, TRUE = 1} (numpy reads it as bool).
Handle bool_type(hid_t base, std::string_view object, const fs::path& file) {
  Handle type(check(H5Tenum_create(base), "create boolean type for", object, file), H5Tclose);
  const std::int8_t no = 0, yes = 1;
  check(H5Tenum_insert(type.get(), "FALSE", &no), "create boolean type for", object, file);
  check(H5Tenum_insert(type.get(), "TRUE", &yes), "create boolean type for", object, file);
  return type;
}

void set_string_attribute(hid_t object, const std::string& name, const std::string& value, const std::string& path,
                          const fs::path& file) {
  const std::string where = "attribute '" + name + "' of " + path;
  const Handle type = string_type(where, file);
  const Handle space(check(H5Screate(H5S_SCALAR), "create dataspace for", where, file), H5Sclose);
  const Handle attribute(
      check(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), "create", where, file),
      H5Aclose);
  const char* data = value.c_str();
  check(H5Awrite(attribute.get(), type.get(), &data), "write", where, file);
}

/// Creates dataset `name` in `group` with the given types and writes `data` (row-major).
Handle create_dataset(const h5::Group& group, const std::string& name, hid_t file_type, hid_t memory_type,
                      std::span<const hsize_t> shape, const void* data) {
  const std::string path = group.path() + (group.path() == "/" ? "" : "/") + name;
  const fs::path& file = group.file_path();
  const Handle space(check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                           "create dataspace for", path, file),
                     H5Sclose);
  const Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "create property list for", path, file), H5Pclose);
  check(H5Pset_obj_track_times(dcpl.get(), false), "configure", path, file);
  Handle dataset(check(H5Dcreate2(group.id(), name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                                  H5P_DEFAULT),
                       "create", path, file),
                 H5Dclose);
  hsize_t elements = 1;
  for (const hsize_t n : shape) elements *= n;
  if (elements > 0) {
    check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write", path, file);
  }
  return dataset;
}

// ---- writing ---------------------------------------------------------------------------------

void check_consistent(const SweepHeader& h, std::span<const SweepRecord> records) {
  const auto require = [](bool ok, const std::string& what) {
    if (!ok) throw Error("write_sweep: inconsistent records (a bug): " + what);
  };
  const std::size_t cells = std::size_t{h.replicates} * (static_cast<std::size_t>(h.steps) + 1);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const SweepRecord& r = records[i];
    const std::string at = "point " + std::to_string(r.result.point) + ": ";
    require(i == 0 || records[i - 1].result.point < r.result.point, at + "records not sorted by point");
    require(r.result.point < h.total_points, at + "beyond the sweep's " + std::to_string(h.total_points) + " points");
    require(r.result.run.replicates == h.replicates && r.result.run.steps == h.steps, at + "replicates or steps differ");
    require(r.result.run.summaries.size() == h.replicates, at + "summaries");
    for (const SeriesSpec& s : kSeries) require((r.result.run.*s.values).size() == cells, at + s.name);
    require(r.values.size() == h.columns.size(), at + "values");
    const RunResult& run = r.result.run;
    const RunResult& first = records.front().result.run;
    require(run.channel_names == first.channel_names, at + "its channels differ from point " +
                                                          std::to_string(records.front().result.point) + "'s");
    const std::size_t channel_cells = cells * run.channels();
    require(run.money_cents.size() == cells, at + "money_cents");
    require(run.channel_exposures.size() == channel_cells && run.channel_adoptions.size() == channel_cells &&
                run.channel_spend_cents.size() == channel_cells,
            at + "channel series");
    require(run.total_channel_adoptions.size() == std::size_t{h.replicates} * run.channels() &&
                run.total_channel_spend_cents.size() == std::size_t{h.replicates} * run.channels(),
            at + "channel totals");
    for (std::size_t c = 0; c < h.columns.size(); ++c) {
      require(r.values[c].index() == static_cast<std::size_t>(h.columns[c].kind), at + h.columns[c].key);
    }
  }
}

void write_root_attributes(h5::File& file, const SweepHeader& h, std::span<const SweepRecord> records) {
  const Provenance& p = h.provenance;
  const SweepPointResult* first = records.empty() ? nullptr : &records.front().result;
  write_provenance(file, p);
  file.set_attribute("agents", std::uint64_t{first ? first->run.agents : 0});
  file.set_attribute("arcs", std::uint64_t{first ? first->arcs : 0});
  file.set_attribute("directed", std::int32_t{first && first->directed ? 1 : 0});
  file.set_attribute("replicates", std::uint32_t{h.replicates});
  file.set_attribute("steps", std::int32_t{h.steps});
  file.set_attribute("step_hours", h.step_hours);
  // Sweep only.
  file.set_attribute("sweep_design", h.design);
  file.set_attribute("sweep_points", std::uint32_t{h.total_points});
  std::vector<std::string> keys, kinds;
  for (const SweepColumn& c : h.columns) {
    keys.push_back(c.key);
    kinds.emplace_back(kind_name(c.kind));
  }
  file.set_attribute("sweep_parameters", join_lines(keys));
  file.set_attribute("sweep_parameter_types", join_lines(kinds));
  file.set_attribute("common_random_numbers", std::int32_t{h.common_random_numbers ? 1 : 0});
  file.set_attribute("sweep_seed", std::uint64_t{h.design_seed});
  file.set_attribute("sweep_hash", h.hash);
  file.set_attribute("shard", h.shard);
  file.set_attribute("mpi_ranks", std::int32_t{h.mpi_ranks});
  file.set_attribute("resumed_points", std::uint32_t{h.resumed_points});
  file.set_attribute("simulate_seconds", h.simulate_seconds);
}

void write_series(h5::File& file, const SweepHeader& h, std::span<const SweepRecord> records) {
  h5::Group series = file.create_group("series");
  const std::size_t columns = static_cast<std::size_t>(h.steps) + 1;
  std::vector<std::uint32_t> points;
  for (const SweepRecord& r : records) points.push_back(r.result.point);
  std::vector<std::uint32_t> replicates(h.replicates);
  std::iota(replicates.begin(), replicates.end(), 0U);
  std::vector<std::int32_t> steps(columns);
  std::iota(steps.begin(), steps.end(), 0);
  std::vector<double> hours(columns);
  std::transform(steps.begin(), steps.end(), hours.begin(), [&](std::int32_t t) { return t * h.step_hours; });

  const h5::Dataset point = series.write_scale("point", points, nullptr, "index of the point in the sweep");
  const h5::Dataset replicate = series.write_scale("replicate", replicates, nullptr, "replicate index");
  const h5::Dataset time = series.write_scale("time_hours", hours, "hours", "time since the run began");
  const h5::Dataset step = series.write_scale("step", steps, "steps", "step index (0: seeds)");

  const hsize_t shape[] = {records.size(), h.replicates, columns};
  const hsize_t c2 = std::min<hsize_t>(columns, 1024), c1 = std::min<hsize_t>(h.replicates, 64);
  const hsize_t c0 = std::max<hsize_t>(1, kChunkValues / std::max<hsize_t>(1, c1 * c2));
  const h5::Storage storage{{c0, c1, c2}, kDeflateLevel, true};
  const std::size_t cells = std::size_t{h.replicates} * columns;
  std::vector<std::uint64_t> values(records.size() * cells);
  for (const SeriesSpec& spec : kSeries) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& v = records[i].result.run.*spec.values;
      std::copy(v.begin(), v.end(), values.begin() + static_cast<std::ptrdiff_t>(i * cells));
    }
    h5::Dataset data = series.write_dataset<std::uint64_t>(spec.name, shape, values, storage);
    data.describe(spec.units, spec.long_name,
                  {{"point", {&point}}, {"replicate", {&replicate}}, {"step", {&time, &step}}});
  }

  std::vector<std::int64_t> money(records.size() * cells);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& v = records[i].result.run.money_cents;
    std::copy(v.begin(), v.end(), money.begin() + static_cast<std::ptrdiff_t>(i * cells));
  }
  h5::Dataset raised = series.write_dataset<std::int64_t>("money_raised_cents", shape, money, storage);
  raised.describe("cents", "donations raised by the end of this step (cumulative)",
                  {{"point", {&point}}, {"replicate", {&replicate}}, {"step", {&time, &step}}});

  // [point, replicate, channel, step], when the points have channels (every point the same).
  const std::vector<std::string> names = records.empty() ? std::vector<std::string>{}
                                                         : records.front().result.run.channel_names;
  if (names.empty()) return;
  h5::Dataset channel = series.write_strings("channel", names);
  channel.make_scale("channel");
  channel.set_attribute("long_name", "channel: seed, friends (word of mouth), spontaneous, then the scenario's");
  const hsize_t channels = names.size();
  const hsize_t channel_shape[] = {records.size(), h.replicates, channels, columns};
  const hsize_t k0 = std::max<hsize_t>(1, kChunkValues / std::max<hsize_t>(1, c1 * channels * c2));
  const h5::Storage channel_storage{{k0, c1, channels, c2}, kDeflateLevel, true};
  const std::size_t channel_cells = cells * channels;
  const auto write_channel = [&](const auto& spec) {
    using T = typename std::remove_reference_t<decltype(records.front().result.run.*spec.values)>::value_type;
    std::vector<T> all(records.size() * channel_cells);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& v = records[i].result.run.*spec.values;
      std::copy(v.begin(), v.end(), all.begin() + static_cast<std::ptrdiff_t>(i * channel_cells));
    }
    h5::Dataset data = series.write_dataset<T>(spec.name, channel_shape, all, channel_storage);
    data.describe(spec.units, spec.long_name,
                  {{"point", {&point}}, {"replicate", {&replicate}}, {"channel", {&channel}}, {"step", {&time, &step}}});
  };
  for (const auto& spec : kChannelCounts) write_channel(spec);
  write_channel(kChannelSpend);
}

void write_summaries(h5::File& file, const SweepHeader& h, std::span<const SweepRecord> records) {
  h5::Group summary = file.create_group("summary");
  std::vector<SummaryRow> rows;
  rows.reserve(records.size() * h.replicates);
  std::vector<PointStatsRow> stats;
  for (const SweepRecord& record : records) {
    const auto& sums = record.result.run.summaries;
    for (std::uint32_t r = 0; r < h.replicates; ++r) rows.push_back(summary_row(r, sums[r]));
    PointStatsRow row{};
    row.point = record.result.point;
    row.replicates = h.replicates;
    for (std::size_t m = 0; m < kMetricCount; ++m) {
      const MetricStats st = metric_stats(sums, m);
      row.metric[m] = {st.mean, st.sd, st.ci95_low, st.ci95_high, st.n};
    }
    stats.push_back(row);
  }
  const std::string path = "/summary/replicates";
  const h5::CompoundType type = summary_type();
  const Handle memory = type.make_memory_type(path, file.file_path());
  const Handle on_disk = type.make_file_type(path, file.file_path());
  const hsize_t shape[] = {records.size(), h.replicates};
  const Handle table = create_dataset(summary, "replicates", on_disk.get(), memory.get(), shape, rows.data());
  set_string_attribute(table.get(), "long_name", "summary of each replicate of each point (steps are -1 where undefined)",
                       path, file.file_path());

  h5::Dataset points = summary.write_table<PointStatsRow>("points", point_stats_type(), stats);
  points.set_attribute("long_name",
                       "per point, over its replicates: mean, standard deviation (n - 1) and 95% confidence "
                       "interval of the mean (Student t) of each summary metric; n = replicates where defined");

  // Per-channel totals [point, replicate, channel].
  const std::size_t channels = records.empty() ? 0 : records.front().result.run.channels();
  if (channels == 0) return;
  const hsize_t shape3[] = {records.size(), h.replicates, channels};
  std::vector<std::uint64_t> adoptions;
  std::vector<std::int64_t> spend;
  for (const SweepRecord& r : records) {
    adoptions.insert(adoptions.end(), r.result.run.total_channel_adoptions.begin(),
                     r.result.run.total_channel_adoptions.end());
    spend.insert(spend.end(), r.result.run.total_channel_spend_cents.begin(), r.result.run.total_channel_spend_cents.end());
  }
  h5::Dataset a = summary.write_dataset<std::uint64_t>("channel_adoptions", shape3, adoptions);
  a.set_attribute("units", "agents");
  a.set_attribute("long_name", "adoptions each channel tipped, per point and replicate");
  h5::Dataset c = summary.write_dataset<std::int64_t>("channel_spend_cents", shape3, spend);
  c.set_attribute("units", "cents");
  c.set_attribute("long_name", "what each channel spent, per point and replicate");
}

void write_sweep_group(h5::File& file, const SweepHeader& h, std::span<const SweepRecord> records) {
  h5::Group sweep = file.create_group("sweep");
  const fs::path& where = file.file_path();
  const std::string path = "/sweep/points";

  // /sweep/points: point, one field per parameter, seed, agents, arcs, directed. In memory
  // every field takes an 8-byte slot; on disk fields are packed little-endian.
  const std::size_t ncol = h.columns.size();
  const std::size_t row_size = 8 * (ncol + 5);
  const Handle memory(check(H5Tcreate(H5T_COMPOUND, row_size), "create memory type of", path, where), H5Tclose);
  const Handle text_type = string_type(path, where);
  const Handle bool_memory = bool_type(H5T_NATIVE_INT8, path, where);
  const Handle bool_file = bool_type(H5T_STD_I8LE, path, where);
  struct Member {
    std::string name;
    hid_t memory, file;
  };
  std::vector<Member> members{{"point", H5T_NATIVE_UINT32, H5T_STD_U32LE}};
  for (const SweepColumn& c : h.columns) {
    switch (c.kind) {
      case SweepColumnKind::kBool: members.push_back({c.key, bool_memory.get(), bool_file.get()}); break;
      case SweepColumnKind::kInt: members.push_back({c.key, H5T_NATIVE_INT64, H5T_STD_I64LE}); break;
      case SweepColumnKind::kFloat: members.push_back({c.key, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE}); break;
      case SweepColumnKind::kString: members.push_back({c.key, text_type.get(), text_type.get()}); break;
    }
  }
  members.push_back({"seed", H5T_NATIVE_UINT64, H5T_STD_U64LE});
  members.push_back({"agents", H5T_NATIVE_UINT64, H5T_STD_U64LE});
  members.push_back({"arcs", H5T_NATIVE_UINT64, H5T_STD_U64LE});
  members.push_back({"directed", bool_memory.get(), bool_file.get()});
  std::size_t file_size = 0;
  for (const Member& m : members) file_size += H5Tget_size(m.file);
  const Handle on_disk(check(H5Tcreate(H5T_COMPOUND, file_size), "create file type of", path, where), H5Tclose);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    check(H5Tinsert(memory.get(), members[i].name.c_str(), 8 * i, members[i].memory),
          "add field '" + members[i].name + "' to memory type of", path, where);
    check(H5Tinsert(on_disk.get(), members[i].name.c_str(), offset, members[i].file),
          "add field '" + members[i].name + "' to file type of", path, where);
    offset += H5Tget_size(members[i].file);
  }
  std::vector<unsigned char> rows(records.size() * row_size, 0);
  const auto put = [&](std::size_t row, std::size_t slot, const auto& value) {
    std::memcpy(rows.data() + row * row_size + 8 * slot, &value, sizeof value);
  };
  for (std::size_t i = 0; i < records.size(); ++i) {
    const SweepPointResult& r = records[i].result;
    put(i, 0, r.point);
    for (std::size_t c = 0; c < ncol; ++c) {
      const SweepCell& cell = records[i].values[c];
      if (const auto* b = std::get_if<bool>(&cell)) put(i, 1 + c, static_cast<std::int8_t>(*b ? 1 : 0));
      else if (const auto* n = std::get_if<std::int64_t>(&cell)) put(i, 1 + c, *n);
      else if (const auto* x = std::get_if<double>(&cell)) put(i, 1 + c, *x);
      else put(i, 1 + c, std::get<std::string>(cell).c_str());
    }
    put(i, ncol + 1, r.seed);
    put(i, ncol + 2, std::uint64_t{r.run.agents});
    put(i, ncol + 3, r.arcs);
    put(i, ncol + 4, static_cast<std::int8_t>(r.directed ? 1 : 0));
  }
  const hsize_t shape[] = {records.size()};
  const Handle table = create_dataset(sweep, "points", on_disk.get(), memory.get(), shape, rows.data());
  set_string_attribute(table.get(), "long_name",
                       "per point: its index, the value of each swept key, its seed and its network's size", path,
                       where);

  std::vector<std::string> overrides;
  std::vector<const char*> pointers;
  for (const SweepRecord& r : records) overrides.push_back(r.overrides);
  for (const std::string& o : overrides) pointers.push_back(o.c_str());
  const Handle list = create_dataset(sweep, "overrides", text_type.get(), text_type.get(), shape, pointers.data());
  set_string_attribute(list.get(), "long_name",
                       "per point: its overrides of the scenario, one `key=value` per line (as `--set` takes them)",
                       "/sweep/overrides", where);
}

// ---- reading ---------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(const fs::path& path) : path_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    std::error_code ec;
    if (!fs::exists(path, ec)) throw IoError("cannot read '" + path.string() + "': no such file");
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) h5::throw_error("open", "", path);
    file_ = Handle(id, H5Fclose);
  }

  [[nodiscard]] bool has_attribute(const char* name) const { return H5Aexists(file_.get(), name) > 0; }
  [[nodiscard]] bool exists(const char* path) const { return H5Lexists(file_.get(), path, H5P_DEFAULT) > 0; }

  [[nodiscard]] std::string text(const char* name) const {
    const std::string where = std::string("attribute '") + name + "' of /";
    const Handle attribute(check(H5Aopen(file_.get(), name, H5P_DEFAULT), "open", where, path_), H5Aclose);
    const Handle type = string_type(where, path_);
    char* data = nullptr;
    check(H5Aread(attribute.get(), type.get(), &data), "read", where, path_);
    std::string out = data ? data : "";
    H5free_memory(data);
    return out;
  }

  template <h5::Numeric T>
  [[nodiscard]] T number(const char* name) const {
    const std::string where = std::string("attribute '") + name + "' of /";
    const Handle attribute(check(H5Aopen(file_.get(), name, H5P_DEFAULT), "open", where, path_), H5Aclose);
    T value{};
    check(H5Aread(attribute.get(), h5::memory_type<T>(), &value), "read", where, path_);
    return value;
  }

  [[nodiscard]] Handle dataset(const std::string& name) const {
    return Handle(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open", name, path_), H5Dclose);
  }

  [[nodiscard]] std::vector<hsize_t> shape(const std::string& name) const {
    const Handle d = dataset(name);
    const Handle space(check(H5Dget_space(d.get()), "read the shape of", name, path_), H5Sclose);
    const int rank = check(H5Sget_simple_extent_ndims(space.get()), "read the shape of", name, path_);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "read the shape of", name, path_);
    return dims;
  }

  /// Reads a whole dataset through `memory_type` into `out` (sized by the caller).
  void read(const std::string& name, hid_t memory_type, void* out) const {
    const Handle d = dataset(name);
    check(H5Dread(d.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), "read", name, path_);
  }

  /// One field of a compound table, converted to T.
  template <class T>
  [[nodiscard]] std::vector<T> field(const std::string& name, const std::string& field, hid_t member_type,
                                     std::size_t rows) const {
    const Handle type(check(H5Tcreate(H5T_COMPOUND, sizeof(T)), "create memory type of", name, path_), H5Tclose);
    check(H5Tinsert(type.get(), field.c_str(), 0, member_type), "read field '" + field + "' of", name, path_);
    std::vector<T> out(rows);
    if (rows > 0) read(name, type.get(), out.data());
    return out;
  }

  /// One text field of a compound table (or a whole text dataset when `field` is empty).
  [[nodiscard]] std::vector<std::string> strings(const std::string& name, const std::string& field,
                                                 std::size_t rows) const {
    const Handle text = string_type(name, path_);
    Handle type;
    hid_t memory = text.get();
    if (!field.empty()) {
      type = Handle(check(H5Tcreate(H5T_COMPOUND, sizeof(char*)), "create memory type of", name, path_), H5Tclose);
      check(H5Tinsert(type.get(), field.c_str(), 0, text.get()), "read field '" + field + "' of", name, path_);
      memory = type.get();
    }
    std::vector<char*> data(rows, nullptr);
    std::vector<std::string> out(rows);
    if (rows == 0) return out;
    read(name, memory, data.data());
    for (std::size_t i = 0; i < rows; ++i) out[i] = data[i] ? data[i] : "";
    const hsize_t dims[] = {rows};
    const Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
    H5Dvlen_reclaim(memory, space.get(), H5P_DEFAULT, data.data());
    return out;
  }

  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  Handle file_;
};

}  // namespace

std::span<const char* const> sweep_metric_names() { return kMetrics; }

double student_t975(std::size_t dof) {
  // Exact table to 30 degrees of freedom, then the Cornish–Fisher expansion (error < 1e-4).
  // Every confidence interval wom reports (run, compare, sweep summaries) uses it.
  static constexpr double table[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                     2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                     2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof == 0) return NAN;
  if (dof <= 30) return table[dof];
  const double z = 1.959964, n = static_cast<double>(dof);
  return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

MetricStats metric_stats(std::span<const ReplicateSummary> summaries, std::size_t metric) {
  MetricStats st;
  double sum = 0;
  for (const ReplicateSummary& s : summaries) {
    const double v = metric_value(s, metric);
    if (std::isnan(v)) continue;
    sum += v;
    ++st.n;
  }
  if (st.n == 0) {
    st.mean = st.sd = st.ci95_low = st.ci95_high = NAN;
    return st;
  }
  st.mean = sum / st.n;
  double squares = 0;  // two passes: no cancellation when the spread is small
  for (const ReplicateSummary& s : summaries) {
    const double v = metric_value(s, metric);
    if (!std::isnan(v)) squares += (v - st.mean) * (v - st.mean);
  }
  if (st.n < 2) {
    st.sd = st.ci95_low = st.ci95_high = NAN;
    return st;
  }
  st.sd = std::sqrt(squares / (st.n - 1));
  const double half = student_t975(st.n - 1) * st.sd / std::sqrt(static_cast<double>(st.n));
  st.ci95_low = st.mean - half;
  st.ci95_high = st.mean + half;
  return st;
}

void write_sweep(const fs::path& path, const SweepHeader& header, std::span<const SweepRecord> records) {
  check_consistent(header, records);
  write_hdf5_atomically(path, [&](h5::File& file) {
    write_root_attributes(file, header, records);
    write_sweep_group(file, header, records);
    write_series(file, header, records);
    write_summaries(file, header, records);
  });
}

SweepFile read_sweep(const fs::path& path) {
  const Reader in(path);
  const std::string name = path.string();
  if (!in.has_attribute("complete") || in.number<std::int32_t>("complete") != 1) {
    throw IoError("'" + name + "' is not a complete wom file (attribute 'complete' is not 1)");
  }
  if (!in.has_attribute("sweep_hash")) throw IoError("'" + name + "' is not a sweep file (written by `wom run`?)");
  if (const auto v = in.number<std::int32_t>("format_version"); v != kFormatVersion) {
    throw IoError("'" + name + "' has format_version " + std::to_string(v) + "; this wom reads version " +
                  std::to_string(kFormatVersion));
  }
  SweepFile out;
  SweepHeader& h = out.header;
  Provenance& p = h.provenance;
  p.command_line = in.text("command_line");
  p.scenario_path = in.text("scenario_path");
  p.scenario_text = in.text("scenario");
  p.overrides = split_lines(in.text("overrides"));
  p.model = in.text("model");
  p.seed = in.number<std::uint64_t>("seed");
  p.threads = in.number<std::int32_t>("threads");
  p.started_utc = in.text("started_utc");
  p.finished_utc = in.text("finished_utc");
  p.build_seconds = in.number<double>("build_seconds");
  p.run_seconds = in.number<double>("run_seconds");
  h.design = in.text("sweep_design");
  h.common_random_numbers = in.number<std::int32_t>("common_random_numbers") != 0;
  h.design_seed = in.number<std::uint64_t>("sweep_seed");
  h.total_points = in.number<std::uint32_t>("sweep_points");
  h.replicates = in.number<std::uint32_t>("replicates");
  h.steps = in.number<std::int32_t>("steps");
  h.step_hours = in.number<double>("step_hours");
  h.hash = in.text("sweep_hash");
  h.shard = in.text("shard");
  h.mpi_ranks = in.number<std::int32_t>("mpi_ranks");
  h.resumed_points = in.number<std::uint32_t>("resumed_points");
  h.simulate_seconds = in.number<double>("simulate_seconds");
  const auto keys = split_lines(in.text("sweep_parameters"));
  const auto kinds = split_lines(in.text("sweep_parameter_types"));
  if (keys.size() != kinds.size()) throw IoError("'" + name + "': sweep_parameters and sweep_parameter_types differ in length");
  for (std::size_t c = 0; c < keys.size(); ++c) {
    SweepColumn col{keys[c], SweepColumnKind::kString};
    for (auto k : {SweepColumnKind::kBool, SweepColumnKind::kInt, SweepColumnKind::kFloat, SweepColumnKind::kString}) {
      if (kinds[c] == kind_name(k)) col.kind = k;
    }
    h.columns.push_back(col);
  }

  const auto dims = in.shape("/series/new_adopters");
  const std::size_t columns = static_cast<std::size_t>(h.steps) + 1;
  if (dims.size() != 3 || dims[1] != h.replicates || dims[2] != columns) {
    throw IoError("'" + name + "': /series/new_adopters is not shaped [point, replicate, steps + 1]");
  }
  const std::size_t n = dims[0];
  const std::string points = "/sweep/points";
  const auto index = in.field<std::uint32_t>(points, "point", H5T_NATIVE_UINT32, n);
  const auto seeds = in.field<std::uint64_t>(points, "seed", H5T_NATIVE_UINT64, n);
  const auto agents = in.field<std::uint64_t>(points, "agents", H5T_NATIVE_UINT64, n);
  const auto arcs = in.field<std::uint64_t>(points, "arcs", H5T_NATIVE_UINT64, n);
  const Handle bool_memory = bool_type(H5T_NATIVE_INT8, points, path);
  const auto directed = in.field<std::int8_t>(points, "directed", bool_memory.get(), n);
  const auto overrides = in.strings("/sweep/overrides", "", n);
  out.records.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    SweepRecord& r = out.records[i];
    r.result.point = index[i];
    r.result.seed = seeds[i];
    r.result.arcs = arcs[i];
    r.result.directed = directed[i] != 0;
    r.result.run.agents = static_cast<NodeId>(agents[i]);
    r.result.run.replicates = h.replicates;
    r.result.run.steps = h.steps;
    r.result.run.step_hours = h.step_hours;
    r.overrides = overrides[i];
  }
  for (const SweepColumn& c : h.columns) {
    switch (c.kind) {
      case SweepColumnKind::kBool: {
        const auto v = in.field<std::int8_t>(points, c.key, bool_memory.get(), n);
        for (std::size_t i = 0; i < n; ++i) out.records[i].values.emplace_back(v[i] != 0);
        break;
      }
      case SweepColumnKind::kInt: {
        const auto v = in.field<std::int64_t>(points, c.key, H5T_NATIVE_INT64, n);
        for (std::size_t i = 0; i < n; ++i) out.records[i].values.emplace_back(v[i]);
        break;
      }
      case SweepColumnKind::kFloat: {
        const auto v = in.field<double>(points, c.key, H5T_NATIVE_DOUBLE, n);
        for (std::size_t i = 0; i < n; ++i) out.records[i].values.emplace_back(v[i]);
        break;
      }
      case SweepColumnKind::kString: {
        const auto v = in.strings(points, c.key, n);
        for (std::size_t i = 0; i < n; ++i) out.records[i].values.emplace_back(v[i]);
        break;
      }
    }
  }
  const std::size_t cells = std::size_t{h.replicates} * columns;
  std::vector<std::uint64_t> values(n * cells);
  for (const SeriesSpec& spec : kSeries) {
    const std::string dataset = std::string("/series/") + spec.name;
    if (in.shape(dataset) != dims) throw IoError("'" + name + "': " + dataset + " differs in shape from new_adopters");
    if (!values.empty()) in.read(dataset, H5T_NATIVE_UINT64, values.data());
    for (std::size_t i = 0; i < n; ++i) {
      const auto begin = values.begin() + static_cast<std::ptrdiff_t>(i * cells);
      (out.records[i].result.run.*spec.values).assign(begin, begin + static_cast<std::ptrdiff_t>(cells));
    }
  }
  std::vector<SummaryRow> rows(n * h.replicates);
  const std::string summary = "/summary/replicates";
  if (!rows.empty()) {
    const Handle memory = summary_type().make_memory_type(summary, path);
    in.read(summary, memory.get(), rows.data());
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto& sums = out.records[i].result.run.summaries;
    for (std::uint32_t r = 0; r < h.replicates; ++r) {
      sums.push_back(from_row(rows[i * h.replicates + r]));
    }
  }
  // Money, and the channels when there are any.
  std::vector<std::int64_t> money(n * cells);
  if (!money.empty()) in.read("/series/money_raised_cents", H5T_NATIVE_INT64, money.data());
  for (std::size_t i = 0; i < n; ++i) {
    const auto begin = money.begin() + static_cast<std::ptrdiff_t>(i * cells);
    out.records[i].result.run.money_cents.assign(begin, begin + static_cast<std::ptrdiff_t>(cells));
  }
  if (in.exists("/series/channel")) {
    const std::size_t channels = in.shape("/series/channel").at(0);
    const std::vector<std::string> names = in.strings("/series/channel", "", channels);
    const std::size_t channel_cells = cells * channels, totals = std::size_t{h.replicates} * channels;
    const auto read_split = [&](const std::string& dataset, auto member, std::size_t per_point) {
      using T = typename std::remove_reference_t<decltype(out.records.front().result.run.*member)>::value_type;
      std::vector<T> all(n * per_point);
      if (!all.empty()) in.read(dataset, h5::memory_type<T>(), all.data());
      for (std::size_t i = 0; i < n; ++i) {
        const auto begin = all.begin() + static_cast<std::ptrdiff_t>(i * per_point);
        (out.records[i].result.run.*member).assign(begin, begin + static_cast<std::ptrdiff_t>(per_point));
      }
    };
    read_split("/series/channel_exposures", &RunResult::channel_exposures, channel_cells);
    read_split("/series/channel_adoptions", &RunResult::channel_adoptions, channel_cells);
    read_split("/series/channel_spend_cents", &RunResult::channel_spend_cents, channel_cells);
    read_split("/summary/channel_adoptions", &RunResult::total_channel_adoptions, totals);
    read_split("/summary/channel_spend_cents", &RunResult::total_channel_spend_cents, totals);
    for (SweepRecord& r : out.records) r.result.run.channel_names = names;
  }
  return out;
}

}  // namespace wom
