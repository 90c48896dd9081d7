// SPDX-License-Identifier: MIT
#pragma once
/// @file A min-heap of timed agent events for continuous-time models run within the
/// engine's steps (events with time in (t-1, t] happen in step t). Ties in time, which have
/// probability zero for continuous draws, are broken by agent then kind, so the processing
/// order is a function of the events alone.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/types.hpp"

namespace wom {

struct TimedEvent {
  double time;
  NodeId agent;
  std::uint32_t kind;
};

class EventQueue {
 public:
  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
  [[nodiscard]] const TimedEvent& top() const noexcept { return heap_.front(); }
  void push(TimedEvent e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  TimedEvent pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const TimedEvent e = heap_.back();
    heap_.pop_back();
    return e;
  }
  void clear() noexcept { heap_.clear(); }

 private:
  /// Heap order: std heaps keep the "largest" on top, so "larger" means later.
  static bool later(const TimedEvent& a, const TimedEvent& b) noexcept {
    if (a.time != b.time) return a.time > b.time;
    if (a.agent != b.agent) return a.agent > b.agent;
    return a.kind > b.kind;
  }
  std::vector<TimedEvent> heap_;
};

}  // namespace wom
