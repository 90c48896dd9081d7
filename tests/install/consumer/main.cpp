// SPDX-License-Identifier: MIT
// Runs a scenario with wom as a library: load and validate it, build the network, simulate
// every replicate, print the mean final adopters and (optionally) write the run file.
//   usage: consumer SCENARIO.toml [OUT.h5]

#include <cstdio>

#include "output/run_writer.hpp"
#include "scenarios/pipeline.hpp"
#include "sim/error.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SCENARIO.toml [OUT.h5]\n", argv[0]);
    return 2;
  }
  try {
    const wom::PreparedScenario prepared(wom::load_scenario(argv[1]));
    const wom::RunResult result = prepared.simulate();

    double mean = 0;
    for (const wom::ReplicateSummary& s : result.summaries) mean += static_cast<double>(s.final_adopters);
    mean /= result.replicates;
    std::printf("%u agents, %u replicates, mean final adopters %.4f\n", prepared.graph().num_nodes(),
                result.replicates, mean);

    if (argc > 2) {
      wom::Provenance provenance;
      provenance.scenario_path = argv[1];
      provenance.scenario_text = prepared.scenario().text;
      provenance.model = prepared.scenario().model.name;
      provenance.seed = prepared.scenario().run.seed;
      wom::write_run(argv[2], result, prepared.graph(), provenance);
    }
  } catch (const wom::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
