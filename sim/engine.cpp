// SPDX-License-Identifier: MIT
#include "sim/engine.hpp"

#include <tbb/global_control.h>

namespace wom {

RunResult make_result(NodeId agents, const EngineOptions& opt) {
  RunResult r;
  r.agents = agents;
  r.replicates = opt.replicates;
  r.steps = opt.steps;
  r.step_hours = opt.step_hours;
  const std::size_t cells = opt.record_series ? static_cast<std::size_t>(opt.replicates) * r.columns() : 0;
  r.new_adopters.assign(cells, 0);
  r.cumulative_adopters.assign(cells, 0);
  r.exposures.assign(cells, 0);
  r.active_sharers.assign(cells, 0);
  r.summaries.assign(opt.replicates, {});
  if (opt.record_adoption_steps) r.adoption_step.assign(static_cast<std::size_t>(opt.replicates) * agents, kNever);
  return r;
}

bool may_split_steps() {
  return tbb::this_task_arena::max_concurrency() > 1 &&
         tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) > 1;
}

ReplicateSummary summarise(const StepCounts& counts, NodeId agents) {
  ReplicateSummary sum;
  std::uint64_t cumulative = 0;
  for (const auto n : counts.new_adopters) cumulative += n;
  const std::uint64_t final_count = cumulative;
  sum.final_adopters = final_count;
  sum.final_fraction = agents ? static_cast<double>(final_count) / agents : 0.0;
  sum.last_step = static_cast<Step>(counts.new_adopters.size()) - 1;
  cumulative = 0;
  for (std::size_t i = 0; i < counts.new_adopters.size(); ++i) {
    const auto s = static_cast<Step>(i);
    cumulative += counts.new_adopters[i];
    sum.exposures += counts.exposures[i];
    if (s >= 1 && counts.new_adopters[i] > sum.peak_adopters) {
      sum.peak_adopters = counts.new_adopters[i];
      sum.peak_step = s;
    }
    if (final_count == 0) continue;  // no adoption at all: the step fields stay -1
    if (sum.steps_to_50 < 0 && 2 * cumulative >= final_count) sum.steps_to_50 = s;
    if (sum.steps_to_90 < 0 && 10 * cumulative >= 9 * final_count) sum.steps_to_90 = s;
  }
  return sum;
}

void store_series(const StepCounts& counts, std::uint32_t r, RunResult& result) {
  const std::size_t row = result.at(r, 0);
  std::uint64_t cumulative = 0;
  for (std::size_t t = 0; t < result.columns(); ++t) {
    const bool simulated = t < counts.new_adopters.size();  // later steps are quiet
    const std::uint64_t adopted = simulated ? counts.new_adopters[t] : 0;
    cumulative += adopted;
    result.new_adopters[row + t] = adopted;
    result.cumulative_adopters[row + t] = cumulative;
    result.exposures[row + t] = simulated ? counts.exposures[t] : 0;
    result.active_sharers[row + t] = simulated ? counts.sharers[t] : 0;
  }
}

}  // namespace wom
