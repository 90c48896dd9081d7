// SPDX-License-Identifier: MIT
#pragma once
/// @file The scenario language's schema: each key declared once, with its type, default,
/// allowed range or choices, meaning, and where its value is stored. The one declaration
/// drives the loader and validator (scenario.cpp), the key reference in docs/scenario.md
/// (scenario_reference_markdown) and the resolved-scenario printout of `wom validate`.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenarios/scenario.hpp"

namespace wom {

/// The reference of every scenario key (type, default, allowed values, meaning) as markdown.
/// docs/scenario.md is exactly this text; a unit test keeps the two identical.
std::string scenario_reference_markdown();

/// The fully resolved scenario (every default filled in, edge-list path resolved) as TOML,
/// in schema order. Parsing the text again gives an equal scenario.
std::string resolved_scenario_toml(const Scenario& scenario);

namespace schema {

/// What a key holds. Integers are accepted where a float is expected, never the reverse.
enum class Kind {
  kBool,
  kInt,
  kFloat,
  kString,
  kSwitch,        ///< a string naming one of `Field::choices`, which decides the other keys
  kIntArray,
  kDistribution,  ///< a number (constant) or an inline table `{dist = "...", ...}`
  kTable,         ///< a table of free keys its consumer checks (`[sweep.parameters]`)
  kSubtable,      ///< a table whose keys `Field::table` declares (`[network.layer.trust]`)
  kSubtableArray, ///< an array of such tables (`[[network.layer]]`)
};

/// A validated value on its way into (or out of) the spec structs.
using Value = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                           Distribution>;

/// The object a table's keys are stored in. One setter signature for every table keeps all
/// keys in homogeneous tables; each table's accessors use the one pointer that fits it.
struct Target {
  Scenario* scenario = nullptr;      ///< top-level sections
  ChannelSpec* channel = nullptr;    ///< one [[channel]]
  Distribution* dist = nullptr;      ///< an inline distribution table
  std::filesystem::path base_dir;    ///< the scenario file's folder (relative paths)
  NetworkSpec* network = nullptr;    ///< one [[network.layer]]; null: [network] itself
  TrustSpec* trust = nullptr;        ///< that layer's trust; null: [trust]
};

/// kSubtable, kSubtableArray: where the keys of the nested table(s) are stored.
struct Nested {
  /// The Target of entry `index` under `parent` (always 0 for kSubtable), created if the
  /// spec does not hold it yet. Entries are entered in index order.
  Target (*entry)(Target& parent, std::size_t index) = nullptr;
  /// Entries `parent` holds (for printing); kSubtable: 1.
  std::size_t (*count)(const Target& parent) = nullptr;
};

/// Reads and writes one key's value in a Target. `get` gives nullopt where the key is unset
/// (an optional value, or a switch with no choice made).
struct Access {
  void (*set)(Target&, const Value&) = nullptr;
  std::optional<Value> (*get)(const Target&) = nullptr;
};

/// Allowed values of a number: integers use the int bounds, floats the double bounds.
struct Range {
  std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
  std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;  ///< min itself is excluded (e.g. sd > 0)
  bool max_open = false;
};

/// A key a choice enables, and whether that choice requires it.
struct Use {
  std::string_view key;
  bool required = false;
};

/// One value of a switch key (e.g. generator = "gnp") and the keys it brings.
struct Choice {
  std::string_view name;
  std::string_view doc;
  std::vector<Use> keys;
  /// Chosen by giving the key named like the choice instead of the switch key
  /// (`edge_list = "file"` instead of `generator = ...`); not a valid switch value itself.
  bool implied = false;
};

struct Table;

/// One key: the single declaration everything else is derived from.
struct Field {
  std::string_view key{};
  Kind kind = Kind::kInt;
  std::string_view doc{};
  /// For keys no choice owns: whether the key must be given. Keys owned by choices take
  /// their requirement from `Use::required` of the chosen value.
  bool required = false;
  Range range{};
  std::vector<Choice> choices{};  ///< kSwitch: the allowed values
  const Table* table = nullptr;  ///< kDistribution: the schema of the inline-table form;
                                 ///< kSubtable(Array): the nested table's schema
  Access access;
  /// Docs text for the default where it is not a plain value (e.g. "sum of block_sizes");
  /// empty: the default is read from a default-constructed spec through `access.get`.
  std::string_view default_doc{};
  Nested nested{};  ///< kSubtable, kSubtableArray; their entry count is limited by range.int_max
};

/// Where cross-key checks report problems. Paths are dotted and relative to the table being
/// checked ("degrees.3"); an error lands at that key's position, or at the nearest enclosing
/// table that exists when the key was not given.
class Reporter {
 public:
  virtual ~Reporter() = default;
  /// Whether the input gave `path` (rather than leaving it to its default).
  [[nodiscard]] virtual bool has(std::string_view path) const = 0;
  virtual void error(std::string_view path, std::string message) = 0;
};

/// Checks spanning several keys of one table; run only once every key of it is valid.
using TableCheck = void (*)(Target&, Reporter&);

/// The keys of one TOML table.
struct Table {
  std::string_view name;
  std::vector<Field> fields;
  TableCheck check = nullptr;
};

/// A top-level TOML table (or array of tables) of a scenario.
struct Section {
  std::string_view key;
  std::string_view doc;
  const Table* table = nullptr;
  bool required = false;
  bool array = false;  ///< `[[key]]`: an array of tables
};

/// Every top-level section, in the order they are documented and printed.
const std::vector<Section>& sections();
/// The inline-table form of a distribution, `{dist = "...", ...}`.
const Table& distribution_table();

/// Checks across sections (seed counts against network.n, trust rule against the network,
/// at least one seed channel). Reporter paths are relative to the document root;
/// `clean(section)` says whether a section validated without errors, since checks that read
/// a section with errors would only repeat them.
class ScenarioReporter : public Reporter {
 public:
  [[nodiscard]] virtual bool clean(std::string_view section) const = 0;
};
void check_scenario(Scenario& scenario, ScenarioReporter& reporter);

/// The allowed range of a number or of an array's elements as text: "in [0, 1]", "> 0",
/// ">= 1"; empty when unbounded.
std::string describe_range(const Field& field);

/// What a key of this kind holds, as the key reference says: "boolean", "array of tables", ...
std::string kind_name(Kind kind);

/// Formats a value as TOML (floats always with a '.' or exponent, so they stay floats).
std::string toml_value(const Value& value);
/// Formats a double in its shortest round-tripping form ("0.1", "2", "1e+20").
std::string format_number(double value);

}  // namespace schema
}  // namespace wom
