// SPDX-License-Identifier: MIT
#pragma once
// Running a sweep's points on one process: a list of work units, lanes that take units
// from it and simulate them (TBB), a cache that lets points share a network, and rank 0's
// collector, which keeps the results, records each in the checkpoint and shows progress.
// The MPI transport (sweep_mpi.hpp) shares the list between ranks and carries their results
// to the collector; nothing here knows about MPI.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "output/sweep_checkpoint.hpp"
#include "output/sweep_writer.hpp"
#include "scenarios/pipeline.hpp"
#include "scenarios/sweep.hpp"

namespace wom::cli {

class Progress;

/// Replicates `first` .. `first + count - 1` of point `point`: what a lane simulates at once.
/// Usually a whole point; an MPI sweep splits its last points into replicate ranges so that
/// the ranks finish together (EngineOptions::first_replicate).
struct WorkUnit {
  std::uint32_t point = 0;
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

/// The units of `points`, whole, except that the last `split_tail` points are each cut into up
/// to `pieces` replicate ranges of near-equal size.
std::vector<WorkUnit> work_units(std::span<const std::uint32_t> points, std::uint32_t replicates,
                                 std::size_t split_tail, std::uint32_t pieces);

/// Where lanes take their units from.
class WorkSource {
 public:
  virtual ~WorkSource() = default;
  /// The next unit to simulate, or nullopt once there is none left (or after cancel()).
  /// Thread-safe.
  virtual std::optional<WorkUnit> next() = 0;
  /// Hands out nothing more: an error stops the sweep. Thread-safe.
  virtual void cancel() = 0;
};

/// One process's units, handed out in order through an atomic index.
class WorkList final : public WorkSource {
 public:
  explicit WorkList(std::vector<WorkUnit> units) : units_(std::move(units)) {}
  std::optional<WorkUnit> next() override;
  void cancel() override;

 private:
  std::vector<WorkUnit> units_;
  std::atomic<std::size_t> next_{0};
};

/// Simulates points of a plan. Points with equal prepared keys share one PreparedScenario
/// (made once, by the first lane that needs it), and a new PreparedScenario copies the graph
/// of a cached one with the same graph key rather than generating it again; the most
/// recently used `cache_size` stay cached.
class PointComputer {
 public:
  /// `lanes`: how many lanes compute at once; with more than one, each keeps a thread busy and
  /// a unit's steps are not split over threads (EngineOptions::split_steps).
  PointComputer(const SweepPlan& plan, std::size_t cache_size, unsigned lanes)
      : plan_(plan), cache_size_(cache_size), split_steps_(lanes <= 1) {}
  /// The unit's replicates of its point. Thread-safe.
  [[nodiscard]] SweepPointResult compute(const WorkUnit& unit);
  /// Networks generated (or read) so far, not counting copies.
  [[nodiscard]] std::size_t networks_built() const;

 private:
  using Prepared = std::shared_ptr<const PreparedScenario>;
  struct Entry {
    std::shared_future<Prepared> ready;
    std::string graph_key;
    std::uint64_t last_use = 0;
  };
  const SweepPlan& plan_;
  std::size_t cache_size_;
  bool split_steps_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> cache_;
  std::uint64_t clock_ = 0;
  std::size_t built_ = 0;
};

/// Runs `lanes` lanes concurrently (TBB tasks), each taking units from `work` until it has
/// none left, simulating each inside its own task isolation and passing the result to
/// `done`. The first exception cancels `work` and is rethrown once every lane stopped.
void run_lanes(WorkSource& work, PointComputer& computer, unsigned lanes,
               const std::function<void(SweepPointResult&&)>& done);

/// Rank 0's store of finished points. Replicate ranges of a point are joined once all have
/// arrived. A background thread appends each whole point to the checkpoint (group commit:
/// whatever arrived while the last write was syncing goes in the next).
class Collector {
 public:
  /// `points`: this sweep's (or shard's) points, sorted, of `replicates` replicates each;
  /// `resumed`: read from the checkpoint.
  Collector(std::vector<std::uint32_t> points, std::uint32_t replicates, std::vector<SweepPointResult> resumed,
            std::optional<SweepCheckpoint> checkpoint, Progress* progress);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// A unit computed here. Thread-safe.
  void add(SweepPointResult&& result);
  /// A unit computed on another rank, as encoded there. Thread-safe.
  void add_encoded(std::string&& bytes);
  /// Waits until every point is in the checkpoint; rethrows a checkpoint write error.
  void finish();
  /// The result of `point`, or null if it was not computed. Call after finish().
  [[nodiscard]] SweepPointResult* find(std::uint32_t point);
  [[nodiscard]] std::size_t resumed() const noexcept { return resumed_; }
  [[nodiscard]] SweepCheckpoint* checkpoint() { return checkpoint_ ? &*checkpoint_ : nullptr; }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  [[nodiscard]] std::size_t slot_of(std::uint32_t point) const;
  void store(SweepPointResult&& result, std::string bytes);
  void write_loop();

  const std::vector<std::uint32_t> points_;
  const std::uint32_t replicates_;
  /// Replicate ranges of points not yet complete, by slot.
  std::map<std::size_t, std::vector<SweepPointResult>> parts_;
  /// One slot per point (no allocation per point); have_[i]: slot i holds a result.
  std::vector<SweepPointResult> results_;
  std::vector<std::uint8_t> have_;
  std::size_t done_ = 0;
  std::size_t resumed_;
  std::optional<SweepCheckpoint> checkpoint_;
  Progress* progress_;
  std::mutex mutex_;
  std::condition_variable wake_;
  /// Slots waiting for the writer: encoded already (remote) or to be encoded there.
  std::vector<std::pair<std::size_t, std::string>> pending_;
  bool stopping_ = false;
  std::exception_ptr write_error_;
  std::thread writer_;
};

/// Results of a non-zero rank waiting to be sent to rank 0, plus the first error.
class Outbox {
 public:
  void push(SweepPointResult&& result);
  std::optional<SweepPointResult> try_pop();
  /// Records an error (the first one wins): `code` is the exit status it means.
  void fail(std::string message, int code);
  [[nodiscard]] std::optional<std::pair<std::string, int>> error() const;
  /// The lanes have stopped: nothing more will be pushed.
  void close();
  [[nodiscard]] bool drained() const;
  /// Returns at once if results are waiting; else waits up to `timeout` for the close or an
  /// error (a result pushed meanwhile does not wake it: push() notifies no one).
  void wait(std::chrono::microseconds timeout);

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<SweepPointResult> results_;
  std::optional<std::pair<std::string, int>> error_;
  bool closed_ = false;
};

/// Exit status main gives an exception (2: the user's input or files; 1: a bug).
int exit_status(const std::exception_ptr& error);
/// The message of an exception.
std::string describe(const std::exception_ptr& error);

}  // namespace wom::cli
