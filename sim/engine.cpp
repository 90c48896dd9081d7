// SPDX-License-Identifier: MIT
#include "sim/engine.hpp"

namespace wom {

RunResult make_result(NodeId agents, const EngineOptions& opt) {
  RunResult r;
  r.agents = agents;
  r.replicates = opt.replicates;
  r.steps = opt.steps;
  r.step_hours = opt.step_hours;
  const std::size_t cells = static_cast<std::size_t>(opt.replicates) * r.columns();
  r.new_adopters.assign(cells, 0);
  r.cumulative_adopters.assign(cells, 0);
  r.exposures.assign(cells, 0);
  r.active_sharers.assign(cells, 0);
  r.summaries.assign(opt.replicates, {});
  if (opt.record_adoption_steps) r.adoption_step.assign(static_cast<std::size_t>(opt.replicates) * agents, kNever);
  return r;
}

}  // namespace wom
