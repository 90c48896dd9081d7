// SPDX-License-Identifier: MIT
#include "scenarios/sweep.hpp"
#include "scenarios/toml_guard.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>
#include <tuple>

#include <toml++/toml.h>

#include "scenarios/pipeline.hpp"
#include "scenarios/schema.hpp"
#include "sim/error.hpp"
#include "sim/random.hpp"

namespace wom {
namespace {

/// Most points a sweep may have (a guard against a grid multiplying out by mistake).
constexpr std::uint64_t kMaxPoints = 100'000'000;
/// Problems reported at most; the rest are counted.
constexpr std::size_t kMaxReported = 40;
/// Stream of the random designs' draws, derived from run.seed when sweep.seed is not given.
constexpr std::uint64_t kDesignStream = 0x5357454550ull;  // "SWEEP"

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

std::string in_quotes(std::string_view s) {
  std::string out(1, '\'');  // built up: GCC 12's -Wrestrict misfires on "'" + string + "'"
  out.append(s);
  out += '\'';
  return out;
}

bool bare_key(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

/// A TOML value as one line of TOML text (what a --set override takes).
std::string toml_text(const toml::node& node) {
  using schema::Value;
  switch (node.type()) {
    case toml::node_type::string: return schema::toml_value(Value{std::string(node.as_string()->get())});
    case toml::node_type::integer: return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: return schema::toml_value(Value{node.as_floating_point()->get()});
    case toml::node_type::boolean: return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::array: {
      std::string out = "[";
      const auto& array = *node.as_array();
      for (std::size_t i = 0; i < array.size(); ++i) out += (i ? ", " : "") + toml_text(*array.get(i));
      return out + "]";
    }
    case toml::node_type::table: {
      std::string out = "{";
      bool first = true;
      for (auto&& [key, value] : *node.as_table()) {
        const std::string k(key.str());
        out += (first ? " " : ", ") + (bare_key(k) ? k : schema::toml_value(Value{k})) + " = " + toml_text(value);
        first = false;
      }
      return out + (first ? "}" : " }");
    }
    default: {
      std::ostringstream text;
      if (const auto* d = node.as_date()) text << d->get();
      else if (const auto* t = node.as_time()) text << t->get();
      else if (const auto* dt = node.as_date_time()) text << dt->get();
      return text.str();
    }
  }
}

std::string position(const std::string& file, const toml::source_region& where) {
  return file + ":" + std::to_string(std::max<std::uint32_t>(where.begin.line, 1)) + ":" +
         std::to_string(std::max<std::uint32_t>(where.begin.column, 1));
}

/// The typed value of a TOML node as a column of `kind` holds it.
SweepValue typed(const toml::node& node, SweepValueKind kind) {
  switch (kind) {
    case SweepValueKind::kBool: return node.as_boolean()->get();
    case SweepValueKind::kInt: return node.as_integer()->get();
    case SweepValueKind::kFloat:
      if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
      return node.as_floating_point()->get();
    case SweepValueKind::kString:
      if (const auto* s = node.as_string()) return std::string(s->get());
      return toml_text(node);
  }
  return std::string();
}

SweepValueKind column_kind(const std::vector<const toml::node*>& values) {
  const auto all = [&](auto pred) { return std::all_of(values.begin(), values.end(), pred); };
  if (all([](const toml::node* n) { return n->is_boolean(); })) return SweepValueKind::kBool;
  if (all([](const toml::node* n) { return n->is_integer(); })) return SweepValueKind::kInt;
  if (all([](const toml::node* n) { return n->is_number(); })) return SweepValueKind::kFloat;
  return SweepValueKind::kString;
}

/// Problems found while planning: deduplicated, capped, in the order found.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(const std::string& text, const std::string& identity) {
    if (!seen_.insert(identity).second) return;
    if (lines_.size() < kMaxReported) lines_.push_back(text);
    else ++dropped_;
  }
  void add(const std::string& text) { add(text, text); }
  [[nodiscard]] std::size_t size() const { return lines_.size() + dropped_; }
  /// One problem per line: those in the file first, top to bottom (like the loader's
  /// report), then those of the command line, in the order found.
  [[nodiscard]] std::string text() const {
    std::vector<std::tuple<int, long, long, std::size_t>> order;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      long line = 0, column = 0;
      const std::string& l = lines_[i];
      const bool in_file = l.rfind(file_ + ":", 0) == 0 &&
                           std::sscanf(l.c_str() + file_.size(), ":%ld:%ld:", &line, &column) == 2;
      order.emplace_back(in_file ? 0 : 1, line, column, i);
    }
    std::sort(order.begin(), order.end());
    std::string out;
    for (const auto& o : order) out += (out.empty() ? "" : "\n") + lines_[std::get<3>(o)];
    if (dropped_ > 0) out += "\n... and " + std::to_string(dropped_) + " more problems";
    return out;
  }
  void throw_if_any() const {
    if (!lines_.empty()) throw InputError(text());
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
  std::set<std::string> seen_;
  std::size_t dropped_ = 0;
};

/// A parameter while it is being read: the public part plus where each piece came from.
struct Draft {
  SweepParameter p;
  std::string display;                   ///< key as messages name it
  std::string where;                     ///< "file:line:column" of the key, or "--set arg"
  std::vector<std::string> value_where;  ///< per listed value
  std::vector<SweepValue> typed_values;  ///< per listed value, typed per column
  std::string low_where, high_where;     ///< ranges
  std::uint64_t order = 0;               ///< file position (line << 32 | column); CLI after
  bool broken = false;                   ///< has a problem of its own: left out of the points
};

/// Why `key` cannot be swept, or empty.
std::string unsweepable(std::string_view key) {
  const std::string_view head = key.substr(0, key.find('.'));
  if (head == "sweep") return "cannot be swept: the [sweep] table describes the sweep itself";
  if (head == "output") return "cannot be swept: a sweep records the same series and summaries for every point";
  if (key == "run") return "cannot be swept as a whole; sweep its keys (run.seed, run.stop_when_quiet)";
  if (key == "run.steps" || key == "run.step_hours") {
    return "cannot be swept: the points of a sweep share one time axis (series are [point, replicate, step])";
  }
  if (key == "run.replicates") return "cannot be swept: every point has the same replicates; set sweep.replicates";
  return "";
}

/// A range {low, high[, log]} and nothing else: what a command-line value must be to be a
/// range (a distribution {dist = "uniform", low = ..., high = ...} is a value).
bool is_range_table(const toml::table& t) {
  return (t.contains("low") || t.contains("high")) &&
         std::all_of(t.begin(), t.end(), [](auto&& kv) {
           const std::string_view k = kv.first.str();
           return k == "low" || k == "high" || k == "log";
         });
}

/// In [sweep.parameters]: meant as a range (its keys are then checked one by one).
bool looks_like_range(const toml::table& t) {
  return (t.contains("low") || t.contains("high")) && !t.contains("dist");
}

class Planner {
 public:
  Planner(std::string text, std::filesystem::path path, std::span<const std::string> args)
      : text_(std::move(text)),
        path_(std::move(path)),
        file_(path_.string()),
        args_(args.begin(), args.end()),
        problems_(file_) {}

  SweepPlan plan();

 private:
  void split_arguments();
  void read_file_parameters(const toml::table& table, const std::string& prefix);
  void add_file_parameter(const std::string& key, const toml::key& name, const toml::node& node);
  void read_range(Draft& d, const toml::table& range, bool from_file, const std::string& where);
  void add_command_line_parameter(const std::string& arg, const std::string& key,
                                  const std::vector<std::string>& values);
  void check_design();
  void check_range_ends();
  void expand();
  void validate_points();
  std::string value_text(const Draft& d, double u) const;

  std::string text_;
  std::filesystem::path path_;
  std::string file_;
  std::vector<std::string> args_;
  std::vector<std::string> base_overrides_;
  std::vector<Draft> drafts_;
  std::vector<Draft> cli_drafts_;
  Problems problems_;
  SweepPlan plan_;
  /// Per point, per parameter: index of the listed value taken, or -1 (a drawn number).
  std::vector<std::vector<std::int64_t>> picks_;
};

// ---- command line ----------------------------------------------------------------------------

void Planner::split_arguments() {
  for (const std::string& arg : args_) {
    const auto equals = arg.find('=');
    const std::string key = trim(std::string_view(arg).substr(0, equals));
    if (equals == std::string::npos || key.empty()) {
      base_overrides_.push_back(arg);  // the loader reports the malformed override
      continue;
    }
    if (key == "sweep.parameters" || key.rfind("sweep.parameters.", 0) == 0) {
      problems_.add("--set " + arg + ": " + key + ": give sweep parameters as --set key=value1,value2,...");
      continue;
    }
    if (key.rfind("sweep.", 0) == 0 || key == "sweep") {
      base_overrides_.push_back(arg);
      continue;
    }
    const std::vector<std::string> values = split_sweep_values(std::string_view(arg).substr(equals + 1));
    bool range = false;
    if (values.size() == 1) {
      try {
        const toml::table holder = parse_toml("v = " + values[0], std::string_view{"--set"});
        if (const auto* t = holder.get("v") ? holder.get("v")->as_table() : nullptr) range = is_range_table(*t);
      } catch (const toml::parse_error&) {
      }
    }
    const bool in_file = std::any_of(drafts_.begin(), drafts_.end(), [&](const Draft& d) { return d.p.key == key; });
    if (values.size() >= 2 || range || in_file) {
      add_command_line_parameter(arg, key, values);
    } else {
      base_overrides_.push_back(arg);
    }
  }
}

void Planner::add_command_line_parameter(const std::string& arg, const std::string& key,
                                         const std::vector<std::string>& values) {
  Draft d;
  d.p.key = key;
  d.p.from_command_line = true;
  d.display = key;
  d.where = "--set " + arg;
  d.order = std::numeric_limits<std::uint64_t>::max();
  if (const std::string why = unsweepable(key); !why.empty()) {
    problems_.add(d.where + ": " + key + ": " + why);
    return;
  }
  std::vector<toml::table> holders;
  std::vector<const toml::node*> nodes;
  holders.reserve(values.size());
  for (const std::string& v : values) {
    const std::string value = trim(v);
    toml::table holder;
    try {
      holder = parse_toml("v = " + value, std::string_view{"--set"});
    } catch (const toml::parse_error&) {
      holder.clear();
    }
    if (holder.size() != 1 || !holder.contains("v")) {
      holder.clear();
      holder.insert("v", value);  // a bare word is a string, as in --set
    }
    holders.push_back(std::move(holder));
  }
  for (const toml::table& h : holders) nodes.push_back(h.get("v"));
  if (nodes.size() == 1 && nodes[0]->is_table() && is_range_table(*nodes[0]->as_table())) {
    read_range(d, *nodes[0]->as_table(), false, d.where);
  } else {
    d.p.kind = column_kind(nodes);
    for (const toml::node* n : nodes) {
      if (n->is_table() && is_range_table(*n->as_table())) {
        problems_.add(d.where + ": " + key + ": a range {low, high} must be the parameter's only value");
        return;
      }
      d.p.values.push_back(toml_text(*n));
      d.typed_values.push_back(typed(*n, d.p.kind));
      d.value_where.push_back(d.where);
    }
  }
  // A command-line parameter replaces the file's parameter of the same key, in its place.
  for (Draft& existing : drafts_) {
    if (existing.p.key == key) {
      d.order = existing.order;
      existing = std::move(d);
      return;
    }
  }
  for (Draft& existing : cli_drafts_) {
    if (existing.p.key == key) {
      existing = std::move(d);
      return;
    }
  }
  cli_drafts_.push_back(std::move(d));
}

// ---- [sweep.parameters] ----------------------------------------------------------------------

void Planner::read_file_parameters(const toml::table& table, const std::string& prefix) {
  for (auto&& [name, node] : table) {
    const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    if (const auto* sub = node.as_table(); sub != nullptr && !looks_like_range(*sub)) {
      if (sub->contains("dist")) {
        problems_.add(position(file_, node.source()) + ": sweep.parameters." + key +
                      ": expected an array of values; a single distribution belongs in a list: [{dist = ...}]");
        continue;
      }
      if (sub->empty()) {
        problems_.add(position(file_, node.source()) + ": sweep.parameters." + key +
                      ": expected an array of values or a range {low = ..., high = ...}, found an empty table");
      }
      read_file_parameters(*sub, key);  // dotted keys written as nested tables
      continue;
    }
    add_file_parameter(key, name, node);
  }
}

void Planner::add_file_parameter(const std::string& key, const toml::key& name, const toml::node& node) {
  Draft d;
  d.p.key = key;
  d.display = "sweep.parameters." + key;
  d.where = position(file_, name.source());
  d.order = (std::uint64_t{name.source().begin.line} << 32) | name.source().begin.column;
  if (const std::string why = unsweepable(key); !why.empty()) {
    problems_.add(d.where + ": " + d.display + ": " + why);
    return;
  }
  if (const auto* array = node.as_array()) {
    if (array->empty()) {
      problems_.add(position(file_, node.source()) + ": " + d.display + ": expected at least one value");
      return;
    }
    std::vector<const toml::node*> nodes;
    for (const toml::node& v : *array) nodes.push_back(&v);
    d.p.kind = column_kind(nodes);
    for (const toml::node* v : nodes) {
      if (v->is_table() && is_range_table(*v->as_table())) {
        problems_.add(position(file_, v->source()) + ": " + d.display +
                      ": a range {low, high} is the parameter's value itself, not an element of a list");
        return;
      }
      d.p.values.push_back(toml_text(*v));
      d.typed_values.push_back(typed(*v, d.p.kind));
      d.value_where.push_back(position(file_, v->source()));
    }
  } else if (const auto* table = node.as_table()) {
    read_range(d, *table, true, position(file_, node.source()));
  } else {
    problems_.add(position(file_, node.source()) + ": " + d.display +
                  ": expected an array of values or a range {low = ..., high = ...}, found " + toml_type_name(node.type()));
    return;
  }
  drafts_.push_back(std::move(d));
}

void Planner::read_range(Draft& d, const toml::table& range, bool from_file, const std::string& where) {
  const auto at = [&](const toml::node& n) { return from_file ? position(file_, n.source()) : where; };
  bool ok = true;
  for (auto&& [name, value] : range) {
    const std::string_view k = name.str();
    if (k != "low" && k != "high" && k != "log") {
      problems_.add((from_file ? position(file_, name.source()) : where) + ": " + d.display + "." + std::string(k) +
                    ": unknown key in a range; valid keys: low, high, log (a single value belongs in a list: [...])");
      ok = false;
    }
  }
  d.p.range = true;
  bool integer = true;
  const auto number = [&](const char* k, double& out, std::string& out_where) {
    const toml::node* n = range.get(k);
    if (n == nullptr) {
      problems_.add(where + ": " + d.display + ": a range needs both low and high; " + k + " is missing");
      ok = false;
      return;
    }
    out_where = at(*n);
    if (const auto* i = n->as_integer()) {
      out = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point(); f != nullptr && std::isfinite(f->get())) {
      out = f->get();
      integer = false;
    } else {
      problems_.add(out_where + ": " + d.display + "." + k + ": expected a finite number, found " +
                    (n->is_floating_point() ? schema::format_number(n->as_floating_point()->get()) : toml_type_name(n->type())));
      ok = false;
    }
  };
  number("low", d.p.low, d.low_where);
  number("high", d.p.high, d.high_where);
  if (const toml::node* l = range.get("log")) {
    if (const auto* b = l->as_boolean()) {
      d.p.log = b->get();
    } else {
      problems_.add(at(*l) + ": " + d.display + ".log: expected boolean, found " + toml_type_name(l->type()));
      ok = false;
    }
  }
  if (!ok) {
    d.broken = true;
    return;
  }
  d.p.integer = integer;
  d.p.kind = integer ? SweepValueKind::kInt : SweepValueKind::kFloat;
  if (d.p.high < d.p.low || (d.p.log && d.p.low <= 0)) d.broken = true;
  if (d.p.high < d.p.low) {
    problems_.add(d.high_where + ": " + d.display + ".high: expected high >= low (low = " +
                  schema::format_number(d.p.low) + "), found " + schema::format_number(d.p.high));
  } else if (d.p.log && d.p.low <= 0) {
    problems_.add(d.low_where + ": " + d.display + ".low: expected low > 0 with log = true, found " +
                  schema::format_number(d.p.low));
  }
}

// ---- design ----------------------------------------------------------------------------------

void Planner::check_design() {
  const std::string& design = plan_.design;
  const bool random = design == "random" || design == "latin_hypercube";
  for (Draft& d : drafts_) {
    if (d.p.range && !random) {
      d.broken = true;
      problems_.add(d.where + ": " + d.display + ": a range {low, high} needs design 'random' or 'latin_hypercube' " +
                    "(design is " + in_quotes(design) + "); list the values instead");
    }
  }
  if (design == "zip" && !drafts_.empty()) {
    const Draft& first = drafts_.front();
    for (Draft& d : drafts_) {
      if (d.p.range || first.p.range || d.p.values.size() == first.p.values.size()) continue;
      d.broken = true;
      problems_.add(d.where + ": " + d.display + ": expected " + std::to_string(first.p.values.size()) +
                    " values, as many as " + first.display + " (design 'zip' takes the lists in lockstep), found " +
                    std::to_string(d.p.values.size()));
    }
  }
}

void Planner::check_range_ends() {
  for (Draft& d : drafts_) {
    if (!d.p.range || d.broken) continue;
    for (const auto& [end, where] : {std::pair{d.p.low, d.low_where}, std::pair{d.p.high, d.high_where}}) {
      const std::string override_text = d.p.key + "=" + value_text(d, end == d.p.low ? 0.0 : -1.0);
      std::vector<std::string> overrides = base_overrides_;
      overrides.push_back(override_text);
      try {
        (void)parse_scenario(text_, path_, overrides);
      } catch (const InputError& e) {
        std::istringstream lines(e.what());
        const std::string prefix = "--set " + override_text + ": ";
        d.broken = true;
        for (std::string line; std::getline(lines, line);) {
          if (line.rfind(prefix, 0) == 0) {
            problems_.add(where + ": " + line.substr(prefix.size()));
          } else {
            problems_.add(line + " (with " + override_text + ")", line);
          }
        }
      }
    }
  }
}

/// The value at `u` in [0, 1) of a range, as TOML text; u = -1 means the upper end.
std::string Planner::value_text(const Draft& d, double u) const {
  const SweepParameter& p = d.p;
  double x;
  if (u < 0) {
    x = p.high;
  } else if (p.integer) {
    // Integers in [low, high], both ends included: [low, high + 1) cut into equal parts.
    const double lo = p.log ? std::log(p.low) : p.low;
    const double hi = p.log ? std::log(p.high + 1) : p.high + 1;
    x = std::floor(p.log ? std::exp(lo + u * (hi - lo)) : lo + u * (hi - lo));
    x = std::clamp(x, p.low, p.high);
  } else if (p.log) {
    x = std::clamp(std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low))), p.low, p.high);
  } else {
    x = std::clamp(p.low + u * (p.high - p.low), p.low, p.high);
  }
  if (p.integer) return std::to_string(static_cast<std::int64_t>(x));
  return schema::toml_value(schema::Value{x});
}

void Planner::expand() {
  const std::string& design = plan_.design;
  const std::size_t n_params = drafts_.size();
  std::uint64_t count = 1;
  if (design == "grid") {
    for (const Draft& d : drafts_) {
      count *= d.p.values.size();
      if (count > kMaxPoints) {
        problems_.add(d.where + ": " + d.display + ": the grid has more than " + std::to_string(kMaxPoints) +
                      " points; sweep fewer values or use design 'random' or 'latin_hypercube'");
        return;
      }
    }
  } else if (design == "zip") {
    count = drafts_.empty() ? 1 : drafts_.front().p.values.size();
  } else {
    count = plan_.base.sweep.points;
    if (count > kMaxPoints) {
      problems_.add(file_ + ": sweep.points: expected at most " + std::to_string(kMaxPoints) + ", found " +
                    std::to_string(count));
      return;
    }
  }
  const bool random = design == "random" || design == "latin_hypercube";
  // Latin hypercube: per parameter a permutation of the strata 0..count-1.
  std::vector<std::vector<std::uint32_t>> strata;
  if (design == "latin_hypercube") {
    for (std::size_t j = 0; j < n_params; ++j) {
      std::vector<std::uint32_t> perm(count);
      std::iota(perm.begin(), perm.end(), 0U);
      const std::uint64_t key = derive(derive(plan_.design_seed, j), 1);
      for (std::uint64_t k = count; k > 1; --k) {
        std::swap(perm[k - 1], perm[bounded(draw64(key, k), k)]);
      }
      strata.push_back(std::move(perm));
    }
  }
  picks_.assign(count, std::vector<std::int64_t>(n_params, -1));
  plan_.points.resize(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    SweepPoint& point = plan_.points[i];
    std::uint64_t rest = i;
    // Grid: the last parameter varies fastest (row-major, like nested loops in file order).
    std::vector<std::size_t> grid_index(n_params, 0);
    if (design == "grid") {
      for (std::size_t j = n_params; j-- > 0;) {
        grid_index[j] = rest % drafts_[j].p.values.size();
        rest /= drafts_[j].p.values.size();
      }
    }
    for (std::size_t j = 0; j < n_params; ++j) {
      const Draft& d = drafts_[j];
      double u = 0;
      if (random) {
        const std::uint64_t bits = draw64(derive(derive(plan_.design_seed, j), 2), i);
        u = design == "random" ? to_unit(bits)
                               : (static_cast<double>(strata[j][i]) + to_unit(bits)) / static_cast<double>(count);
        u = std::min(u, std::nextafter(1.0, 0.0));
      }
      if (!d.p.range) {
        std::size_t index = design == "grid" ? grid_index[j] : design == "zip" ? i : 0;
        if (random) {
          index = std::min<std::size_t>(d.p.values.size() - 1,
                                        static_cast<std::size_t>(u * static_cast<double>(d.p.values.size())));
        }
        picks_[i][j] = static_cast<std::int64_t>(index);
        point.overrides.push_back(d.p.key + "=" + d.p.values[index]);
        point.values.push_back(d.typed_values[index]);
      } else {
        const std::string text = value_text(d, u);
        point.overrides.push_back(d.p.key + "=" + text);
        if (d.p.integer) point.values.emplace_back(std::int64_t{std::stoll(text)});
        else point.values.emplace_back(std::stod(text));
      }
    }
  }
}

/// The channels a run reports on (models/channels): every point must report on the same.
std::string channel_signature(const Scenario& s) {
  std::string out;
  for (const ChannelSpec& c : s.channels) {
    if (c.type != "seed") out += (out.empty() ? "" : ", ") + (c.name.empty() ? c.type : c.name);
  }
  return out.empty() ? "none" : out;
}

void Planner::validate_points() {
  const std::size_t n_base = base_overrides_.size();
  std::vector<std::string> overrides = base_overrides_;
  std::string channels;  // point 0's: every point reports on the same channels
  for (std::size_t i = 0; i < plan_.points.size(); ++i) {
    SweepPoint& point = plan_.points[i];
    overrides.resize(n_base);
    overrides.insert(overrides.end(), point.overrides.begin(), point.overrides.end());
    try {
      point.scenario = parse_scenario(text_, path_, overrides);
    } catch (const InputError& e) {
      std::string description;
      for (const std::string& o : point.overrides) description += (description.empty() ? "" : ", ") + o;
      std::istringstream lines(e.what());
      for (std::string line; std::getline(lines, line);) {
        bool mapped = false;
        for (std::size_t j = 0; j < point.overrides.size() && !mapped; ++j) {
          const std::string prefix = "--set " + point.overrides[j] + ": ";
          if (line.rfind(prefix, 0) != 0) continue;
          const Draft& d = drafts_[j];
          const std::int64_t pick = picks_[i][j];
          const std::string where = pick >= 0 ? d.value_where[static_cast<std::size_t>(pick)] : d.where;
          const std::string rest = line.substr(prefix.size());
          // One report per parameter and problem: a bad key fails at every value alike.
          problems_.add(where + ": " + rest, std::to_string(j) + "\n" + rest);
          mapped = true;
        }
        if (!mapped) problems_.add(line + " (sweep point " + std::to_string(i) + ": " + description + ")", line);
      }
      continue;
    }
    Scenario& s = point.scenario;
    if (const std::string mine = channel_signature(s); channels.empty()) {
      channels = mine;
    } else if (mine != channels) {
      std::string description;
      for (const std::string& o : point.overrides) description += (description.empty() ? "" : ", ") + o;
      problems_.add(file_ + ": sweep point " + std::to_string(i) + " (" + description + "): channels: " + mine +
                        "; every point of a sweep must report on the same channels as point 0 (" + channels +
                        "): their series are stacked by point",
                    "channels " + mine);
    }
    point.seed = plan_.common_random_numbers ? s.run.seed : derive(s.run.seed, i);
    s.run.seed = point.seed;
    s.run.replicates = plan_.replicates;
    s.text.clear();  // the plan's base keeps the text once
    // What PreparedScenario depends on (pipeline.hpp): all but model parameters and the
    // engine's seed; the network itself only on [network], [trust] and the network seed.
    const std::string seed_line = "\n#network_seed=" + std::to_string(network_seed(s));
    Scenario key = s;
    key.model = {};
    key.model.name = s.model.name;
    key.run = {};
    key.run.steps = s.run.steps;
    key.run.step_hours = s.run.step_hours;
    key.output = {};
    key.sweep = {};
    point.prepared_key = digest_hex(resolved_scenario_toml(key) + seed_line);
    Scenario graph;
    graph.network = s.network;
    graph.trust = s.trust;
    point.graph_key = digest_hex(resolved_scenario_toml(graph) + seed_line);
  }
}

/// FNV-1a, two independent lanes, finished with SplitMix64.
class Digest {
 public:
  void update(std::string_view data) {
    for (const char c : data) {
      a_ = (a_ ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
      b_ = (b_ ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
      b_ ^= b_ >> 29;
    }
    a_ = (a_ ^ 0xFF) * 0x100000001b3ull;  // end-of-field marker: ("ab","c") != ("a","bc")
    b_ = (b_ ^ 0xFE) * 0x100000001b3ull;
  }
  [[nodiscard]] std::string hex() const {
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(mix64(a_)),
                  static_cast<unsigned long long>(mix64(b_ ^ 0x5EEDull)));
    return out;
  }

 private:
  std::uint64_t a_ = 0xcbf29ce484222325ull;
  std::uint64_t b_ = 0x84222325cbf29ce4ull;
};

SweepPlan Planner::plan() {
  // [sweep.parameters], read with positions. A syntax error is reported by parse_scenario,
  // exactly as `wom run` reports it.
  toml::table root;
  try {
    root = parse_toml(text_, std::string_view{file_});
  } catch (const toml::parse_error&) {
    (void)parse_scenario(text_, path_);
    throw;
  }
  if (const auto* sweep = root.get("sweep") ? root.get("sweep")->as_table() : nullptr) {
    if (const auto* params = sweep->get("parameters") ? sweep->get("parameters")->as_table() : nullptr) {
      read_file_parameters(*params, "");
    }
  }
  std::stable_sort(drafts_.begin(), drafts_.end(), [](const Draft& a, const Draft& b) { return a.order < b.order; });
  split_arguments();
  for (Draft& d : cli_drafts_) drafts_.push_back(std::move(d));
  cli_drafts_.clear();

  // The base scenario: its own errors are reported exactly as `wom run` reports them, then
  // the sweep's (whose points cannot be checked without a valid base).
  try {
    plan_.base = parse_scenario(text_, path_, base_overrides_);
  } catch (const InputError& e) {
    if (problems_.size() == 0) throw;
    throw InputError(std::string(e.what()) + "\n" + problems_.text());
  }
  plan_.set_arguments = args_;
  const SweepSpec& spec = plan_.base.sweep;
  plan_.design = spec.design;
  plan_.common_random_numbers = spec.common_random_numbers;
  plan_.replicates = static_cast<std::uint32_t>(spec.replicates.value_or(plan_.base.run.replicates));
  plan_.design_seed = spec.seed.value_or(derive(plan_.base.run.seed, kDesignStream));

  // Parameters with problems of their own are reported and left out, so the points of the
  // others are still checked: one run reports everything it can.
  check_design();
  check_range_ends();
  std::erase_if(drafts_, [](const Draft& d) { return d.broken; });
  expand();
  validate_points();
  problems_.throw_if_any();

  for (Draft& d : drafts_) plan_.parameters.push_back(std::move(d.p));
  Digest digest;
  digest.update("wom sweep plan 1");
  digest.update(plan_.base.text);
  for (const std::string& o : base_overrides_) digest.update(o);
  digest.update(plan_.design);
  digest.update(plan_.common_random_numbers ? "crn" : "independent");
  digest.update(std::to_string(plan_.replicates));
  digest.update(std::to_string(plan_.points.size()));
  for (const SweepPoint& p : plan_.points) {
    for (const std::string& o : p.overrides) digest.update(o);
    digest.update(std::to_string(p.seed));
  }
  plan_.hash = digest.hex();
  return std::move(plan_);
}

}  // namespace

std::string_view sweep_kind_name(SweepValueKind kind) {
  switch (kind) {
    case SweepValueKind::kBool: return "bool";
    case SweepValueKind::kInt: return "int";
    case SweepValueKind::kFloat: return "float";
    case SweepValueKind::kString: return "string";
  }
  return "string";
}

std::vector<std::string> split_sweep_values(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      current += c;
      if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        current += text[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    else if (c == '[' || c == '{') ++depth;
    else if ((c == ']' || c == '}') && depth > 0) --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  out.push_back(trim(current));
  return out;
}

std::string digest_hex(std::string_view data) {
  Digest d;
  d.update(data);
  return d.hex();
}

SweepPlan plan_sweep_text(std::string text, const std::filesystem::path& scenario_path,
                          std::span<const std::string> set_arguments) {
  return Planner(std::move(text), scenario_path, set_arguments).plan();
}

SweepPlan plan_sweep(const std::filesystem::path& scenario_path, std::span<const std::string> set_arguments) {
  return plan_sweep_text(read_scenario_text(scenario_path), scenario_path, set_arguments);
}

}  // namespace wom
