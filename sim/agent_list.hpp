// SPDX-License-Identifier: MIT
#pragma once
/// @file A fixed-capacity list of agents that threads append to, for models' per-step sets
/// (infected agents, candidates). Appends in parallel steps are batched per thread, so the
/// shared cursor is touched once per batch; the order of a parallel step's entries depends
/// on scheduling, so models use such lists only where the outcome depends on the set, not
/// the order (every draw is keyed by agent or arc, never by position).

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "sim/huge_array.hpp"
#include "sim/types.hpp"

namespace wom {

/// Appends agents to a fixed-capacity array with an atomic end. When kParallel, each thread's
/// appends go through a batch of 256 (flushed when full and on destruction), so the shared end
/// is touched once per batch, not once per agent. The agent lists of models (AgentList::Sink)
/// and the engine's adopters (detail::AdopterSink) append through it.
template <bool kParallel>
class BatchedAppend {
 public:
  BatchedAppend(NodeId* items, std::atomic<std::size_t>& end) : items_(items), end_(end) {}
  ~BatchedAppend() { flush(); }
  BatchedAppend(const BatchedAppend&) = delete;
  BatchedAppend& operator=(const BatchedAppend&) = delete;

  void push(NodeId v) {
    if constexpr (!kParallel) {
      const std::size_t i = end_.load(std::memory_order_relaxed);
      items_[i] = v;
      end_.store(i + 1, std::memory_order_relaxed);
    } else {
      buffer_[count_++] = v;
      if (count_ == buffer_.size()) flush();
    }
  }
  void flush() {
    if constexpr (kParallel) {
      if (count_ == 0) return;
      const std::size_t at = end_.fetch_add(count_, std::memory_order_relaxed);
      std::copy_n(buffer_.begin(), count_, items_ + at);
      count_ = 0;
    }
  }

 private:
  NodeId* items_;
  std::atomic<std::size_t>& end_;
  std::array<NodeId, kParallel ? 256 : 1> buffer_{};
  std::size_t count_ = 0;
};

class AgentList {
 public:
  AgentList() = default;
  /// The slots are not written: a list is read only below its end, and on large graphs its
  /// pages are first touched as it grows.
  explicit AgentList(std::size_t capacity) { allocate_huge(items_, capacity); }
  AgentList(const AgentList& other) { *this = other; }
  AgentList& operator=(const AgentList& other) {
    if (this != &other) {
      allocate_huge(items_, other.capacity());
      std::copy(other.begin(), other.end(), items_.data());
      end_.store(other.size(), std::memory_order_relaxed);
    }
    return *this;
  }

  [[nodiscard]] std::size_t size() const noexcept { return end_.load(std::memory_order_relaxed); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] std::size_t capacity() const noexcept { return items_.size(); }
  [[nodiscard]] NodeId operator[](std::size_t i) const noexcept { return items_[i]; }
  [[nodiscard]] NodeId* data() noexcept { return items_.data(); }
  [[nodiscard]] const NodeId* begin() const noexcept { return items_.data(); }
  [[nodiscard]] const NodeId* end() const noexcept { return items_.data() + size(); }
  void clear() noexcept { end_.store(0, std::memory_order_relaxed); }
  /// Keeps the first `n` entries (after an in-place compaction).
  void truncate(std::size_t n) noexcept { end_.store(n, std::memory_order_relaxed); }
  /// Serial append.
  void push(NodeId v) noexcept {
    const std::size_t i = size();
    items_[i] = v;
    end_.store(i + 1, std::memory_order_relaxed);
  }
  /// Reserves `count` slots for concurrent writers; returns the first.
  std::size_t claim_slots(std::size_t count) noexcept { return end_.fetch_add(count, std::memory_order_relaxed); }

  /// Appends through a per-thread batch when kParallel (flushed on destruction).
  template <bool kParallel>
  class Sink : public BatchedAppend<kParallel> {
   public:
    explicit Sink(AgentList& list) : BatchedAppend<kParallel>(list.items_.data(), list.end_) {}
  };

 private:
  AgentArray<NodeId> items_;
  std::atomic<std::size_t> end_{0};
};

}  // namespace wom
