// SPDX-License-Identifier: MIT
#include "scenarios/toml_guard.hpp"

#include <string>

namespace wom {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Position of the first line whose dots outside strings and comments, other than the dot
/// of a number, exceed kMaxKeyParts - 1; {0, 0} if none. Keys cannot span lines in TOML, so
/// a line's dots bound the depth of the keys on it (a number such as 1.5 has one dot
/// between digits; counting it as a key dot could only refuse more, so numbers are told
/// apart to let long lists of floats through).
toml::source_position too_deep(std::string_view text) {
  std::size_t line = 1, column = 1, dots = 0;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto starts = [&](std::string_view s) { return text.substr(i, s.size()) == s; };
  while (i < n) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 1;
      dots = 0;
      ++i;
      continue;
    }
    if (c == '#') {  // comment to the end of the line
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (starts("\"\"\"") || starts("'''")) {  // multi-line string: skip, counting lines
      const std::string_view close = text.substr(i, 3);
      i += 3;
      while (i < n && !starts(close)) {
        if (text[i] == '\\' && close[0] == '"') ++i;
        else if (text[i] == '\n') ++line;
        ++i;
      }
      i += 3;
      column = 1;
      continue;
    }
    if (c == '"' || c == '\'') {  // one-line string
      ++i;
      while (i < n && text[i] != c && text[i] != '\n') {
        if (c == '"' && text[i] == '\\') ++i;
        ++i;
      }
      ++i;
      column += 2;
      continue;
    }
    if (c == '.' && !(i > 0 && is_digit(text[i - 1]) && i + 1 < n && is_digit(text[i + 1]))) {
      if (++dots >= kMaxKeyParts) {
        return {static_cast<toml::source_index>(line), static_cast<toml::source_index>(column)};
      }
    }
    ++i;
    ++column;
  }
  return {0, 0};
}

}  // namespace

toml::table parse_toml(std::string_view text, std::string_view source) {
  if (const toml::source_position at = too_deep(text); at.line != 0) {
    const std::string what = "dotted keys of more than " + std::to_string(kMaxKeyParts) +
                             " parts on one line (no scenario nests tables that deep)";
    throw toml::parse_error(what.c_str(), at, std::make_shared<const std::string>(source));  // copies `what`
  }
  return toml::parse(text, source);
}

std::string toml_type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

}  // namespace wom
