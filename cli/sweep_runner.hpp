// SPDX-License-Identifier: MIT
#pragma once
// Running a sweep's points on one process: a queue of point indices, lanes that take points
// from it and simulate them (TBB), a cache that lets points share a network, and rank 0's
// collector, which keeps the results, records each in the checkpoint and shows progress.
// The MPI transport (sweep_mpi.hpp) feeds the same queue on other ranks and carries their
// results to the collector; nothing here knows about MPI.

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

/// Work waiting to be simulated. Lanes pop one unit at a time (waiting while it is empty but
/// open); the MPI coordinator takes batches for other ranks.
class WorkQueue {
 public:
  /// Adds units (ignored once closed).
  void push(std::span<const WorkUnit> units);
  /// The next unit; waits while the queue is empty and open; nullopt once closed and empty.
  std::optional<WorkUnit> pop();
  /// Up to `n` units without waiting.
  std::vector<WorkUnit> take(std::size_t n);
  /// Waits up to `timeout` until at most `n` units are queued (or it is closed): a rank's
  /// communication thread sleeps here until its lanes need more work.
  void wait_low(std::size_t n, std::chrono::microseconds timeout);
  /// No more units will come.
  void close();
  /// Drops what is queued and closes (an error stops the sweep).
  void cancel();
  [[nodiscard]] std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable low_;
  std::size_t low_water_ = 0;  ///< a wait_low is waiting for this size
  std::deque<WorkUnit> units_;
  bool closed_ = false;
};

/// Simulates points of a plan. Points with equal prepared keys share one PreparedScenario
/// (made once, by the first lane that needs it), and a new PreparedScenario copies the graph
/// of a cached one with the same graph key rather than generating it again; the most
/// recently used `cache_size` stay cached.
class PointComputer {
 public:
  PointComputer(const SweepPlan& plan, std::size_t cache_size) : plan_(plan), cache_size_(cache_size) {}
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
  mutable std::mutex mutex_;
  std::map<std::string, Entry> cache_;
  std::uint64_t clock_ = 0;
  std::size_t built_ = 0;
};

/// Runs `lanes` lanes concurrently (TBB tasks), each taking units from `queue` until it is
/// closed and empty, simulating each inside its own task isolation and passing the result
/// to `done`. The first exception cancels the queue and is rethrown once every lane stopped.
void run_lanes(WorkQueue& queue, PointComputer& computer, unsigned lanes,
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
  /// Waits up to `timeout` for a result, the close or an error.
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
