// SPDX-License-Identifier: MIT
// Large-graph input paths: the edge-list reader's parallel parsing (same graph and same error
// messages as a line-by-line read, whatever the thread count), the parallel CSR build, and
// the binary graph cache (round trip, corruption, scenario loading).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <tbb/global_control.h>

#include "sim/error.hpp"
#include "sim/network/csr_file.hpp"
#include "sim/network/edge_list.hpp"
#include "sim/network/generators.hpp"
#include "sim/random.hpp"
#include "sim/spec.hpp"

namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("wom_scale_io_test_" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path write(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const TempDir& temp() {
  static const TempDir dir;
  return dir;
}

template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << e.what());
    return "";
  }
  FAIL("no exception thrown");
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// An edge list of `lines` lines (several read blocks and many parallel pieces): sparse
/// random ids with repeats, comments, blank lines, CRLF and comma lines, optional weights.
std::string big_text(std::size_t lines, bool weights, std::uint64_t key) {
  std::string text = "# generated\n";
  for (std::size_t i = 0; i < lines; ++i) {
    const std::uint64_t r = wom::draw64(key, i);
    if (r % 97 == 0) { text += "% comment " + std::to_string(i) + "\n"; continue; }
    if (r % 89 == 0) { text += "   \n"; continue; }
    const std::uint64_t a = 1000 + wom::bounded(wom::draw64(key + 1, i), 60000) * 1237;
    const std::uint64_t b = 1000 + wom::bounded(wom::draw64(key + 2, i), 60000) * 1237;
    text += std::to_string(a) + (r % 5 == 0 ? "," : "\t") + std::to_string(b);
    if (weights) text += " " + std::to_string(static_cast<double>(r % 1000) / 100.0);
    text += r % 7 == 0 ? "\r\n" : "\n";
  }
  return text;
}

/// The graph the format defines, built here without the reader: ids in order of first
/// appearance, the first weight of a repeated arc.
wom::Graph reference(const std::string& text, bool directed) {
  std::unordered_map<std::uint64_t, wom::NodeId> ids;
  std::vector<std::uint64_t> labels;
  wom::EdgeBuffer edges;
  std::size_t at = 0;
  const auto id = [&](std::uint64_t label) {
    const auto [it, fresh] = ids.emplace(label, static_cast<wom::NodeId>(labels.size()));
    if (fresh) labels.push_back(label);
    return it->second;
  };
  while (at < text.size()) {
    std::size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl - at);
    at = nl + 1;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::replace(line.begin(), line.end(), '\t', ' ');
    std::replace(line.begin(), line.end(), '\r', ' ');
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '#' || line[first] == '%') continue;
    std::istringstream in(line);
    std::uint64_t a = 0, b = 0;
    std::string weight;
    in >> a >> b;
    const wom::NodeId u = id(a), v = id(b);
    if (in >> weight) {
      float w = 0;
      std::from_chars(weight.data(), weight.data() + weight.size(), w);  // as the reader parses it
      edges.add(u, v, w);
    } else {
      edges.add(u, v);
    }
  }
  wom::Graph g = wom::Graph::from_edges(static_cast<wom::NodeId>(labels.size()), std::move(edges), directed);
  g.set_labels(std::move(labels));
  return g;
}

void check_same(const wom::Graph& a, const wom::Graph& b) {
  CHECK(a.num_nodes() == b.num_nodes());
  CHECK(a.directed() == b.directed());
  CHECK(a.offsets() == b.offsets());
  CHECK(a.heads() == b.heads());
  CHECK(a.weights() == b.weights());
  CHECK(a.labels() == b.labels());
}

}  // namespace

TEST_CASE("parallel parsing gives the graph of the format, on 1 and 2 threads") {
  for (const bool weights : {false, true}) {
    const std::string text = big_text(400000, weights, weights ? 11 : 12);  // ~6 MB: two blocks, many pieces
    const auto path = temp().write(weights ? "big_w.txt" : "big.txt", text);
    const wom::Graph expected = reference(text, true);
    for (const int threads : {1, 2}) {
      const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      wom::EdgeListOptions o;
      o.directed = true;
      const wom::Graph g = wom::read_edge_list(path, o);
      check_same(g, expected);
      CHECK(g.weights().empty() == !weights);
    }
  }
}

TEST_CASE("errors deep in a large file name the same line as a line-by-line read") {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
  std::string text;
  for (int i = 0; i < 300000; ++i) text += std::to_string(i) + " " + std::to_string(i + 1) + " 0.5\n";
  SUBCASE("non-numeric id on line 250,001") {
    std::string bad = text;
    std::size_t at = 0;
    for (int i = 0; i < 250000; ++i) at = bad.find('\n', at) + 1;
    bad.insert(at, "alice bob\n");
    const auto msg = message_of<wom::InputError>([&] { wom::read_edge_list(temp().write("deep.txt", bad), {}); });
    CHECK(contains(msg, "deep.txt:250001: expected an unsigned integer agent id, found 'alice bob'"));
  }
  SUBCASE("weight column missing from line 200,001 on") {
    std::string bad = text;
    std::size_t at = 0;
    for (int i = 0; i < 200000; ++i) at = bad.find('\n', at) + 1;
    for (int i = 0; i < 1000; ++i) bad.insert(at, "7 8\n");
    const auto msg = message_of<wom::InputError>([&] { wom::read_edge_list(temp().write("deepw.txt", bad), {}); });
    CHECK(contains(msg, "deepw.txt:200001: has no weight (third column) but line 1 has one"));
  }
  SUBCASE("the first error wins when several pieces have one") {
    std::string bad = text;
    std::size_t at = 0;
    for (int i = 0; i < 100000; ++i) at = bad.find('\n', at) + 1;
    bad.insert(at, "3\n");
    bad += "x y\n";
    const auto msg = message_of<wom::InputError>([&] { wom::read_edge_list(temp().write("two.txt", bad), {}); });
    CHECK(contains(msg, "two.txt:100001: expected two agent ids"));
  }
}

TEST_CASE("parallel CSR build: same lists as the definition, first bad edge named") {
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
  const wom::NodeId n = 50000;
  wom::EdgeBuffer edges;
  std::vector<std::vector<wom::NodeId>> lists(n);
  for (std::uint64_t e = 0; e < (std::uint64_t{1} << 21); ++e) {  // above the parallel threshold
    const auto u = static_cast<wom::NodeId>(wom::bounded(wom::draw64(5, e), n));
    const auto v = static_cast<wom::NodeId>(wom::bounded(wom::draw64(6, e), n));
    edges.add(u, v);
    if (u != v) { lists[u].push_back(v); lists[v].push_back(u); }
  }
  wom::EdgeBuffer copy = edges;
  wom::BuildReport report;
  const wom::Graph g = wom::Graph::from_edges(n, std::move(edges), false, &report);
  std::uint64_t stored = 0, kept = 0;
  bool same = true;
  for (wom::NodeId u = 0; u < n; ++u) {
    stored += lists[u].size();
    std::sort(lists[u].begin(), lists[u].end());
    lists[u].erase(std::unique(lists[u].begin(), lists[u].end()), lists[u].end());
    kept += lists[u].size();
    const auto nb = g.out_neighbours(u);
    same = same && std::equal(nb.begin(), nb.end(), lists[u].begin(), lists[u].end());
  }
  CHECK(same);
  CHECK(g.num_arcs() == kept);
  CHECK(report.duplicate_arcs_dropped == (stored - kept) / 2);

  copy.heads[1500000] = n + 3;
  copy.tails[1900000] = n;
  const auto msg = message_of<wom::InputError>([&] { (void)wom::Graph::from_edges(n, std::move(copy), false); });
  CHECK(contains(msg, "edge 1500000 ("));
  CHECK(contains(msg, "beyond N = 50000"));
}

TEST_CASE("graph cache: round trip, corruption detected, loaded by make_network") {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += std::to_string(100 + (i * 7919) % 5003) + " " + std::to_string(100 + (i * 104729) % 4999) + " " +
            std::to_string(i % 9 - 4) + "\n";
  wom::EdgeListOptions o;
  o.directed = true;
  const wom::Graph g = wom::read_edge_list(temp().write("c.txt", text), o);
  REQUIRE(!g.weights().empty());
  REQUIRE(!g.labels().empty());
  const fs::path cache = temp().path() / "c.wgraph";
  wom::write_csr_file(g, cache);
  CHECK(wom::is_csr_file(cache));
  CHECK(!wom::is_csr_file(temp().path() / "c.txt"));
  check_same(wom::read_csr_file(cache), g);
  CHECK(wom::read_csr_file(cache).trust(0) == wom::kTrustOne);

  SUBCASE("make_network reads it as the edge list, checking directedness") {
    wom::NetworkSpec spec;
    spec.generator = "edge_list";
    spec.path = "c.wgraph";
    spec.directed = true;
    check_same(wom::make_network(spec, 1, temp().path()), g);
    spec.directed = false;
    const auto msg = message_of<wom::InputError>([&] { (void)wom::make_network(spec, 1, temp().path()); });
    CHECK(contains(msg, "network.directed = false"));
    CHECK(contains(msg, "c.wgraph holds a directed graph"));
  }
  SUBCASE("truncated") {
    const auto bytes = fs::file_size(cache);
    fs::copy_file(cache, temp().path() / "t.wgraph", fs::copy_options::overwrite_existing);
    fs::resize_file(temp().path() / "t.wgraph", bytes - 64);
    const auto msg = message_of<wom::InputError>([] { (void)wom::read_csr_file(temp().path() / "t.wgraph"); });
    CHECK(contains(msg, "t.wgraph: wom graph file is truncated or corrupt"));
  }
  SUBCASE("one flipped bit in the heads") {
    fs::copy_file(cache, temp().path() / "f.wgraph", fs::copy_options::overwrite_existing);
    std::fstream f(temp().path() / "f.wgraph", std::ios::in | std::ios::out | std::ios::binary);
    const std::streamoff at = 64 + static_cast<std::streamoff>((g.num_nodes() + 1) * 8 + 63) / 64 * 64 + 40;
    f.seekg(at);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 4);
    f.seekp(at);
    f.write(&c, 1);
    f.close();
    const auto msg = message_of<wom::InputError>([] { (void)wom::read_csr_file(temp().path() / "f.wgraph"); });
    CHECK(contains(msg, "f.wgraph: wom graph file is corrupt (checksum mismatch)"));
  }
  SUBCASE("not a graph file") {
    const auto msg = message_of<wom::InputError>([] { (void)wom::read_csr_file(temp().path() / "c.txt"); });
    CHECK(contains(msg, "c.txt: not a wom graph file"));
    const auto missing = message_of<wom::IoError>([] { (void)wom::read_csr_file(temp().path() / "none.wgraph"); });
    CHECK(contains(missing, "none.wgraph: cannot open graph file"));
  }
  SUBCASE("an invalid CSR is refused by from_csr") {
    const auto msg = message_of<wom::InputError>([] {
      (void)wom::Graph::from_csr(3, true, {0, 2, 2, 3}, {2, 1, 0}, {}, {}, "x.wgraph");  // list of 0 descending
    });
    CHECK(contains(msg, "x.wgraph: the neighbour list of agent 0"));
    const auto msg2 = message_of<wom::InputError>(
        [] { (void)wom::Graph::from_csr(3, true, {0, 1, 1}, {1}, {}, {}, "y.wgraph"); });
    CHECK(contains(msg2, "y.wgraph: offsets do not span"));
  }
}
