// SPDX-License-Identifier: MIT
#pragma once
/// @file What every benchmark reports besides its figures: wall clock, peak RSS, the machine
/// and load, and the JSON header (benchmark, preset, commit, machine, threads).

#include <sys/resource.h>
#include <sys/utsname.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "sim/version.hpp"

namespace wom::bench {

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Peak resident set size of this process so far, in bytes (getrusage: kilobytes on Linux).
inline std::uint64_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_maxrss) * 1024;
}

/// One-minute load average: other processes on a shared machine skew timings.
inline double load_average() {
  double l = -1;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &l) != 1) l = -1;
    std::fclose(f);
  }
  return l;
}

inline std::string machine() {
  utsname u{};
  uname(&u);
  std::string cpu;
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) { cpu = line.substr(line.find(':') + 2); break; }
  std::ostringstream s;
  s << cpu << ", " << u.machine << " " << u.release << ", " << std::thread::hardware_concurrency() << " hardware threads";
  return s.str();
}

/// The opening members of a benchmark's JSON object (no closing brace).
inline std::string json_header(const std::string& benchmark, const std::string& preset) {
  std::ostringstream j;
  j << "{\n  \"benchmark\": \"" << benchmark << "\",\n  \"preset\": \"" << preset << "\",\n  \"commit\": \""
    << kGitCommit << "\",\n  \"version\": \"" << kVersion << "\",\n  \"machine\": \"" << machine()
    << "\",\n  \"hardware_threads\": " << std::thread::hardware_concurrency() << ",\n  \"load_average_at_start\": "
    << load_average();
  return j.str();
}

}  // namespace wom::bench
