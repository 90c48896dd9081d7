// SPDX-License-Identifier: MIT
#include "sim/run_result.hpp"

#include <iterator>

#include "sim/error.hpp"

namespace wom {

namespace {
template <class T, class Allocator>
void append_rows(std::vector<T, Allocator>& rows, std::vector<T, Allocator>&& later) {
  rows.insert(rows.end(), std::make_move_iterator(later.begin()), std::make_move_iterator(later.end()));
}
}  // namespace

void RunResult::append_replicates(RunResult&& later) {
  if (later.agents != agents || later.steps != steps || later.step_hours != step_hours ||
      later.channel_names != channel_names || later.layer_names != layer_names) {
    throw Error("append_replicates: the two runs are not of the same scenario");
  }
  // Each field is either empty in both (not recorded) or holds whole rows per replicate.
  append_rows(new_adopters, std::move(later.new_adopters));
  append_rows(cumulative_adopters, std::move(later.cumulative_adopters));
  append_rows(exposures, std::move(later.exposures));
  append_rows(active_sharers, std::move(later.active_sharers));
  append_rows(summaries, std::move(later.summaries));
  append_rows(adoption_step, std::move(later.adoption_step));
  append_rows(channel_exposures, std::move(later.channel_exposures));
  append_rows(channel_adoptions, std::move(later.channel_adoptions));
  append_rows(channel_spend_cents, std::move(later.channel_spend_cents));
  append_rows(money_cents, std::move(later.money_cents));
  append_rows(total_channel_adoptions, std::move(later.total_channel_adoptions));
  append_rows(total_channel_spend_cents, std::move(later.total_channel_spend_cents));
  append_rows(layer_adoptions, std::move(later.layer_adoptions));
  append_rows(total_layer_adoptions, std::move(later.total_layer_adoptions));
  append_rows(referral_tree, std::move(later.referral_tree));
  append_rows(cascades, std::move(later.cascades));
  replicates += later.replicates;
}

}  // namespace wom
