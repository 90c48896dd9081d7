// SPDX-License-Identifier: MIT
#include "cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace wom::cli {
namespace {

constexpr std::int64_t kRedrawNs = 100'000'000;  // 10 redraws a second at most

/// Columns of the terminal on stderr; 80 when unknown.
int terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const int c = std::atoi(columns);
    if (c > 0) return c;
  }
  return 80;
}

/// "0:42", "12:05", "3:04:59".
std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<long long>(std::llround(seconds));
  char text[32];
  if (s >= 3600) std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(text, sizeof text, "%lld:%02lld", s / 60, s % 60);
  return text;
}

std::string rate_text(double per_second) {
  char text[32];
  if (!std::isfinite(per_second) || per_second <= 0) return "-/s";
  if (per_second >= 100) std::snprintf(text, sizeof text, "%.0f/s", per_second);
  else if (per_second >= 10) std::snprintf(text, sizeof text, "%.1f/s", per_second);
  else std::snprintf(text, sizeof text, "%.2f/s", per_second);
  return text;
}

}  // namespace

Progress::Progress(std::string label, std::uint64_t total, std::string unit, bool enabled)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), enabled_(enabled && total > 0),
      start_(std::chrono::steady_clock::now()) {
  if (enabled_) draw(0);
}

Progress::~Progress() { finish(); }

bool Progress::wanted(bool quiet) { return !quiet && ::isatty(STDERR_FILENO) == 1; }

std::function<void(std::uint32_t)> Progress::callback() {
  if (!enabled_) return {};
  return [this](std::uint32_t done) { update(done); };
}

void Progress::update(std::uint64_t done) {
  if (!enabled_) return;
  // Keep the largest count seen: two workers may report 6 and 5 in that order.
  std::uint64_t seen = done_.load(std::memory_order_relaxed);
  while (seen < done && !done_.compare_exchange_weak(seen, done, std::memory_order_relaxed)) {
  }
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - start_).count();
  const std::int64_t last = last_draw_ns_.load(std::memory_order_relaxed);
  if (done < total_ && last >= 0 && now - last < kRedrawNs) return;
  // One drawer at a time; a worker that finds the bar busy goes back to work, except for
  // the final count, which must be shown.
  std::unique_lock lock(draw_mutex_, std::defer_lock);
  if (done >= total_) lock.lock();
  else if (!lock.try_lock()) return;
  if (finished_) return;
  last_draw_ns_.store(now, std::memory_order_relaxed);
  draw(done_.load(std::memory_order_relaxed));
}

void Progress::draw(std::uint64_t done) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string line = render(label_, done, total_, unit_, elapsed, terminal_width());
  // \r back to column 0, the bar, then erase whatever a longer previous line left.
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  const std::lock_guard lock(draw_mutex_);
  if (finished_) return;
  finished_ = true;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

std::string Progress::render(const std::string& label, std::uint64_t done, std::uint64_t total,
                             const std::string& unit, double elapsed_seconds, int width) {
  done = std::min(done, total);
  const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0.0;
  const double left = done == total ? 0.0 : done > 0 ? static_cast<double>(total - done) / rate : NAN;
  const std::string counts = std::to_string(done) + "/" + std::to_string(total) + " " + unit;
  const std::string tail = "  " + counts + "  " + rate_text(rate) + "  " + clock_text(left) + " left";
  // The bar takes what is left of the line, between 10 and 40 columns (1 column spare so
  // the cursor never wraps).
  const int room = width - 1 - static_cast<int>(label.size()) - 3 - static_cast<int>(tail.size());
  std::string line = label;
  if (room >= 10) {
    const int cells = std::min(room, 40);
    const int full = static_cast<int>(fraction * cells);
    std::string bar(static_cast<std::size_t>(cells), ' ');
    std::fill_n(bar.begin(), full, '=');
    if (full < cells && done > 0) bar[static_cast<std::size_t>(full)] = '>';
    line += " [" + bar + "]";
  } else {
    char percent[16];
    std::snprintf(percent, sizeof percent, " %3.0f%%", 100 * fraction);
    line += percent;
  }
  line += tail;
  if (width > 1 && static_cast<int>(line.size()) > width - 1) line.resize(static_cast<std::size_t>(width - 1));
  return line;
}

}  // namespace wom::cli
