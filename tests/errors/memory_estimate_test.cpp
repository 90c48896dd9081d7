// SPDX-License-Identifier: MIT
// The memory estimate that refuses absurd scenarios up front (sim/network/memory_estimate.hpp):
// arc counts against the generators' exact or expected sizes, the refusal's key and message,
// and that the estimate bounds what a real network of that size holds.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "sim/network/generators.hpp"
#include "sim/network/memory_estimate.hpp"

namespace {

wom::NetworkSpec ba(wom::NodeId n, std::uint32_t m) {
  wom::NetworkSpec net;
  net.generator = "barabasi_albert";
  net.n = n;
  net.m = m;
  return net;
}

}  // namespace

TEST_CASE("expected arcs match the generators") {
  // Barabási–Albert: a clique of m + 1, then m edges per agent, each stored both ways.
  CHECK(wom::expected_arcs(ba(1'000'000, 5)) == doctest::Approx(9'999'970.0));
  wom::NetworkSpec ws;
  ws.generator = "watts_strogatz";
  ws.n = 1000;
  ws.k = 6;
  CHECK(wom::expected_arcs(ws) == 6000.0);
  wom::NetworkSpec gnm;
  gnm.generator = "gnm";
  gnm.n = 100;
  gnm.edges = 250;
  CHECK(wom::expected_arcs(gnm) == 500.0);
  gnm.directed = true;
  CHECK(wom::expected_arcs(gnm) == 250.0);
  wom::NetworkSpec complete;
  complete.generator = "complete";
  complete.n = 100;
  CHECK(wom::expected_arcs(complete) == 9900.0);
  complete.n = 1'000'000;  // above implicit_above: no arcs stored
  CHECK(wom::expected_arcs(complete) == 0.0);
  wom::NetworkSpec edges;
  edges.generator = "edge_list";
  CHECK(wom::expected_arcs(edges) == 0.0);
  // A generated layer adds its arcs.
  wom::NetworkSpec layered = ba(1000, 2);
  layered.layers.push_back({ws, {}});
  CHECK(wom::expected_arcs(layered) == doctest::Approx(wom::expected_arcs(ba(1000, 2)) + 6000.0));
}

TEST_CASE("the estimate bounds a real network's arrays") {
  const wom::NetworkSpec net = ba(20'000, 4);
  const wom::Graph g = wom::make_network(net, 7, ".");
  // What the graph keeps: offsets, heads and trust.
  const double held = 8.0 * (g.num_nodes() + 1) + 6.0 * static_cast<double>(g.num_arcs());
  const wom::MemoryNeed need = wom::estimate_memory(net, 1, 10, 1, false);
  CHECK(need.arcs == g.num_arcs());
  CHECK(need.network_bytes > held);
  CHECK(need.network_bytes < 4 * held);  // conservative, not absurdly so
}

TEST_CASE("refusals name the key that dominates and carry the estimate") {
  const std::uint64_t gib = std::uint64_t{1} << 30;
  CHECK_FALSE(wom::check_memory(ba(1'000'000, 5), 10, 100, 1, false, 24 * gib));
  const auto network = wom::check_memory(ba(4'000'000'000u, 1000), 10, 100, 1, false, 24 * gib);
  REQUIRE(network);
  CHECK(network->key == "network.n");
  CHECK(network->message.find("4000000000 agents and about 8e+12 arcs needs about") != std::string::npos);
  CHECK(network->message.find("TiB of memory to build and run, more than the 24.0 GiB") != std::string::npos);
  const auto agents = wom::check_memory(ba(1'000'000, 5), 100'000, 100, 1, true, 24 * gib);
  REQUIRE(agents);
  CHECK(agents->key == "output.adoption_steps");
  const auto series = wom::check_memory(ba(1000, 5), 4'000'000'000u, 1000, 4, false, 24 * gib);
  REQUIRE(series);
  CHECK(series->key == "run.replicates");
}

TEST_CASE("format_bytes and available_memory") {
  CHECK(wom::format_bytes(512) == "512 B");
  CHECK(wom::format_bytes(1536) == "1.5 KiB");
  CHECK(wom::format_bytes(24.0 * (1ull << 30)) == "24.0 GiB");
  CHECK(wom::available_memory() > (std::uint64_t{64} << 20));
}
