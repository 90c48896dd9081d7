// SPDX-License-Identifier: MIT
#include "scenarios/scenario.hpp"
#include "scenarios/toml_guard.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include <toml++/toml.h>

#include "scenarios/schema.hpp"
#include "sim/error.hpp"

namespace wom {
namespace {

using schema::Choice;
using schema::Field;
using schema::Kind;
using schema::Section;
using schema::Table;
using schema::Target;
using schema::Value;

/// One problem found while loading. Sorted by where it is, so the report reads top to
/// bottom through the file and then through the --set overrides.
struct Diagnostic {
  std::size_t origin = 0;  ///< 0: the scenario file; i + 1: override i
  std::uint32_t line = 0, column = 0;
  std::string text;
};

/// What an error says a key expects: the key reference's name for its kind, with the syntax of
/// a distribution table spelled out.
std::string expected_type(Kind kind) {
  return kind == Kind::kDistribution ? "float or table {dist = ...}" : schema::kind_name(kind);
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string join(const std::vector<std::string_view>& items, bool quote = false) {
  std::string out;
  for (std::string_view s : items) out += (out.empty() ? "" : ", ") + (quote ? in_quotes(s) : std::string(s));
  return out;
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), ignoring
/// case: the usual typos are one dropped, doubled, swapped or wrong letter.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

/// " (did you mean 'x'?)" for the nearest candidate, if it is near enough to be a typo.
std::string hint(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (std::string_view c : candidates) {
    const std::size_t distance = edit_distance(word, c);
    if (distance < best_distance) {
      best = c;
      best_distance = distance;
    }
  }
  // A third of the word may be wrong, but never all of it ('x' is not a typo of 'n').
  const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
  if (best_distance > allowed || best_distance >= word.size()) return "";
  return " (did you mean " + in_quotes(best) + "?)";
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

std::optional<std::size_t> parse_index(std::string_view s) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

/// Follows a dotted path ("degrees.3") from `start` as far as it exists. Returns the node
/// reached and whether that is the whole path.
std::pair<const toml::node*, bool> follow(const toml::node& start, std::string_view path) {
  const toml::node* node = &start;
  for (const std::string& part : split_path(path)) {
    const toml::node* next = nullptr;
    if (const auto* table = node->as_table()) {
      next = table->get(part);
    } else if (const auto* array = node->as_array()) {
      if (const auto index = parse_index(part)) next = array->get(*index);
    }
    if (next == nullptr) return {node, false};
    node = next;
  }
  return {node, true};
}

std::string join_key(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
}

class Loader {
 public:
  Loader(std::string file, toml::table& root, std::span<const std::string> overrides, std::filesystem::path base_dir)
      : file_(std::move(file)), root_(root), overrides_(overrides), base_dir_(std::move(base_dir)) {}

  void apply_overrides() {
    for (std::size_t i = 0; i < overrides_.size(); ++i) apply_override(i);
  }

  Scenario validate();

  /// Every problem, one per line, in reading order; empty if there is none.
  [[nodiscard]] std::string report() {
    std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.origin, a.line, a.column) < std::tie(b.origin, b.line, b.column);
    });
    std::string out;
    for (const Diagnostic& d : diags_) out += (out.empty() ? "" : "\n") + d.text;
    return out;
  }

  /// Reports at `node`: its override if a --set put it there, else `where` in the file.
  void error(const toml::node* node, const toml::source_region& where, std::string_view key, std::string_view message) {
    if (node != nullptr) {
      if (const auto it = from_override_.find(node); it != from_override_.end()) {
        diags_.push_back({it->second + 1, 0, 0,
                          "--set " + overrides_[it->second] + ": " + std::string(key) + ": " + std::string(message)});
        return;
      }
    }
    // The document itself (a missing table) has no useful position; point at its start.
    const std::uint32_t line = std::max<std::uint32_t>(where.begin.line, 1);
    const std::uint32_t column = where.begin.line == 0 ? 1 : std::max<std::uint32_t>(where.begin.column, 1);
    diags_.push_back({0, line, column,
                      file_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + std::string(key) +
                          ": " + std::string(message)});
  }
  void error(const toml::node& node, std::string_view key, std::string_view message) {
    error(&node, node.source(), key, message);
  }

  [[nodiscard]] std::size_t error_count() const { return diags_.size(); }

 private:
  enum class Need { kInactive, kOptional, kRequired };
  enum class State { kPending, kChosen, kAbsent, kBroken };
  struct Owner {
    std::size_t field;
    const Choice* choice;
  };

  void apply_override(std::size_t index);
  void mark(const toml::node& node, std::size_t index);
  void unmark(const toml::node& node);

  bool check_table(const Table& declared, toml::table& table, const std::string& path, Target& target);
  std::optional<Value> convert(const Field& field, toml::node& node, const std::string& key);
  std::optional<Value> checked_int(const Field& field, const toml::node& node, std::int64_t value,
                                   const std::string& key);
  std::optional<Value> checked_float(const Field& field, const toml::node& node, double value,
                                     const std::string& key);
  std::optional<Value> distribution(const Field& field, toml::node& node, const std::string& key);
  void check_nested(const Field& field, toml::node& node, const std::string& key, Target& target);

  std::string file_;
  toml::table& root_;
  std::span<const std::string> overrides_;
  std::filesystem::path base_dir_;
  std::vector<Diagnostic> diags_;
  /// Nodes a --set created, with its index: errors there name the override, not the file.
  std::unordered_map<const toml::node*, std::size_t> from_override_;
};

// ---- overrides -------------------------------------------------------------------------------

void Loader::mark(const toml::node& node, std::size_t index) {
  from_override_[&node] = index;
  if (const auto* table = node.as_table()) {
    for (auto&& [key, child] : *table) mark(child, index);
  } else if (const auto* array = node.as_array()) {
    for (const toml::node& child : *array) mark(child, index);
  }
}

void Loader::unmark(const toml::node& node) {
  from_override_.erase(&node);
  if (const auto* table = node.as_table()) {
    for (auto&& [key, child] : *table) unmark(child);
  } else if (const auto* array = node.as_array()) {
    for (const toml::node& child : *array) unmark(child);
  }
}

void Loader::apply_override(std::size_t index) {
  const std::string& text = overrides_[index];
  auto fail = [&](std::string_view key, std::string_view message) {
    diags_.push_back({index + 1, 0, 0,
                      "--set " + text + ": " + (key.empty() ? "" : std::string(key) + ": ") + std::string(message)});
  };
  const auto equals = text.find('=');
  const std::string key = trim(std::string_view(text).substr(0, equals));
  const std::vector<std::string> parts = split_path(key);
  // More parts than any key has would build that many nested tables (see toml_guard.hpp).
  if (equals == std::string::npos || parts.size() > kMaxKeyParts ||
      std::any_of(parts.begin(), parts.end(), [](auto& p) { return p.empty(); })) {
    fail("", "expected dotted.key=value, e.g. run.steps=50");
    return;
  }

  // The value is TOML if it parses as one; otherwise a bare word is meant as a string.
  const std::string value_text = trim(std::string_view(text).substr(equals + 1));
  toml::table holder;
  try {
    holder = parse_toml("v = " + value_text, std::string_view{"--set"});
  } catch (const toml::parse_error&) {
    holder.clear();
  }
  if (holder.size() != 1 || !holder.contains("v")) {
    holder.clear();
    holder.insert("v", value_text);
  }
  toml::node& value = *holder.get("v");

  // Walk to the parent, creating what is missing: a table, or an array where the next part
  // is an index (channel.0.type on a scenario without channels).
  toml::node* node = &root_;
  std::string walked;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const std::string& part = parts[p];
    const bool last = p + 1 == parts.size();
    const std::string here = join_key(walked, part);
    if (auto* table = node->as_table()) {
      if (last) {
        if (const toml::node* old = table->get(part)) unmark(*old);
        const auto [it, inserted] = table->insert_or_assign(part, std::move(value));
        mark(it->second, index);
        return;
      }
      toml::node* next = table->get(part);
      if (next == nullptr) {
        const bool array_next = parse_index(parts[p + 1]).has_value();
        next = &(array_next ? table->insert(part, toml::array{}).first->second
                            : table->insert(part, toml::table{}).first->second);
        mark(*next, index);
      }
      node = next;
    } else if (auto* array = node->as_array()) {
      const auto at = parse_index(part);
      if (!at || *at > array->size()) {
        fail(here, "expected an index from 0 to " + std::to_string(array->size()) + " (" +
                       std::to_string(array->size()) + " appends an entry), found " + in_quotes(part));
        return;
      }
      if (last) {
        if (*at == array->size()) {
          array->push_back(std::move(value));
        } else {
          unmark(*array->get(*at));
          array->replace(array->cbegin() + static_cast<std::ptrdiff_t>(*at), std::move(value));
        }
        mark(*array->get(*at), index);
        return;
      }
      if (*at == array->size()) {
        array->push_back(toml::table{});
        mark(*array->get(*at), index);
      }
      node = array->get(*at);
    } else {
      fail(walked, "expected a table to set " + in_quotes(part) + " in, found " + toml_type_name(node->type()));
      return;
    }
    walked = here;
  }
}

// ---- validation ------------------------------------------------------------------------------

/// Reporter for a table's cross-key check: paths are relative to the table.
class TableReporter : public schema::Reporter {
 public:
  TableReporter(Loader& loader, const toml::table& table, std::string prefix)
      : loader_(loader), table_(table), prefix_(std::move(prefix)) {}
  [[nodiscard]] bool has(std::string_view path) const override { return follow(table_, path).second; }
  void error(std::string_view path, std::string message) override {
    loader_.error(*follow(table_, path).first, join_key(prefix_, path), message);
  }

 private:
  Loader& loader_;
  const toml::table& table_;
  std::string prefix_;
};

class RootReporter : public schema::ScenarioReporter {
 public:
  RootReporter(Loader& loader, const toml::table& root, const std::map<std::string, bool, std::less<>>& clean)
      : loader_(loader), root_(root), clean_(clean) {}
  [[nodiscard]] bool has(std::string_view path) const override { return follow(root_, path).second; }
  void error(std::string_view path, std::string message) override {
    loader_.error(*follow(root_, path).first, path, message);
  }
  [[nodiscard]] bool clean(std::string_view section) const override {
    const auto it = clean_.find(section);
    return it == clean_.end() || it->second;
  }

 private:
  Loader& loader_;
  const toml::table& root_;
  const std::map<std::string, bool, std::less<>>& clean_;
};

Scenario Loader::validate() {
  Scenario scenario;
  std::vector<std::string_view> names;
  for (const Section& s : schema::sections()) names.push_back(s.key);
  auto find_section = [](std::string_view key) -> const Section* {
    for (const Section& s : schema::sections()) {
      if (s.key == key) return &s;
    }
    return nullptr;
  };

  for (auto&& [key, node] : root_) {
    if (find_section(key.str()) != nullptr) continue;
    const bool table = node.is_table() || node.is_array_of_tables();
    error(&node, key.source(), key.str(),
          (table ? "unknown table" : "unknown key; keys belong in a table") + hint(key.str(), names) +
              "; valid tables: " + join(names));
  }

  std::map<std::string, bool, std::less<>> clean;
  for (const Section& section : schema::sections()) {
    const std::string key(section.key);
    const std::size_t before = error_count();
    Target target{&scenario, nullptr, nullptr, base_dir_};
    toml::node* node = root_.get(key);
    if (node == nullptr) {
      if (section.required) error(root_, key, "required table [" + key + "] is missing");
    } else if (section.array) {
      if (auto* array = node->as_array()) {
        for (std::size_t i = 0; i < array->size(); ++i) {
          const std::string entry = key + "." + std::to_string(i);
          auto* table = array->get(i)->as_table();
          if (table == nullptr) {
            error(*array->get(i), entry, "expected table, found " + toml_type_name(array->get(i)->type()));
            continue;
          }
          target.channel = &scenario.channels.emplace_back();
          check_table(*section.table, *table, entry, target);
        }
      } else {
        error(*node, key, "expected array of tables ([[" + key + "]]), found " + toml_type_name(node->type()));
      }
    } else if (auto* table = node->as_table()) {
      check_table(*section.table, *table, key, target);
    } else {
      error(*node, key, "expected table, found " + toml_type_name(node->type()));
    }
    clean[key] = error_count() == before;
  }

  RootReporter reporter(*this, root_, clean);
  schema::check_scenario(scenario, reporter);
  return scenario;
}

bool Loader::check_table(const Table& declared, toml::table& table, const std::string& path, Target& target) {
  const std::size_t before = error_count();
  const auto& fields = declared.fields;
  const std::size_t count = fields.size();
  auto index_of = [&](std::string_view key) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < count; ++i) {
      if (fields[i].key == key) return i;
    }
    return std::nullopt;
  };
  std::vector<std::string_view> all_keys;
  for (const Field& f : fields) all_keys.push_back(f.key);

  // Which switch choices enable each field.
  std::vector<std::vector<Owner>> owners(count);
  for (std::size_t s = 0; s < count; ++s) {
    for (const Choice& c : fields[s].choices) {
      for (const schema::Use& u : c.keys) owners[index_of(u.key).value()].push_back({s, &c});
    }
  }

  // 1. Resolve the switches (in any nesting order) to learn which keys are in play.
  std::vector<Need> need(count, Need::kInactive);
  std::vector<Owner> required_by(count, {0, nullptr});
  for (std::size_t i = 0; i < count; ++i) {
    if (owners[i].empty()) need[i] = fields[i].required ? Need::kRequired : Need::kOptional;
  }
  std::vector<State> state(count, State::kPending);
  std::vector<const Choice*> chosen(count, nullptr);
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t s = 0; s < count; ++s) {
      const Field& f = fields[s];
      if (f.kind != Kind::kSwitch || need[s] == Need::kInactive || state[s] != State::kPending) continue;
      grew = true;
      state[s] = State::kBroken;
      const std::string key = join_key(path, f.key);
      if (toml::node* node = table.get(f.key)) {
        const auto* name = node->as_string();
        if (name == nullptr) {
          error(*node, key, "expected string, found " + toml_type_name(node->type()));
          continue;
        }
        std::vector<std::string_view> names;
        for (const Choice& c : f.choices) {
          if (c.implied) {
            if (c.name == name->get()) {
              error(*node, key, "found " + in_quotes(c.name) + "; for that, give the key " + in_quotes(c.name) +
                                    " instead of " + in_quotes(f.key));
              names.clear();
              break;
            }
            continue;
          }
          names.push_back(c.name);
          if (c.name == name->get()) {
            chosen[s] = &c;
            state[s] = State::kChosen;
          }
        }
        if (state[s] != State::kChosen && !names.empty()) {
          error(*node, key, "expected one of " + join(names, true) + ", found " + in_quotes(name->get()) +
                                hint(name->get(), names));
        }
      } else {
        for (const Choice& c : f.choices) {
          if (c.implied && table.contains(c.name)) {
            chosen[s] = &c;
            state[s] = State::kChosen;
          }
        }
        if (state[s] != State::kChosen && need[s] == Need::kOptional) {
          // The default choice is whatever the spec struct starts with; none if empty.
          state[s] = State::kAbsent;
          if (const auto value = f.access.get(target)) {
            for (const Choice& c : f.choices) {
              if (c.name == std::get<std::string>(*value)) {
                chosen[s] = &c;
                state[s] = State::kChosen;
              }
            }
          }
        }
        // A required switch that is missing stays kBroken; step 3 reports it.
      }
      if (state[s] != State::kChosen) continue;
      for (const schema::Use& u : chosen[s]->keys) {
        const std::size_t i = index_of(u.key).value();
        const Need wanted = u.required ? Need::kRequired : Need::kOptional;
        if (wanted > need[i]) {
          need[i] = wanted;
          if (u.required) required_by[i] = {s, chosen[s]};
        }
      }
    }
  }

  // 2. Keys given that are unknown, or that belong to a choice not made.
  // What else the user could write: the keys in play, less the switches already decided.
  auto allowed = [&] {
    std::vector<std::string_view> keys;
    for (std::size_t i = 0; i < count; ++i) {
      if (need[i] != Need::kInactive && state[i] != State::kChosen) keys.push_back(fields[i].key);
    }
    return "(allowed: " + (keys.empty() ? std::string("none") : join(keys)) + ")";
  };
  // "model 'x'" reads better than "name 'x'" for a switch called name.
  auto subject = [&](const Field& sw) { return std::string(sw.key == "name" ? declared.name : sw.key); };
  std::function<std::optional<std::string>(std::size_t)> why_inactive = [&](std::size_t i) {
    std::optional<std::string> why;
    const Field* undecided = nullptr;
    std::vector<std::string_view> would_allow;
    for (const Owner& o : owners[i]) {
      if (need[o.field] == Need::kInactive) continue;
      const Field& sw = fields[o.field];
      switch (state[o.field]) {
        case State::kBroken:
          return std::optional<std::string>{};  // the switch's own error says enough
        case State::kChosen: {
          const Choice& c = *chosen[o.field];
          why = c.implied ? "not a parameter when " + in_quotes(c.name) + " is given " + allowed()
                          : "not a parameter of " + subject(sw) + " " + in_quotes(c.name) + " " + allowed();
          break;
        }
        case State::kAbsent:
          undecided = &sw;
          would_allow.push_back(o.choice->name);
          break;
        case State::kPending:
          break;
      }
    }
    if (why) return why;
    if (undecided != nullptr) {
      return std::optional<std::string>{"used only with " + std::string(undecided->key) + " = " +
                                        join(would_allow, true)};
    }
    // No switch owning this key is in play: explain why that switch is not.
    for (const Owner& o : owners[i]) {
      if (auto outer = why_inactive(o.field)) return outer;
    }
    return std::optional<std::string>{};
  };
  // A --set that changes a choice (network.generator=gnp on a barabasi_albert file) cannot
  // also delete the file's keys of the old choice, so those are dropped; keys the overrides
  // give themselves are still checked.
  std::function<bool(std::size_t)> switched_by_override = [&](std::size_t i) {
    return std::any_of(owners[i].begin(), owners[i].end(), [&](const Owner& o) {
      const toml::node* sw = table.get(fields[o.field].key);
      return (sw != nullptr && from_override_.contains(sw)) || switched_by_override(o.field);
    });
  };
  for (auto&& [key, node] : table) {
    const std::string full = join_key(path, key.str());
    const auto i = index_of(key.str());
    if (!i) {
      error(&node, key.source(), full, "unknown key" + hint(key.str(), all_keys) + "; valid keys: " + join(all_keys));
    } else if (need[*i] == Need::kInactive) {
      if (!from_override_.contains(&node) && switched_by_override(*i)) continue;
      if (const auto why = why_inactive(*i)) error(&node, key.source(), full, *why);
    }
  }

  // 3. Values of the keys in play, and the required ones that are missing.
  for (std::size_t i = 0; i < count; ++i) {
    if (need[i] == Need::kInactive) continue;
    const Field& f = fields[i];
    const std::string key = join_key(path, f.key);
    toml::node* node = table.get(f.key);
    if (f.kind == Kind::kSwitch && state[i] == State::kChosen) {
      f.access.set(target, Value{std::string(chosen[i]->name)});
      continue;
    }
    if (node == nullptr) {
      if (need[i] != Need::kRequired) continue;
      std::string message = "required";
      if (const Owner& by = required_by[i]; by.choice != nullptr) {
        message += " by " + subject(fields[by.field]) + " " + in_quotes(by.choice->name);
      }
      message += ", but missing";
      for (const Choice& c : f.choices) {
        if (c.implied) message += " (or give " + in_quotes(c.name) + " instead)";
      }
      error(table, key, message);
      continue;
    }
    if (f.kind == Kind::kSwitch) continue;  // broken: already reported
    if (f.kind == Kind::kSubtable || f.kind == Kind::kSubtableArray) {
      check_nested(f, *node, key, target);
      continue;
    }
    if (auto value = convert(f, *node, key)) f.access.set(target, *value);
  }

  // 4. Checks across keys, once every key is valid on its own.
  if (error_count() == before && declared.check != nullptr) {
    TableReporter reporter(*this, table, path);
    declared.check(target, reporter);
  }
  return error_count() == before;
}

std::optional<Value> Loader::checked_int(const Field& field, const toml::node& node, std::int64_t value,
                                         const std::string& key) {
  if (value < field.range.int_min || value > field.range.int_max) {
    error(node, key, "expected an integer " + schema::describe_range(field) + ", found " + std::to_string(value));
    return std::nullopt;
  }
  return Value{value};
}

std::optional<Value> Loader::checked_float(const Field& field, const toml::node& node, double value,
                                           const std::string& key) {
  if (!std::isfinite(value)) {
    error(node, key, "expected a finite float, found " + schema::format_number(value));
    return std::nullopt;
  }
  const schema::Range& r = field.range;
  const bool below = value < r.min || (r.min_open && value == r.min);
  const bool above = value > r.max || (r.max_open && value == r.max);
  if (below || above) {
    error(node, key, "expected a float " + schema::describe_range(field) + ", found " + schema::format_number(value));
    return std::nullopt;
  }
  return Value{value};
}

std::optional<double> number(const toml::node& node) {
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = node.as_floating_point()) return f->get();
  return std::nullopt;
}

std::optional<Value> Loader::convert(const Field& field, toml::node& node, const std::string& key) {
  switch (field.kind) {
    case Kind::kBool:
      if (const auto* b = node.as_boolean()) return Value{b->get()};
      break;
    case Kind::kInt:
      if (const auto* i = node.as_integer()) return checked_int(field, node, i->get(), key);
      break;
    case Kind::kFloat:
      if (const auto x = number(node)) return checked_float(field, node, *x, key);
      break;
    case Kind::kString:
      if (const auto* s = node.as_string()) {
        if (!s->get().empty()) return Value{s->get()};
        error(node, key, "expected a non-empty string");
        return std::nullopt;
      }
      break;
    case Kind::kIntArray:
      if (const auto* array = node.as_array()) {
        if (array->empty()) {
          error(node, key, "expected a non-empty array of integers");
          return std::nullopt;
        }
        std::vector<std::int64_t> values;
        bool ok = true;
        for (std::size_t j = 0; j < array->size(); ++j) {
          const toml::node& element = *array->get(j);
          const std::string element_key = key + "." + std::to_string(j);
          if (const auto* i = element.as_integer()) {
            ok = checked_int(field, element, i->get(), element_key).has_value() && ok;
            values.push_back(i->get());
          } else {
            error(element, element_key, "expected integer, found " + toml_type_name(element.type()));
            ok = false;
          }
        }
        if (ok) return Value{std::move(values)};
        return std::nullopt;
      }
      break;
    case Kind::kDistribution:
      return distribution(field, node, key);
    case Kind::kTable:
      if (node.is_table()) return std::nullopt;  // its keys are its consumer's to check
      break;
    case Kind::kSwitch:
    case Kind::kSubtable:
    case Kind::kSubtableArray:
      break;  // resolved in check_table
  }
  error(node, key, "expected " + expected_type(field.kind) + ", found " + toml_type_name(node.type()));
  return std::nullopt;
}

/// A nested table (`[network.layer.trust]`) or array of tables (`[[network.layer]]`), each
/// checked against `field.table` and stored where `field.nested` says.
void Loader::check_nested(const Field& field, toml::node& node, const std::string& key, Target& target) {
  if (field.kind == Kind::kSubtable) {
    if (auto* table = node.as_table()) {
      Target entry = field.nested.entry(target, 0);
      check_table(*field.table, *table, key, entry);
    } else {
      error(node, key, "expected table, found " + toml_type_name(node.type()));
    }
    return;
  }
  auto* array = node.as_array();
  if (array == nullptr) {
    error(node, key, "expected array of tables ([[" + key + "]]), found " + toml_type_name(node.type()));
    return;
  }
  if (static_cast<std::int64_t>(array->size()) > field.range.int_max) {
    error(node, key, "expected at most " + std::to_string(field.range.int_max) + " entries, found " +
                         std::to_string(array->size()));
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string entry_key = key + "." + std::to_string(i);
    toml::node& element = *array->get(i);
    Target entry = field.nested.entry(target, i);
    if (auto* table = element.as_table()) {
      check_table(*field.table, *table, entry_key, entry);
    } else {
      error(element, entry_key, "expected table, found " + toml_type_name(element.type()));
    }
  }
}

std::optional<Value> Loader::distribution(const Field& field, toml::node& node, const std::string& key) {
  Distribution d;
  auto* table = node.as_table();
  if (const auto x = number(node)) {
    if (!std::isfinite(*x)) {
      error(node, key, "expected a finite float, found " + schema::format_number(*x));
      return std::nullopt;
    }
    d.kind = Distribution::Kind::kConstant;
    d.value = *x;
  } else if (table != nullptr) {
    Target target;
    target.dist = &d;
    if (!check_table(*field.table, *table, key, target)) return std::nullopt;
  } else {
    error(node, key, "expected " + expected_type(field.kind) + ", found " + toml_type_name(node.type()));
    return std::nullopt;
  }

  // What consumes the values (e.g. fixed-point thresholds) bounds every value a draw can
  // take, so check the distribution's extremes, at the key that sets each one.
  const schema::Range& r = field.range;
  bool ok = true;
  auto check_end = [&](double extreme, bool too_far, std::string_view param) {
    if (!too_far) return;
    ok = false;
    const toml::node* at = &node;
    std::string at_key = key;
    std::string note;
    if (table != nullptr) {
      at_key = key + "." + std::string(param);
      if (const toml::node* given = table->get(param)) {
        at = given;
      } else {
        note = " (the default)";
      }
    }
    error(*at, at_key, "expected a float " + schema::describe_range(field) + " (the range of " + key + "), found " +
                           schema::format_number(extreme) + note);
  };
  const bool constant = d.kind == Distribution::Kind::kConstant;
  const double low = d.min_value(), high = d.max_value();
  check_end(low, low < r.min || (r.min_open && low == r.min), constant ? "value" : "low");
  if (ok || !constant) check_end(high, high > r.max || (r.max_open && high == r.max), constant ? "value" : "high");
  if (!ok) return std::nullopt;
  return Value{d};
}

}  // namespace

Scenario parse_scenario(std::string text, const std::filesystem::path& path, std::span<const std::string> overrides) {
  const std::string file = path.string();
  toml::table root;
  try {
    root = parse_toml(text, std::string_view{file});
  } catch (const toml::parse_error& e) {
    throw InputError(file + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) + ": syntax: " + std::string(e.description()));
  }
  Loader loader(file, root, overrides, path.parent_path());
  loader.apply_overrides();
  Scenario scenario = loader.validate();
  if (std::string problems = loader.report(); !problems.empty()) throw InputError(problems);
  scenario.path = path;
  scenario.text = std::move(text);
  scenario.overrides.assign(overrides.begin(), overrides.end());
  return scenario;
}

std::string read_scenario_text(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path.string() + ": cannot read scenario: is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot read scenario: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path.string() + ": cannot read scenario: " + std::strerror(errno));
  return std::move(text).str();
}

Scenario load_scenario(const std::filesystem::path& path, std::span<const std::string> overrides) {
  return parse_scenario(read_scenario_text(path), path, overrides);
}

}  // namespace wom
