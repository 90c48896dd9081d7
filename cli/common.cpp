// SPDX-License-Identifier: MIT
#include "cli/common.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include <tbb/global_control.h>

#include "cli/command.hpp"
#include "output/atomic_file.hpp"
#include "output/sweep_writer.hpp"  // student_t975, shared with the sweep summaries
#include "sim/error.hpp"

namespace fs = std::filesystem;

namespace wom::cli {

void describe_scenario(Provenance& provenance, const Scenario& scenario, const std::string& command_line) {
  provenance.command_line = command_line;
  provenance.scenario_path = scenario.path.string();
  provenance.scenario_text = scenario.text;
  provenance.overrides = scenario.overrides;
  provenance.model = scenario.model.name;
  provenance.seed = scenario.run.seed;
  provenance.threads =
      static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

void add_threads_option(CLI::App& command, Invocation& invocation) {
  command.add_option("-t,--threads", invocation.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 4096));
}

namespace {

/// Write end of the pipe from the signal handler to the watcher thread.
int interrupt_pipe = -1;
/// Said after an interruption, if set (set_interrupt_note).
std::atomic<const char*> interrupt_note{nullptr};

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

/// The handler only passes the signal on: write(2) is async-signal-safe, while removing
/// files from a list under a lock is not.
extern "C" void on_interrupt(int signal) {
  const int saved = errno;
  const auto byte = static_cast<unsigned char>(signal);
  [[maybe_unused]] const auto ignored = ::write(interrupt_pipe, &byte, 1);
  errno = saved;
}

/// Runs on its own thread for the life of the process, in an ordinary (not a handler's)
/// context: removes the outputs being written, says so, and ends the process. Exiting
/// from here, with _exit, runs no destructors and no atexit handlers that could touch a
/// file or HDF5 while other threads are mid-write.
void watch_interrupts(int read_end) {
  unsigned char byte = 0;
  for (;;) {
    const auto got = ::read(read_end, &byte, 1);
    if (got == 1) break;
    if (got < 0 && errno == EINTR) continue;
    // The pipe failed (it cannot in practice): let the signals act as if wom had no handlers.
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, SIG_DFL);
    return;
  }
  const int signal = byte;
  const std::size_t removed = pending_files::remove_all_for_exit();
  const char* note = interrupt_note.load();
  const char* const outcome = removed                      ? "removed the incomplete output file"
                              : pending_files::published() > 0 ? "the output file was already complete"
                                                               : "no output file written";
  const std::string message = std::string("wom: interrupted by ") + signal_name(signal) + "; " + outcome +
                              (note != nullptr ? std::string("; ") + note : std::string()) + "\n";
  [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message.data(), message.size());
  ::_exit(128 + signal);
}

/// Length of the valid UTF-8 sequence starting at `p` (before `end`), 0 if invalid.
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  std::size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3;
  else if (c >= 0xF0 && c <= 0xF4) n = 4;
  else return 0;
  if (static_cast<std::size_t>(end - p) < n) return 0;
  for (std::size_t i = 1; i < n; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  // Overlong three- and four-byte forms, surrogates, and code points above U+10FFFF.
  if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
      (c == 0xF4 && p[1] >= 0x90)) {
    return 0;
  }
  return n;
}

}  // namespace

void install_signal_handling() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGXFSZ, &ignore, nullptr);

  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) {
    throw Error(std::string("cannot set up signal handling: ") + std::strerror(errno));
  }
  interrupt_pipe = ends[1];
  std::thread(watch_interrupts, ends[0]).detach();
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal, &action, nullptr);
}

void set_interrupt_note(const char* note) { interrupt_note.store(note); }

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p != end) {
    const unsigned char c = *p;
    if (c >= 0x80) {
      if (const std::size_t n = utf8_length(p, end)) {
        out.append(reinterpret_cast<const char*>(p), n);
        p += n;
        continue;
      }
    } else if (c >= 0x20 && c != 0x7F) {
      out += static_cast<char>(c);
      ++p;
      continue;
    } else if (c == '\n' || c == '\t') {
      out += static_cast<char>(c);
      ++p;
      continue;
    }
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
    ++p;
  }
  return out;
}

CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && end == text.data() + text.size() && !text.empty()) return "";
        return "expected an integer in [0, 18446744073709551615], found '" + text + "'";
      },
      "SEED");
}

void check_output_path(const std::string& output, bool force) {
  const fs::path out(output);
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  if (out.filename().empty() || out.filename() == "." || out.filename() == "..") {
    throw InputError(output + ": names a folder, not an output file");
  }
  if (!fs::is_directory(dir, ec)) {
    throw InputError(output + ": output folder '" + dir.string() +
                     (fs::exists(dir, ec) ? "' is not a folder" : "' does not exist"));
  }
  // Checked here, before anything is simulated, rather than when the result is written.
  // access() answers for the real user and also reports a read-only file system (EROFS).
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    const int err = errno;
    throw InputError(output + ": cannot write in output folder '" + dir.string() + "': " +
                     (err == EROFS ? "read-only file system" : err == EACCES ? "permission denied" : std::strerror(err)));
  }
  if (fs::is_directory(out, ec)) throw InputError(output + ": is a folder, not an output file");
  const fs::file_status status = fs::symlink_status(out, ec);
  if (fs::exists(status) && !fs::is_regular_file(fs::status(out, ec)) && !fs::is_symlink(status)) {
    throw InputError(output + ": exists and is not a regular file; wom writes only regular files");
  }
  if (fs::exists(status) && !force) throw InputError(output + ": already exists (use --force to replace it)");
}

std::pair<double, double> mean_ci95(double sum, double sum_squares, std::size_t n) {
  if (n == 0) return {NAN, NAN};
  const double mean = sum / static_cast<double>(n);
  if (n == 1) return {mean, NAN};
  const double var = std::max(0.0, (sum_squares - static_cast<double>(n) * mean * mean) / static_cast<double>(n - 1));
  return {mean, student_t975(n - 1) * std::sqrt(var / static_cast<double>(n))};
}

}  // namespace wom::cli
