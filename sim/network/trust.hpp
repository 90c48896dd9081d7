// SPDX-License-Identifier: MIT
#pragma once
/// @file Assigns per-arc trust from a `[trust]` rule.

#include "sim/network/graph.hpp"
#include "sim/spec.hpp"

namespace wom {

/// Converts a trust value to fixed point (rounded to the nearest 2^-15).
/// @throws InputError naming `what` if value is not in [0, kTrustMax].
Trust trust_fixed(double value, const char* what);

/// Sets every arc's trust by the rule:
/// - "constant": `value` on every arc;
/// - "inverse_in_degree": floor(2^15 / in-degree(head)) / 2^15, so the trust an agent
///   receives from all its in-neighbours sums to at most 1 (Kempe, Kleinberg & Tardos 2003's
///   weights for the linear threshold model; flooring keeps the sum <= 1 exactly);
/// - "weight": the edge list's weight column times `scale`.
/// @throws InputError if a resulting trust falls outside [0, kTrustMax] or the rule needs
///         weights the graph does not have.
void assign_trust(Graph& graph, const TrustSpec& spec);

}  // namespace wom
