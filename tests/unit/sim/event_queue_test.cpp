// SPDX-License-Identifier: MIT
// The event queue pops events in (time, agent, kind) order whatever the order of pushes and
// however pushes and pops interleave: checked against a sorted copy.

#include <algorithm>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "sim/event_queue.hpp"
#include "sim/random.hpp"

using namespace wom;

namespace {

bool before(const TimedEvent& a, const TimedEvent& b) {
  if (a.time != b.time) return a.time < b.time;
  if (a.agent != b.agent) return a.agent < b.agent;
  return a.kind < b.kind;
}

}  // namespace

TEST_CASE("event queue: pops in (time, agent, kind) order") {
  // Times from a small set, so many events tie in time and the agent and kind decide; the
  // interleaving (up to three pushes per pop) keeps the heap at every size from 0 to ~2,000.
  CounterEngine rng(stream_key(7, 0, Stream::kSpread));
  EventQueue queue;
  std::vector<TimedEvent> pending;  // what the queue holds, to check each pop against
  std::uint32_t next_agent = 0;
  for (int round = 0; round < 20000; ++round) {
    const int pushes = static_cast<int>(rng() % 4);
    for (int k = 0; k < pushes; ++k) {
      const TimedEvent e{static_cast<double>(rng() % 64) / 8, next_agent++ % 500,
                         static_cast<std::uint32_t>(rng() % 2)};
      if (std::any_of(pending.begin(), pending.end(), [&](const TimedEvent& p) {
            return p.time == e.time && p.agent == e.agent && p.kind == e.kind;
          }))
        continue;  // events are distinct in the models that use the queue
      queue.push(e);
      pending.push_back(e);
    }
    if (!queue.empty() && rng() % 2) {
      const auto earliest = std::min_element(pending.begin(), pending.end(), before);
      const TimedEvent top = queue.top();
      const TimedEvent e = queue.pop();
      CHECK(e.time == top.time);
      CHECK(e.agent == top.agent);
      REQUIRE(e.time == earliest->time);
      REQUIRE(e.agent == earliest->agent);
      REQUIRE(e.kind == earliest->kind);
      pending.erase(earliest);
    }
    REQUIRE(queue.size() == pending.size());
  }
  // Drain: the rest come out sorted.
  std::sort(pending.begin(), pending.end(), before);
  for (const TimedEvent& want : pending) {
    const TimedEvent e = queue.pop();
    REQUIRE(e.time == want.time);
    REQUIRE(e.agent == want.agent);
    REQUIRE(e.kind == want.kind);
  }
  CHECK(queue.empty());
}
