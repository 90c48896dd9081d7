// SPDX-License-Identifier: MIT
#pragma once
// `wom sweep` across MPI ranks (OpenMPI; built when CMake finds it, option WOM_WITH_MPI).
//
// Every rank plans the sweep itself (the plans must agree: their hashes are compared), and
// rank 0 gives every rank the list of work units left to do (SharedWork). The units are claimed
// through one counter held by rank 0, which every rank's lanes advance themselves with an MPI
// atomic (MPI_Fetch_and_op under a passive-target lock): a rank that needs work takes it
// without waiting for any other rank's threads to be scheduled, and rank 0 simulates like
// every other rank. Claims are guided (large early, one unit at a time at the end), and the
// last points are replicate ranges (WorkUnit) that rank 0 joins. The other ranks send each
// result to rank 0 as soon as it is done; only rank 0 keeps results, writes the checkpoint
// and the output file, so the file depends only on the points, never on how many ranks
// computed them or which.
//
// MPI is initialised with MPI_THREAD_SERIALIZED: each rank's MPI calls (its communication
// thread's sends and receives, its lanes' claims) take turns on one mutex. The communication
// threads poll without blocking so TBB's lanes keep the cores. MPI is initialised only when
// an MPI launcher started the process (mpirun, srun), so a plain `wom sweep` never touches MPI.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "cli/sweep_runner.hpp"

namespace wom::cli {

/// Whether an MPI launcher started this process (OpenMPI, PMIx or PMI environment).
bool launched_by_mpi();
/// Ranks the launcher started (1 when there is none or it does not say).
int launcher_size();
/// Whether this wom was built with MPI.
bool built_with_mpi();

class SharedWork;

/// MPI for the lifetime of one `wom sweep`: MPI_Init_thread in the constructor,
/// MPI_Finalize in the destructor.
class MpiSession {
 public:
  /// @throws Error if MPI cannot give MPI_THREAD_SERIALIZED or wom was built without MPI.
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }

  /// Whether `ok` holds on every rank. Collective.
  bool all(bool ok);
  /// Rank 0's `text` on every rank. Collective.
  std::string broadcast(const std::string& text);

  /// Rank 0's communication thread: gives the other ranks' results to `collector` until every
  /// other rank is done. An error reported by another rank cancels `work` and is returned
  /// ("" if none) with its exit status.
  std::pair<std::string, int> coordinate(SharedWork& work, Collector& collector);

  /// The communication thread of ranks 1..N-1: sends `outbox`'s results and its first error to
  /// rank 0, and returns once the lanes have stopped and every result was sent.
  void serve(Outbox& outbox);

 private:
  friend class SharedWork;
  int rank_ = 0;
  int size_ = 1;
  std::mutex calls_;  ///< MPI_THREAD_SERIALIZED: one MPI call at a time in this process
};

/// The sweep's work units, the same list on every rank, claimed through a counter on rank 0
/// (an MPI window) that each rank advances itself with MPI atomics. Claimed units are queued
/// per rank and shared by its lanes.
class SharedWork final : public WorkSource {
 public:
  /// Collective: every rank gets rank 0's `units` (the others pass none). `lanes`: this
  /// rank's lanes, which size the claims.
  SharedWork(MpiSession& mpi, const std::vector<WorkUnit>& units, unsigned lanes);
  /// Collective: frees the counter's window.
  ~SharedWork() override;
  SharedWork(const SharedWork&) = delete;
  SharedWork& operator=(const SharedWork&) = delete;

  std::optional<WorkUnit> next() override;
  /// Moves the shared counter past the end, so that every rank stops claiming.
  void cancel() override;
  /// Whether a claim found the counter at the end: the sweep is finishing.
  [[nodiscard]] bool exhausted() const { return exhausted_.load(std::memory_order_relaxed); }

 private:
  struct Window;  ///< the counter's MPI window
  /// Adds `count` to the shared counter; returns its previous value.
  std::uint64_t fetch_add(std::uint64_t count);

  MpiSession& mpi_;
  std::vector<WorkUnit> units_;
  std::uint64_t lanes_everywhere_;
  std::unique_ptr<Window> window_;
  std::mutex mutex_;
  std::uint64_t claimed_ = 0, claimed_end_ = 0;  ///< this rank's claimed, not yet started units
  std::uint64_t seen_ = 0;  ///< the counter after this rank's last claim
  std::atomic<bool> exhausted_{false};
};

}  // namespace wom::cli
