// SPDX-License-Identifier: MIT
// `wom export FILE.h5 --csv DIR`: a result file as tidy CSV, for R, spreadsheets and pandas.
//
//   series.csv      one row per value of every time series: its coordinates (one column
//                   per dimension scale: replicate, step, time_hours; point and channel
//                   when the file has them), then `metric` and `value`
//   metrics.csv     one row per metric of series.csv: units, meaning, dimensions
//   summary.csv     /summary/replicates: one row per replicate (x point), one column per field
//   <path>.csv      every other table or array outside /series, named by its path
//                   (summary_channel_adoptions.csv, sweep_points.csv, summary_points.csv, ...):
//                   its coordinates, then its fields (or one column named like the array)
//   comparison.csv  comparison files: variant, metric, then each [variant, metric] array
//   attributes.csv  the root attributes (provenance): name, value
//   agents.csv      with --agents: replicate, agent, label, adoption_step
//
// Comparison files (`wom compare`) hold one run per /variants/<name> group: their rows go
// to the same files with a first column `variant`. Generic over the layout: every numeric
// non-scale dataset of a series group is a metric, whatever its rank.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "cli/command.hpp"
#include "cli/h5_read.hpp"
#include "output/atomic_file.hpp"
#include "sim/error.hpp"

namespace fs = std::filesystem;

namespace wom::cli {
namespace export_command {

using h5read::Array;
using h5read::Coordinate;

struct Options {
  std::string file;
  std::string csv_dir;
  bool agents = false;
  bool force = false;
};

/// A CSV field, quoted when it holds a separator, a quote or a line break.
std::string csv(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (const char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

/// Writes a CSV file through a temporary name, renamed into place once complete.
class CsvFile {
 public:
  CsvFile(fs::path path, const std::vector<std::string>& header)
      : path_(std::move(path)), temporary_(temporary_path(path_)) {
    // Registered, so an interrupted export removes it (output/atomic_file.hpp).
    pending_files::create(temporary_, [this] {
      out_.open(temporary_, std::ios::binary | std::ios::trunc);
      if (!out_) throw IoError("cannot create '" + temporary_.string() + "'");
    });
    row(header);
    rows_ = 0;
  }
  ~CsvFile() {
    if (!committed_) {
      out_.close();
      pending_files::discard(temporary_);
    }
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  void row(const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out_ << ',';
      out_ << csv(fields[i]);
    }
    out_ << '\n';
    ++rows_;
  }
  /// Flushes, closes and renames; returns the data rows written.
  std::size_t commit() {
    out_.close();
    if (!out_) throw IoError("cannot write '" + path_.string() + "'");
    sync_to_disk(temporary_);
    pending_files::publish(temporary_, path_);
    committed_ = true;
    return rows_;
  }

 private:
  fs::path path_, temporary_;
  std::ofstream out_;
  std::size_t rows_ = 0;
  bool committed_ = false;
};

/// One run's worth of a file: the root of a run or sweep file, or a comparison's variant.
struct Source {
  std::string variant;  ///< "" outside comparison files
  std::string root;     ///< "/" or "/variants/<name>"
  [[nodiscard]] std::string path(const std::string& relative) const {
    return (root == "/" ? "" : root) + "/" + relative;
  }
};

std::vector<Source> sources(const h5read::File& f) {
  std::vector<Source> out;
  for (const std::string& v : h5read::variants(f)) out.push_back({v, "/variants/" + v});
  if (out.empty()) out.push_back({"", "/"});
  return out;
}

/// Column order: variant, sweep point, replicate, channel, step, time, then the rest.
int column_rank(const std::string& name) {
  static const std::map<std::string, int> order = {{"variant", 0}, {"point", 1},  {"replicate", 2},
                                                   {"channel", 3}, {"step", 4}, {"time_hours", 5}};
  const auto it = order.find(name);
  return it == order.end() ? 6 : it->second;
}

/// Row-major odometer over `shape`.
bool advance(std::vector<std::size_t>& index, const std::vector<hsize_t>& shape) {
  for (std::size_t d = shape.size(); d-- > 0;) {
    if (++index[d] < shape[d]) return true;
    index[d] = 0;
  }
  return false;
}

bool is_metric(const h5read::DatasetInfo& info) {
  return !info.is_scale && !info.compound && !info.shape.empty() &&
         (info.kind == Array::Kind::kUnsigned || info.kind == Array::Kind::kSigned || info.kind == Array::Kind::kFloat);
}

/// series.csv and metrics.csv. Returns {series rows, metrics}.
std::pair<std::size_t, std::size_t> write_series(const h5read::File& f, const std::vector<Source>& srcs,
                                                 const fs::path& dir, bool with_variant) {
  struct Metric {
    const Source* source;
    std::string name, path;
    std::vector<Coordinate> coords;
  };
  std::vector<Metric> metrics;
  std::vector<std::string> columns;
  for (const Source& s : srcs) {
    const std::string group = s.path("series");
    if (!f.is_group(group)) continue;
    for (const std::string& m : f.members(group)) {
      const std::string path = group + "/" + m;
      if (!f.is_dataset(path) || !is_metric(f.info(path))) continue;
      metrics.push_back({&s, m, path, h5read::coordinates(f, path, s.root)});
      for (const Coordinate& c : metrics.back().coords)
        if (std::find(columns.begin(), columns.end(), c.name) == columns.end()) columns.push_back(c.name);
    }
  }
  std::stable_sort(columns.begin(), columns.end(),
                   [](const std::string& a, const std::string& b) { return column_rank(a) < column_rank(b); });
  std::vector<std::string> header;
  if (with_variant) header.push_back("variant");
  header.insert(header.end(), columns.begin(), columns.end());
  header.insert(header.end(), {"metric", "value"});

  CsvFile out(dir / "series.csv", header);
  CsvFile meta(dir / "metrics.csv", {"metric", "units", "long_name", "dimensions"});
  std::vector<std::string> described;
  std::vector<std::string> row(header.size());
  for (const Metric& m : metrics) {
    const Array data = f.read(m.path);
    if (std::find(described.begin(), described.end(), m.name) == described.end()) {
      std::string dims;
      for (unsigned d = 0; d < data.shape.size(); ++d) {
        const auto it = std::find_if(m.coords.begin(), m.coords.end(), [&](const Coordinate& c) { return c.dim == d; });
        if (d) dims += " x ";
        dims += it != m.coords.end() ? it->name : "?";
      }
      meta.row({m.name, f.attribute_text(m.path, "units"), f.attribute_text(m.path, "long_name"), dims});
      described.push_back(m.name);
    }
    // Which coordinate fills each column of the header (none: left empty).
    std::vector<const Coordinate*> fill(columns.size(), nullptr);
    for (std::size_t c = 0; c < columns.size(); ++c)
      for (const Coordinate& coordinate : m.coords)
        if (coordinate.name == columns[c]) fill[c] = &coordinate;
    std::vector<std::size_t> index(data.shape.size(), 0);
    const std::size_t first = with_variant ? 1 : 0;
    if (with_variant) row[0] = m.source->variant;
    row[header.size() - 2] = m.name;
    for (std::size_t i = 0; i < data.size(); ++i) {
      for (std::size_t c = 0; c < columns.size(); ++c) row[first + c] = fill[c] ? fill[c]->text(index[fill[c]->dim]) : "";
      row.back() = data.text(i);
      out.row(row);
      advance(index, data.shape);
    }
  }
  const std::size_t described_count = meta.commit();
  return {out.commit(), described_count};
}

/// A table or array outside the series of one source.
struct Part {
  const Source* source;
  std::string path;
};

/// The CSV name of a dataset: its path below the source's root, '/' -> '_'.
std::string csv_name(const Source& s, const std::string& path) {
  std::string relative = path.substr(s.root == "/" ? 1 : s.root.size() + 1);
  if (relative == "summary/replicates") return "summary.csv";
  std::replace(relative.begin(), relative.end(), '/', '_');
  return relative + ".csv";
}

/// Every table (compound dataset) and numeric array of each source outside its series and
/// per-agent groups, grouped by CSV file name.
std::map<std::string, std::vector<Part>> tables(const h5read::File& f, const std::vector<Source>& srcs) {
  std::map<std::string, std::vector<Part>> out;
  for (const Source& s : srcs) {
    const std::function<void(const std::string&)> walk = [&](const std::string& group) {
      for (const std::string& m : f.members(group)) {
        const std::string path = (group == "/" ? "" : group) + "/" + m;
        if (f.is_group(path)) {
          if (path != s.path("series") && path != s.path("agents") && path != "/variants" && path != "/comparison")
            walk(path);
        } else if (f.is_dataset(path)) {
          const auto info = f.info(path);
          if (info.compound || is_metric(info)) out[csv_name(s, path)].push_back({&s, path});
        }
      }
    };
    walk(s.root);
  }
  return out;
}

std::size_t write_table(const h5read::File& f, const std::vector<Part>& parts, const fs::path& file,
                        bool with_variant) {
  struct Loaded {
    const Part* part;
    std::vector<Coordinate> coords;
    std::vector<std::pair<std::string, Array>> fields;
    std::vector<hsize_t> shape;
  };
  std::vector<Loaded> loaded;
  std::vector<std::string> coordinate_names, field_names;
  for (const Part& p : parts) {
    const auto info = f.info(p.path);
    Loaded l{&p, {}, {}, info.shape};
    if (info.compound) {
      for (const auto& [name, kind] : info.fields)
        if (kind != Array::Kind::kOther) l.fields.emplace_back(name, f.read_field(p.path, name));
    } else {
      l.fields.emplace_back(h5read::base_name(p.path), f.read(p.path));
    }
    // A 1-D table's rows are identified by its own fields; larger ones need coordinates,
    // except those a field repeats (the `replicate` field of a [point, replicate] table).
    if (info.shape.size() > 1 || !info.compound)
      for (Coordinate& c : h5read::coordinates(f, p.path, p.source->root))
        if (std::none_of(l.fields.begin(), l.fields.end(), [&](const auto& fl) { return fl.first == c.name; }))
          l.coords.push_back(std::move(c));
    for (const Coordinate& c : l.coords)
      if (std::find(coordinate_names.begin(), coordinate_names.end(), c.name) == coordinate_names.end())
        coordinate_names.push_back(c.name);
    for (const auto& fl : l.fields)
      if (std::find(field_names.begin(), field_names.end(), fl.first) == field_names.end())
        field_names.push_back(fl.first);
    loaded.push_back(std::move(l));
  }
  std::stable_sort(coordinate_names.begin(), coordinate_names.end(),
                   [](const std::string& a, const std::string& b) { return column_rank(a) < column_rank(b); });
  std::vector<std::string> header;
  if (with_variant) header.push_back("variant");
  header.insert(header.end(), coordinate_names.begin(), coordinate_names.end());
  header.insert(header.end(), field_names.begin(), field_names.end());
  CsvFile out(file, header);
  std::vector<std::string> row(header.size());
  const std::size_t first = with_variant ? 1 : 0;
  for (const Loaded& l : loaded) {
    std::vector<const Coordinate*> coords(coordinate_names.size(), nullptr);
    for (std::size_t c = 0; c < coordinate_names.size(); ++c)
      for (const Coordinate& co : l.coords)
        if (co.name == coordinate_names[c]) coords[c] = &co;
    std::vector<const Array*> fields(field_names.size(), nullptr);
    for (std::size_t c = 0; c < field_names.size(); ++c)
      for (const auto& fl : l.fields)
        if (fl.first == field_names[c]) fields[c] = &fl.second;
    std::size_t rows = 1;
    for (const hsize_t d : l.shape) rows *= d;
    std::vector<std::size_t> index(l.shape.size(), 0);
    if (with_variant) row[0] = l.part->source->variant;
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t c = 0; c < coords.size(); ++c) row[first + c] = coords[c] ? coords[c]->text(index[coords[c]->dim]) : "";
      for (std::size_t c = 0; c < fields.size(); ++c)
        row[first + coords.size() + c] = fields[c] ? fields[c]->text(i) : "";
      out.row(row);
      advance(index, l.shape);
    }
  }
  return out.commit();
}

/// comparison.csv: one row per variant x metric of `wom compare`'s side-by-side table.
std::size_t write_comparison(const h5read::File& f, const fs::path& file) {
  const Array variants = f.read("/comparison/variant"), metrics = f.read("/comparison/metric");
  std::vector<std::pair<std::string, Array>> arrays;
  for (const std::string& m : f.members("/comparison")) {
    const std::string path = "/comparison/" + m;
    if (!f.is_dataset(path)) continue;
    const auto info = f.info(path);
    if (is_metric(info) && info.shape.size() == 2 && info.shape[0] == variants.size() && info.shape[1] == metrics.size())
      arrays.emplace_back(m, f.read(path));
  }
  std::vector<std::string> header = {"variant", "metric"};
  for (const auto& a : arrays) header.push_back(a.first);
  CsvFile out(file, header);
  for (std::size_t v = 0; v < variants.size(); ++v)
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      std::vector<std::string> row = {variants.text(v), metrics.text(m)};
      for (const auto& a : arrays) row.push_back(a.second.text(v * metrics.size() + m));
      out.row(row);
    }
  return out.commit();
}

std::size_t write_attributes(const h5read::File& f, const std::vector<Source>& srcs, const fs::path& file,
                             bool with_variant) {
  std::vector<std::string> header = {"name", "value"};
  if (with_variant) header.insert(header.begin(), "variant");
  CsvFile out(file, header);
  const auto put = [&](const std::string& variant, const std::string& object) {
    for (const auto& [name, value] : f.attributes(object)) {
      std::string text;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (i) text += ' ';
        text += value.text(i);
      }
      if (with_variant) out.row({variant, name, text});
      else out.row({name, text});
    }
  };
  put("", "/");
  if (with_variant)
    for (const Source& s : srcs) put(s.variant, s.root);
  return out.commit();
}

std::size_t write_agents(const h5read::File& f, const std::vector<Source>& srcs, const fs::path& file,
                         bool with_variant) {
  std::vector<std::string> header = {"replicate", "agent", "label", "adoption_step"};
  if (with_variant) header.insert(header.begin(), "variant");
  CsvFile out(file, header);
  for (const Source& s : srcs) {
    if (!f.is_dataset(s.path("agents/adoption_step"))) continue;
    const Array steps = f.read(s.path("agents/adoption_step"));
    const Array labels = f.is_dataset(s.path("agents/label")) ? f.read(s.path("agents/label")) : Array{};
    const std::size_t agents = steps.shape.size() == 2 ? steps.shape[1] : 0;
    for (std::size_t i = 0; agents && i < steps.size(); ++i) {
      const std::size_t a = i % agents;
      std::vector<std::string> row = {std::to_string(i / agents), std::to_string(a),
                                      labels.size() > a ? labels.text(a) : std::to_string(a), steps.text(i)};
      if (with_variant) row.insert(row.begin(), s.variant);
      out.row(row);
    }
  }
  return out.commit();
}

int run(const Options& o) {
  const h5read::File f(o.file);
  const auto complete = f.attribute("/", "complete");
  if (!(complete && complete->numeric() && complete->size() == 1 && complete->number(0) == 1)) {
    throw InputError(o.file + ": INCOMPLETE file (root attribute 'complete' is not 1); not exporting it");
  }
  const std::vector<Source> srcs = sources(f);
  const bool with_variant = !srcs.front().variant.empty();
  const auto other = tables(f, srcs);
  const bool comparison = f.is_dataset("/comparison/variant") && f.is_dataset("/comparison/metric");
  bool has_agents = false;
  for (const Source& s : srcs) has_agents = has_agents || f.is_dataset(s.path("agents/adoption_step"));
  if (o.agents && !has_agents) throw InputError(o.file + ": --agents: the file has no per-agent data (/agents)");

  std::vector<std::string> files = {"series.csv", "metrics.csv", "attributes.csv"};
  for (const auto& t : other) files.push_back(t.first);
  if (comparison) files.push_back("comparison.csv");
  if (o.agents) files.push_back("agents.csv");

  const fs::path dir(o.csv_dir);
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error)) throw InputError(o.csv_dir + ": exists and is not a folder");
  if (!fs::exists(dir, error)) {
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, error)) throw InputError(o.csv_dir + ": folder '" + parent.string() + "' does not exist");
    if (!fs::create_directory(dir, error) && error) throw IoError("cannot create folder '" + o.csv_dir + "': " + error.message());
  }
  if (!o.force)
    for (const std::string& name : files)
      if (fs::exists(dir / name, error)) throw InputError((dir / name).string() + ": already exists (use --force to replace it)");

  const auto [series, metrics] = write_series(f, srcs, dir, with_variant);
  std::printf("%s: %zu rows (%zu metrics)\n", (dir / "series.csv").string().c_str(), series, metrics);
  for (const auto& [name, parts] : other)
    std::printf("%s: %zu rows\n", (dir / name).string().c_str(), write_table(f, parts, dir / name, with_variant));
  if (comparison)
    std::printf("%s: %zu rows\n", (dir / "comparison.csv").string().c_str(), write_comparison(f, dir / "comparison.csv"));
  std::printf("%s: %zu rows\n", (dir / "attributes.csv").string().c_str(),
              write_attributes(f, srcs, dir / "attributes.csv", with_variant));
  if (o.agents)
    std::printf("%s: %zu rows\n", (dir / "agents.csv").string().c_str(),
                write_agents(f, srcs, dir / "agents.csv", with_variant));
  return 0;
}

}  // namespace export_command

Command add_export_command(CLI::App& wom, Invocation&) {
  auto o = std::make_shared<export_command::Options>();
  CLI::App* app = wom.add_subcommand("export", "Write a result file's series, summaries and provenance as tidy CSV files");
  app->add_option("file", o->file, "Result file (HDF5) written by wom run, sweep or compare")->required();
  app->add_option("--csv", o->csv_dir, "Folder for the CSV files (created if missing)")->required();
  app->add_flag("--agents", o->agents, "Also write agents.csv: every agent's adoption step in every replicate");
  app->add_flag("-f,--force", o->force, "Replace CSV files that exist");
  return {app, [o](const Invocation&) { return export_command::run(*o); }};
}

}  // namespace wom::cli
