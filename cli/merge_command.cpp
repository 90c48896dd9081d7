// SPDX-License-Identifier: MIT
// `wom merge OUT.h5 SHARD.h5...`: the shard files of one sweep (`wom sweep --shard i/N`, e.g.
// the tasks of a job array) into the one file a single `wom sweep` would have written:
// identical datasets, rows in point order.

#include <algorithm>
#include <cstdio>
#include <map>

#include <tbb/global_control.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "output/sweep_writer.hpp"
#include "sim/error.hpp"

namespace wom::cli {
namespace merge_command {

struct Options {
  std::string output;
  std::vector<std::string> shards;
  bool force = false;
  bool quiet = false;
};

int merge(const Options& o, const Invocation& inv) {
  check_output_path(o.output, o.force);
  if (o.shards.empty()) throw InputError("merge: no shard files given");
  std::vector<SweepFile> files;
  for (const std::string& path : o.shards) {
    try {
      files.push_back(read_sweep(path));
    } catch (const IoError& e) {
      throw InputError(std::string("merge: ") + e.what());
    }
  }
  const SweepHeader& first = files.front().header;
  std::map<std::uint32_t, std::pair<std::size_t, std::size_t>> owner;  // point -> file, record
  for (std::size_t f = 0; f < files.size(); ++f) {
    const SweepHeader& h = files[f].header;
    if (h.hash != first.hash) {
      throw InputError("merge: " + o.shards[f] + " is from a different sweep than " + o.shards.front() +
                       " (sweep_hash " + h.hash + " vs " + first.hash + ")");
    }
    for (std::size_t i = 0; i < files[f].records.size(); ++i) {
      const SweepRecord& r = files[f].records[i];
      const auto [it, fresh] = owner.emplace(r.result.point, std::pair{f, i});
      if (!fresh) {
        throw InputError("merge: point " + std::to_string(r.result.point) + " is in both " + o.shards[it->second.first] +
                         " and " + o.shards[f]);
      }
    }
  }
  std::vector<std::uint32_t> missing;
  for (std::uint32_t p = 0; p < first.total_points && missing.size() < 10; ++p) {
    if (!owner.contains(p)) missing.push_back(p);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::uint32_t p : missing) list += (list.empty() ? "" : ", ") + std::to_string(p);
    throw InputError("merge: the shards hold " + std::to_string(owner.size()) + " of the sweep's " +
                     std::to_string(first.total_points) + " points; missing " + list +
                     (owner.size() + missing.size() < first.total_points ? ", ..." : "") +
                     " (a shard file not given, or not finished?)");
  }

  SweepHeader header = first;
  header.shard.clear();
  header.provenance.command_line = inv.command_line;
  header.provenance.build_seconds = header.provenance.run_seconds = header.simulate_seconds = 0;
  header.resumed_points = 0;
  header.mpi_ranks = 0;
  for (const SweepFile& f : files) {
    const SweepHeader& h = f.header;
    header.provenance.build_seconds += h.provenance.build_seconds;
    header.provenance.run_seconds += h.provenance.run_seconds;
    header.simulate_seconds += h.simulate_seconds;
    header.resumed_points += h.resumed_points;
    header.mpi_ranks = std::max(header.mpi_ranks, h.mpi_ranks);
    header.provenance.started_utc = std::min(header.provenance.started_utc, h.provenance.started_utc);
    header.provenance.finished_utc = std::max(header.provenance.finished_utc, h.provenance.finished_utc);
  }
  std::vector<SweepRecord> records;
  records.reserve(owner.size());
  for (const auto& [point, where] : owner) records.push_back(std::move(files[where.first].records[where.second]));
  write_sweep(o.output, header, records);
  if (!o.quiet) {
    std::printf("merged %zu shard files: %zu points x %u replicates; wrote %s\n", files.size(), records.size(),
                header.replicates, o.output.c_str());
  }
  return 0;
}

}  // namespace merge_command

Command add_merge_command(CLI::App& wom, Invocation&) {
  auto o = std::make_shared<merge_command::Options>();
  CLI::App* app = wom.add_subcommand("merge", "Merge the shard files of one sweep (wom sweep --shard i/N) into one file");
  app->add_option("output", o->output, "Merged HDF5 file (written atomically)")->required();
  app->add_option("shards", o->shards, "Shard files, in any order")->required();
  app->add_flag("-f,--force", o->force, "Replace the output file if it exists");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return {app, [o](const Invocation& inv) { return merge(*o, inv); }};
}

}  // namespace wom::cli
