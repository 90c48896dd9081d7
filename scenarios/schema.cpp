// SPDX-License-Identifier: MIT
#include "scenarios/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <system_error>

#include "sim/network/layers.hpp"
#include "sim/network/memory_estimate.hpp"

namespace wom::schema {
namespace {

/// The largest agent count: NodeId's maximum is reserved for kNoNode.
constexpr std::int64_t kMaxAgents = std::numeric_limits<NodeId>::max() - 1;
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

// ---- moving values between Value and the spec structs --------------------------------------
// The validator has already checked kind and range, so these only convert representation.

void assign(bool& out, const Value& v) { out = std::get<bool>(v); }
void assign(double& out, const Value& v) { out = std::get<double>(v); }
void assign(std::string& out, const Value& v) { out = std::get<std::string>(v); }
void assign(Distribution& out, const Value& v) { out = std::get<Distribution>(v); }
void assign(std::uint32_t& out, const Value& v) {
  out = static_cast<std::uint32_t>(std::get<std::int64_t>(v));
}
void assign(std::int32_t& out, const Value& v) {
  out = static_cast<std::int32_t>(std::get<std::int64_t>(v));
}
void assign(std::uint64_t& out, const Value& v) {
  out = static_cast<std::uint64_t>(std::get<std::int64_t>(v));
}
void assign(std::optional<std::uint64_t>& out, const Value& v) {
  out = static_cast<std::uint64_t>(std::get<std::int64_t>(v));
}
void assign(std::optional<std::uint32_t>& out, const Value& v) {
  out = static_cast<std::uint32_t>(std::get<std::int64_t>(v));
}
void assign(std::optional<double>& out, const Value& v) { out = std::get<double>(v); }
template <class T>
void assign(std::vector<T>& out, const Value& v) {
  const auto& in = std::get<std::vector<std::int64_t>>(v);
  out.assign(in.size(), T{});
  std::transform(in.begin(), in.end(), out.begin(), [](std::int64_t x) { return static_cast<T>(x); });
}

std::optional<Value> value_of(bool v) { return Value{v}; }
std::optional<Value> value_of(double v) { return Value{v}; }
std::optional<Value> value_of(const Distribution& v) { return Value{v}; }
// An empty string or array is "not set" (e.g. no degree_distribution chosen).
std::optional<Value> value_of(const std::string& v) {
  if (v.empty()) return std::nullopt;
  return Value{v};
}
std::optional<Value> value_of(std::uint32_t v) { return Value{static_cast<std::int64_t>(v)}; }
std::optional<Value> value_of(std::int32_t v) { return Value{static_cast<std::int64_t>(v)}; }
std::optional<Value> value_of(std::uint64_t v) { return Value{static_cast<std::int64_t>(v)}; }
std::optional<Value> value_of(const std::optional<std::uint64_t>& v) {
  if (!v) return std::nullopt;
  return Value{static_cast<std::int64_t>(*v)};
}
std::optional<Value> value_of(const std::optional<std::uint32_t>& v) {
  if (!v) return std::nullopt;
  return Value{static_cast<std::int64_t>(*v)};
}
std::optional<Value> value_of(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  return Value{*v};
}
template <class T>
std::optional<Value> value_of(const std::vector<T>& v) {
  if (v.empty()) return std::nullopt;  // no array key takes an empty array
  return Value{std::vector<std::int64_t>(v.begin(), v.end())};
}

/// A key stored in `Scenario::*Section.*Member`, e.g. scenario_key<&Scenario::run, &RunSpec::steps>.
template <auto Section, auto Member>
constexpr Access scenario_key() {
  return {[](Target& t, const Value& v) { assign((t.scenario->*Section).*Member, v); },
          [](const Target& t) { return value_of((t.scenario->*Section).*Member); }};
}
/// [network] (layer 0) or the [[network.layer]] entry `t` points at, and its trust.
NetworkSpec& network_of(Target& t) { return t.network != nullptr ? *t.network : t.scenario->network; }
const NetworkSpec& network_of(const Target& t) { return t.network != nullptr ? *t.network : t.scenario->network; }
TrustSpec& trust_of(Target& t) { return t.trust != nullptr ? *t.trust : t.scenario->trust; }
const TrustSpec& trust_of(const Target& t) { return t.trust != nullptr ? *t.trust : t.scenario->trust; }
template <auto Member>
constexpr Access network_key() {
  return {[](Target& t, const Value& v) { assign(network_of(t).*Member, v); },
          [](const Target& t) { return value_of(network_of(t).*Member); }};
}
template <auto Member>
constexpr Access trust_key() {
  return {[](Target& t, const Value& v) { assign(trust_of(t).*Member, v); },
          [](const Target& t) { return value_of(trust_of(t).*Member); }};
}
/// Keys whose values live elsewhere (nested tables): nothing to store or print as `key = value`.
constexpr Access kNoValue{[](Target&, const Value&) {}, [](const Target&) -> std::optional<Value> { return std::nullopt; }};
template <auto Member>
constexpr Access seed_key() {
  return {[](Target& t, const Value& v) { assign(t.channel->seed.*Member, v); },
          [](const Target& t) { return value_of(t.channel->seed.*Member); }};
}
template <auto Member>
constexpr Access channel_key() {
  return {[](Target& t, const Value& v) { assign(t.channel->*Member, v); },
          [](const Target& t) { return value_of(t.channel->*Member); }};
}
template <auto Member>
constexpr Access dist_key() {
  return {[](Target& t, const Value& v) { assign(t.dist->*Member, v); },
          [](const Target& t) { return value_of(t.dist->*Member); }};
}

constexpr Range ints(std::int64_t min, std::int64_t max = kMaxInt) {
  Range r;
  r.int_min = min;
  r.int_max = max;
  return r;
}
constexpr Range closed(double min, double max) {
  Range r;
  r.min = min;
  r.max = max;
  return r;
}
constexpr Range above(double min) {
  Range r;
  r.min = min;
  r.min_open = true;
  return r;
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// ---- cross-key checks ------------------------------------------------------------------------

void check_network(Target& t, Reporter& r) {
  NetworkSpec& net = network_of(t);
  // A lambda, since configuration and sbm derive n below.
  auto n_text = [&net] { return "n = " + std::to_string(net.n); };
  if (net.generator == "gnm") {
    // n(n-1) fits in 64 bits for every n <= 2^32 - 2.
    const std::uint64_t n = net.n;
    const std::uint64_t most = net.directed ? n * (n - 1) : n * (n - 1) / 2;
    if (net.edges > most) {
      r.error("edges", "expected at most " + std::to_string(most) + " edges for " + n_text() +
                           (net.directed ? " (directed)" : "") + ", found " + std::to_string(net.edges));
    }
  } else if (net.generator == "barabasi_albert") {
    if (net.m >= net.n) {
      r.error("m", "expected m < n (" + n_text() + "), found " + std::to_string(net.m));
    }
  } else if (net.generator == "watts_strogatz") {
    if (net.k % 2 != 0) r.error("k", "expected an even integer, found " + std::to_string(net.k));
    if (net.k >= net.n) r.error("k", "expected k < n (" + n_text() + "), found " + std::to_string(net.k));
  } else if (net.generator == "configuration") {
    const bool has_degrees = r.has("degrees");
    const bool has_distribution = r.has("degree_distribution");
    if (has_degrees && has_distribution) {
      r.error("degree_distribution", "give either degrees or degree_distribution, not both");
    } else if (!has_degrees && !has_distribution) {
      r.error("degrees", "generator 'configuration' needs degrees or degree_distribution");
    } else if (has_degrees) {
      const auto size = static_cast<NodeId>(net.degrees.size());
      if (r.has("n") && net.n != size) {
        r.error("n", "expected n = " + std::to_string(size) + " (the length of degrees), found " +
                         std::to_string(net.n));
        return;
      }
      net.n = size;
      for (std::size_t i = 0; i < net.degrees.size(); ++i) {
        if (net.degrees[i] >= net.n) {
          r.error("degrees." + std::to_string(i),
                  "expected a degree < n (" + n_text() + "), found " + std::to_string(net.degrees[i]));
        }
      }
    } else if (!r.has("n")) {
      r.error("n", "required by degree_distribution, but missing");
    } else if (net.degree_distribution == "power_law") {
      if (net.min_degree >= net.n) {
        r.error("min_degree", "expected min_degree < n (" + n_text() + "), found " + std::to_string(net.min_degree));
      }
      if (net.max_degree != 0 && net.max_degree < net.min_degree) {
        r.error("max_degree", "expected 0 or max_degree >= min_degree (" + std::to_string(net.min_degree) +
                                  "), found " + std::to_string(net.max_degree));
      } else if (net.max_degree >= net.n) {
        r.error("max_degree", "expected max_degree < n (" + n_text() + "), found " + std::to_string(net.max_degree));
      }
    } else if (net.degree_distribution == "poisson") {
      if (net.mean_degree > static_cast<double>(net.n) - 1) {
        r.error("mean_degree", "expected at most n - 1 (" + n_text() + "), found " + format_number(net.mean_degree));
      }
    }
  } else if (net.generator == "sbm") {
    std::uint64_t total = 0;
    for (NodeId size : net.block_sizes) total += size;
    if (total > static_cast<std::uint64_t>(kMaxAgents)) {
      r.error("block_sizes", "expected at most " + std::to_string(kMaxAgents) + " agents in all, found " +
                                 std::to_string(total));
    } else if (r.has("n") && net.n != total) {
      r.error("n", "expected n = " + std::to_string(total) + " (the sum of block_sizes), found " +
                       std::to_string(net.n));
    } else {
      net.n = static_cast<NodeId>(total);
    }
  } else if (net.generator == "edge_list") {
    // Resolved once, here, so everything downstream (and the resolved printout) sees one
    // absolute path that no longer depends on where the scenario file lives.
    const std::filesystem::path resolved =
        std::filesystem::absolute(t.base_dir / net.path).lexically_normal();
    net.path = resolved.string();
    std::error_code ec;
    const auto status = std::filesystem::status(resolved, ec);
    if (!std::filesystem::exists(status)) {
      r.error("edge_list", "cannot read " + in_quotes(net.path) + ": no such file");
    } else if (std::filesystem::is_directory(status)) {
      r.error("edge_list", "cannot read " + in_quotes(net.path) + ": is a directory");
    }
  }
}

/// Rules that read the edge list's weights need one: `at` is the trust table's path.
void check_trust_input(const NetworkSpec& net, const TrustSpec& trust, const std::string& at, Reporter& r) {
  if (net.generator == "edge_list") return;
  if (trust.rule == "weight") {
    r.error(at + "rule", "rule 'weight' reads the weights of the layer's edge_list; generator " +
                             in_quotes(net.generator) + " has none");
  }
  if (!trust.negative.empty()) {
    r.error(at + "negative", "reads the signs of edge_list weights; generator " + in_quotes(net.generator) +
                                 " has none");
  }
}

/// [network] with its layers: names unique, generated layers as large as a generated layer 0.
void check_network_layers(Target& t, Reporter& r) {
  check_network(t, r);
  const NetworkSpec& net = t.scenario->network;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const NetworkSpec& layer = net.layers[i].network;
    const std::string at = "layer." + std::to_string(i) + ".";
    if (layer.name == net.name) {
      r.error(at + "name", "expected a name no other layer has, found " + in_quotes(layer.name) +
                               ", the name of layer 0 ([network] name)");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (net.layers[j].network.name == layer.name) {
        r.error(at + "name", "expected a name no other layer has, found " + in_quotes(layer.name) +
                                 ", the name of network.layer." + std::to_string(j));
      }
    }
    if (net.generator != "edge_list" && layer.generator != "edge_list" && layer.n != net.n) {
      r.error(at + "n", "expected n = " + std::to_string(net.n) +
                            " (a generated layer's agents are those of layer 0), found " + std::to_string(layer.n));
    }
  }
}

/// One [[network.layer]]: its generator keys, and its trust rule against its input.
void check_layer(Target& t, Reporter& r) {
  check_network(t, r);
  check_trust_input(*t.network, *t.trust, "trust.", r);
}

void check_trust(Target& t, Reporter& r) {
  const TrustSpec& trust = trust_of(t);
  if (trust.rule == "tie_strength" && trust.measure == "overlap" && trust.cutoff > 1) {
    r.error("cutoff", "expected a cutoff in [0, 1] for measure 'overlap' (an overlap is at most 1), found " +
                          format_number(trust.cutoff));
  }
}

void check_distribution(Target& t, Reporter& r) {
  const Distribution& d = *t.dist;
  const bool bounded = d.kind == Distribution::Kind::kUniform || d.kind == Distribution::Kind::kNormal ||
                       d.kind == Distribution::Kind::kLognormal;
  if (bounded && d.low > d.high) {
    r.error("high", "expected high >= low (low = " + format_number(d.low) + "), found " + format_number(d.high));
  }
}

// ---- the declarations ------------------------------------------------------------------------

/// The keys that describe one layer's arcs: [network] (layer 0) and every [[network.layer]].
std::vector<Field> network_fields() {
  return {
          {.key = "generator",
           .kind = Kind::kSwitch,
           .doc = "How the network is built (see the values below).",
           .required = true,
           .choices =
               {
                   {"complete",
                    "Complete graph K_n: every pair of agents is connected. Above `implicit_above` "
                    "agents no arcs are stored (K_100000 would need 10^10): the models that work "
                    "through global counts (bass, sir, sis, rumour) run on it, the others refuse it.",
                    {{"n", true}, {"implicit_above"}}},
                   {"gnp",
                    "Erdős–Rényi G(n, p): each pair (each ordered pair if directed) is connected "
                    "independently with probability p.",
                    {{"n", true}, {"p", true}, {"directed"}}},
                   {"gnm", "Erdős–Rényi G(n, m): exactly `edges` distinct edges, drawn uniformly.",
                    {{"n", true}, {"edges", true}, {"directed"}}},
                   {"barabasi_albert",
                    "Barabási–Albert preferential attachment: each new agent links to m existing "
                    "agents, chosen with probability proportional to their degree.",
                    {{"n", true}, {"m", true}}},
                   {"watts_strogatz",
                    "Watts–Strogatz small world: a ring where each agent links to its k nearest "
                    "neighbours, each edge's far end rewired with probability `rewire`.",
                    {{"n", true}, {"k", true}, {"rewire", true}}},
                   {"configuration",
                    "Configuration model: a random graph with a given degree sequence, either "
                    "explicit (`degrees`) or drawn from `degree_distribution` (then `n` is "
                    "required); self-loops and multi-edges from stub matching are dropped.",
                    {{"n"}, {"degrees"}, {"degree_distribution"}}},
                   {"sbm",
                    "Stochastic block model: blocks of `block_sizes` agents (numbered block by "
                    "block), edge probability `p_in` within a block and `p_out` between blocks.",
                    {{"n"}, {"block_sizes", true}, {"p_in", true}, {"p_out", true}}},
                   {"edge_list",
                    "Read from a file: one edge `tail head [weight]` per line, SNAP style (`#` "
                    "comments, spaces, tabs or commas, `.gz` decompressed); ids are remapped to "
                    "0..N-1 in order of first appearance.",
                    {{"edge_list", true}, {"directed"}},
                    true},
               },
           .access = network_key<&NetworkSpec::generator>(),
           .default_doc = "required, unless `edge_list` is given"},
          {.key = "edge_list",
           .kind = Kind::kString,
           .doc = "Edge-list file, relative to the scenario file's folder. Give it instead of "
                  "`generator`. A graph file written by `wom graph EDGES -o FILE` (recognised by its "
                  "contents) loads directly, without parsing.",
           .access = network_key<&NetworkSpec::path>(),
           .default_doc = "none (then `generator` is required)"},
          {.key = "n",
           .kind = Kind::kInt,
           .doc = "Number of agents.",
           .range = ints(1, kMaxAgents),
           .access = network_key<&NetworkSpec::n>(),
           .default_doc = "required; `sbm`: the sum of `block_sizes`; `configuration`: the "
                          "length of `degrees`"},
          {.key = "implicit_above",
           .kind = Kind::kInt,
           .doc = "complete: store no arcs when n is above this (an implicit complete graph).",
           .range = ints(0, kMaxAgents),
           .access = network_key<&NetworkSpec::implicit_above>()},
          {.key = "p",
           .kind = Kind::kFloat,
           .doc = "Probability of each edge (arc, if directed).",
           .range = closed(0, 1),
           .access = network_key<&NetworkSpec::p>()},
          {.key = "edges",
           .kind = Kind::kInt,
           .doc = "Number of edges (arcs, if directed); at most n(n-1)/2, or n(n-1) if directed.",
           .range = ints(0),
           .access = network_key<&NetworkSpec::edges>()},
          {.key = "m",
           .kind = Kind::kInt,
           .doc = "Edges each new agent brings; less than n.",
           .range = ints(1, kMaxAgents),
           .access = network_key<&NetworkSpec::m>()},
          {.key = "k",
           .kind = Kind::kInt,
           .doc = "Ring degree: even, and less than n.",
           .range = ints(2, kMaxAgents),
           .access = network_key<&NetworkSpec::k>()},
          {.key = "rewire",
           .kind = Kind::kFloat,
           .doc = "Probability that an edge's far end is rewired.",
           .range = closed(0, 1),
           .access = network_key<&NetworkSpec::rewire>()},
          {.key = "degrees",
           .kind = Kind::kIntArray,
           .doc = "Degree of each agent, in agent order; each less than n.",
           .range = ints(0, kMaxAgents),
           .access = network_key<&NetworkSpec::degrees>(),
           .default_doc = "none"},
          {.key = "degree_distribution",
           .kind = Kind::kSwitch,
           .doc = "Distribution the degree sequence is drawn from (sum made even).",
           .choices =
               {
                   {"power_law",
                    "P(k) ∝ k^-exponent on [min_degree, max_degree].",
                    {{"exponent"}, {"min_degree"}, {"max_degree"}}},
                   {"poisson", "Poisson(mean_degree) degrees.", {{"mean_degree", true}}},
               },
           .access = network_key<&NetworkSpec::degree_distribution>(),
           .default_doc = "none"},
          {.key = "exponent",
           .kind = Kind::kFloat,
           .doc = "Power-law exponent.",
           .range = above(1),
           .access = network_key<&NetworkSpec::exponent>()},
          {.key = "min_degree",
           .kind = Kind::kInt,
           .doc = "Smallest degree; less than n.",
           .range = ints(1, kMaxAgents),
           .access = network_key<&NetworkSpec::min_degree>()},
          {.key = "max_degree",
           .kind = Kind::kInt,
           .doc = "Largest degree, at least min_degree and less than n; 0 means floor(sqrt(n)).",
           .range = ints(0, kMaxAgents),
           .access = network_key<&NetworkSpec::max_degree>()},
          {.key = "mean_degree",
           .kind = Kind::kFloat,
           .doc = "Mean degree; at most n - 1.",
           .range = above(0),
           .access = network_key<&NetworkSpec::mean_degree>()},
          {.key = "block_sizes",
           .kind = Kind::kIntArray,
           .doc = "Agents in each block.",
           .range = ints(1, kMaxAgents),
           .access = network_key<&NetworkSpec::block_sizes>()},
          {.key = "p_in",
           .kind = Kind::kFloat,
           .doc = "Edge probability within a block.",
           .range = closed(0, 1),
           .access = network_key<&NetworkSpec::p_in>()},
          {.key = "p_out",
           .kind = Kind::kFloat,
           .doc = "Edge probability between blocks.",
           .range = closed(0, 1),
           .access = network_key<&NetworkSpec::p_out>()},
          {.key = "directed",
           .kind = Kind::kBool,
           .doc = "Generate arcs rather than edges (gnp, gnm); read each line as one arc tail -> "
                  "head (edge_list). Undirected edges are stored as two arcs.",
           .access = network_key<&NetworkSpec::directed>()},
          {.key = "seed",
           .kind = Kind::kInt,
           .doc = "Seed of the generator's randomness, so one graph can be kept fixed while "
                  "`run.seed` varies.",
           .range = ints(0),
           .access = network_key<&NetworkSpec::seed>(),
           .default_doc = "derived from `run.seed`"},
  };
}

const Table& trust_table();
const Table& layer_table();

/// [[network.layer]] entries live in NetworkSpec::layers of [network]; each one's trust
/// table is the same Target (its `trust` pointer already names the layer's TrustSpec).
constexpr Nested kLayerEntries{
    [](Target& parent, std::size_t index) {
      auto& layers = parent.scenario->network.layers;
      if (layers.size() <= index) layers.resize(index + 1);
      Target entry = parent;
      entry.network = &layers[index].network;
      entry.trust = &layers[index].trust;
      return entry;
    },
    [](const Target& parent) { return parent.scenario->network.layers.size(); }};
constexpr Nested kLayerTrust{[](Target& parent, std::size_t) { return parent; },
                             [](const Target&) -> std::size_t { return 1; }};

const Table& network_table() {
  static const Table table = [] {
    std::vector<Field> fields = network_fields();
    fields.push_back({.key = "name",
                      .kind = Kind::kString,
                      .doc = "Name of layer 0 (this table's arcs), for outputs that attribute word of mouth per "
                             "layer.",
                      .access = network_key<&NetworkSpec::name>()});
    fields.push_back({.key = "layer",
                      .kind = Kind::kSubtableArray,
                      .doc = "Further layers over the same agents, one `[[network.layer]]` table each (keys "
                             "below), e.g. an online follower network beside the offline circle of friends. "
                             "Word of mouth travels on every layer and is attributed to the layer it used.",
                      .range = ints(0, static_cast<std::int64_t>(kMaxLayers) - 1),
                      .table = &layer_table(),
                      .access = kNoValue,
                      .default_doc = "none (one layer)",
                      .nested = kLayerEntries});
    return Table{"network", std::move(fields), check_network_layers};
  }();
  return table;
}

const Table& layer_table() {
  static const Table table = [] {
    std::vector<Field> fields = network_fields();
    for (Field& f : fields) {
      if (f.key == "seed") f.default_doc = "derived from layer 0's seed and the layer's index";
    }
    fields.push_back({.key = "name",
                      .kind = Kind::kString,
                      .doc = "Name of the layer, unlike every other layer's.",
                      .required = true,
                      .access = network_key<&NetworkSpec::name>()});
    fields.push_back({.key = "trust",
                      .kind = Kind::kSubtable,
                      .doc = "The layer's trust rule, with the keys of `[trust]`: a `[network.layer.trust]` "
                             "table after the layer's `[[network.layer]]`, or inline, `trust = {rule = "
                             "\"constant\", value = 0.1}`.",
                      .table = &trust_table(),
                      .access = kNoValue,
                      .default_doc = "`{ rule = \"constant\", value = 1.0 }`",
                      .nested = kLayerTrust});
    return Table{"layer", std::move(fields), check_layer};
  }();
  return table;
}

/// Trust and thresholds are 16-bit fixed point with 1.0 = 2^15 (sim/types.hpp).
constexpr Range kFixedPointRange = closed(0, kTrustMax);

constexpr Range kNonNegative = [] {
  Range r;
  r.min = 0;
  return r;
}();

const Table& trust_table() {
  static const Table table{
      "trust",
      {
          {.key = "rule",
           .kind = Kind::kSwitch,
           .doc = "How much a friend's word weighs over an arc.",
           .choices =
               {
                   {"constant", "`value` on every arc.", {{"value"}}},
                   {"inverse_in_degree",
                    "1 / in-degree of the receiving agent (rounded down to the fixed point), so "
                    "the trust an agent receives sums to at most 1: the classic linear-threshold "
                    "weights (Kempe, Kleinberg & Tardos 2003).",
                    {}},
                   {"weight",
                    "The edge list's third column times `scale`; needs an `edge_list`, and every "
                    "product must lie in [0, 1.999969482421875] (signed ratings: see `negative`).",
                    {{"scale"}}},
                   {"tie_strength",
                    "Strength from embeddedness: an arc whose `measure` is at least `cutoff` is a "
                    "strong tie and gets trust `strong`, the others `weak`. Measured in the layer's "
                    "own network, read as undirected; O(sum of degree^2) at worst, in parallel.",
                    {{"measure", true}, {"cutoff", true}, {"strong", true}, {"weak", true}}},
                   {"random",
                    "A draw from `distribution` per arc, a function of the seed, the layer and the "
                    "ids of the arc's ends only. The two arcs of an undirected edge draw "
                    "independently (a friendship can be trusted more one way than the other) unless "
                    "`symmetric = true`.",
                    {{"distribution", true}, {"symmetric"}, {"seed"}}},
               },
           .access = trust_key<&TrustSpec::rule>()},
          {.key = "value",
           .kind = Kind::kFloat,
           .doc = "Trust of every arc (16-bit fixed point, resolution 2^-15).",
           .range = kFixedPointRange,
           .access = trust_key<&TrustSpec::value>()},
          {.key = "scale",
           .kind = Kind::kFloat,
           .doc = "Factor applied to the edge weights (0.1 maps a rating of 10 to trust 1).",
           .range = above(0),
           .access = trust_key<&TrustSpec::scale>()},
          {.key = "measure",
           .kind = Kind::kSwitch,
           .doc = "Embeddedness of an arc u -> v, from the neighbourhoods N(u), N(v) (out- and "
                  "in-neighbours alike).",
           .choices =
               {
                   {"common_neighbours",
                    "The number of friends u and v have in common, the size of N(u) ∩ N(v).",
                    {}},
                   {"overlap",
                    "The neighbourhood overlap of Onnela et al. (PNAS 104, 2007): the size of "
                    "N(u) ∩ N(v) over the size of N(u) ∪ N(v) minus 2 (u and v themselves), in [0, "
                    "1]; 0 where neither end has another neighbour.",
                    {}},
               },
           .access = trust_key<&TrustSpec::measure>()},
          {.key = "cutoff",
           .kind = Kind::kFloat,
           .doc = "A tie is strong when its measure is at least this (overlap: at most 1).",
           .range = kNonNegative,
           .access = trust_key<&TrustSpec::cutoff>()},
          {.key = "strong",
           .kind = Kind::kFloat,
           .doc = "Trust of strong ties.",
           .range = kFixedPointRange,
           .access = trust_key<&TrustSpec::strong>()},
          {.key = "weak",
           .kind = Kind::kFloat,
           .doc = "Trust of weak ties.",
           .range = kFixedPointRange,
           .access = trust_key<&TrustSpec::weak>()},
          {.key = "distribution",
           .kind = Kind::kDistribution,
           .doc = "Distribution of each arc's trust; every value it can take must lie in the "
                  "fixed-point range.",
           .range = kFixedPointRange,
           .table = &distribution_table(),
           .access = trust_key<&TrustSpec::distribution>()},
          {.key = "symmetric",
           .kind = Kind::kBool,
           .doc = "Both arcs of an edge, u -> v and v -> u, take the same draw.",
           .access = trust_key<&TrustSpec::symmetric>()},
          {.key = "seed",
           .kind = Kind::kInt,
           .doc = "Seed of the trust draws.",
           .range = ints(0),
           .access = trust_key<&TrustSpec::seed>(),
           .default_doc = "derived from the network's seed, so trust stays fixed with the graph"},
          {.key = "negative",
           .kind = Kind::kSwitch,
           .doc = "What an arc with a negative edge-list weight (a distrust rating, e.g. "
                  "soc-sign-bitcoinotc's -10..-1) means; needs an `edge_list` with weights. Unset, "
                  "the weight rule rejects negative weights and the other rules disregard signs.",
           .choices =
               {
                   {"ignore", "Distrust arcs get trust 0: they carry no influence.", {}},
                   {"oppose",
                    "Distrust arcs keep the rule's trust as a magnitude (rule `weight`: the absolute "
                    "weight × `scale`) and are flagged as distrust: linear threshold subtracts their trust "
                    "from the pressure on the receiving agent.",
                    {}},
               },
           .access = trust_key<&TrustSpec::negative>(),
           .default_doc = "none"},
      },
      check_trust};
  return table;
}

// The group file is resolved once, here, like edge lists.
void check_population(Target& t, Reporter& r) {
  PopulationSpec& p = t.scenario->population;
  if (p.groups.empty()) return;
  const std::filesystem::path resolved = std::filesystem::absolute(t.base_dir / p.groups).lexically_normal();
  p.groups = resolved.string();
  std::error_code ec;
  const auto status = std::filesystem::status(resolved, ec);
  if (!std::filesystem::exists(status)) {
    r.error("groups", "cannot read " + in_quotes(p.groups) + ": no such file");
  } else if (std::filesystem::is_directory(status)) {
    r.error("groups", "cannot read " + in_quotes(p.groups) + ": is a directory");
  }
}

const Table& population_table() {
  static const Table table{
      "population",
      {
          {.key = "threshold",
           .kind = Kind::kDistribution,
           .doc = "Each agent's adoption threshold, drawn once per replicate (linear_threshold: "
                  "an agent adopts once the trust of its adopted in-neighbours sums to it). Fixed "
                  "point like trust, so every value the distribution can take must lie in the range.",
           .range = kFixedPointRange,
           .table = &distribution_table(),
           .access = scenario_key<&Scenario::population, &PopulationSpec::threshold>()},
          {.key = "donation",
           .kind = Kind::kDistribution,
           .doc = "Dollars an adopter gives to a `fundraiser` channel, drawn once per agent and replicate "
                  "and summed in integer cents.",
           .range = closed(0, 1e9),
           .table = &distribution_table(),
           .access = scenario_key<&Scenario::population, &PopulationSpec::donation>()},
          {.key = "susceptibility",
           .kind = Kind::kDistribution,
           .doc = "Share of an exposure's pull that reaches the agent, drawn once per agent and replicate: "
                  "independent_cascade multiplies the conversion probability by it, linear_threshold the trust "
                  "the agent receives (it adopts once susceptibility × trust received reaches its threshold); 0 "
                  "makes an agent immune. independent_cascade and linear_threshold only.",
           .range = closed(0, 1),
           .table = &distribution_table(),
           .access = scenario_key<&Scenario::population, &PopulationSpec::susceptibility>()},
          {.key = "activity",
           .kind = Kind::kDistribution,
           .doc = "Chance the agent is online in a step (at the peak of the day/night cycle), drawn once per "
                  "agent and replicate; each step's draw is independent. An agent only adopts in a step it is "
                  "online: an exposure that tips it while offline (a friend's post, a channel's) waits in its "
                  "feed and it adopts, and shares, at its next online step. Seeds adopt at step 0 regardless. "
                  "independent_cascade and linear_threshold only.",
           .range = closed(0, 1),
           .table = &distribution_table(),
           .access = scenario_key<&Scenario::population, &PopulationSpec::activity>()},
          {.key = "activity_cycle",
           .kind = Kind::kFloat,
           .doc = "Depth of the day/night cycle of activity: the chance to be online at hour h of the day is "
                  "activity × (1 - activity_cycle × (1 - cos(2π (h - peak_hour) / 24)) / 2), h taken in the "
                  "middle of the step; 0: no cycle, 1: nobody online twelve hours from the peak.",
           .range = closed(0, 1),
           .access = scenario_key<&Scenario::population, &PopulationSpec::activity_cycle>()},
          {.key = "peak_hour",
           .kind = Kind::kFloat,
           .doc = "Hour of the day (0-24) when agents are most often online.",
           .range = {.min = 0, .max = 24, .max_open = true},
           .access = scenario_key<&Scenario::population, &PopulationSpec::peak_hour>()},
          {.key = "start_hour",
           .kind = Kind::kFloat,
           .doc = "Hour of the day (0-24) at step 0, the clock of the activity cycle (step t covers hours "
                  "start_hour + (t-1) step_hours to start_hour + t step_hours).",
           .range = {.min = 0, .max = 24, .max_open = true},
           .access = scenario_key<&Scenario::population, &PopulationSpec::start_hour>()},
          {.key = "groups",
           .kind = Kind::kString,
           .doc = "File of agents' group labels for sponsored `targeting = \"group\"`: one `agent group` pair "
                  "of integers per line (agent: its id in the edge list, or 0..n-1 for generated networks; "
                  "`#` comments); agents not listed are in no group. Relative to the scenario file's folder. "
                  "Without it, groups are the blocks of an sbm [network] (0, 1, ... in block order).",
           .access = scenario_key<&Scenario::population, &PopulationSpec::groups>(),
           .default_doc = "none (the sbm blocks of [network], if any)"},
      },
      check_population};
  return table;
}

// Adding a model: one choice below (its name, doc, and the keys it reads) plus, for a
// parameter no model had before, one field with its range and where ModelSpec keeps it.
void check_model(Target& t, Reporter& r) {
  const ModelSpec& m = t.scenario->model;
  if (m.name == "bass" && (m.p + m.q) / m.period_steps > 1.0) {
    r.error("period_steps", "expected (p + q) / period_steps <= 1, so that a step's adoption probability is "
                            "at most 1; found (" + format_number(m.p) + " + " + format_number(m.q) + ") / " +
                                format_number(m.period_steps));
  }
  if (m.name == "sir" || m.name == "sis") {
    if (!m.update.empty() && m.update != "synchronous" && !(m.name == "sir" && m.update == "continuous")) {
      r.error("update", "expected " + std::string(m.name == "sir" ? "'synchronous' or 'continuous'" : "'synchronous'") +
                            " for " + m.name + ", found '" + m.update + "'");
    }
    if (m.update != "continuous") {  // probabilities per step
      if (m.beta > 1) r.error("beta", "expected a probability per step in [0, 1], found " + format_number(m.beta));
      if (m.gamma > 1) r.error("gamma", "expected a probability per step in [0, 1], found " + format_number(m.gamma));
    }
  }
  if (m.name == "complex_contagion" && m.sources && m.fraction) {
    r.error("fraction", "give either sources or fraction, not both");
  }
}

const Table& model_table() {
  static const Table table{
      "model",
      {
          {.key = "name",
           .kind = Kind::kSwitch,
           .doc = "The decision and spreading rule.",
           .required = true,
           .choices =
               {
                   {"independent_cascade",
                    "Independent cascade (Kempe, Kleinberg & Tardos 2003): a new adopter gets one "
                    "chance, in the next step, to convert each out-neighbour, with probability "
                    "`probability` × trust.",
                    {{"probability"}}},
                   {"linear_threshold",
                    "Linear threshold (Granovetter 1978; Kempe, Kleinberg & Tardos 2003): an agent "
                    "adopts once the trust of its adopted in-neighbours sums to its threshold "
                    "(`[population] threshold`).",
                    {}},
                   {"fractional_threshold",
                    "Fractional threshold (Watts 2002): an agent adopts once the fraction of its "
                    "in-neighbours that adopted reaches its threshold (`[population] threshold`); "
                    "exact integer test, trust not used.",
                    {}},
                   {"complex_contagion",
                    "Complex contagion (Centola & Macy 2007): an agent adopts once `sources` distinct "
                    "in-neighbours (or the `fraction` of them) adopted, within the last `window` steps "
                    "if a window is given.",
                    {{"sources"}, {"fraction"}, {"window"}}},
                   {"bass",
                    "Agent-based Bass (Bass 1969; Fibich & Gibori 2010): each non-adopter adopts in a "
                    "step with probability Δ(p + q·m/k) (`form = \"hazard\"`) or 1 - (1 - Δp)(1 - Δq/k)^m "
                    "(`\"independent\"`), m of its k in-neighbours adopted, Δ = 1/`period_steps`.",
                    {{"p"}, {"q"}, {"period_steps"}, {"form"}}},
                   {"sir",
                    "SIR epidemic (Kermack & McKendrick 1927; Newman 2002): infected agents transmit "
                    "over each out-arc with probability `beta` per step and recover with probability "
                    "`gamma` per step; `update = \"continuous\"` makes them rates (continuous time).",
                    {{"beta", true}, {"gamma", true}, {"update"}}},
                   {"sis",
                    "SIS epidemic: as sir in discrete time, but recovered agents are susceptible "
                    "again; adopters count first infections, active_sharers the infected.",
                    {{"beta", true}, {"gamma", true}, {"update"}}},
                   {"rumour",
                    "Maki–Thompson rumour (Maki & Thompson 1973): a spreader calls a random "
                    "neighbour; an ignorant one becomes a spreader, otherwise the caller stops.",
                    {{"update"}}},
               },
           .access = scenario_key<&Scenario::model, &ModelSpec::name>()},
          {.key = "probability",
           .kind = Kind::kFloat,
           .doc = "Conversion probability of one exposure at trust 1.",
           .range = closed(0, 1),
           .access = scenario_key<&Scenario::model, &ModelSpec::probability>()},
          {.key = "p",
           .kind = Kind::kFloat,
           .doc = "Bass innovation rate per period.",
           .range = closed(0, 1),
           .access = scenario_key<&Scenario::model, &ModelSpec::p>()},
          {.key = "q",
           .kind = Kind::kFloat,
           .doc = "Bass imitation rate per period.",
           .range = closed(0, 100),
           .access = scenario_key<&Scenario::model, &ModelSpec::q>()},
          {.key = "period_steps",
           .kind = Kind::kFloat,
           .doc = "Steps per period of p and q: one step is Δ = 1/period_steps periods (with "
                  "`run.step_hours` = h, a period is period_steps·h hours). (p + q)/period_steps <= 1.",
           .range = above(0),
           .access = scenario_key<&Scenario::model, &ModelSpec::period_steps>()},
          {.key = "form",
           .kind = Kind::kSwitch,
           .doc = "Bass: how p, q and the adopted neighbours make a step's adoption probability.",
           .choices =
               {
                   {"hazard", "Δ(p + q·m/k): with Δ = 1 on K_N, the discrete Bass recursion.", {}},
                   {"independent",
                    "1 - (1 - Δp)(1 - Δq/k)^m: each adopted neighbour persuades independently.",
                    {}},
               },
           .access = scenario_key<&Scenario::model, &ModelSpec::form>()},
          {.key = "beta",
           .kind = Kind::kFloat,
           .doc = "Transmission per contact (arc) per step: a probability in [0, 1], or a rate with "
                  "`update = \"continuous\"`.",
           .range = [] { Range r; r.min = 0; return r; }(),
           .access = scenario_key<&Scenario::model, &ModelSpec::beta>()},
          {.key = "gamma",
           .kind = Kind::kFloat,
           .doc = "Recovery per step: a probability in [0, 1], or a rate with `update = \"continuous\"`.",
           .range = [] { Range r; r.min = 0; return r; }(),
           .access = scenario_key<&Scenario::model, &ModelSpec::gamma>()},
          {.key = "update",
           .kind = Kind::kSwitch,
           .doc = "How a step is computed (sir: synchronous or continuous; sis: synchronous).",
           .choices =
               {
                   {"synchronous", "Decisions in step t read the state of step t-1.", {}},
                   {"random_sequential",
                    "rumour: the spreaders call one at a time in a random order, each seeing the "
                    "calls before it (the classic process's outcomes).",
                    {}},
                   {"continuous",
                    "Continuous time: events at exponential times (rates per step), those in "
                    "(t-1, t] recorded at step t.",
                    {}},
               },
           .access = scenario_key<&Scenario::model, &ModelSpec::update>(),
           .default_doc = "`synchronous` (sir, sis), `random_sequential` (rumour)"},
          {.key = "sources",
           .kind = Kind::kInt,
           .doc = "complex_contagion: distinct adopted in-neighbours needed.",
           .range = ints(1, 1'000'000),
           .access = scenario_key<&Scenario::model, &ModelSpec::sources>(),
           .default_doc = "`2`, unless `fraction` is given"},
          {.key = "fraction",
           .kind = Kind::kFloat,
           .doc = "complex_contagion: needed fraction of in-neighbours instead of `sources` (at least one).",
           .range = [] { Range r = closed(0, 1); r.min_open = true; return r; }(),
           .access = scenario_key<&Scenario::model, &ModelSpec::fraction>(),
           .default_doc = "none (use `sources`)"},
          {.key = "window",
           .kind = Kind::kInt,
           .doc = "complex_contagion: count only neighbours that adopted within the last `window` "
                  "steps; 0: no window.",
           .range = ints(0, 1'000'000),
           .access = scenario_key<&Scenario::model, &ModelSpec::window>()},
      },
      check_model};
  return table;
}

const Table& channel_table() {
  static const Table table{
      "channel",
      {
          {.key = "type",
           .kind = Kind::kSwitch,
           .doc = "Where the exposures (or the money) come from.",
           .required = true,
           .choices =
               {
                   {"seed", "Initial adopters at step 0.", {{"strategy"}, {"name"}}},
                   {"sponsored",
                    "Impressions bought at a cost per thousand: in each flight a `reach` fraction of the agents "
                    "(chosen by `targeting`) sees the post with brand `trust`, until the budget is spent.",
                    {{"name"}, {"trust"}, {"budget", true}, {"cpm"}, {"reach"}, {"targeting"}, {"fatigue"},
                     {"start"}, {"every"}, {"stop"}}},
                   {"influencer",
                    "Paid posts by hubs (`strategy`, `count`/`ids`): at each post every follower (out-neighbour) "
                    "of each hub is exposed with influencer `trust`; each post costs `cost_per_post` per hub.",
                    {{"name"}, {"strategy"}, {"trust"}, {"budget", true}, {"cost_per_post", true}, {"start"},
                     {"every"}, {"stop"}}},
                   {"referral",
                    "A referral programme: adopters' sharing is multiplied by `multiplier` and each adoption a "
                    "friend tips is paid `reward`, while the budget lasts; those adoptions are credited to it.",
                    {{"name"}, {"multiplier", true}, {"reward"}, {"budget", true}}},
                   {"fundraiser",
                    "Adopters donate `[population] donation` dollars each (summed in cents); an optional goal.",
                    {{"name"}, {"goal"}, {"stop_at_goal"}, {"seeds_donate"}}},
               },
           .access = channel_key<&ChannelSpec::type>()},
          {.key = "name",
           .kind = Kind::kString,
           .doc = "Label of the channel in outputs and tables.",
           .access = channel_key<&ChannelSpec::name>(),
           .default_doc = "the type"},
          {.key = "strategy",
           .kind = Kind::kSwitch,
           .doc = "How the channel's agents (seeds, or an influencer channel's hubs) are chosen.",
           .choices =
               {
                   {"random", "`count` distinct agents drawn uniformly, anew in each replicate.", {{"count"}}},
                   {"top_degree", "The `count` agents of highest out-degree (ties: lower id).", {{"count"}}},
                   {"friendship_paradox",
                    "`count` distinct agents, each a random neighbour of a random agent (so better connected than "
                    "average: Feld 1991), anew in each replicate.",
                    {{"count"}}},
                   {"explicit", "The agents listed in `ids`.", {{"ids", true}}},
               },
           .access = seed_key<&SeedSpec::strategy>()},
          {.key = "count",
           .kind = Kind::kInt,
           .doc = "Number of agents; at most the number of agents.",
           .range = ints(1, kMaxAgents),
           .access = seed_key<&SeedSpec::count>()},
          {.key = "ids",
           .kind = Kind::kIntArray,
           .doc = "Agent ids: the labels of the edge-list file, or 0..n-1 for generated networks.",
           .range = ints(0),
           .access = seed_key<&SeedSpec::ids>()},
          {.key = "trust",
           .kind = Kind::kFloat,
           .doc = "Weight of one exposure from this channel, on the scale of friends' trust (people trust "
                  "friends before strangers: keep it below the friend trust of [trust]).",
           .range = kFixedPointRange,
           .access = channel_key<&ChannelSpec::trust>()},
          {.key = "budget",
           .kind = Kind::kFloat,
           .doc = "Dollars the channel may spend; it stops once the next flight, post or reward would exceed it.",
           .range = closed(0, 1e12),
           .access = channel_key<&ChannelSpec::budget>()},
          {.key = "cpm",
           .kind = Kind::kFloat,
           .doc = "Dollars per 1,000 impressions (0: an organic post, e.g. an appeal to one's followers).",
           .range = closed(0, 1e6),
           .access = channel_key<&ChannelSpec::cpm>()},
          {.key = "reach",
           .kind = Kind::kFloat,
           .doc = "Fraction of the agents shown the post in each flight.",
           .range = {.min = 0, .max = 1, .min_open = true},
           .access = channel_key<&ChannelSpec::reach>()},
          {.key = "targeting",
           .kind = Kind::kSwitch,
           .doc = "Who a sponsored flight reaches.",
           .choices =
               {
                   {"random", "A fresh uniform sample of agents in each flight.", {}},
                   {"degree", "The agents of highest out-degree, the same in every flight.", {}},
                   {"group",
                    "A fresh uniform sample of the agents of group `group` in each flight; `reach` is then the "
                    "fraction of the group (groups: `[population] groups`, or the blocks of an sbm [network]).",
                    {{"group", true}}},
               },
           .access = channel_key<&ChannelSpec::targeting>()},
          {.key = "group",
           .kind = Kind::kInt,
           .doc = "The group a `targeting = \"group\"` flight reaches.",
           .range = ints(0, 4294967294),
           .access = channel_key<&ChannelSpec::group>()},
          {.key = "fatigue",
           .kind = Kind::kFloat,
           .doc = "Ad wear-out: the k-th impression an agent sees weighs trust x fatigue^(k-1).",
           .range = {.min = 0, .max = 1, .min_open = true},
           .access = channel_key<&ChannelSpec::fatigue>()},
          {.key = "cost_per_post",
           .kind = Kind::kFloat,
           .doc = "Dollars per hub per post.",
           .range = closed(0, 1e12),
           .access = channel_key<&ChannelSpec::cost_per_post>()},
          {.key = "start",
           .kind = Kind::kInt,
           .doc = "Step of the first flight or post.",
           .range = ints(1, 1'000'000),
           .access = channel_key<&ChannelSpec::start>()},
          {.key = "every",
           .kind = Kind::kInt,
           .doc = "Steps between flights or posts.",
           .range = ints(1, 1'000'000),
           .access = channel_key<&ChannelSpec::every>()},
          {.key = "stop",
           .kind = Kind::kInt,
           .doc = "Last step with a flight or post.",
           .range = ints(0, 1'000'000),
           .access = channel_key<&ChannelSpec::stop>(),
           .default_doc = "the end of the run"},
          {.key = "multiplier",
           .kind = Kind::kFloat,
           .doc = "Factor on adopters' sharing while the programme runs (independent_cascade: on the "
                  "conversion probability, capped at 1; threshold models: on the trust an exposure carries).",
           .range = closed(1, 16),
           .access = channel_key<&ChannelSpec::multiplier>()},
          {.key = "reward",
           .kind = Kind::kFloat,
           .doc = "Dollars paid per adoption a friend tipped while the programme runs.",
           .range = closed(0, 1e9),
           .access = channel_key<&ChannelSpec::reward>()},
          {.key = "goal",
           .kind = Kind::kFloat,
           .doc = "Fundraising goal in dollars (0: none).",
           .range = closed(0, 1e12),
           .access = channel_key<&ChannelSpec::goal>()},
          {.key = "stop_at_goal",
           .kind = Kind::kBool,
           .doc = "Close the campaign (end the replicate) once the goal is reached.",
           .access = channel_key<&ChannelSpec::stop_at_goal>()},
          {.key = "seeds_donate",
           .kind = Kind::kBool,
           .doc = "Whether the seeds (the organisers) donate too.",
           .access = channel_key<&ChannelSpec::seeds_donate>()},
      }};
  return table;
}

const Table& run_table() {
  static const Table table{
      "run",
      {
          {.key = "steps",
           .kind = Kind::kInt,
           .doc = "Steps simulated after step 0 (the seeds).",
           .range = ints(1, 1'000'000),
           .access = scenario_key<&Scenario::run, &RunSpec::steps>()},
          {.key = "replicates",
           .kind = Kind::kInt,
           .doc = "Independent repetitions; each has its own random streams.",
           .range = ints(1, 10'000'000),
           .access = scenario_key<&Scenario::run, &RunSpec::replicates>()},
          {.key = "seed",
           .kind = Kind::kInt,
           .doc = "Master seed: every random draw is a function of it, the replicate, the step "
                  "and the agent, so a run is reproducible whatever the thread count.",
           .range = ints(0),
           .access = scenario_key<&Scenario::run, &RunSpec::seed>()},
          {.key = "step_hours",
           .kind = Kind::kFloat,
           .doc = "Hours one step stands for (time axis of the output).",
           .range = above(0),
           .access = scenario_key<&Scenario::run, &RunSpec::step_hours>()},
          {.key = "stop_when_quiet",
           .kind = Kind::kBool,
           .doc = "End a replicate early once nothing can change any more (the remaining steps "
                  "repeat the final state).",
           .access = scenario_key<&Scenario::run, &RunSpec::stop_when_quiet>()},
      }};
  return table;
}

const Table& output_table() {
  static const Table table{
      "output",
      {
          {.key = "adoption_steps",
           .kind = Kind::kBool,
           .doc = "Also write each agent's adoption step per replicate (`/agents/adoption_step`, "
                  "4 bytes per agent and replicate).",
           .access = scenario_key<&Scenario::output, &OutputSpec::adoption_steps>()},
          {.key = "referral_tree",
           .kind = Kind::kBool,
           .doc = "Also write who tipped whom (`/referral_tree`: every adoption with its source agent, step, "
                  "channel and layer) and each replicate's cascade metrics (`/summary/cascade`: depth, largest "
                  "generation, structural virality), about 26 bytes per adoption.",
           .access = scenario_key<&Scenario::output, &OutputSpec::referral_tree>()},
      }};
  return table;
}

// [sweep]: read only by `wom sweep` (scenarios/sweep.cpp), which also reads the free keys of
// [sweep.parameters] with their positions and validates every point as a scenario.
constexpr Access kSweepParameters{[](Target&, const Value&) {},
                                  [](const Target&) -> std::optional<Value> { return std::nullopt; }};

const Table& sweep_table() {
  static const Table table{
      "sweep",
      {
          {.key = "design",
           .kind = Kind::kSwitch,
           .doc = "How points are laid out over the parameters.",
           .choices =
               {
                   {"grid",
                    "Every combination of the listed values (Cartesian product), the first parameter "
                    "varying slowest.",
                    {}},
                   {"zip", "The lists in lockstep: point i takes value i of every list (all of one length).", {}},
                   {"random",
                    "`points` points, each parameter drawn independently: uniformly from its range "
                    "(log-uniformly with `log = true`) or from its list.",
                    {{"points", true}, {"seed"}}},
                   {"latin_hypercube",
                    "`points` points of a Latin hypercube: each parameter's range is cut into `points` "
                    "equal strata and every stratum is used exactly once.",
                    {{"points", true}, {"seed"}}},
               },
           .access = scenario_key<&Scenario::sweep, &SweepSpec::design>()},
          {.key = "points",
           .kind = Kind::kInt,
           .doc = "Number of points drawn.",
           .range = ints(1, 100'000'000),
           .access = scenario_key<&Scenario::sweep, &SweepSpec::points>()},
          {.key = "seed",
           .kind = Kind::kInt,
           .doc = "Seed of the design's draws, so the design itself is reproducible.",
           .range = ints(0),
           .access = scenario_key<&Scenario::sweep, &SweepSpec::seed>(),
           .default_doc = "derived from `run.seed`"},
          {.key = "replicates",
           .kind = Kind::kInt,
           .doc = "Replicates of every point.",
           .range = ints(1, 10'000'000),
           .access = scenario_key<&Scenario::sweep, &SweepSpec::replicates>(),
           .default_doc = "`run.replicates`"},
          {.key = "common_random_numbers",
           .kind = Kind::kBool,
           .doc = "Replicate r of every point uses the same random streams (`run.seed`), so "
                  "differences between points are not blurred by sampling noise; `false`: point i "
                  "runs with its own seed, derived from `run.seed` and i (and so does its network, "
                  "unless `network.seed` is given).",
           .access = scenario_key<&Scenario::sweep, &SweepSpec::common_random_numbers>()},
          {.key = "parameters",
           .kind = Kind::kTable,
           .doc = "The swept keys: dotted scenario key = array of values, or (random designs) a "
                  "range `{low = a, high = b}` with optional `log = true`.",
           .access = kSweepParameters,
           .default_doc = "none (a single point)"},
      }};
  return table;
}

constexpr Access kDistKind{
    [](Target& t, const Value& v) {
      const auto& name = std::get<std::string>(v);
      for (auto kind : {Distribution::Kind::kConstant, Distribution::Kind::kUniform, Distribution::Kind::kNormal,
                        Distribution::Kind::kBeta, Distribution::Kind::kLognormal}) {
        if (name == Distribution::kind_name(kind)) t.dist->kind = kind;
      }
    },
    [](const Target& t) -> std::optional<Value> {
      return Value{std::string(Distribution::kind_name(t.dist->kind))};
    }};

// ---- rendering helpers -----------------------------------------------------------------------

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// Which fields of `table` are in play for the values `target` holds: fields no choice owns,
/// plus the keys of each switch's current choice (switches may nest).
std::vector<bool> active_fields(const Table& table, const Target& target) {
  const auto& fields = table.fields;
  std::vector<bool> owned(fields.size(), false);
  for (const Field& f : fields) {
    for (const Choice& c : f.choices) {
      for (const Use& u : c.keys) {
        for (std::size_t i = 0; i < fields.size(); ++i) owned[i] = owned[i] || fields[i].key == u.key;
      }
    }
  }
  std::vector<bool> active(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) active[i] = !owned[i];
  for (bool grew = true; grew;) {
    grew = false;
    for (const Field& f : fields) {
      const auto pos = static_cast<std::size_t>(&f - fields.data());
      if (f.kind != Kind::kSwitch || !active[pos]) continue;
      const auto value = f.access.get(target);
      if (!value) continue;
      for (const Choice& c : f.choices) {
        if (c.name != std::get<std::string>(*value)) continue;
        for (const Use& u : c.keys) {
          for (std::size_t i = 0; i < fields.size(); ++i) {
            if (fields[i].key == u.key && !active[i]) active[i] = grew = true;
          }
        }
      }
    }
  }
  return active;
}

const Choice* current_choice(const Field& f, const Target& target) {
  const auto value = f.access.get(target);
  if (!value) return nullptr;
  for (const Choice& c : f.choices) {
    if (c.name == std::get<std::string>(*value)) return &c;
  }
  return nullptr;
}

std::string inline_distribution(const Distribution& d) {
  Distribution copy = d;
  Target target;
  target.dist = &copy;
  const Table& table = distribution_table();
  const auto active = active_fields(table, target);
  std::string out = "{ ";
  bool first = true;
  for (std::size_t i = 0; i < table.fields.size(); ++i) {
    if (!active[i]) continue;
    const auto value = table.fields[i].access.get(target);
    if (!value) continue;
    out += (first ? "" : ", ") + std::string(table.fields[i].key) + " = " + toml_value(*value);
    first = false;
  }
  return out + " }";
}

/// `key = value` lines of one table, in schema order, skipping unset optional keys and
/// switches whose choice is implied by another key.
std::string render_table(const Table& table, const Target& target) {
  std::string out;
  const auto active = active_fields(table, target);
  for (std::size_t i = 0; i < table.fields.size(); ++i) {
    const Field& f = table.fields[i];
    if (!active[i]) continue;
    if (f.kind == Kind::kSwitch) {
      const Choice* c = current_choice(f, target);
      if (c == nullptr || c->implied) continue;
    }
    const auto value = f.access.get(target);
    if (!value) continue;
    out += std::string(f.key) + " = " + toml_value(*value) + "\n";
  }
  return out;
}

/// The nested tables of `table` under `path` ("network"), after its own keys: each
/// `[[path.key]]` entry or `[path.key]` table with its keys, recursively.
std::string render_nested(const Table& table, const Target& target, const std::string& path) {
  std::string out;
  for (const Field& f : table.fields) {
    if (f.kind != Kind::kSubtable && f.kind != Kind::kSubtableArray) continue;
    const std::string key = path + "." + std::string(f.key);
    Target parent = target;
    const std::size_t count = f.nested.count(parent);
    for (std::size_t i = 0; i < count; ++i) {
      const Target entry = f.nested.entry(parent, i);
      out += "\n" + (f.kind == Kind::kSubtable ? "[" + key + "]" : "[[" + key + "]]") + "\n" +
             render_table(*f.table, entry) + render_nested(*f.table, entry, key);
    }
  }
  return out;
}

// ---- markdown ---------------------------------------------------------------------------------

std::string code(std::string_view s) { return "`" + std::string(s) + "`"; }

std::string join_codes(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view s : items) out += (out.empty() ? "" : ", ") + code(s);
  return out;
}

std::string allowed_text(const Field& f) {
  switch (f.kind) {
    case Kind::kBool: return "`true`, `false`";
    case Kind::kString: return "non-empty";
    case Kind::kSwitch: {
      std::vector<std::string_view> names;
      for (const Choice& c : f.choices) {
        if (!c.implied) names.push_back(c.name);
      }
      return join_codes(names);
    }
    case Kind::kIntArray: return "non-empty; each " + describe_range(f);
    case Kind::kDistribution: return "values " + describe_range(f);
    case Kind::kTable: return "`\"dotted.key\" = [values]` or `{low, high, log}`";
    case Kind::kSubtable:
    case Kind::kSubtableArray: return "see below";
    default: {
      const std::string r = describe_range(f);
      return r.empty() ? "any finite number" : r;
    }
  }
}

std::string default_text(const Table& table, const Field& f, const Target& defaults) {
  if (!f.default_doc.empty()) return std::string(f.default_doc);
  bool owned = false;
  bool optional_somewhere = false;
  for (const Field& other : table.fields) {
    for (const Choice& c : other.choices) {
      for (const Use& u : c.keys) {
        if (u.key != f.key) continue;
        owned = true;
        optional_somewhere = optional_somewhere || !u.required;
      }
    }
  }
  if (owned ? !optional_somewhere : f.required) return "required";
  const auto value = f.access.get(defaults);
  if (!value) return "none";
  if (const auto* d = std::get_if<Distribution>(&*value)) return code(inline_distribution(*d));
  return code(toml_value(*value));
}

void markdown_table(std::ostringstream& out, const Table& table, const Target& defaults) {
  out << "| key | type | default | allowed | meaning |\n| --- | --- | --- | --- | --- |\n";
  for (const Field& f : table.fields) {
    out << "| " << code(f.key) << " | " << kind_name(f.kind) << " | " << default_text(table, f, defaults) << " | "
        << allowed_text(f) << " | " << f.doc << " |\n";
  }
  for (const Field& f : table.fields) {
    if (f.kind != Kind::kSwitch) continue;
    out << "\nValues of " << code(f.key) << ":\n\n"
        << "| value | required keys | optional keys | meaning |\n| --- | --- | --- | --- |\n";
    for (const Choice& c : f.choices) {
      std::vector<std::string_view> required, optional;
      for (const Use& u : c.keys) (u.required ? required : optional).push_back(u.key);
      const std::string value = c.implied ? "(give " + code(c.name) + " instead of " + code(f.key) + ")"
                                          : code(c.name);
      out << "| " << value << " | " << join_codes(required) << " | " << join_codes(optional) << " | " << c.doc
          << " |\n";
    }
  }
}

/// Sections for the nested tables of `table` (under `path`), except those whose schema is a
/// top-level section's (a layer's `trust` has the keys of `[trust]`; its field says so).
void markdown_nested(std::ostringstream& out, const Table& table, const Target& defaults, const std::string& path) {
  for (const Field& f : table.fields) {
    if (f.kind != Kind::kSubtable && f.kind != Kind::kSubtableArray) continue;
    const bool is_section = std::any_of(sections().begin(), sections().end(),
                                        [&f](const Section& s) { return s.table == f.table; });
    if (is_section) continue;
    const std::string key = path + "." + std::string(f.key);
    out << "\n### " << code(f.kind == Kind::kSubtable ? "[" + key + "]" : "[[" + key + "]]") << "\n\n"
        << f.doc << "\n\n";
    markdown_table(out, *f.table, defaults);
    markdown_nested(out, *f.table, defaults, key);
  }
}

constexpr std::string_view kIntroduction = R"(<!-- SPDX-License-Identifier: MIT -->
<!-- Generated by scenario_reference_markdown() from scenarios/schema.cpp: do not edit by hand.
     The scenario_test unit test fails when this file and the schema disagree. -->

# Scenario reference

A scenario is a TOML file that fixes everything a run depends on: the network, how much an
exposure weighs, the agents' attributes, the model, the seed channels, time and repetition, and
what to record. This page lists every key; it is generated from the same table the loader
validates against, so it cannot drift from what `wom` accepts.

```toml
[network]
generator = "barabasi_albert"
n = 1000
m = 3

[model]
name = "independent_cascade"
probability = 0.05

[[channel]]
type = "seed"
strategy = "top_degree"
count = 10

[run]
steps = 50
replicates = 100
```

## Rules

- Every key is checked when the scenario loads. An unknown table or key, a key that belongs to
  another choice (`p` with `generator = "barabasi_albert"`), a wrong type, a value out of range,
  `nan` or `inf` are errors; nothing is silently ignored. All problems are reported at once, one
  per line, as `file:line:column: dotted.key: what was expected`, with a "did you mean" hint
  for misspelt keys.
- Integers are accepted where a float is expected (`1` means `1.0`); a float where an integer is
  expected is an error.
- `[network]`, `[model]` with its `name`, and at least one `[[channel]]` of type `"seed"` are
  required; every other key has the default listed below.
- Relative paths are resolved against the folder of the scenario file.
- `--set dotted.key=value` (repeatable) changes the scenario before it is validated. The value is
  TOML (`run.steps=50`, `model.probability=0.05`,
  `population.threshold={dist="uniform",low=0,high=1}`); a bare word that is not valid TOML is
  taken as a string (`network.generator=gnp`). `[[channel]]` entries are addressed by their
  index from 0 (`channel.0.count=5`). A `--set` that changes a choice
  (`network.generator=gnp` on a `barabasi_albert` file) drops the file's keys that the new
  choice does not take. Problems are reported as `--set key=value: key: what`.
- `wom validate` prints the resolved scenario: every key in play with the value it takes.
)";

constexpr std::string_view kSweepDoc = R"(A parameter study, run by `wom sweep` (`wom run` ignores this table). A point is the scenario with one override per swept key, exactly as `--set key=value` would give it, so every key of this page can be swept (except `run.steps`, `run.step_hours`, `run.replicates`, `[output]` and `[sweep]` itself) and every point is validated like a scenario, all of them before anything is simulated. Problems are reported at the offending value in `[sweep.parameters]`.

```toml
[sweep]
design = "grid"                 # every combination: 3 x 2 = 6 points
replicates = 50                 # per point

[sweep.parameters]
"model.probability" = [0.02, 0.05, 0.1]
"network.m" = [2, 4]            # network keys: one network per value, shared by the points
```

Random designs take ranges, `{low = a, high = b}` (integers if both ends are integers, both included; `log = true` for log-uniform), or lists to draw from:

```toml
[sweep]
design = "latin_hypercube"
points = 200

[sweep.parameters]
"model.probability" = {low = 0.001, high = 0.1, log = true}
"channel.0.count" = {low = 1, high = 50}
```

On the command line, `wom sweep s.toml --set model.probability=0.02,0.05,0.1` sweeps a key over a list (commas inside brackets, braces and quotes do not split); `--set key=value` with one value is an ordinary override, and `--set sweep.design=zip` sets a key of this table. Point i of a sweep is reproduced by `wom run` with the point's overrides (`/sweep/overrides` in the output), `--seed` set to its `seed` and `run.replicates` to the sweep's; see docs/output.md, "Sweep files".)";

constexpr std::string_view kDistributions = R"(
## Distributions

Per-agent attributes (`[population] threshold`) take a distribution: either a number, meaning
that constant, or an inline table such as `{dist = "uniform", low = 0.1, high = 0.5}`.
Truncated normal and lognormal draws use rejection sampling within [low, high]; after 64
misses (a window holding almost no probability) the draw is clamped into the window instead.
The consumer's range (for a threshold, [0, 1.999969482421875]) must contain every value the
distribution can take: the constant, the bounds of uniform, normal and lognormal, or [0, 1] for
beta.

)";

}  // namespace

// ---- public ----------------------------------------------------------------------------------

const Table& distribution_table() {
  static const Table table{
      "distribution",
      {
          {.key = "dist",
           .kind = Kind::kSwitch,
           .doc = "The distribution's family.",
           .required = true,
           .choices =
               {
                   {"constant", "Always `value`.", {{"value", true}}},
                   {"uniform", "Uniform on [low, high].", {{"low", true}, {"high", true}}},
                   {"normal",
                    "Normal(mean, sd) truncated to [low, high].",
                    {{"mean", true}, {"sd", true}, {"low"}, {"high"}}},
                   {"beta", "Beta(alpha, beta) on [0, 1].", {{"alpha", true}, {"beta", true}}},
                   {"lognormal",
                    "exp(Normal(mean, sd)) truncated to [low, high].",
                    {{"mean", true}, {"sd", true}, {"low"}, {"high"}}},
               },
           .access = kDistKind},
          {.key = "value", .kind = Kind::kFloat, .doc = "The constant.", .access = dist_key<&Distribution::value>()},
          {.key = "mean",
           .kind = Kind::kFloat,
           .doc = "Mean (normal) or mean of log X (lognormal).",
           .access = dist_key<&Distribution::mean>()},
          {.key = "sd",
           .kind = Kind::kFloat,
           .doc = "Standard deviation (normal) or that of log X (lognormal).",
           .range = above(0),
           .access = dist_key<&Distribution::sd>()},
          {.key = "alpha",
           .kind = Kind::kFloat,
           .doc = "First shape parameter.",
           .range = above(0),
           .access = dist_key<&Distribution::alpha>()},
          {.key = "beta",
           .kind = Kind::kFloat,
           .doc = "Second shape parameter.",
           .range = above(0),
           .access = dist_key<&Distribution::beta>()},
          {.key = "low",
           .kind = Kind::kFloat,
           .doc = "Lower bound (uniform) or truncation bound (normal, lognormal).",
           .access = dist_key<&Distribution::low>()},
          {.key = "high",
           .kind = Kind::kFloat,
           .doc = "Upper bound or truncation bound; at least `low`.",
           .access = dist_key<&Distribution::high>()},
      },
      check_distribution};
  return table;
}

const std::vector<Section>& sections() {
  static const std::vector<Section> all{
      {"network",
       "Who can talk to whom: a generated network or an edge-list file, and optionally further layers over "
       "the same agents (`[[network.layer]]`).",
       &network_table(), true},
      {"trust",
       "How much a friend's word weighs over an arc, in [0, 1.999969482421875] (16-bit fixed point): the "
       "trust of layer 0, `[network]`; each `[[network.layer]]` has its own `trust`. People trust friends "
       "before strangers: brand and influencer trust are set per `[[channel]]`.",
       &trust_table()},
      {"population", "Per-agent attributes, drawn from distributions.", &population_table()},
      {"model", "The decision and spreading rule, with its parameters.", &model_table(), true},
      {"channel",
       "Where exposures come from besides friends; one `[[channel]]` table per channel. At least one "
       "channel of type `\"seed\"` is required.",
       &channel_table(), false, true},
      {"run", "Time and repetition.", &run_table()},
      {"output", "What to record beyond the time series and per-replicate summaries.", &output_table()},
      {"sweep", kSweepDoc, &sweep_table()},
  };
  return all;
}

std::string describe_range(const Field& f) {
  const Range& r = f.range;
  if (f.kind == Kind::kInt || f.kind == Kind::kIntArray) {
    const bool has_min = r.int_min != std::numeric_limits<std::int64_t>::min();
    const bool has_max = r.int_max != kMaxInt;
    if (has_min && has_max) return "in [" + std::to_string(r.int_min) + ", " + std::to_string(r.int_max) + "]";
    if (has_min) return ">= " + std::to_string(r.int_min);
    if (has_max) return "<= " + std::to_string(r.int_max);
    return "";
  }
  const bool has_min = std::isfinite(r.min);
  const bool has_max = std::isfinite(r.max);
  if (has_min && has_max) {
    return std::string("in ") + (r.min_open ? "(" : "[") + format_number(r.min) + ", " + format_number(r.max) +
           (r.max_open ? ")" : "]");
  }
  if (has_min) return (r.min_open ? "> " : ">= ") + format_number(r.min);
  if (has_max) return (r.max_open ? "< " : "<= ") + format_number(r.max);
  return "";
}

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::kBool: return "boolean";
    case Kind::kInt: return "integer";
    case Kind::kFloat: return "float";
    case Kind::kString:
    case Kind::kSwitch: return "string";
    case Kind::kIntArray: return "array of integers";
    case Kind::kDistribution: return "float or distribution";
    case Kind::kTable: return "table";
    case Kind::kSubtable: return "table";
    case Kind::kSubtableArray: return "array of tables";
  }
  return "";
}

void check_scenario(Scenario& scenario, ScenarioReporter& reporter) {
  const auto seeds = scenario.seed_specs();
  if (reporter.clean("channel") && seeds.empty()) {
    reporter.error("channel",
                   "no seed channel; add one, e.g. [[channel]] type = \"seed\", strategy = \"random\", count = 1");
  }
  const NetworkSpec& net = scenario.network;
  const bool sized = net.generator != "edge_list";  // an edge list's size is known only once read
  if (sized && reporter.clean("network") && reporter.clean("channel")) {
    for (std::size_t i = 0; i < scenario.channels.size(); ++i) {
      if (scenario.channels[i].type != "seed" && scenario.channels[i].type != "influencer") continue;
      const SeedSpec& seed = scenario.channels[i].seed;
      const std::string at = "channel." + std::to_string(i) + ".";
      if (seed.strategy != "explicit" && seed.count > net.n) {
        reporter.error(at + "count", "expected at most the " + std::to_string(net.n) + " agents of [network], found " +
                                         std::to_string(seed.count));
      }
      if (seed.strategy != "explicit") continue;
      for (std::size_t j = 0; j < seed.ids.size(); ++j) {
        if (seed.ids[j] >= net.n) {
          reporter.error(at + "ids." + std::to_string(j), "expected an agent id < n (n = " + std::to_string(net.n) +
                                                              "), found " + std::to_string(seed.ids[j]));
        }
      }
    }
  }
  if (sized && reporter.clean("network") && reporter.clean("trust") && scenario.trust.rule == "weight") {
    reporter.error("trust.rule", "rule 'weight' reads the weights of [network] edge_list; generator " +
                                     in_quotes(net.generator) + " has none");
  }
  if (sized && reporter.clean("network") && reporter.clean("trust") && !scenario.trust.negative.empty()) {
    reporter.error("trust.negative", "reads the signs of [network] edge_list weights; generator " +
                                         in_quotes(net.generator) + " has none");
  }
  // Agents' traits change how exposures act only in the models that implement them.
  const PopulationSpec& pop = scenario.population;
  const bool traits = !(pop.susceptibility.kind == Distribution::Kind::kConstant && pop.susceptibility.value == 1.0) ||
                      !(pop.activity.kind == Distribution::Kind::kConstant && pop.activity.value == 1.0) ||
                      pop.activity_cycle != 0.0;
  if (traits && reporter.clean("population") && reporter.clean("model") &&
      scenario.model.name != "independent_cascade" && scenario.model.name != "linear_threshold") {
    reporter.error(reporter.has("population.susceptibility") ? "population.susceptibility" : "population.activity",
                   "susceptibility and activity are modelled by independent_cascade and linear_threshold; model " +
                       in_quotes(scenario.model.name) + " does not read them");
  }
  if (reporter.clean("channel") && reporter.clean("population") && reporter.clean("network")) {
    for (std::size_t i = 0; i < scenario.channels.size(); ++i) {
      const ChannelSpec& c = scenario.channels[i];
      if (c.type != "sponsored" || c.targeting != "group" || !pop.groups.empty()) continue;
      const std::string at = "channel." + std::to_string(i) + ".";
      if (net.generator != "sbm") {
        reporter.error(at + "targeting", "targeting 'group' needs groups: [population] groups = \"file\", or an "
                                         "sbm [network] (its blocks)");
      } else if (c.group >= net.block_sizes.size()) {
        reporter.error(at + "group", "expected a block of [network] (0 to " +
                                         std::to_string(net.block_sizes.size() - 1) + "), found " +
                                         std::to_string(c.group));
      }
    }
  }
  // Last: refuse, before anything is allocated, a scenario that cannot fit in memory.
  if (reporter.clean("network") && reporter.clean("run") && reporter.clean("output")) {
    if (const auto refusal = check_memory(net, scenario.run.replicates, scenario.run.steps, scenario.channels.size(),
                                          scenario.output.adoption_steps, available_memory())) {
      reporter.error(refusal->key, refusal->message);
    }
  }
}

std::string format_number(double value) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

std::string toml_value(const Value& value) {
  struct Visitor {
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      std::string s = format_number(v);
      // "2" would read back as an integer; "1e+20", "inf" and "nan" already are floats.
      if (s.find_first_of(".en") == std::string::npos) s += ".0";
      return s;
    }
    std::string operator()(const std::string& v) const { return toml_string(v); }
    std::string operator()(const std::vector<std::int64_t>& v) const {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
      return out + "]";
    }
    std::string operator()(const Distribution& v) const { return inline_distribution(v); }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace wom::schema

namespace wom {

std::string scenario_reference_markdown() {
  using namespace schema;
  Scenario scenario;
  ChannelSpec channel;
  Distribution dist;
  Target defaults{&scenario, &channel, &dist, {}};

  std::ostringstream out;
  out << kIntroduction;
  for (const Section& s : sections()) {
    out << "\n## " << code(s.array ? "[[" + std::string(s.key) + "]]" : "[" + std::string(s.key) + "]")
        << (s.required ? " (required)" : "") << "\n\n"
        << s.doc << "\n\n";
    markdown_table(out, *s.table, defaults);
    markdown_nested(out, *s.table, defaults, std::string(s.key));
  }
  out << kDistributions;
  markdown_table(out, distribution_table(), defaults);
  return out.str();
}

std::string resolved_scenario_toml(const Scenario& scenario) {
  using namespace schema;
  Scenario copy = scenario;  // Target holds mutable pointers; rendering only reads them
  std::string out;
  // Sections separated by a blank line; the caller adds any heading it wants.
  auto section = [&out](const std::string& header, const std::string& body) {
    out += (out.empty() ? "" : "\n") + header + "\n" + body;
  };
  for (const Section& s : sections()) {
    if (s.array) {
      for (ChannelSpec& channel : copy.channels) {
        section("[[" + std::string(s.key) + "]]", render_table(*s.table, Target{&copy, &channel, nullptr, {}}));
      }
    } else {
      const Target target{&copy, nullptr, nullptr, {}};
      section("[" + std::string(s.key) + "]",
              render_table(*s.table, target) + render_nested(*s.table, target, std::string(s.key)));
    }
  }
  return out;
}

}  // namespace wom
