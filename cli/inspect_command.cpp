// SPDX-License-Identifier: MIT
// `wom inspect FILE.h5`: what a result file holds: its provenance, the scenario it ran, every
// dataset with its dimensions and units, and each summary table as mean, 95% CI, min and max.
// A file whose root attribute `complete` is not 1 is reported as INCOMPLETE (exit status 2).
//
// Generic over the layout (docs/output.md): it walks the file, so datasets added later
// (per-channel series, money, sweeps) show up without changes here.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/h5_read.hpp"

namespace wom::cli {
namespace inspect_command {

using h5read::Array;

/// Root attributes shown in their own sections rather than in the provenance list.
const std::set<std::string> kNotProvenance = {"scenario", "complete", "format_version"};
/// Fields of a summary table that identify a row rather than measure something.
const std::set<std::string> kIndexFields = {"replicate", "point"};

/// "replicate 10 x step 101" for a dataset's shape, naming each dimension as the export
/// does (scales, labels, or the writers' dimension order).
std::string dims_text(const h5read::File& f, const std::string& path, const std::vector<hsize_t>& shape) {
  if (shape.empty()) return "scalar";
  std::string root = "/";
  if (path.starts_with("/variants/")) root = path.substr(0, path.find('/', std::string("/variants/").size()));
  const auto coords = h5read::coordinates(f, path, root);
  std::string text;
  for (unsigned d = 0; d < shape.size(); ++d) {
    const auto it = std::find_if(coords.begin(), coords.end(), [&](const auto& c) { return c.dim == d; });
    std::string name = f.dimension_label(path, d);
    if (name.empty() && it != coords.end() && !(it->name.starts_with("dim") && it->values.size() == 0)) name = it->name;
    if (d) text += " x ";
    if (!name.empty() && !(shape.size() == 1 && name == h5read::base_name(path))) text += name + " ";
    text += std::to_string(shape[d]);
  }
  return text;
}

const char* kind_text(Array::Kind k) {
  switch (k) {
    case Array::Kind::kUnsigned: return "uint";
    case Array::Kind::kSigned: return "int";
    case Array::Kind::kFloat: return "float";
    case Array::Kind::kString: return "string";
    default: return "other";
  }
}

/// Every dataset below `group`, depth first, in name order.
void collect_datasets(const h5read::File& f, const std::string& group, std::vector<std::string>& out) {
  for (const std::string& name : f.members(group)) {
    const std::string path = (group == "/" ? "" : group) + "/" + name;
    if (f.is_group(path)) collect_datasets(f, path, out);
    else if (f.is_dataset(path)) out.push_back(path);
  }
}

void print_provenance(const h5read::File& f, const std::string& object, const std::string& title) {
  std::printf("\n%s\n", title.c_str());
  for (const auto& [name, value] : f.attributes(object)) {
    if (kNotProvenance.contains(name)) continue;
    std::string text;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i) text += ", ";
      text += value.text(i);
    }
    if (text.empty()) text = "(none)";
    // Multi-line values (overrides) continue under the value column.
    std::string indented;
    for (const char c : text) {
      indented += c;
      if (c == '\n') indented += std::string(19, ' ');
    }
    std::printf("  %-16s %s\n", name.c_str(), indented.c_str());
  }
}

void print_scenario(const h5read::File& f, const std::string& object) {
  const auto text = f.attribute_text(object, "scenario");
  if (text.empty()) return;
  const auto path = f.attribute_text(object, "scenario_path", "?");
  const auto overrides = f.attribute_text(object, "overrides");
  std::printf("\nScenario (%s, verbatim%s)\n", path.c_str(),
              overrides.empty() ? "" : "; the overrides above were applied on top");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) std::printf("  | %s\n", line.c_str());
}

void print_datasets(const h5read::File& f, const std::vector<std::string>& datasets) {
  std::printf("\nDatasets\n");
  int width = 20;
  for (const std::string& path : datasets) width = std::max(width, static_cast<int>(path.size()));
  std::printf("  %-*s %-38s %-7s %-9s %s\n", width, "path", "dimensions", "type", "units", "meaning");
  for (const std::string& path : datasets) {
    const h5read::DatasetInfo info = f.info(path);
    std::string type = info.compound ? "table" : kind_text(info.kind);
    if (info.is_scale) type += "*";
    std::printf("  %-*s %-38s %-7s %-9s %s\n", width, path.c_str(), dims_text(f, path, info.shape).c_str(), type.c_str(),
                f.attribute_text(path, "units").c_str(), f.attribute_text(path, "long_name").c_str());
  }
  std::printf("  (* dimension scale: the coordinate values of a dimension)\n");
}

/// Statistics of one numeric field over the rows of a table.
struct Stats {
  std::size_t n = 0, undefined = 0;
  double sum = 0, sum2 = 0, min = INFINITY, max = -INFINITY;
  void add(double v) {
    ++n;
    sum += v;
    sum2 += v * v;
    min = std::min(min, v);
    max = std::max(max, v);
  }
};

std::string number_text(double v) {
  if (std::isnan(v)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

/// Swept parameters of a sweep file: the root attribute `sweep_parameters` (one per line),
/// else the fields of /sweep/points other than its bookkeeping.
std::vector<std::string> sweep_parameters(const h5read::File& f) {
  std::vector<std::string> out;
  std::istringstream lines(f.attribute_text("/", "sweep_parameters"));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) out.push_back(line);
  if (out.empty() && f.is_dataset("/sweep/points")) {
    static const std::set<std::string> kBookkeeping = {"point", "seed", "agents", "arcs", "directed"};
    for (const auto& field : f.info("/sweep/points").fields)
      if (!kBookkeeping.contains(field.first)) out.push_back(field.first);
  }
  return out;
}

/// A compound table: count, mean, 95% CI, min, max of each numeric field over its rows.
/// Signed integer fields use -1 for "undefined" (a step never reached): left out, counted.
/// Rows of a sweep (a `point` coordinate or field) also get each field's mean per point,
/// beside the point's parameters.
void print_table_summary(const h5read::File& f, const std::string& path, const std::string& root) {
  const h5read::DatasetInfo info = f.info(path);
  std::size_t rows = 1;
  for (const hsize_t d : info.shape) rows *= d;
  const auto coords = h5read::coordinates(f, path, root);
  std::string dims;
  for (const auto& c : coords) {
    if (!dims.empty()) dims += " x ";
    dims += c.name;
  }
  std::printf("\nSummary of %s (%zu rows%s%s)\n", path.c_str(), rows, info.shape.size() > 1 ? ": " : "",
              info.shape.size() > 1 ? dims.c_str() : "");
  const std::string meaning = f.attribute_text(path, "long_name");
  if (!meaning.empty()) std::printf("  %s\n", meaning.c_str());
  std::printf("  %-22s %8s %14s %12s %14s %14s\n", "field", "n", "mean", "95% CI +/-", "min", "max");
  std::vector<std::pair<std::string, Array>> columns;
  std::vector<std::string> point_of_row;  // the point each row belongs to, if any
  bool any_undefined = false;
  for (const auto& [name, kind] : info.fields) {
    if (kind == Array::Kind::kOther || kind == Array::Kind::kString) continue;
    Array values = f.read_field(path, name);
    if (name == "point")
      for (std::size_t i = 0; i < values.size(); ++i) point_of_row.push_back(values.text(i));
    if (kIndexFields.contains(name)) continue;
    Stats s;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values.kind == Array::Kind::kSigned && values.s[i] == -1) ++s.undefined;
      else if (!std::isnan(values.number(i))) s.add(values.number(i));
    }
    const auto [mean, ci] = mean_ci95(s.sum, s.sum2, s.n);
    std::string n = std::to_string(s.n);
    if (s.undefined) {
      n += "*";
      any_undefined = true;
    }
    std::printf("  %-22s %8s %14s %12s %14s %14s\n", name.c_str(), n.c_str(), number_text(mean).c_str(),
                number_text(ci).c_str(), number_text(s.n ? s.min : NAN).c_str(), number_text(s.n ? s.max : NAN).c_str());
    columns.emplace_back(name, std::move(values));
  }
  if (any_undefined) std::printf("  (* rows holding -1, undefined, are left out)\n");
  if (point_of_row.empty() && !coords.empty() && coords.front().name == "point" && coords.front().dim == 0 &&
      info.shape.size() > 1) {
    const std::size_t per_point = rows / info.shape[0];
    for (std::size_t i = 0; i < rows; ++i) point_of_row.push_back(coords.front().text(i / per_point));
  }
  if (point_of_row.empty() || columns.empty()) return;

  // Mean per point, in the order points first appear, with the sweep's parameter values.
  std::vector<std::string> order;
  std::map<std::string, std::vector<Stats>> by_point;
  for (std::size_t i = 0; i < point_of_row.size(); ++i) {
    auto [it, fresh] = by_point.try_emplace(point_of_row[i], columns.size());
    if (fresh) order.push_back(point_of_row[i]);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const Array& v = columns[c].second;
      if (!(v.kind == Array::Kind::kSigned && v.s[i] == -1)) it->second[c].add(v.number(i));
    }
  }
  std::map<std::string, std::vector<std::string>> parameters;  // point -> values
  const auto names = sweep_parameters(f);
  if (f.is_dataset("/sweep/points") && !names.empty()) {
    const Array points = f.read_field("/sweep/points", "point");
    for (const std::string& name : names) {
      const Array values = f.read_field("/sweep/points", name);
      for (std::size_t r = 0; r < points.size(); ++r) parameters[points.text(r)].push_back(values.text(r));
    }
  }
  std::printf("\n  Mean per point (%zu points)\n  %6s", order.size(), "point");
  std::vector<int> widths;
  for (const auto& n : names) {
    widths.push_back(std::max(10, static_cast<int>(n.size())));
    std::printf(" %*s", widths.back(), n.c_str());
  }
  for (const auto& c : columns) std::printf(" %14.14s", c.first.c_str());
  std::printf("\n");
  for (std::size_t p = 0; p < order.size(); ++p) {
    if (p == 50) {
      std::printf("  ... %zu more points (wom export writes them all)\n", order.size() - p);
      break;
    }
    std::printf("  %6s", order[p].c_str());
    const auto& values = parameters[order[p]];
    for (std::size_t k = 0; k < names.size(); ++k) std::printf(" %*s", widths[k], k < values.size() ? values[k].c_str() : "?");
    for (const Stats& st : by_point[order[p]]) std::printf(" %14s", number_text(st.n ? st.sum / st.n : NAN).c_str());
    std::printf("\n");
  }
}

/// A small compound table outside /summary (e.g. a sweep's points), printed in full.
void print_table_rows(const h5read::File& f, const std::string& path, std::size_t max_rows = 50) {
  const h5read::DatasetInfo info = f.info(path);
  if (info.shape.size() != 1) return;
  std::vector<std::pair<std::string, Array>> columns;
  for (const auto& [name, kind] : info.fields)
    if (kind != Array::Kind::kOther) columns.emplace_back(name, f.read_field(path, name));
  std::printf("\n%s (%llu rows)\n ", path.c_str(), static_cast<unsigned long long>(info.shape[0]));
  for (const auto& c : columns) std::printf(" %14.14s", c.first.c_str());
  std::printf("\n");
  for (std::size_t r = 0; r < std::min<std::size_t>(info.shape[0], max_rows); ++r) {
    std::printf(" ");
    for (const auto& c : columns) std::printf(" %14.14s", c.second.text(r).c_str());
    std::printf("\n");
  }
  if (info.shape[0] > max_rows)
    std::printf("  ... %llu more rows\n", static_cast<unsigned long long>(info.shape[0] - max_rows));
}

/// `wom compare`'s side-by-side table: mean and 95% CI of each metric per variant.
void print_comparison(const h5read::File& f) {
  const Array variants = f.read("/comparison/variant"), metrics = f.read("/comparison/metric");
  if (!f.is_dataset("/comparison/mean")) return;
  const Array mean = f.read("/comparison/mean");
  const Array ci = f.is_dataset("/comparison/ci95_half_width") ? f.read("/comparison/ci95_half_width") : Array{};
  if (mean.size() != variants.size() * metrics.size()) return;
  std::printf("\nComparison (/comparison): mean +/- 95%% CI half-width over replicates\n  %-28s", "metric");
  for (std::size_t v = 0; v < variants.size(); ++v) std::printf(" %24.24s", variants.text(v).c_str());
  std::printf("\n");
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    std::printf("  %-28.28s", metrics.text(m).c_str());
    for (std::size_t v = 0; v < variants.size(); ++v) {
      const std::size_t i = v * metrics.size() + m;
      const std::string cell = number_text(mean.number(i)) +
                               (ci.size() == mean.size() ? " +/- " + number_text(ci.number(i)) : std::string());
      std::printf(" %24s", cell.c_str());
    }
    std::printf("\n");
  }
}

int inspect(const std::string& path) {
  const h5read::File f(path);
  const auto complete = f.attribute("/", "complete");
  const bool is_complete = complete && complete->numeric() && complete->size() == 1 && complete->number(0) == 1;
  const std::string version = f.attribute_text("/", "format_version", "unknown");
  const bool comparison = f.is_group("/variants");
  const std::string kind = comparison ? "comparison" : f.is_group("/sweep") ? "sweep" : "run";
  std::printf("%s: wom %s file, format version %s, %s\n", path.c_str(), kind.c_str(), version.c_str(),
              is_complete ? "complete" : "INCOMPLETE");
  if (!is_complete) {
    std::printf("INCOMPLETE: root attribute 'complete' is %s, not 1: the writer did not finish this file;\n"
                "            what follows may be missing or wrong.\n",
                complete && complete->size() ? complete->text(0).c_str() : "missing");
  }
  print_provenance(f, "/", "Provenance (root attributes)");
  print_scenario(f, "/");
  std::vector<std::pair<std::string, std::string>> roots = {{"", "/"}};  // label, group
  if (comparison) {
    roots.clear();
    for (const std::string& v : h5read::variants(f)) {
      roots.emplace_back(v, "/variants/" + v);
      print_provenance(f, "/variants/" + v, "Variant '" + v + "' (attributes of /variants/" + v + ")");
      print_scenario(f, "/variants/" + v);
    }
  }
  std::vector<std::string> datasets;
  collect_datasets(f, "/", datasets);
  print_datasets(f, datasets);
  for (const std::string& d : datasets) {
    const auto info = f.info(d);
    if (!info.compound) continue;
    if (info.fields.size() > 20) {
      std::printf("\n%s: %zu fields per row, not shown here (wom export writes it as CSV)\n", d.c_str(),
                  info.fields.size());
      continue;
    }
    std::string root = "/";
    for (const auto& r : roots)
      if (r.second != "/" && d.starts_with(r.second + "/")) root = r.second;
    if (d.find("/summary/") != std::string::npos) print_table_summary(f, d, root);
    else print_table_rows(f, d);
  }
  if (f.is_dataset("/comparison/variant") && f.is_dataset("/comparison/metric")) print_comparison(f);
  if (!is_complete) {
    std::fflush(stdout);
    std::cerr << "wom: error: " << path << " is INCOMPLETE (root attribute 'complete' is not 1)\n";
    return 2;
  }
  return 0;
}

}  // namespace inspect_command

Command add_inspect_command(CLI::App& wom, Invocation&) {
  auto file = std::make_shared<std::string>();
  CLI::App* app = wom.add_subcommand(
      "inspect", "Print a result file's provenance, scenario, datasets and summary statistics "
                 "(exit status 2 if the file is incomplete)");
  app->add_option("file", *file, "Result file (HDF5) written by wom")->required();
  return {app, [file](const Invocation&) { return inspect_command::inspect(*file); }};
}

}  // namespace wom::cli
