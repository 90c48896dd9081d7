// SPDX-License-Identifier: MIT
#include "cli/sweep_mpi.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <span>
#include <thread>
#include <type_traits>
#include <vector>

#include "sim/error.hpp"

#if WOM_WITH_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only: no deprecated C++ bindings
#include <mpi.h>
#endif

namespace wom::cli {

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

int launcher_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"}) {
    if (const char* v = std::getenv(name)) {
      const int n = std::atoi(v);
      if (n > 0) return n;
    }
  }
  return 1;
}

#if WOM_WITH_MPI

bool built_with_mpi() { return true; }

namespace {

enum Tag : int { kResult = 3, kError = 4, kDone = 5 };
/// How often the communication threads look for messages. Each wake-up preempts a lane on a
/// machine whose cores all simulate, so they wake rarely while work flows, and often once
/// the lanes have stopped claiming (the sweep's end, where results are awaited) or while a
/// large result is being sent.
constexpr auto kSteadyPoll = std::chrono::microseconds(1000);
constexpr auto kEndingPoll = std::chrono::microseconds(50);
constexpr auto kSendingPoll = std::chrono::microseconds(200);
/// Claims are guided: a rank takes 1/kGuided of what is left per lane of the sweep, at most
/// kMostClaimed units (a claim on the node costs about a microsecond, so units are not held
/// back from other ranks to save claims).
constexpr std::uint64_t kGuided = 4;
constexpr std::uint64_t kMostClaimed = 16;

void check(int status, const char* call) {
  if (status != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(status, text, &length);
    throw Error(std::string("MPI: ") + call + " failed: " + std::string(text, static_cast<std::size_t>(length)));
  }
}

void send_bytes(const std::string& bytes, int to, int tag) {
  check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD), "MPI_Send");
}

std::string receive_bytes(const MPI_Status& probed) {
  int count = 0;
  check(MPI_Get_count(&probed, MPI_BYTE, &count), "MPI_Get_count");
  std::string bytes(static_cast<std::size_t>(count), '\0');
  check(MPI_Recv(bytes.data(), count, MPI_BYTE, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  return bytes;
}

}  // namespace

MpiSession::MpiSession() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw Error("MPI: this MPI library does not support MPI_THREAD_SERIALIZED, which wom sweep needs");
  }
}

MpiSession::~MpiSession() { MPI_Finalize(); }

bool MpiSession::all(bool ok) {
  int mine = ok ? 1 : 0, every = 0;
  check(MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return every == 1;
}

std::string MpiSession::broadcast(const std::string& text) {
  unsigned long long length = text.size();
  check(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = rank_ == 0 ? text : std::string(length, '\0');
  check(MPI_Bcast(out.data(), static_cast<int>(length), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return out;
}

// ---- rank 0 and the others: results ----------------------------------------------------------

std::pair<std::string, int> MpiSession::coordinate(SharedWork& work, Collector& collector) {
  std::pair<std::string, int> error{"", 0};
  int active = size_ - 1;
  while (active > 0) {
    int tag = 0, from = 0;
    std::string bytes;
    {
      const std::lock_guard lock(calls_);
      int flag = 0;
      MPI_Status status;
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
      if (flag != 0) {
        tag = status.MPI_TAG;
        from = status.MPI_SOURCE;
        bytes = receive_bytes(status);
      }
    }
    switch (tag) {
      case 0:  // nothing yet
        std::this_thread::sleep_for(work.exhausted() ? kEndingPoll : kSteadyPoll);
        break;
      case kResult:
        collector.add_encoded(std::move(bytes));
        break;
      case kError:
        if (error.second == 0) error = {"rank " + std::to_string(from) + ": " + bytes.substr(1), bytes[0] == '2' ? 2 : 1};
        work.cancel();
        break;
      case kDone:
        --active;
        break;
      default:
        throw Error("MPI: unexpected message tag " + std::to_string(tag) + " from rank " + std::to_string(from));
    }
  }
  return error;
}

void MpiSession::serve(Outbox& outbox) {
  // Results in flight. Non-blocking: a send larger than MPI's eager limit waits for rank 0
  // to receive it, and meanwhile the next results must go out too.
  struct Sending {
    std::string bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  std::deque<Sending> sending;  // a deque: elements stay where they are while MPI reads them
  bool error_sent = false;
  for (;;) {
    std::vector<SweepPointResult> results;
    while (auto result = outbox.try_pop()) results.push_back(std::move(*result));
    const auto error = error_sent ? std::nullopt : outbox.error();
    const bool stopped = outbox.drained();  // read before the sends: nothing comes after it
    {
      const std::lock_guard lock(calls_);
      for (const SweepPointResult& result : results) {
        Sending& s = sending.emplace_back();
        s.bytes = encode_point(result);
        check(MPI_Isend(s.bytes.data(), static_cast<int>(s.bytes.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD,
                        &s.request),
              "MPI_Isend");
      }
      while (!sending.empty()) {
        int sent = 0;
        check(MPI_Test(&sending.front().request, &sent, MPI_STATUS_IGNORE), "MPI_Test");
        if (sent == 0) break;
        sending.pop_front();
      }
      if (error) {
        send_bytes((error->second == 2 ? "2" : "1") + error->first, 0, kError);
        error_sent = true;
      }
      // Done once the lanes have stopped and everything they computed was sent.
      if (stopped && sending.empty()) {
        send_bytes("", 0, kDone);
        return;
      }
    }
    if (!sending.empty()) {
      std::this_thread::sleep_for(kSendingPoll);
    } else {
      outbox.wait(kSteadyPoll);  // results are collected at this pace; the lanes' stop wakes it
    }
  }
}

// ---- SharedWork -------------------------------------------------------------------------------

struct SharedWork::Window {
  MPI_Win handle = MPI_WIN_NULL;
  std::uint64_t* counter = nullptr;  ///< rank 0's; null elsewhere
};

SharedWork::SharedWork(MpiSession& mpi, const std::vector<WorkUnit>& units, unsigned lanes)
    : mpi_(mpi), window_(std::make_unique<Window>()) {
  static_assert(std::is_trivially_copyable_v<WorkUnit> && sizeof(WorkUnit) == 3 * sizeof(std::uint32_t));
  const std::string list = mpi.broadcast(
      std::string(reinterpret_cast<const char*>(units.data()), units.size() * sizeof(WorkUnit)));
  units_.resize(list.size() / sizeof(WorkUnit));
  if (!units_.empty()) std::memcpy(units_.data(), list.data(), units_.size() * sizeof(WorkUnit));
  unsigned long long mine = std::max(lanes, 1U), every = 0;
  check(MPI_Allreduce(&mine, &every, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  lanes_everywhere_ = every;
  const MPI_Aint bytes = mpi.rank() == 0 ? sizeof(std::uint64_t) : 0;
  check(MPI_Win_allocate(bytes, sizeof(std::uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD, &window_->counter,
                         &window_->handle),
        "MPI_Win_allocate");
  if (mpi.rank() == 0) *window_->counter = 0;
  // The counter is set before anyone claims; from here on it is only touched through MPI atomics.
  check(MPI_Win_fence(MPI_MODE_NOSUCCEED, window_->handle), "MPI_Win_fence");
  check(MPI_Win_lock_all(MPI_MODE_NOCHECK, window_->handle), "MPI_Win_lock_all");
}

SharedWork::~SharedWork() {
  MPI_Win_unlock_all(window_->handle);
  MPI_Win_free(&window_->handle);
}

std::uint64_t SharedWork::fetch_add(std::uint64_t count) {
  const std::lock_guard lock(mpi_.calls_);
  std::uint64_t before = 0;
  check(MPI_Fetch_and_op(&count, &before, MPI_UINT64_T, 0, 0, MPI_SUM, window_->handle), "MPI_Fetch_and_op");
  check(MPI_Win_flush(0, window_->handle), "MPI_Win_flush");
  return before;
}

std::optional<WorkUnit> SharedWork::next() {
  const std::lock_guard lock(mutex_);
  if (claimed_ == claimed_end_) {
    const std::uint64_t total = units_.size();
    if (exhausted() || seen_ >= total) {
      exhausted_ = true;
      return std::nullopt;
    }
    const std::uint64_t count = std::clamp<std::uint64_t>((total - seen_) / (kGuided * lanes_everywhere_), 1, kMostClaimed);
    const std::uint64_t first = fetch_add(count);
    seen_ = first + count;
    if (first >= total) {
      exhausted_ = true;
      return std::nullopt;
    }
    claimed_ = first;
    claimed_end_ = std::min(first + count, total);
  }
  return units_[claimed_++];
}

void SharedWork::cancel() {
  {
    const std::lock_guard lock(mutex_);
    claimed_ = claimed_end_;
    exhausted_ = true;
  }
  try {
    fetch_add(units_.size());  // the other ranks' next claims find the end
  } catch (const Error&) {  // MPI itself failed: that error is the one reported
  }
}

#else  // built without MPI

bool built_with_mpi() { return false; }

MpiSession::MpiSession() {
  throw Error("this wom was built without MPI (install OpenMPI and configure with -DWOM_WITH_MPI=ON)");
}
MpiSession::~MpiSession() = default;
bool MpiSession::all(bool ok) { return ok; }
std::pair<std::string, int> MpiSession::coordinate(SharedWork&, Collector&) { return {"", 0}; }
void MpiSession::serve(Outbox&) {}
struct SharedWork::Window {};
SharedWork::SharedWork(MpiSession& mpi, const std::vector<WorkUnit>&, unsigned) : mpi_(mpi), lanes_everywhere_(1) {}
SharedWork::~SharedWork() = default;
std::optional<WorkUnit> SharedWork::next() { return std::nullopt; }
void SharedWork::cancel() {}

#endif

}  // namespace wom::cli
