// SPDX-License-Identifier: MIT
// `wom graph EDGES -o G.wgraph`: parse an edge list once into the binary CSR cache
// (sim/network/csr_file.hpp), which scenarios then name as their `edge_list` and load in a
// fraction of the parsing time.

#include <chrono>
#include <iostream>

#include "cli/command.hpp"
#include "output/atomic_file.hpp"
#include "sim/error.hpp"
#include "sim/network/csr_file.hpp"
#include "sim/network/edge_list.hpp"

namespace wom::cli {

Command add_graph_command(CLI::App& wom, Invocation& invocation) {
  struct Options {
    std::string edges, output;
    bool directed = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = wom.add_subcommand(
      "graph", "Parse an edge list into a binary graph file that `[network] edge_list` loads directly");
  app->add_option("edges", o->edges, "Edge list (tail head [weight], .gz allowed)")->required();
  app->add_option("-o,--output", o->output, "Graph file to write (e.g. graph.wgraph)")->required();
  app->add_flag("--directed", o->directed, "The edge list is directed (as `[network] directed = true`)");
  add_threads_option(*app, invocation);
  return {app, [o](const Invocation&) {
            const auto start = std::chrono::steady_clock::now();
            if (is_csr_file(o->edges)) throw InputError(o->edges + ": is already a wom graph file");
            EdgeListOptions options;
            options.directed = o->directed;
            BuildReport report;
            const Graph g = read_edge_list(o->edges, options, &report);
            write_file_atomically(o->output, [&](const std::filesystem::path& temporary) {
              write_csr_file(g, temporary, o->output);
            });
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cout << o->output << ": " << g.num_nodes() << " agents, " << g.num_arcs() << " arcs ("
                      << (g.directed() ? "directed" : "undirected") << (g.weights().empty() ? "" : ", weighted")
                      << "); dropped " << report.self_loops_dropped << " self-loops and "
                      << report.duplicate_arcs_dropped << " repeated " << (g.directed() ? "arcs" : "edges") << "; "
                      << seconds << " s\n";
            return 0;
          }};
}

}  // namespace wom::cli
