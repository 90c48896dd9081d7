// SPDX-License-Identifier: MIT
#pragma once
// `wom sweep` across MPI ranks (OpenMPI; built when CMake finds it, option WOM_WITH_MPI).
//
// Every rank plans the sweep itself (the plans must agree: their hashes are compared).
// Rank 0 deals every other rank a first batch of work units (deal_first), then hands out more
// on request, in batches that shrink as the sweep nears its end (guided self-scheduling), and
// simulates units itself too; the other ranks simulate what they were given and send each
// result back as soon as it is done. The last points go out as replicate ranges (WorkUnit),
// which rank 0 joins. Only rank 0 keeps results, writes the checkpoint and the output file,
// so the file depends only on the points, never on how many ranks computed them or which.
//
// All MPI calls after initialisation are made by one communication thread per rank
// (MPI_THREAD_SERIALIZED), which polls without blocking so TBB's lanes keep the cores.
// MPI is initialised only when an MPI launcher started the process (mpirun, srun), so a
// plain `wom sweep` never touches MPI.

#include <memory>
#include <string>

#include "cli/sweep_runner.hpp"

namespace wom::cli {

/// Whether an MPI launcher started this process (OpenMPI, PMIx or PMI environment).
bool launched_by_mpi();
/// Ranks the launcher started (1 when there is none or it does not say).
int launcher_size();
/// Whether this wom was built with MPI.
bool built_with_mpi();

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

  /// Gives every other rank its first units from rank 0's `queue` (as much as a first request
  /// would get), into that rank's `queue`, so that no rank starts by waiting for an answer.
  /// Collective.
  void deal_first(WorkQueue& queue, unsigned lanes);
  /// Rank 0's communication thread: serves the other ranks' requests for units from
  /// `queue` and gives their results to `collector` until every other rank is done. An
  /// error reported by another rank cancels the queue and is returned ("" if none) with
  /// its exit status.
  std::pair<std::string, int> coordinate(WorkQueue& queue, Collector& collector);

  /// The communication thread of ranks 1..N-1: requests units from rank 0 into `queue`
  /// (keeping a few per lane in reserve), sends `outbox`'s results and first error, and
  /// returns once rank 0 has no more units and every result was sent.
  void serve(WorkQueue& queue, Outbox& outbox, unsigned lanes);

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace wom::cli
