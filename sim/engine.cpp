// SPDX-License-Identifier: MIT
#include "sim/engine.hpp"

#include <cmath>

#include <tbb/global_control.h>

namespace wom {

RunResult make_result(NodeId agents, const EngineOptions& opt) {
  RunResult r;
  r.agents = agents;
  r.replicates = opt.replicates;
  r.steps = opt.steps;
  r.step_hours = opt.step_hours;
  // Sized, not filled: each replicate writes its rows whole (store_series, store_channel_totals,
  // summarise), on the thread that ran it. On huge pages: a million replicates' rows are 160 MB,
  // 40,000 faults of 4 KiB pages (the kernel's share of IC p = 0.01's samples: 16.4 % with
  // them, 10.1 % on huge pages).
  const std::size_t cells = opt.record_series ? static_cast<std::size_t>(opt.replicates) * r.columns() : 0;
  allocate_huge(r.new_adopters, cells);
  allocate_huge(r.cumulative_adopters, cells);
  allocate_huge(r.exposures, cells);
  allocate_huge(r.active_sharers, cells);
  allocate_huge(r.summaries, opt.replicates);
  r.channel_names = channel_names(opt);
  const std::size_t channel_cells = cells * r.channels();
  allocate_huge(r.channel_exposures, channel_cells);
  allocate_huge(r.channel_adoptions, channel_cells);
  allocate_huge(r.channel_spend_cents, channel_cells);
  allocate_huge(r.money_cents, cells);
  allocate_huge(r.total_channel_adoptions, static_cast<std::size_t>(opt.replicates) * r.channels());
  allocate_huge(r.total_channel_spend_cents, static_cast<std::size_t>(opt.replicates) * r.channels());
  if (opt.record_adoption_steps) r.adoption_step.assign(static_cast<std::size_t>(opt.replicates) * agents, kNever);
  return r;
}

void shape_layers(RunResult& result, const Graph& graph, const EngineOptions& opt) {
  result.layer_names = graph.layer_names();
  const std::size_t cells = static_cast<std::size_t>(opt.replicates) * result.layers();
  allocate_huge(result.layer_adoptions, opt.record_series ? cells * result.columns() : 0);  // as in make_result
  allocate_huge(result.total_layer_adoptions, cells);
  if (opt.record_referral_tree && opt.in_arcs != nullptr) {
    result.referral_tree.assign(opt.replicates, {});
    result.cascades.assign(opt.replicates, {});
  }
}

bool may_split_steps() {
  return tbb::this_task_arena::max_concurrency() > 1 &&
         tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) > 1;
}

const std::vector<std::string>& channel_names(const EngineOptions& opt) {
  static const std::vector<std::string> kBuiltIn{"seed", "friends", "spontaneous"};
  return opt.campaign ? opt.campaign->channel_names() : kBuiltIn;
}

ReplicateSummary summarise(const StepCounts& counts, NodeId agents, double step_hours) {
  ReplicateSummary sum;
  sum.reach = counts.reach;
  sum.donors = counts.donors;
  sum.goal_step = counts.goal_step;
  for (const auto c : counts.channel_spend()) sum.spend_cents += c;
  // Hour 24 ends with step floor(24 / step_hours); a small epsilon keeps 24/0.1 at 240.
  const auto day_steps = static_cast<std::size_t>(std::floor(24.0 / step_hours + 1e-9));
  const std::span<const std::int64_t> donations = counts.donations();
  for (std::size_t t = 0; t < donations.size(); ++t) {
    sum.money_cents += donations[t];
    if (t <= day_steps) sum.money_24h_cents += donations[t];
  }
  const std::span<const std::uint64_t> new_adopters = counts.new_adopters(), exposures = counts.exposures();
  std::uint64_t cumulative = 0;
  for (const auto n : new_adopters) cumulative += n;
  const std::uint64_t final_count = cumulative;
  sum.final_adopters = final_count;
  sum.final_fraction = agents ? static_cast<double>(final_count) / agents : 0.0;
  sum.last_step = static_cast<Step>(new_adopters.size()) - 1;
  cumulative = 0;
  for (std::size_t i = 0; i < new_adopters.size(); ++i) {
    const auto s = static_cast<Step>(i);
    cumulative += new_adopters[i];
    sum.exposures += exposures[i];
    if (s >= 1 && new_adopters[i] > sum.peak_adopters) {
      sum.peak_adopters = new_adopters[i];
      sum.peak_step = s;
    }
    if (final_count == 0) continue;  // no adoption at all: the step fields stay -1
    if (sum.steps_to_50 < 0 && 2 * cumulative >= final_count) sum.steps_to_50 = s;
    if (sum.steps_to_90 < 0 && 10 * cumulative >= 9 * final_count) sum.steps_to_90 = s;
  }
  return sum;
}

namespace {

/// Sum of column `c` of a row-major table `width` wide.
template <class T>
T column_sum(std::span<const T> table, std::size_t width, std::size_t c) {
  T sum = 0;
  for (std::size_t i = c; i < table.size(); i += width) sum += table[i];
  return sum;
}

}  // namespace

void store_channel_totals(const StepCounts& counts, std::uint32_t r, RunResult& result) {
  // Each total is summed first and stored once: a batch's result rows are cold memory (a million
  // replicates write tens of MB of them), where adding into them step by step waits for every
  // line to be read.
  const std::size_t l_n = result.layers();
  if (l_n > 0 && !result.total_layer_adoptions.empty()) {
    for (std::size_t l = 0; l < l_n; ++l)
      result.total_layer_adoptions[r * l_n + l] = column_sum(counts.layer_adoptions(), l_n, l);
  }
  const std::size_t c_n = counts.channels();
  for (std::size_t c = 0; c < c_n; ++c) {
    result.total_channel_adoptions[r * c_n + c] = column_sum(counts.channel_adoptions(), c_n, c);
    result.total_channel_spend_cents[r * c_n + c] = column_sum(counts.channel_spend(), c_n, c);
  }
}

void store_series(const StepCounts& counts, std::uint32_t r, RunResult& result) {
  const std::size_t c_n = counts.channels(), simulated_steps = counts.steps();
  const auto channel_exposures = counts.channel_exposures(), channel_adoptions = counts.channel_adoptions(),
             layer_adoptions = counts.layer_adoptions(), new_adopters = counts.new_adopters(),
             exposures = counts.exposures(), sharers = counts.sharers();
  const auto channel_spend = counts.channel_spend(), donations = counts.donations();
  std::int64_t money = 0;
  for (std::size_t t = 0; t < result.columns(); ++t) {
    const bool simulated = t < simulated_steps;  // later steps are quiet
    if (simulated) money += donations[t];
    result.money_cents[result.at(r, static_cast<Step>(t))] = money;
    for (std::size_t c = 0; c < c_n; ++c) {
      const std::size_t at = result.at(r, c, static_cast<Step>(t));
      result.channel_exposures[at] = simulated ? channel_exposures[t * c_n + c] : 0;
      result.channel_adoptions[at] = simulated ? channel_adoptions[t * c_n + c] : 0;
      result.channel_spend_cents[at] = simulated ? channel_spend[t * c_n + c] : 0;
    }
  }
  const std::size_t l_n = result.layers();
  if (l_n > 0 && !result.layer_adoptions.empty()) {
    for (std::size_t t = 0; t < result.columns(); ++t) {
      const bool simulated = t < simulated_steps;
      for (std::size_t l = 0; l < l_n; ++l)
        result.layer_adoptions[result.layer_at(r, l, static_cast<Step>(t))] =
            simulated ? layer_adoptions[t * l_n + l] : 0;
    }
  }
  const std::size_t row = result.at(r, 0);
  std::uint64_t cumulative = 0;
  for (std::size_t t = 0; t < result.columns(); ++t) {
    const bool simulated = t < simulated_steps;  // later steps are quiet
    const std::uint64_t adopted = simulated ? new_adopters[t] : 0;
    cumulative += adopted;
    result.new_adopters[row + t] = adopted;
    result.cumulative_adopters[row + t] = cumulative;
    result.exposures[row + t] = simulated ? exposures[t] : 0;
    result.active_sharers[row + t] = simulated ? sharers[t] : 0;
  }
}

}  // namespace wom
