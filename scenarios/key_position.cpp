// SPDX-License-Identifier: MIT
#include "scenarios/key_position.hpp"

#include <charconv>
#include <vector>

#include "scenarios/schema.hpp"
#include "scenarios/toml_guard.hpp"

namespace wom {

std::string with_key_position(const Scenario& scenario, std::string_view message) {
  const auto colon = message.find(": ");
  if (colon == std::string_view::npos) return std::string(message);
  const std::string_view key = message.substr(0, colon);
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // Only keys of a scenario section: an edge list's "name.txt:3: ..." is left alone.
  bool section = false;
  for (const schema::Section& s : schema::sections()) section = section || s.key == parts.front();
  if (!section) return std::string(message);

  const std::string file = scenario.path.string();
  toml::table root;
  try {
    root = parse_toml(scenario.text, file);
  } catch (const toml::parse_error&) {
    return file + ": " + std::string(message);
  }
  const toml::node* node = &root;
  const toml::node* located = nullptr;
  for (const std::string_view part : parts) {
    const toml::node* next = nullptr;
    if (const auto* table = node->as_table()) {
      next = table->get(part);
    } else if (const auto* array = node->as_array()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec == std::errc{} && end == part.data() + part.size()) next = array->get(index);
    }
    if (next == nullptr) break;
    node = next;
    if (node->source().begin.line != 0) located = node;
  }
  if (located == nullptr) return file + ": " + std::string(message);
  const auto& at = located->source().begin;
  return file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + std::string(message);
}

}  // namespace wom
