// SPDX-License-Identifier: MIT
// The roofline probe (benchmarks/roofline.hpp): random 4-byte gathers per second from an
// array far larger than the caches, sequential read bandwidth, and rounds of the engine's
// random mix per second (arithmetic alone), on 1 and 2 threads.
//
//   bench_roofline [--preset small|perf] [--json FILE]

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "benchmarks/bench_common.hpp"
#include "benchmarks/roofline.hpp"

using namespace wom;

int main(int argc, char** argv) {
  std::string preset = "perf", json_path;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--preset") && i + 1 < argc) preset = argv[++i];
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
    else { std::fprintf(stderr, "usage: %s [--preset small|perf] [--json FILE]\n", argv[0]); return 2; }
  }
  const bool perf = preset == "perf";
  const std::size_t bytes = perf ? bench::perf_probe_bytes() : std::size_t{1} << 26;
  const std::size_t gathers = perf ? std::size_t{1} << 27 : std::size_t{1} << 22;
  std::printf("roofline probe: %zu MiB array, %zu gathers, best of 3 (load %.2f)\n", bytes >> 20, gathers,
              bench::load_average());
  std::vector<bench::Roofline> results;
  bench::RooflineProbe probe(bytes, gathers);
  for (int threads : {1, 2}) {
    const auto r = bench::measure_roofline(probe, threads);
    results.push_back(r);
    std::printf("threads %d: %.1f M random 4-byte gathers/s, sequential read %.2f GB/s, %.0f M random mixes/s\n",
                threads, r.gathers_per_second / 1e6, r.read_bytes_per_second / 1e9, r.mixes_per_second / 1e6);
  }
  std::printf("2-thread speed-up: gathers %.2f, sequential read %.2f, arithmetic %.2f\n",
              results[1].gathers_per_second / results[0].gathers_per_second,
              results[1].read_bytes_per_second / results[0].read_bytes_per_second,
              results[1].mixes_per_second / results[0].mixes_per_second);
  if (!json_path.empty()) {
    std::ofstream j(json_path);
    j << bench::json_header("bench_roofline", preset) << ",\n  \"array_bytes\": " << bytes << ",\n  \"results\": [\n";
    for (std::size_t i = 0; i < results.size(); ++i)
      j << "    {\"threads\": " << results[i].threads << ", \"gathers_per_second\": " << results[i].gathers_per_second
        << ", \"read_bytes_per_second\": " << results[i].read_bytes_per_second
        << ", \"mixes_per_second\": " << results[i].mixes_per_second << "}" << (i + 1 < results.size() ? ",\n" : "\n");
    j << "  ]\n}\n";
  }
  return 0;
}
