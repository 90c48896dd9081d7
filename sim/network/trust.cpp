// SPDX-License-Identifier: MIT
#include "sim/network/trust.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/error.hpp"

namespace wom {

Trust trust_fixed(double value, const char* what) {
  if (!(value >= 0.0 && value <= kTrustMax)) {
    throw InputError(std::string(what) + ": trust " + std::to_string(value) + " outside [0, " +
                     std::to_string(kTrustMax) + "]");
  }
  return static_cast<Trust>(std::lround(value * kTrustOne));
}

void assign_trust(Graph& graph, const TrustSpec& spec) {
  if (spec.rule == "constant") {
    graph.set_uniform_trust(trust_fixed(spec.value, "trust.value"));
  } else if (spec.rule == "inverse_in_degree") {
    auto& trust = graph.trusts();
    const auto in = graph.in_degrees();
    for (ArcId a = 0; a < graph.num_arcs(); ++a) trust[a] = static_cast<Trust>(kTrustOne / in[graph.head(a)]);
  } else if (spec.rule == "weight") {
    const auto& w = graph.weights();
    auto& trust = graph.trusts();
    if (w.size() != graph.num_arcs()) {
      throw InputError("trust.rule: 'weight' needs an edge list with a third (weight) column");
    }
    for (ArcId a = 0; a < graph.num_arcs(); ++a) {
      const double t = static_cast<double>(w[a]) * spec.scale;
      if (!(t >= 0.0 && t <= kTrustMax)) {
        const auto& off = graph.offsets();
        const auto tail = static_cast<NodeId>(std::upper_bound(off.begin(), off.end(), a) - off.begin() - 1);
        throw InputError("trust.scale: arc " + std::to_string(graph.label(tail)) + " -> " +
                         std::to_string(graph.label(graph.head(a))) + " has weight " +
                         std::to_string(w[a]) + " x scale " + std::to_string(spec.scale) +
                         " gives trust " + std::to_string(t) + ", outside [0, " + std::to_string(kTrustMax) + "]");
      }
      trust[a] = static_cast<Trust>(std::lround(t * kTrustOne));
    }
  } else {
    throw InputError("trust.rule: unknown rule '" + spec.rule + "'");
  }
}

}  // namespace wom
