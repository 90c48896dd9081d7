// SPDX-License-Identifier: MIT
#pragma once
/// @file Positions of scenario keys for problems found after loading (a seed id that is not
/// in the edge list is known only once the network is read): the message then names the
/// file, line and column of the key, as the loader's own messages do.

#include <string>
#include <string_view>

#include "scenarios/scenario.hpp"

namespace wom {

/// `message` of the form "dotted.key: what" (a key of a scenario section) as
/// "file:line:column: dotted.key: what", at the key's value in the scenario's text, or at
/// the nearest enclosing table written there; other messages are returned unchanged.
std::string with_key_position(const Scenario& scenario, std::string_view message);

}  // namespace wom
