// SPDX-License-Identifier: MIT
// Sweep files (write_sweep / read_sweep), per-point statistics, and the checkpoint: its
// encoding, appends, a torn tail after a crash, and a checkpoint of another sweep.

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "output/sweep_checkpoint.hpp"
#include "output/sweep_writer.hpp"
#include "sim/error.hpp"

namespace fs = std::filesystem;
using namespace wom;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("wom_sweep_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

SweepPointResult point_result(std::uint32_t point, std::uint32_t replicates, Step steps) {
  SweepPointResult p;
  p.point = point;
  p.seed = 1000 + point;
  p.arcs = 40 + point;
  p.directed = point % 2 == 1;
  p.build_seconds = 0.25;
  p.simulate_seconds = 0.5;
  RunResult& r = p.run;
  r.agents = 20;
  r.replicates = replicates;
  r.steps = steps;
  r.step_hours = 2.0;
  const std::size_t cells = std::size_t{replicates} * (static_cast<std::size_t>(steps) + 1);
  for (std::size_t c = 0; c < cells; ++c) {
    r.new_adopters.push_back(point * 100 + c);
    r.cumulative_adopters.push_back(point * 1000 + c);
    r.exposures.push_back(c * 7);
    r.active_sharers.push_back(c % 3);
  }
  r.channel_names = {"seed", "friends", "spontaneous", "ads"};
  for (std::size_t c = 0; c < cells; ++c) r.money_cents.push_back(static_cast<std::int64_t>(c * 25) - 10);
  for (std::size_t c = 0; c < cells * 4; ++c) {
    r.channel_exposures.push_back(c % 5);
    r.channel_adoptions.push_back(c % 2);
    r.channel_spend_cents.push_back(-static_cast<std::int64_t>(c));
  }
  for (std::size_t c = 0; c < std::size_t{replicates} * 4; ++c) {
    r.total_channel_adoptions.push_back(c);
    r.total_channel_spend_cents.push_back(static_cast<std::int64_t>(c) * 100);
  }
  for (std::uint32_t i = 0; i < replicates; ++i) {
    ReplicateSummary s;
    s.final_adopters = point + i;
    s.final_fraction = (point + i) / 20.0;
    s.peak_step = i == 0 ? -1 : static_cast<Step>(i);
    s.peak_adopters = i;
    s.steps_to_50 = static_cast<Step>(i);
    s.steps_to_90 = -1;
    s.last_step = steps;
    s.exposures = 3 * i;
    s.reach = 5 + i;
    s.spend_cents = -7;
    s.money_cents = 12345;
    s.money_24h_cents = 99;
    s.donors = i;
    s.goal_step = i == 1 ? 3 : -1;
    r.summaries.push_back(s);
  }
  return p;
}

SweepHeader header(std::uint32_t total) {
  SweepHeader h;
  h.provenance.command_line = "wom sweep s.toml -o out.h5";
  h.provenance.scenario_path = "s.toml";
  h.provenance.scenario_text = "[network]\n";
  h.provenance.overrides = {"model.probability=0.1,0.2", "run.steps=3"};
  h.provenance.model = "independent_cascade";
  h.provenance.seed = 11;
  h.provenance.threads = 2;
  h.provenance.started_utc = "2026-01-01T00:00:00Z";
  h.provenance.finished_utc = "2026-01-01T00:00:01Z";
  h.design = "grid";
  h.design_seed = 77;
  h.total_points = total;
  h.replicates = 3;
  h.steps = 4;
  h.step_hours = 2.0;
  h.columns = {{"model.probability", SweepColumnKind::kFloat},
               {"network.m", SweepColumnKind::kInt},
               {"run.stop_when_quiet", SweepColumnKind::kBool},
               {"model.name", SweepColumnKind::kString}};
  h.hash = "0123456789abcdef0123456789abcdef";
  return h;
}

SweepRecord record(std::uint32_t point) {
  SweepRecord r;
  r.result = point_result(point, 3, 4);
  r.values = {SweepCell{0.5 * point}, SweepCell{std::int64_t{point}}, SweepCell{point % 2 == 0},
              SweepCell{std::string("model ") + std::to_string(point)}};
  r.overrides = "model.probability=" + std::to_string(point) + "\nnetwork.m=2";
  return r;
}

void check_same(const SweepPointResult& a, const SweepPointResult& b, bool timings) {
  CHECK(a.point == b.point);
  CHECK(a.seed == b.seed);
  CHECK(a.arcs == b.arcs);
  CHECK(a.directed == b.directed);
  CHECK(a.run.agents == b.run.agents);
  CHECK(a.run.replicates == b.run.replicates);
  CHECK(a.run.steps == b.run.steps);
  CHECK(a.run.new_adopters == b.run.new_adopters);
  CHECK(a.run.cumulative_adopters == b.run.cumulative_adopters);
  CHECK(a.run.exposures == b.run.exposures);
  CHECK(a.run.active_sharers == b.run.active_sharers);
  CHECK(a.run.money_cents == b.run.money_cents);
  CHECK(a.run.channel_names == b.run.channel_names);
  CHECK(a.run.channel_exposures == b.run.channel_exposures);
  CHECK(a.run.channel_adoptions == b.run.channel_adoptions);
  CHECK(a.run.channel_spend_cents == b.run.channel_spend_cents);
  CHECK(a.run.total_channel_adoptions == b.run.total_channel_adoptions);
  CHECK(a.run.total_channel_spend_cents == b.run.total_channel_spend_cents);
  REQUIRE(a.run.summaries.size() == b.run.summaries.size());
  for (std::size_t i = 0; i < a.run.summaries.size(); ++i) {
    CHECK(a.run.summaries[i].final_adopters == b.run.summaries[i].final_adopters);
    CHECK(a.run.summaries[i].final_fraction == b.run.summaries[i].final_fraction);
    CHECK(a.run.summaries[i].peak_step == b.run.summaries[i].peak_step);
    CHECK(a.run.summaries[i].steps_to_90 == b.run.summaries[i].steps_to_90);
    CHECK(a.run.summaries[i].exposures == b.run.summaries[i].exposures);
    CHECK(a.run.summaries[i].reach == b.run.summaries[i].reach);
    CHECK(a.run.summaries[i].spend_cents == b.run.summaries[i].spend_cents);
    CHECK(a.run.summaries[i].money_cents == b.run.summaries[i].money_cents);
    CHECK(a.run.summaries[i].money_24h_cents == b.run.summaries[i].money_24h_cents);
    CHECK(a.run.summaries[i].donors == b.run.summaries[i].donors);
    CHECK(a.run.summaries[i].goal_step == b.run.summaries[i].goal_step);
  }
  if (timings) {
    CHECK(a.build_seconds == b.build_seconds);
    CHECK(a.simulate_seconds == b.simulate_seconds);
  }
}

}  // namespace

TEST_SUITE("sweep output") {
  TEST_CASE("a sweep file reads back as written, shard or whole") {
    TempDir dir;
    const fs::path path = dir.path / "sweep.h5";
    std::vector<SweepRecord> records{record(0), record(2), record(5)};
    SweepHeader h = header(6);
    h.shard = "0/2";
    write_sweep(path, h, records);
    CHECK(fs::exists(path));
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);  // no temporary left
    const SweepFile f = read_sweep(path);
    CHECK(f.header.hash == h.hash);
    CHECK(f.header.shard == "0/2");
    CHECK(f.header.total_points == 6);
    CHECK(f.header.design == "grid");
    CHECK(f.header.design_seed == 77);
    CHECK(f.header.provenance.overrides == h.provenance.overrides);
    CHECK(f.header.provenance.scenario_text == h.provenance.scenario_text);
    REQUIRE(f.header.columns.size() == 4);
    for (std::size_t c = 0; c < 4; ++c) {
      CHECK(f.header.columns[c].key == h.columns[c].key);
      CHECK(f.header.columns[c].kind == h.columns[c].kind);
    }
    REQUIRE(f.records.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      check_same(f.records[i].result, records[i].result, false);
      CHECK(f.records[i].values == records[i].values);
      CHECK(f.records[i].overrides == records[i].overrides);
    }
    // An empty shard is a valid file too.
    write_sweep(dir.path / "empty.h5", h, std::span<const SweepRecord>{});
    CHECK(read_sweep(dir.path / "empty.h5").records.empty());
  }

  TEST_CASE("write_sweep refuses records out of order, and a run file is not a sweep file") {
    TempDir dir;
    std::vector<SweepRecord> records{record(2), record(1)};
    CHECK_THROWS_AS(write_sweep(dir.path / "x.h5", header(3), records), Error);
    CHECK(!fs::exists(dir.path / "x.h5"));
    CHECK_THROWS_AS(read_sweep(dir.path / "missing.h5"), IoError);
  }

  TEST_CASE("per-point statistics skip undefined steps") {
    const SweepPointResult p = point_result(0, 3, 4);  // final_adopters 0, 1, 2
    const MetricStats fa = metric_stats(p.run.summaries, 0);
    CHECK(fa.n == 3);
    CHECK(fa.mean == doctest::Approx(1.0));
    CHECK(fa.sd == doctest::Approx(1.0));
    CHECK(fa.ci95_high - fa.mean == doctest::Approx(4.303 / std::sqrt(3.0)));
    CHECK(fa.ci95_low == doctest::Approx(2 * fa.mean - fa.ci95_high));
    const MetricStats peak = metric_stats(p.run.summaries, 2);  // -1, 1, 2
    CHECK(peak.n == 2);
    CHECK(peak.mean == doctest::Approx(1.5));
    const MetricStats s90 = metric_stats(p.run.summaries, 5);  // all -1
    CHECK(s90.n == 0);
    CHECK(std::isnan(s90.mean));
    CHECK(sweep_metric_names().size() == 14);
    CHECK(metric_stats(p.run.summaries, 13).n == 1);  // goal_step: -1, 3, -1
    CHECK(std::string(sweep_metric_names()[1]) == "final_fraction");
  }

  TEST_CASE("a point's encoding round-trips, compact where replicates went quiet") {
    const SweepPointResult p = point_result(9, 4, 6);  // series that follow no rule: stored whole
    const std::string bytes = encode_point(p);
    check_same(decode_point(bytes), p, true);
    CHECK_THROWS_AS(decode_point(bytes.substr(0, bytes.size() / 2)), IoError);
    CHECK_THROWS_AS(decode_point(bytes + "x"), IoError);

    // As the engine records them: quiet after step 1, cumulative = running sum.
    SweepPointResult quiet = point_result(1, 2, 200);
    RunResult& r = quiet.run;
    for (auto* series : {&r.new_adopters, &r.cumulative_adopters, &r.exposures, &r.active_sharers,
                         &r.channel_exposures, &r.channel_adoptions}) {
      std::fill(series->begin(), series->end(), 0);
    }
    std::fill(r.money_cents.begin(), r.money_cents.end(), 500);
    std::fill(r.channel_spend_cents.begin(), r.channel_spend_cents.end(), 0);
    const std::size_t columns = r.columns();
    r.new_adopters[0] = 3;
    r.new_adopters[1] = 2;
    r.exposures[1] = 9;
    r.active_sharers[1] = 3;
    for (std::size_t t = 0; t < columns; ++t) r.cumulative_adopters[t] = t == 0 ? 3 : 5;
    r.summaries[0].last_step = 1;
    r.new_adopters[columns + 5] = 7;  // replicate 1 runs to the end
    for (std::size_t t = 5; t < columns; ++t) r.cumulative_adopters[columns + t] = 7;
    r.summaries[1].last_step = 200;
    const std::string compact = encode_point(quiet);
    check_same(decode_point(compact), quiet, true);
    CHECK(compact.size() < 1500);  // a few bytes a row, not 2 x 201 x 20 x 8 bytes
  }

  TEST_CASE("checkpoint: appends survive, a torn tail is cut, another sweep is refused") {
    TempDir dir;
    const fs::path path = SweepCheckpoint::path_for(dir.path / "out.h5");
    CHECK(path.filename() == "out.h5.progress");
    const std::string identity = "hash abc\npoints 10\n";
    {
      SweepCheckpoint c = SweepCheckpoint::create(path, identity);
      std::vector<SweepCheckpoint::Entry> entries{{3, encode_point(point_result(3, 2, 3))},
                                                  {1, encode_point(point_result(1, 2, 3))}};
      c.append(entries);
      std::vector<SweepCheckpoint::Entry> more{{7, encode_point(point_result(7, 2, 3))}};
      c.append(more);
    }
    const auto whole = fs::file_size(path);
    {
      std::ofstream(path, std::ios::binary | std::ios::app) << "WSWP and then the process was killed";
    }
    std::vector<SweepPointResult> finished;
    {
      SweepCheckpoint c = SweepCheckpoint::resume(path, identity, finished);
      REQUIRE(finished.size() == 3);
      CHECK(finished[0].point == 3);
      CHECK(finished[2].point == 7);
      check_same(finished[1], point_result(1, 2, 3), true);
      CHECK(fs::file_size(path) == whole);  // the torn record is gone
      std::vector<SweepCheckpoint::Entry> last{{4, encode_point(point_result(4, 2, 3))}};
      c.append(last);
    }
    finished.clear();
    SweepCheckpoint again = SweepCheckpoint::resume(path, identity, finished);
    CHECK(finished.size() == 4);
    finished.clear();
    CHECK_THROWS_WITH_AS(SweepCheckpoint::resume(path, "hash xyz\npoints 10\n", finished),
                         doctest::Contains("checkpoint of a different sweep (sweep hash abc, this sweep xyz)"),
                         InputError);
    again.remove();
    CHECK(!fs::exists(path));
  }
}
