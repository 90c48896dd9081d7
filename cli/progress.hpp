// SPDX-License-Identifier: MIT
#pragma once
/// @file A progress bar on stderr for long commands: how much is done, the rate and the time
/// left, redrawn in place at most ten times a second and erased when the work is done.
///
/// It draws only when stderr is a terminal (and the caller did not ask for quiet), so logs,
/// pipes and tests see nothing extra. update() is safe to call from several threads at once
/// (the engine calls it from whichever worker finished a replicate), with counts that may
/// arrive out of order: the bar shows the largest count seen.
///
///   Progress bar("run", replicates, "replicates", Progress::wanted(quiet));
///   options.on_replicate_done = bar.callback();
///   ... simulate ...
///   bar.finish();   // also done by the destructor

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace wom::cli {

class Progress {
 public:
  /// `label` starts the line ("run"), `unit` names what is counted ("replicates").
  /// With `enabled` false every call is a no-op.
  Progress(std::string label, std::uint64_t total, std::string unit, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// True when stderr is a terminal and `quiet` is false: whether a bar is wanted.
  [[nodiscard]] static bool wanted(bool quiet);

  /// `done` of `total` are finished. Thread-safe; redraws at most every 100 ms, and always
  /// when done == total.
  void update(std::uint64_t done);
  /// A callable for EngineOptions::on_replicate_done; the Progress must outlive its use.
  [[nodiscard]] std::function<void(std::uint32_t)> callback();
  /// Erases the bar (the summary printed next takes the line). Idempotent.
  void finish();

  [[nodiscard]] bool enabled() const noexcept { return enabled_; }

  /// The bar's text for a terminal `width` columns wide (no control characters), e.g.
  /// "run [=======>      ]  45/100 replicates  12.3/s  0:04 left". Exposed for tests.
  [[nodiscard]] static std::string render(const std::string& label, std::uint64_t done, std::uint64_t total,
                                          const std::string& unit, double elapsed_seconds, int width);

 private:
  void draw(std::uint64_t done);

  std::string label_, unit_;
  std::uint64_t total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::int64_t> last_draw_ns_{-1};
  std::mutex draw_mutex_;
};

}  // namespace wom::cli
