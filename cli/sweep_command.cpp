// SPDX-License-Identifier: MIT
// `wom sweep SCENARIO -o OUT.h5`: a parameter study ([sweep] in the scenario, or
// --set key=v1,v2,...): every point validated first, then points x replicates simulated with
// TBB (and over MPI ranks under mpirun), one HDF5 file, resumable after a crash.

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "cli/sweep_mpi.hpp"
#include "cli/sweep_runner.hpp"
#include "output/sweep_checkpoint.hpp"
#include "output/sweep_writer.hpp"
#include "scenarios/sweep.hpp"
#include "sim/error.hpp"

namespace wom::cli {
namespace sweep_command {

namespace fs = std::filesystem;

/// Networks at least this large are simulated one point at a time, all threads inside the
/// point (two lanes would hold two such networks in memory at once).
constexpr NodeId kLargeNetwork = 1'000'000;
constexpr std::uintmax_t kLargeEdgeList = 64u << 20;
/// Networks kept built for points that share them.
constexpr std::size_t kNetworkCache = 4;
/// Replicate ranges each of an MPI sweep's last points is cut into: fine enough that the
/// ranks finish within about a replicate of each other, coarse enough that each range still
/// amortises its message and result.
constexpr std::uint32_t kPiecesPerSplitPoint = 8;

struct Options {
  std::string scenario;
  std::string output;
  std::vector<std::string> sets;
  std::string seed;
  std::string shard;
  bool force = false;
  bool quiet = false;
  bool resume = false;
  bool dry_run = false;
};

struct Shard {
  std::uint32_t index = 0, count = 1;
  [[nodiscard]] bool whole() const { return count == 1; }
  [[nodiscard]] std::string text() const { return whole() ? "" : std::to_string(index) + "/" + std::to_string(count); }
};

Shard parse_shard(const std::string& text) {
  if (text.empty()) return {};
  Shard s;
  const auto slash = text.find('/');
  const auto number = [](std::string_view t, std::uint32_t& out) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc{} && end == t.data() + t.size() && !t.empty();
  };
  if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), s.index) ||
      !number(std::string_view(text).substr(slash + 1), s.count) || s.count == 0 || s.index >= s.count) {
    throw InputError("--shard: expected i/N with 0 <= i < N (e.g. 0/4 for the first of four), found '" + text + "'");
  }
  return s;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

std::string describe_design(const SweepPlan& plan) {
  std::vector<std::string> keys;
  for (const SweepParameter& p : plan.parameters) keys.push_back(p.key);
  return plan.design + (keys.empty() ? " with no parameters" : " over " + join(keys, ", "));
}

std::string cell_text(const SweepValue& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* x = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", *x);
    return buf;
  }
  return std::get<std::string>(v);
}

/// Points of this shard, in order.
std::vector<std::uint32_t> shard_points(const SweepPlan& plan, const Shard& shard) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t p = shard.index; p < plan.points.size(); p += shard.count) out.push_back(p);
  return out;
}

unsigned choose_lanes(const SweepPlan& plan, unsigned threads) {
  for (const SweepPoint& p : plan.points) {
    const NetworkSpec& net = p.scenario.network;
    std::error_code ec;
    if ((net.generator != "edge_list" && net.n >= kLargeNetwork) ||
        (net.generator == "edge_list" && fs::file_size(net.path, ec) >= kLargeEdgeList && !ec)) {
      return 1;
    }
  }
  return std::max(threads, 1U);
}

std::string checkpoint_identity(const SweepPlan& plan, const Shard& shard) {
  return "hash " + plan.hash + "\npoints " + std::to_string(plan.points.size()) + "\nreplicates " +
         std::to_string(plan.replicates) + "\nsteps " + std::to_string(plan.base.run.steps) + "\nshard " +
         (shard.whole() ? "-" : shard.text()) + "\n";
}

int dry_run(const SweepPlan& plan, const Shard& shard) {
  std::set<std::string> networks;
  for (const SweepPoint& p : plan.points) networks.insert(p.graph_key);
  std::printf("# %s: valid sweep: %zu points (%s), %u replicates each; distinct networks: %zu\n",
              plan.base.path.string().c_str(), plan.points.size(), describe_design(plan).c_str(), plan.replicates,
              networks.size());
  std::printf("# sweep hash %s; common random numbers %s\n", plan.hash.c_str(),
              plan.common_random_numbers ? "on" : "off");
  const auto points = shard_points(plan, shard);
  if (!shard.whole()) std::printf("# shard %s: %zu points\n", shard.text().c_str(), points.size());
  for (const std::uint32_t i : points) {
    const SweepPoint& p = plan.points[i];
    std::printf("point %u  seed %llu  %s\n", i, static_cast<unsigned long long>(p.seed), join(p.overrides, " ").c_str());
  }
  std::printf("# dry run: nothing simulated, nothing written\n");
  return 0;
}

/// Rank 0's preparations before anything is simulated: the output path, and the
/// checkpoint (new, or resumed). Returns false when there is nothing left to do.
struct Prepared {
  std::optional<SweepCheckpoint> checkpoint;
  std::vector<SweepPointResult> resumed;
  bool already_complete = false;
};

Prepared prepare_output(const Options& o, const SweepPlan& plan, const Shard& shard) {
  Prepared out;
  const fs::path output(o.output);
  const fs::path progress = SweepCheckpoint::path_for(output);
  const std::string identity = checkpoint_identity(plan, shard);
  std::error_code ec;
  const bool have_progress = fs::exists(progress, ec);
  if (o.resume && !have_progress && fs::exists(output, ec)) {
    try {
      const SweepFile done = read_sweep(output);
      if (done.header.hash == plan.hash && done.header.shard == shard.text()) {
        out.already_complete = true;
        return out;
      }
    } catch (const Error&) {  // not a finished file of this sweep: handled below
    }
  }
  // Resuming replaces what an earlier attempt left; anything else needs --force.
  check_output_path(o.output, o.force || (o.resume && have_progress));
  if (have_progress && !o.resume && !o.force) {
    throw InputError(progress.string() + ": a sweep writing " + o.output +
                     " was interrupted; --resume continues it, --force starts over");
  }
  if (have_progress && o.resume) {
    try {
      out.checkpoint = SweepCheckpoint::resume(progress, identity, out.resumed);
      return out;
    } catch (const InputError&) {
      if (!o.force) throw;
      out.resumed.clear();  // --force: a checkpoint of another sweep is discarded
    }
  }
  out.checkpoint = SweepCheckpoint::create(progress, identity);
  return out;
}

void print_summary(const SweepPlan& plan, const std::vector<SweepRecord>& records, const Shard& shard,
                   std::size_t resumed, std::size_t networks, unsigned threads, int ranks, double run_seconds,
                   const std::string& output) {
  std::printf("%s: sweep of %zu points (%s) x %u replicates x %d steps%s\n", plan.base.path.string().c_str(),
              plan.points.size(), describe_design(plan).c_str(), plan.replicates, plan.base.run.steps,
              shard.whole() ? "" : (", shard " + shard.text()).c_str());
  std::printf("  %7s", "point");
  for (const SweepParameter& p : plan.parameters) std::printf("  %16s", p.key.c_str());
  std::printf("  %26s\n", "final fraction (95% CI)");
  constexpr std::size_t kRows = 20;
  for (std::size_t i = 0; i < std::min(records.size(), kRows); ++i) {
    const SweepRecord& r = records[i];
    std::printf("  %7u", r.result.point);
    for (const SweepCell& v : r.values) std::printf("  %16s", cell_text(v).c_str());
    const MetricStats st = metric_stats(r.result.run.summaries, 1);
    std::printf("  %12.5f +/- %-9.5f\n", st.mean, std::isnan(st.ci95_high) ? 0.0 : st.ci95_high - st.mean);
  }
  if (records.size() > kRows) std::printf("  ... %zu more points in the file\n", records.size() - kRows);
  std::printf("  points: %zu (%zu simulated, %zu resumed from checkpoint); networks built: %zu; %u threads x %d rank%s\n",
              records.size(), records.size() - resumed, resumed, networks, threads, ranks, ranks == 1 ? "" : "s");
  const double simulated = static_cast<double>(records.size() - resumed);
  std::printf("  run %.3f s (%.4g points/s); wrote %s\n", run_seconds,
              run_seconds > 0 ? simulated / run_seconds : 0.0, output.c_str());
}

int simulate_and_write(const Options& o, const Invocation& inv, MpiSession* mpi, const SweepPlan& plan,
                       const Shard& shard, Prepared prepared, const std::string& started);

int run_sweep(const Options& o, const Invocation& inv, MpiSession* mpi) {
  const int rank = mpi ? mpi->rank() : 0;
  const std::string started = utc_now();
  if (o.output.empty() && !o.dry_run) throw InputError("sweep: --output is required (or --dry-run)");
  const Shard shard = parse_shard(o.shard);
  std::vector<std::string> sets = o.sets;
  if (!o.seed.empty()) sets.push_back("run.seed=" + o.seed);

  // 1. Plan and validate every point, on every rank; the plans must agree.
  SweepPlan plan;
  std::exception_ptr failed;
  try {
    plan = plan_sweep(o.scenario, sets);
  } catch (...) {
    failed = std::current_exception();
  }
  if (mpi && !mpi->all(!failed)) {
    if (failed) std::rethrow_exception(failed);
    throw InputError("sweep: another rank could not read or validate the sweep");
  }
  if (failed) std::rethrow_exception(failed);
  if (mpi && !mpi->all(mpi->broadcast(plan.hash) == plan.hash)) {
    throw Error("sweep: the ranks planned different sweeps (different scenario files or wom builds?)");
  }
  if (rank == 0 && plan.base.output.adoption_steps && !o.quiet) {
    std::fprintf(stderr, "wom: note: sweep files hold no per-agent data; output.adoption_steps is not recorded\n");
  }
  if (o.dry_run) return rank == 0 ? dry_run(plan, shard) : 0;

  // 2. Rank 0: output path and checkpoint.
  Prepared prepared;
  failed = nullptr;
  if (rank == 0) {
    try {
      prepared = prepare_output(o, plan, shard);
    } catch (...) {
      failed = std::current_exception();
    }
  }
  const bool go = !failed && !prepared.already_complete;
  if (mpi && !mpi->all(go) && rank != 0) return 0;  // rank 0 reports why
  if (failed) std::rethrow_exception(failed);
  if (prepared.already_complete) {
    if (!o.quiet) std::printf("%s: already complete (a finished sweep of this scenario); nothing to do\n", o.output.c_str());
    return 0;
  }
  return simulate_and_write(o, inv, mpi, plan, shard, std::move(prepared), started);
}

int simulate_and_write(const Options& o, const Invocation& inv, MpiSession* mpi, const SweepPlan& plan,
                       const Shard& shard, Prepared prepared, const std::string& started) {
  const int rank = mpi ? mpi->rank() : 0;
  const int ranks = mpi ? mpi->size() : 1;
  {
    const auto threads =
        static_cast<unsigned>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    const unsigned lanes = choose_lanes(plan, threads);
    // oneTBB starts its scheduler on first use (1-2 ms): before the sweep's clock, with the
    // process's other start-up, so that the clock measures the points and their scheduling.
    tbb::parallel_for(0U, threads, [](unsigned) {});
    PointComputer computer(plan, std::max<std::size_t>(kNetworkCache, 2 * lanes), lanes);

    if (rank != 0) {  // a worker rank: units from the shared list, results back to rank 0
      SharedWork work(*mpi, {}, lanes);
      Outbox outbox;
      std::exception_ptr comm_error;
      std::thread comm([&] {
        try {
          mpi->serve(outbox);
        } catch (...) {
          comm_error = std::current_exception();
          work.cancel();
        }
      });
      try {
        run_lanes(work, computer, lanes, [&](SweepPointResult&& r) { outbox.push(std::move(r)); });
      } catch (...) {
        outbox.fail(describe(std::current_exception()), exit_status(std::current_exception()));
      }
      outbox.close();
      comm.join();
      if (comm_error) std::rethrow_exception(comm_error);
      const auto error = outbox.error();
      return error ? error->second : 0;
    }

    const std::vector<std::uint32_t> mine = shard_points(plan, shard);
    std::set<std::uint32_t> done;
    for (const SweepPointResult& r : prepared.resumed) done.insert(r.point);
    std::vector<std::uint32_t> todo;
    for (const std::uint32_t p : mine)
      if (!done.contains(p)) todo.push_back(p);
    // Whole points, except with several ranks: there the last two points per lane of every
    // rank go out as replicate ranges, so that no rank computes a last whole point while the
    // others have nothing left (the lanes of one process already share a point's replicates).
    const std::size_t split_tail = ranks > 1 ? 2 * std::size_t{lanes} * static_cast<std::size_t>(ranks) : 0;
    std::vector<WorkUnit> units = work_units(todo, plan.replicates, split_tail, kPiecesPerSplitPoint);

    Progress progress("sweep", mine.size(), "points", Progress::wanted(o.quiet));
    Collector collector(mine, plan.replicates, std::move(prepared.resumed), std::move(prepared.checkpoint), &progress);
    // Shared with the other ranks before the clock starts, so that every rank starts at once.
    std::unique_ptr<SharedWork> shared = ranks > 1 ? std::make_unique<SharedWork>(*mpi, units, lanes) : nullptr;
    WorkList local(shared ? std::vector<WorkUnit>() : std::move(units));
    WorkSource& work = shared ? static_cast<WorkSource&>(*shared) : local;
    const auto t0 = std::chrono::steady_clock::now();
    std::pair<std::string, int> remote_error{"", 0};
    std::exception_ptr comm_error, local_error;
    std::thread comm;
    if (shared) {
      comm = std::thread([&] {
        try {
          remote_error = mpi->coordinate(*shared, collector);
        } catch (...) {
          comm_error = std::current_exception();
          shared->cancel();
        }
      });
    }
    try {
      run_lanes(work, computer, lanes, [&](SweepPointResult&& r) { collector.add(std::move(r)); });
    } catch (...) {
      local_error = std::current_exception();
    }
    if (comm.joinable()) comm.join();
    shared.reset();  // collective: the other ranks wait here once they are done
    // Every point computed and here: the simulation's wall time (the checkpoint's last sync
    // and the file belong to writing).
    const double run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    collector.finish();  // every finished point is in the checkpoint, whatever failed
    progress.finish();
    if (local_error) std::rethrow_exception(local_error);
    if (comm_error) std::rethrow_exception(comm_error);
    if (remote_error.second == 2) throw InputError(remote_error.first);
    if (remote_error.second != 0) throw Error(remote_error.first);

    // 3. One file, rows in point order.
    std::vector<SweepRecord> records;
    records.reserve(mine.size());
    SweepHeader header;
    for (const std::uint32_t p : mine) {
      SweepPointResult* result = collector.find(p);
      if (result == nullptr) throw Error("sweep: point " + std::to_string(p) + " was never computed");
      SweepRecord& r = records.emplace_back();
      r.result = std::move(*result);
      r.values.assign(plan.points[p].values.begin(), plan.points[p].values.end());
      r.overrides = join(plan.points[p].overrides, "\n");
      header.provenance.build_seconds += r.result.build_seconds;
      header.simulate_seconds += r.result.simulate_seconds;
    }
    Provenance& prov = header.provenance;
    describe_scenario(prov, plan.base, inv.command_line);
    prov.overrides = plan.set_arguments;  // the sweep's own --set (each point's are in its row)
    prov.started_utc = started;
    prov.run_seconds = run_seconds;
    prov.finished_utc = utc_now();
    header.design = plan.design;
    header.common_random_numbers = plan.common_random_numbers;
    header.design_seed = plan.design_seed;
    header.total_points = static_cast<std::uint32_t>(plan.points.size());
    header.replicates = plan.replicates;
    header.steps = plan.base.run.steps;
    header.step_hours = plan.base.run.step_hours;
    for (const SweepParameter& p : plan.parameters) {
      header.columns.push_back({p.key, static_cast<SweepColumnKind>(p.kind)});
    }
    header.hash = plan.hash;
    header.shard = shard.text();
    header.mpi_ranks = ranks;
    header.resumed_points = static_cast<std::uint32_t>(collector.resumed());
    write_sweep(o.output, header, records);
    if (SweepCheckpoint* checkpoint = collector.checkpoint()) checkpoint->remove();
    if (!o.quiet) {
      print_summary(plan, records, shard, collector.resumed(), computer.networks_built(), threads, ranks, run_seconds,
                    o.output);
    }
    return 0;
  }
}

int run(const Options& o, const Invocation& inv) {
  // Static: MPI_Finalize runs at exit, after main has printed rank 0's error. Finalizing lets
  // the other ranks go, and mpirun ends the job, killing rank 0, as soon as one of them exits
  // with an error: finalizing while the error unwinds would lose its message.
  static std::unique_ptr<MpiSession> mpi;
  if (launched_by_mpi()) {
    if (built_with_mpi()) {
      mpi = std::make_unique<MpiSession>();
    } else if (launcher_size() > 1) {
      throw InputError("sweep: started by an MPI launcher with " + std::to_string(launcher_size()) +
                       " ranks, but this wom was built without MPI (install OpenMPI and rebuild; or use --shard)");
    }
  }
  if (!mpi || mpi->rank() == 0) return run_sweep(o, inv, mpi.get());
  // Other ranks stay silent: rank 0 reports every problem (it finds the same ones, or is
  // told about them), and their exit status still says what happened.
  try {
    return run_sweep(o, inv, mpi.get());
  } catch (...) {
    return exit_status(std::current_exception());
  }
}

}  // namespace sweep_command

Command add_sweep_command(CLI::App& wom, Invocation& invocation) {
  auto o = std::make_shared<sweep_command::Options>();
  CLI::App* app = wom.add_subcommand(
      "sweep", "Run a parameter sweep ([sweep] in the scenario, or --set key=v1,v2,...) into one HDF5 file");
  app->add_option("scenario", o->scenario, "Scenario file (TOML)")->required();
  app->add_option("-o,--output", o->output, "Output HDF5 file (written atomically); required unless --dry-run");
  app->add_option("--set", o->sets,
                  "key=v1,v2,... sweeps key over the values; key=value (one value) overrides it; "
                  "sweep.design=zip etc. set [sweep] (repeatable)");
  app->add_option("--seed", o->seed, "Master seed, overriding [run] seed")->check(seed_check());
  app->add_option("--shard", o->shard, "Compute only points p with p % N == i, into a shard file for `wom merge` (i/N)");
  add_threads_option(*app, invocation);
  app->add_flag("--resume", o->resume,
                "Continue an interrupted sweep from OUT.h5.progress, recomputing no finished point");
  app->add_flag("-f,--force", o->force, "Replace an existing output file (and discard an unrelated checkpoint)");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success (and no progress bar)");
  app->add_flag("-n,--dry-run", o->dry_run, "Validate every point and print the design; simulate and write nothing");
  return {app, [o](const Invocation& inv) { return sweep_command::run(*o, inv); }};
}

}  // namespace wom::cli
