// SPDX-License-Identifier: MIT
#include "cli/sweep_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "cli/progress.hpp"
#include "sim/error.hpp"
#include "sim/network/neighbourhood.hpp"

namespace wom::cli {

// ---- work units -------------------------------------------------------------------------------

std::vector<WorkUnit> work_units(std::span<const std::uint32_t> points, std::uint32_t replicates,
                                 std::size_t split_tail, std::uint32_t pieces) {
  std::vector<WorkUnit> units;
  const std::size_t whole = points.size() - std::min(split_tail, points.size());
  pieces = std::clamp<std::uint32_t>(pieces, 1, std::max<std::uint32_t>(replicates, 1));
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (i < whole) {
      units.push_back({points[i], 0, replicates});
      continue;
    }
    for (std::uint32_t k = 0; k < pieces; ++k) {  // piece k: [k R / pieces, (k+1) R / pieces)
      const auto begin = static_cast<std::uint32_t>(std::uint64_t{k} * replicates / pieces);
      const auto end = static_cast<std::uint32_t>(std::uint64_t{k + 1} * replicates / pieces);
      units.push_back({points[i], begin, end - begin});
    }
  }
  return units;
}

// ---- WorkList ---------------------------------------------------------------------------------

std::optional<WorkUnit> WorkList::next() {
  const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
  if (i >= units_.size()) return std::nullopt;
  return units_[i];
}

void WorkList::cancel() { next_.store(units_.size(), std::memory_order_relaxed); }

// ---- PointComputer ----------------------------------------------------------------------------

SweepPointResult PointComputer::compute(const WorkUnit& unit) {
  const SweepPoint& point = plan_.points.at(unit.point);
  Prepared prepared;
  double build_seconds = 0.0;
  std::shared_future<Prepared> ready, donor;
  std::optional<std::promise<Prepared>> promise;  // only when this call builds
  bool build = false;
  {
    const std::lock_guard lock(mutex_);
    auto it = cache_.find(point.prepared_key);
    if (it == cache_.end()) {
      build = true;
      for (const auto& [key, entry] : cache_) {
        if (entry.graph_key == point.graph_key) donor = entry.ready;
      }
      if (!donor.valid()) ++built_;
      promise.emplace();
      ready = promise->get_future().share();
      it = cache_.emplace(point.prepared_key, Entry{ready, point.graph_key, 0}).first;
      while (cache_.size() > std::max<std::size_t>(cache_size_, 1)) {
        auto oldest = cache_.begin();
        for (auto e = cache_.begin(); e != cache_.end(); ++e) {
          if (e->second.last_use < oldest->second.last_use && e != it) oldest = e;
        }
        if (oldest == it) break;
        cache_.erase(oldest);  // users hold their own shared_ptr: it lives on until they finish
      }
    } else {
      ready = it->second.ready;
    }
    it->second.last_use = ++clock_;
  }
  if (build) {
    try {
      Prepared same_network;
      if (donor.valid()) {
        try {
          same_network = donor.get();  // waits if another lane is still building it
        } catch (...) {  // that lane reports its own failure; build ours from scratch
        }
      }
      prepared = std::make_shared<const PreparedScenario>(point.scenario,
                                                         same_network ? &same_network->graph() : nullptr);
      build_seconds = prepared->build_seconds();
      promise->set_value(prepared);
    } catch (...) {
      promise->set_exception(std::current_exception());
      throw;
    }
  } else {
    prepared = ready.get();
  }

  const Scenario& s = point.scenario;
  // Options from the shared preparation ([network] and [[channel]] are equal by key), then
  // everything [run] says for this point.
  EngineOptions options = prepared->engine_options();
  options.steps = s.run.steps;
  options.first_replicate = unit.first;
  options.replicates = unit.count;
  options.seed = point.seed;
  options.step_hours = s.run.step_hours;
  options.stop_when_quiet = s.run.stop_when_quiet;
  // Sweep files hold neither per-agent data nor referral trees.
  options.record_adoption_steps = false;
  options.record_referral_tree = false;
  options.record_series = true;
  options.split_steps = split_steps_;

  SweepPointResult result;
  const auto t0 = std::chrono::steady_clock::now();
  result.run = prepared->simulate(s, options);
  result.simulate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Nor per-layer series: dropped here, so that a unit computed on this rank and one decoded
  // from another (encode_point carries what sweep files hold) have the same shape.
  result.run.layer_names.clear();
  result.run.layer_adoptions.clear();
  result.run.total_layer_adoptions.clear();
  result.point = unit.point;
  result.first_replicate = unit.first;
  result.seed = point.seed;
  result.arcs = arcs_of(prepared->graph());  // n(n-1) on the implicit complete graph
  result.directed = prepared->graph().directed();
  result.build_seconds = build_seconds;
  return result;
}

std::size_t PointComputer::networks_built() const {
  const std::lock_guard lock(mutex_);
  return built_;
}

// ---- lanes ------------------------------------------------------------------------------------

void run_lanes(WorkSource& work, PointComputer& computer, unsigned lanes,
               const std::function<void(SweepPointResult&&)>& done) {
  std::mutex mutex;
  std::exception_ptr error;
  const auto lane = [&] {
    while (const auto unit = work.next()) {
      try {
        SweepPointResult result;
        // Isolated: a lane waiting for its own replicates never picks up another lane's
        // unit, which would hold this unit's result back until that one finished.
        tbb::this_task_arena::isolate([&] { result = computer.compute(*unit); });
        done(std::move(result));
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        work.cancel();
        return;
      }
    }
  };
  tbb::parallel_for(
      tbb::blocked_range<unsigned>(0, std::max(lanes, 1U), 1),
      [&](const tbb::blocked_range<unsigned>& range) {
        for (unsigned i = range.begin(); i != range.end(); ++i) lane();
      },
      tbb::simple_partitioner());
  if (error) std::rethrow_exception(error);
}

// ---- Collector --------------------------------------------------------------------------------

namespace {
/// How often the checkpoint writer looks for finished points.
constexpr auto kWriterPeriod = std::chrono::milliseconds(20);
}  // namespace

Collector::Collector(std::vector<std::uint32_t> points, std::uint32_t replicates,
                     std::vector<SweepPointResult> resumed, std::optional<SweepCheckpoint> checkpoint,
                     Progress* progress)
    : points_(std::move(points)),
      replicates_(replicates),
      results_(points_.size()),
      have_(points_.size(), 0),
      resumed_(resumed.size()),
      checkpoint_(std::move(checkpoint)),
      progress_(progress) {
  for (SweepPointResult& r : resumed) {
    const std::size_t slot = slot_of(r.point);
    if (slot == npos || have_[slot]) continue;
    results_[slot] = std::move(r);
    have_[slot] = 1;
    ++done_;
  }
  if (progress_ != nullptr) progress_->update(done_);
  writer_ = std::thread([this] { write_loop(); });
}

std::size_t Collector::slot_of(std::uint32_t point) const {
  const auto it = std::lower_bound(points_.begin(), points_.end(), point);
  return it != points_.end() && *it == point ? static_cast<std::size_t>(it - points_.begin()) : npos;
}

SweepPointResult* Collector::find(std::uint32_t point) {
  const std::size_t slot = slot_of(point);
  return slot != npos && have_[slot] ? &results_[slot] : nullptr;
}

Collector::~Collector() {
  try {
    finish();
  } catch (...) {  // reported by finish() when called explicitly
  }
}

void Collector::store(SweepPointResult&& result, std::string bytes) {
  const std::size_t slot = slot_of(result.point);
  if (slot == npos) throw Error("sweep: point " + std::to_string(result.point) + " is not one of this sweep's");
  std::size_t done;
  {
    const std::lock_guard lock(mutex_);
    if (have_[slot]) return;  // already have it
    if (result.run.replicates != replicates_) {
      // A replicate range: kept until the point's ranges cover all its replicates, then
      // joined in replicate order (the checkpoint holds whole points only).
      std::vector<SweepPointResult>& parts = parts_[slot];
      parts.push_back(std::move(result));
      std::uint32_t have = 0;
      for (const SweepPointResult& p : parts) have += p.run.replicates;
      if (have < replicates_) return;
      std::sort(parts.begin(), parts.end(),
                [](const SweepPointResult& a, const SweepPointResult& b) { return a.first_replicate < b.first_replicate; });
      std::uint32_t next = 0;  // the ranges, in order, must be [0, a), [a, b), ..., [y, replicates)
      for (const SweepPointResult& p : parts) next = p.first_replicate == next ? next + p.run.replicates : UINT32_MAX;
      if (next != replicates_) {
        throw Error("sweep: the replicate ranges of point " + std::to_string(parts.front().point) + " do not tile it");
      }
      result = std::move(parts.front());
      for (std::size_t i = 1; i < parts.size(); ++i) {
        result.run.append_replicates(std::move(parts[i].run));
        result.build_seconds += parts[i].build_seconds;
        result.simulate_seconds += parts[i].simulate_seconds;
      }
      parts_.erase(slot);
      bytes.clear();  // encoded by the writer, whole
    }
    results_[slot] = std::move(result);
    have_[slot] = 1;
    pending_.emplace_back(slot, std::move(bytes));
    done = ++done_;
  }
  // No wake-up: the writer looks every kWriterPeriod, so a lane never pays for a context
  // switch per point, and a crash loses at most that much work.
  if (progress_ != nullptr) progress_->update(done);
}

void Collector::add(SweepPointResult&& result) { store(std::move(result), std::string()); }

void Collector::add_encoded(std::string&& bytes) {
  SweepPointResult result = decode_point(bytes);
  store(std::move(result), std::move(bytes));
}

void Collector::write_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, kWriterPeriod, [&] { return stopping_; });
    if (pending_.empty() && !stopping_) continue;
    if (pending_.empty()) return;
    std::vector<std::pair<std::size_t, std::string>> batch;
    batch.swap(pending_);
    std::vector<SweepCheckpoint::Entry> entries;
    entries.reserve(batch.size());
    lock.unlock();
    // A stored slot is never written again, so it is read here without the lock.
    for (auto& [slot, bytes] : batch) {
      if (bytes.empty()) bytes = encode_point(results_[slot]);
      entries.push_back({points_[slot], std::move(bytes)});
    }
    try {
      if (checkpoint_ && !write_error_) checkpoint_->append(entries);
    } catch (...) {
      write_error_ = std::current_exception();
    }
    lock.lock();
  }
}

void Collector::finish() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  if (write_error_) std::rethrow_exception(std::exchange(write_error_, nullptr));
}

// ---- Outbox -----------------------------------------------------------------------------------

void Outbox::push(SweepPointResult&& result) {
  // No wake-up: the sender collects results every few hundred microseconds, so a lane does
  // not hand its core to the sender once per unit (a rank's cores all simulate).
  const std::lock_guard lock(mutex_);
  results_.push_back(std::move(result));
}

void Outbox::wait(std::chrono::microseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return !results_.empty() || closed_ || error_; });
}

std::optional<SweepPointResult> Outbox::try_pop() {
  const std::lock_guard lock(mutex_);
  if (results_.empty()) return std::nullopt;
  SweepPointResult r = std::move(results_.front());
  results_.pop_front();
  return r;
}

void Outbox::fail(std::string message, int code) {
  {
    const std::lock_guard lock(mutex_);
    if (!error_) error_ = std::pair{std::move(message), code};
  }
  changed_.notify_one();
}

std::optional<std::pair<std::string, int>> Outbox::error() const {
  const std::lock_guard lock(mutex_);
  return error_;
}

void Outbox::close() {
  {
    const std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_one();
}

bool Outbox::drained() const {
  const std::lock_guard lock(mutex_);
  return closed_ && results_.empty();
}

// ---- errors -----------------------------------------------------------------------------------

int exit_status(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const InputError&) {
    return 2;
  } catch (const IoError&) {
    return 2;
  } catch (...) {
    return 1;
  }
}

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace wom::cli
