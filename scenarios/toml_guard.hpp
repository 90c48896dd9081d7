// SPDX-License-Identifier: MIT
#pragma once
/// @file toml::parse behind a guard against nesting it cannot survive, and the name a
/// scenario error gives a TOML value's type.
///
/// toml++ bounds nested arrays and inline tables (256 levels) but not dotted keys: a header
/// `[a.a.a. ... .a]` of 100,000 parts makes it recurse once per part and overflow the stack
/// (found by fuzzing the scenario loader). No scenario nests tables more than a few levels,
/// so text whose dotted keys have more than kMaxKeyParts parts is refused as a syntax error,
/// before toml++ sees it.

#include <cstddef>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace wom {

inline constexpr std::size_t kMaxKeyParts = 64;

/// toml::parse(text, source), except that text with a dotted key of more than kMaxKeyParts
/// parts throws toml::parse_error at that key, as a syntax error would.
toml::table parse_toml(std::string_view text, std::string_view source);

/// "table", "array", "string", "integer", "float", "boolean", "date", "time", "date-time",
/// or "nothing": what "expected ..., found <this>" says.
std::string toml_type_name(toml::node_type type);

}  // namespace wom
