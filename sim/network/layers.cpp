// SPDX-License-Identifier: MIT
#include "sim/network/layers.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>
#include <unordered_map>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/error.hpp"
#include "sim/network/generators.hpp"
#include "sim/network/trust.hpp"
#include "sim/random.hpp"

namespace wom {

Graph merge_layers(std::vector<NetworkLayer> layers) {
  if (layers.empty()) throw Error("merge_layers: no layer");
  if (layers.size() > kMaxLayers) {
    throw InputError(layers[kMaxLayers].key + ": at most " + std::to_string(kMaxLayers) + " layers, found " +
                     std::to_string(layers.size()));
  }
  {
    std::set<std::string> names;
    for (const NetworkLayer& l : layers) {
      if (!names.insert(l.name).second) {
        throw InputError(l.key + ".name: another layer is already named '" + l.name + "'");
      }
    }
  }
  if (layers.size() > 1) {
    for (const NetworkLayer& l : layers) {
      if (l.graph.implicit_complete()) {
        throw InputError(l.key + ".implicit_above: a complete graph stored implicitly (n above implicit_above) "
                         "cannot be one of several layers; raise implicit_above to store its arcs");
      }
    }
  }
  if (layers.size() == 1) {
    Graph g = std::move(layers[0].graph);
    g.set_layer_name(layers[0].name);
    return g;
  }

  // 1. Agents: layer 0's, then those of label-matched layers not seen before.
  const Graph& first = layers[0].graph;
  const NodeId n0 = first.num_nodes();
  std::vector<std::uint64_t> labels(n0);
  for (NodeId u = 0; u < n0; ++u) labels[u] = first.label(u);
  std::unordered_map<std::uint64_t, NodeId> index;  // label -> agent, built on first need
  std::vector<std::vector<NodeId>> maps(layers.size());
  for (std::size_t i = 1; i < layers.size(); ++i) {
    const Graph& g = layers[i].graph;
    auto& map = maps[i];
    if (!layers[i].match_labels) {
      if (g.num_nodes() != n0) {
        throw InputError(layers[i].key + ".n: the layer has " + std::to_string(g.num_nodes()) +
                         " agents but layer 0 ('" + layers[0].name + "') has " + std::to_string(n0) +
                         "; a generated layer's agents are layer 0's agents, so the counts must agree");
      }
      continue;  // identity
    }
    if (index.empty()) {
      index.reserve(labels.size() + g.num_nodes());
      for (NodeId u = 0; u < labels.size(); ++u) index.emplace(labels[u], u);
    }
    map.resize(g.num_nodes());
    for (NodeId u = 0; u < g.num_nodes(); ++u) {
      const auto [it, added] = index.emplace(g.label(u), static_cast<NodeId>(labels.size()));
      if (added) {
        if (labels.size() >= std::numeric_limits<NodeId>::max() - 1) {
          throw InputError(layers[i].key + ": more agents than wom can hold (" +
                           std::to_string(std::numeric_limits<NodeId>::max() - 1) + ")");
        }
        labels.push_back(g.label(u));
      }
      map[u] = it->second;
    }
  }
  const auto n = static_cast<NodeId>(labels.size());
  auto agent = [&maps](std::size_t layer, NodeId u) { return maps[layer].empty() ? u : maps[layer][u]; };

  // 2. Scatter every layer's arcs to their tails, layer by layer.
  bool weighted = false, has_distrust = false, directed = false;
  for (const NetworkLayer& l : layers) {
    weighted = weighted || !l.graph.weights().empty();
    has_distrust = has_distrust || l.graph.has_distrust();
    directed = directed || l.graph.directed();
  }
  Graph g;
  g.n_ = n;
  g.directed_ = directed;
  g.offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Graph& l = layers[i].graph;
    for (NodeId u = 0; u < l.num_nodes(); ++u) g.offsets_[agent(i, u) + 1] += l.out_degree(u);
  }
  std::partial_sum(g.offsets_.begin(), g.offsets_.end(), g.offsets_.begin());
  const ArcId arcs = g.offsets_[n];
  g.heads_.resize(arcs);
  g.trust_.resize(arcs);
  g.layer_.resize(arcs);
  if (weighted) g.weights_.assign(arcs, std::numeric_limits<float>::quiet_NaN());
  std::vector<std::uint8_t> distrust(has_distrust ? arcs : 0, 0);  // one byte per arc while sorting
  {
    std::vector<ArcId> cursor(g.offsets_.begin(), g.offsets_.end() - 1);
    for (std::size_t i = 0; i < layers.size(); ++i) {
      Graph& l = layers[i].graph;
      const bool w = !l.weights().empty();
      for (NodeId u = 0; u < l.num_nodes(); ++u) {
        ArcId& at = cursor[agent(i, u)];
        for (ArcId a = l.arc_begin(u); a < l.arc_end(u); ++a, ++at) {
          g.heads_[at] = agent(i, l.head(a));
          g.trust_[at] = l.trust(a);
          g.layer_[at] = static_cast<std::uint8_t>(i);
          if (w) g.weights_[at] = l.weights()[a];
          if (has_distrust) distrust[at] = l.distrust(a) ? 1 : 0;
        }
      }
      l = Graph{};  // release the layer once its arcs are in
    }
  }

  // 3. Sort each tail's arcs by (head, layer); keys are unique (no repeats within a layer).
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 1024), [&](const tbb::blocked_range<NodeId>& r) {
    std::vector<ArcId> order;
    std::vector<NodeId> heads;
    std::vector<Trust> trust;
    std::vector<std::uint8_t> layer, flag;
    std::vector<float> weights;
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      const ArcId b = g.offsets_[u], e = g.offsets_[u + 1];
      auto key = [&](ArcId a) { return (static_cast<std::uint64_t>(g.heads_[a]) << 8) | g.layer_[a]; };
      bool sorted = true;
      for (ArcId a = b + 1; a < e && sorted; ++a) sorted = key(a - 1) < key(a);
      if (sorted) continue;
      order.resize(e - b);
      std::iota(order.begin(), order.end(), b);
      std::sort(order.begin(), order.end(), [&](ArcId x, ArcId y) { return key(x) < key(y); });
      auto permute = [&](auto& array, auto& scratch) {
        scratch.clear();
        for (const ArcId a : order) scratch.push_back(array[a]);
        std::copy(scratch.begin(), scratch.end(), array.begin() + static_cast<std::ptrdiff_t>(b));
      };
      permute(g.heads_, heads);
      permute(g.trust_, trust);
      permute(g.layer_, layer);
      if (weighted) permute(g.weights_, weights);
      if (has_distrust) permute(distrust, flag);
    }
  });

  // 4. The rest: distrust bits, labels, uniform trust, names.
  if (has_distrust) {
    std::vector<std::uint64_t> bits((arcs + 63) / 64, 0);
    for (ArcId a = 0; a < arcs; ++a)
      if (distrust[a] != 0) bits[a >> 6] |= std::uint64_t{1} << (a & 63);
    g.distrust_ = std::move(bits);
  }
  bool identity = true;
  for (NodeId u = 0; u < n && identity; ++u) identity = labels[u] == u;
  if (!identity) g.labels_ = std::move(labels);
  g.uniform_trust_ = std::adjacent_find(g.trust_.begin(), g.trust_.end(), std::not_equal_to<>()) == g.trust_.end();
  g.layer_names_.clear();
  for (NetworkLayer& l : layers) g.layer_names_.push_back(std::move(l.name));
  return g;
}

std::uint64_t layer_seed(const NetworkSpec& layer, std::uint64_t seed, std::size_t index) {
  if (layer.seed) return *layer.seed;
  return index == 0 ? seed : derive(seed, index);
}

Graph build_network(const NetworkSpec& network, const TrustSpec& trust, std::uint64_t seed,
                    const std::filesystem::path& base_dir) {
  std::vector<NetworkLayer> layers;
  layers.reserve(network.layers.size() + 1);
  auto add = [&](const NetworkSpec& spec, const TrustSpec& rule, std::size_t index, std::string key) {
    // Layer 0's seed is the caller's (network.seed is already folded into it).
    const std::uint64_t generator_seed = index == 0 ? seed : layer_seed(spec, seed, index);
    Graph g = make_network(spec, generator_seed, base_dir);
    assign_trust(g, rule, TrustContext{seed, static_cast<std::uint32_t>(index), index == 0 ? "trust" : key + ".trust"});
    layers.push_back({spec.name, std::move(g), spec.generator == "edge_list", std::move(key)});
  };
  add(network, trust, 0, "network");
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    add(network.layers[i].network, network.layers[i].trust, i + 1, "network.layer." + std::to_string(i));
  }
  return merge_layers(std::move(layers));
}

}  // namespace wom
