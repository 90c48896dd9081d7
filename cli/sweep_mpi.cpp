// SPDX-License-Identifier: MIT
#include "cli/sweep_mpi.hpp"

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

enum Tag : int { kRequest = 1, kAssign = 2, kResult = 3, kError = 4, kDone = 5 };
/// How often the communication threads look for messages. Each wake-up preempts a lane on a
/// machine whose cores all simulate, so they wake rarely while work flows, and often only
/// where a lane waits for them: a rank asks for work while it still holds four units per lane,
/// which hides a reply's latency of up to kSteadyPoll; a rank whose lanes are starved, and
/// the sweep's end, are polled every kStarvedPoll.
constexpr auto kStarvedPoll = std::chrono::microseconds(50);
constexpr auto kReplyPoll = std::chrono::microseconds(200);
constexpr auto kSteadyPoll = std::chrono::microseconds(1000);
/// Units left per rank below which rank 0 answers promptly and hands out fair shares: the
/// sweep's end, where the last results are coming.
constexpr std::size_t kEndingPerRank = 16;

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

void MpiSession::deal_first(WorkQueue& queue, unsigned lanes) {
  static_assert(std::is_trivially_copyable_v<WorkUnit> && sizeof(WorkUnit) == 3 * sizeof(std::uint32_t));
  // Rank 0: each other rank's share, as (point, first replicate, count) triples, ranks in order.
  std::string deal;
  if (rank_ == 0) {
    const auto ranks = static_cast<std::size_t>(size_);
    const std::size_t share =
        std::clamp<std::size_t>(queue.size() / (4 * ranks), 2 * std::size_t{lanes}, 256);  // as a first request gets
    for (int r = 1; r < size_; ++r) {
      const std::vector<WorkUnit> units = queue.take(share);
      const auto count = static_cast<std::uint32_t>(units.size());
      deal.append(reinterpret_cast<const char*>(&count), sizeof count);
      deal.append(reinterpret_cast<const char*>(units.data()), units.size() * sizeof(WorkUnit));
    }
  }
  deal = broadcast(deal);
  if (rank_ == 0) return;
  std::size_t at = 0;
  for (int r = 1; r <= rank_; ++r) {
    std::uint32_t count = 0;
    std::memcpy(&count, deal.data() + at, sizeof count);
    at += sizeof count;
    if (r == rank_) {
      std::vector<WorkUnit> units(count);
      std::memcpy(units.data(), deal.data() + at, count * sizeof(WorkUnit));
      queue.push(units);
    }
    at += count * sizeof(WorkUnit);
  }
}

std::pair<std::string, int> MpiSession::coordinate(WorkQueue& queue, Collector& collector) {
  std::pair<std::string, int> error{"", 0};
  int active = size_ - 1;
  while (active > 0) {
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (flag == 0) {
      std::this_thread::sleep_for(queue.size() > kEndingPerRank * static_cast<std::size_t>(size_) ? kSteadyPoll
                                                                                               : kStarvedPoll);
      continue;
    }
    const int from = status.MPI_SOURCE;
    switch (status.MPI_TAG) {
      case kRequest: {
        int want = 0;
        check(MPI_Recv(&want, 1, MPI_INT, from, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
        // Guided self-scheduling: big batches early; at the end a fair share of what is left,
        // so that a rank asks rarely there (a reply can take a scheduler slice, milliseconds,
        // to come while every core simulates) and the ranks run out together.
        const std::size_t left = queue.size();
        const auto ranks = static_cast<std::size_t>(size_);
        const auto wanted = static_cast<std::size_t>(std::max(want, 1));
        const std::size_t batch = left <= kEndingPerRank * ranks
                                      ? std::max(wanted, (left + ranks - 1) / ranks)
                                      : std::clamp<std::size_t>(left / (4 * ranks), wanted, 256);
        // The reply: how many units rank 0 still has after this batch, then the batch's units
        // as (point, first replicate, count).
        std::vector<std::uint32_t> reply{0};
        for (const WorkUnit& u : queue.take(batch)) reply.insert(reply.end(), {u.point, u.first, u.count});
        reply[0] = static_cast<std::uint32_t>(std::min<std::size_t>(queue.size(), UINT32_MAX));
        check(MPI_Send(reply.data(), static_cast<int>(reply.size()), MPI_UINT32_T, from, kAssign, MPI_COMM_WORLD),
              "MPI_Send");
        break;
      }
      case kResult:
        collector.add_encoded(receive_bytes(status));
        break;
      case kError: {
        const std::string text = receive_bytes(status);
        if (error.second == 0) error = {"rank " + std::to_string(from) + ": " + text.substr(1), text[0] == '2' ? 2 : 1};
        queue.cancel();
        break;
      }
      case kDone: {
        int ignored = 0;
        check(MPI_Recv(&ignored, 1, MPI_INT, from, kDone, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
        --active;
        break;
      }
      default:
        throw Error("MPI: unexpected message tag " + std::to_string(status.MPI_TAG) + " from rank " +
                    std::to_string(from));
    }
  }
  return error;
}

void MpiSession::serve(WorkQueue& queue, Outbox& outbox, unsigned lanes) {
  bool requested = false, exhausted = false, error_sent = false;
  std::size_t low_water = 4 * std::size_t{lanes};
  bool ending = false;  // rank 0 has only a few units left: ask for one per lane at a time
  // Results in flight. Non-blocking: a send larger than MPI's eager limit waits for rank 0
  // to receive it, and meanwhile this thread must go on asking for work.
  struct Sending {
    std::string bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  std::deque<Sending> sending;  // a deque: elements stay where they are while MPI reads them
  for (;;) {
    bool busy = false;
    while (auto result = outbox.try_pop()) {
      Sending& s = sending.emplace_back();
      s.bytes = encode_point(*result);
      check(MPI_Isend(s.bytes.data(), static_cast<int>(s.bytes.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD,
                      &s.request),
            "MPI_Isend");
      busy = true;
    }
    while (!sending.empty()) {
      int sent = 0;
      check(MPI_Test(&sending.front().request, &sent, MPI_STATUS_IGNORE), "MPI_Test");
      if (sent == 0) break;
      sending.pop_front();
    }
    if (const auto error = outbox.error(); error && !error_sent) {
      send_bytes((error->second == 2 ? "2" : "1") + error->first, 0, kError);
      error_sent = true;
      queue.cancel();
    }
    // Ask while four units per lane (or half the last batch) are still queued: a reply's
    // latency (polling, a busy rank 0, a loaded machine) then hides behind their simulation.
    if (!exhausted && !error_sent && !requested && queue.size() <= low_water) {
      const int want = static_cast<int>(ending ? lanes : 2 * lanes);
      check(MPI_Send(&want, 1, MPI_INT, 0, kRequest, MPI_COMM_WORLD), "MPI_Send");
      requested = true;
    }
    if (requested) {
      int flag = 0;
      MPI_Status status;
      check(MPI_Iprobe(0, kAssign, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
      if (flag != 0) {
        int count = 0;
        check(MPI_Get_count(&status, MPI_UINT32_T, &count), "MPI_Get_count");
        std::vector<std::uint32_t> reply(static_cast<std::size_t>(count));
        check(MPI_Recv(reply.data(), count, MPI_UINT32_T, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
        requested = false;
        busy = true;
        const std::size_t left = reply.empty() ? 0 : reply[0];
        std::vector<WorkUnit> units;
        for (std::size_t i = 1; i + 2 < reply.size(); i += 3) units.push_back({reply[i], reply[i + 1], reply[i + 2]});
        queue.push(units);
        if (left == 0) {  // rank 0 has nothing more: no need to ask again
          exhausted = true;
          queue.close();
        } else if (left < 4 * std::size_t{lanes} * static_cast<std::size_t>(size_)) {
          // The last few: ask again at half the share, or one unit per lane, so the reply comes
          // before the lanes run dry and no rank keeps a reserve while the others idle.
          low_water = std::max<std::size_t>(lanes, units.size() / 2);
          ending = true;
        } else {
          low_water = std::max(4 * std::size_t{lanes}, units.size() / 2);
        }
      }
    }
    // Done once nothing more will be computed here and everything computed was sent. An
    // outstanding request is always answered (rank 0 serves until every rank is done).
    if (!requested && (exhausted || error_sent) && outbox.drained() && sending.empty()) {
      int zero = 0;
      check(MPI_Send(&zero, 1, MPI_INT, 0, kDone, MPI_COMM_WORLD), "MPI_Send");
      return;
    }
    if (busy) continue;
    if (requested && (ending || queue.size() == 0)) {
      std::this_thread::sleep_for(kStarvedPoll);  // the lanes are waiting, or soon will, for this reply
    } else if (exhausted && !requested && sending.empty()) {
      outbox.wait(kSteadyPoll);  // the last results: sent the moment a lane finishes one
    } else if (requested || exhausted || error_sent) {
      std::this_thread::sleep_for(kReplyPoll);  // a reply, or sends, under way
    } else {
      queue.wait_low(low_water, kSteadyPoll);  // woken as soon as the lanes need work
    }
  }
}

#else  // built without MPI

bool built_with_mpi() { return false; }

MpiSession::MpiSession() {
  throw Error("this wom was built without MPI (install OpenMPI and configure with -DWOM_WITH_MPI=ON)");
}
MpiSession::~MpiSession() = default;
bool MpiSession::all(bool ok) { return ok; }
void MpiSession::deal_first(WorkQueue&, unsigned) {}
std::string MpiSession::broadcast(const std::string& text) { return text; }
std::pair<std::string, int> MpiSession::coordinate(WorkQueue&, Collector&) { return {"", 0}; }
void MpiSession::serve(WorkQueue&, Outbox&, unsigned) {}

#endif

}  // namespace wom::cli
