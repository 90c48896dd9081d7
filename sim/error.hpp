// SPDX-License-Identifier: MIT
#pragma once
/// @file The wom exception hierarchy. Library code throws these; only the CLI prints them
/// and chooses an exit status (2 for every InputError: the user's input is at fault).

#include <source_location>
#include <stdexcept>
#include <string>

namespace wom {

/// Base of every wom exception. `where()` is the throw site in wom's own source, for bug
/// reports; the message itself names the user's file, line and key where one applies.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message,
                 std::source_location where = std::source_location::current())
      : std::runtime_error(message), where_(where) {}
  [[nodiscard]] const std::source_location& where() const noexcept { return where_; }

 private:
  std::source_location where_;
};

/// The user's input (scenario, edge list, command-line flag) is invalid. Exit status 2.
class InputError : public Error {
  using Error::Error;
};

/// Reading or writing a file failed for a reason outside the input's content (I/O, disk).
class IoError : public Error {
  using Error::Error;
};

}  // namespace wom
