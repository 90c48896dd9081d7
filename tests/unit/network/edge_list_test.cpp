// SPDX-License-Identifier: MIT
// The edge-list reader against the real data sets in shared/data (counts from its
// SOURCES.md) and against malformed files written to a temporary folder.
#include <doctest/doctest.h>

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "sim/error.hpp"
#include "sim/network/edge_list.hpp"

namespace fs = std::filesystem;

namespace {

fs::path data(const char* name) { return fs::path(WOM_DATA_DIR) / name; }

wom::EdgeListOptions directed(bool d, bool weights = true) {
  wom::EdgeListOptions o;
  o.directed = d;
  o.read_weights = weights;
  return o;
}

/// A fresh folder per test binary run, removed at exit.
class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("wom_edge_list_test_" + std::to_string(::getpid()))) {
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
  fs::path write_gz(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    gzFile f = gzopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, content.data(), static_cast<unsigned>(content.size())) == static_cast<int>(content.size()));
    REQUIRE(gzclose(f) == Z_OK);
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

/// The message of the exception of type E that f throws ("" if none, failing the check).
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

}  // namespace

TEST_CASE("facebook_combined.txt: undirected, 4,039 agents, 88,234 edges") {
  wom::BuildReport report;
  const auto g = wom::read_edge_list(data("facebook_combined.txt"), directed(false), &report);
  CHECK(g.num_nodes() == 4039);
  CHECK(g.num_arcs() == 2 * 88234);
  CHECK_FALSE(g.directed());
  CHECK(report.self_loops_dropped == 0);
  CHECK(report.duplicate_arcs_dropped == 0);
  CHECK(g.weights().empty());
  // Ids 0..4038: whatever the order of first appearance, the labels are exactly those ids.
  std::vector<std::uint64_t> labels(g.num_nodes());
  for (wom::NodeId u = 0; u < g.num_nodes(); ++u) labels[u] = g.label(u);
  std::sort(labels.begin(), labels.end());
  std::vector<std::uint64_t> expect(4039);
  std::iota(expect.begin(), expect.end(), 0);
  CHECK(labels == expect);
}

TEST_CASE("wiki-Vote.txt: directed, tab separated, CRLF, non-contiguous ids") {
  const auto g = wom::read_edge_list(data("wiki-Vote.txt"), directed(true));
  CHECK(g.num_nodes() == 7115);
  CHECK(g.num_arcs() == 103689);
  CHECK(g.directed());
  // First edge line is "30<TAB>1412", then "30<TAB>3352".
  CHECK(g.label(0) == 30);
  CHECK(g.label(1) == 1412);
  CHECK(g.label(2) == 3352);
  const auto nb = g.out_neighbours(0);
  CHECK(std::find(nb.begin(), nb.end(), wom::NodeId{1}) != nb.end());
  CHECK(*std::max_element(g.labels().begin(), g.labels().end()) == 8297);
  CHECK(*std::min_element(g.labels().begin(), g.labels().end()) == 3);
}

TEST_CASE("email-Eu-core.txt.gz: gzip, directed, 642 self-loops dropped") {
  wom::BuildReport report;
  const auto g = wom::read_edge_list(data("email-Eu-core.txt.gz"), directed(true), &report);
  CHECK(g.num_nodes() == 1005);
  CHECK(g.num_arcs() == 25571 - 642);
  CHECK(report.self_loops_dropped == 642);
  CHECK(report.duplicate_arcs_dropped == 0);
}

TEST_CASE("soc-sign-bitcoinotc.csv: comma separated, signed weights, timestamp ignored") {
  const auto g = wom::read_edge_list(data("soc-sign-bitcoinotc.csv"), directed(true));
  CHECK(g.num_nodes() == 5881);
  CHECK(g.num_arcs() == 35592);
  CHECK(g.label(0) == 6);
  CHECK(g.label(1) == 2);
  REQUIRE(g.weights().size() == 35592);
  const auto& w = g.weights();
  CHECK(*std::min_element(w.begin(), w.end()) == -10.0f);
  CHECK(*std::max_element(w.begin(), w.end()) == 10.0f);
  CHECK(std::count_if(w.begin(), w.end(), [](float x) { return x > 0; }) == 32029);
  CHECK(std::count_if(w.begin(), w.end(), [](float x) { return x < 0; }) == 3563);
  CHECK(std::all_of(w.begin(), w.end(), [](float x) { return x == std::round(x); }));
  // Arc 6 -> 2 has rating 4 (first line).
  CHECK(g.head(g.arc_begin(0)) == 1);
  CHECK(w[g.arc_begin(0)] == 4.0f);
  CHECK(wom::read_edge_list(data("soc-sign-bitcoinotc.csv"), directed(true, false)).weights().empty());
}

TEST_CASE("karate.txt: 34 agents, 78 weighted edges") {
  const auto g = wom::read_edge_list(data("karate.txt"), directed(false));
  CHECK(g.num_nodes() == 34);
  CHECK(g.num_arcs() == 156);
  REQUIRE(g.weights().size() == 156);
  // "0 1 4": both arcs carry weight 4.
  CHECK(g.head(g.arc_begin(0)) == 1);
  CHECK(g.weights()[g.arc_begin(0)] == 4.0f);
  CHECK(g.weights()[g.arc_begin(1)] == 4.0f);
}

TEST_CASE("format details: separators, comments, blank lines, last line without newline, big ids") {
  const auto p = temp().write("mixed.txt",
                              "% a comment\n"
                              "\n"
                              "  # indented comment\r\n"
                              "18446744073709551615, 1000000000000\t7 99 extra\r\n"
                              "1000000000000 5\t\t8\n"
                              "   \t\n"
                              "5,18446744073709551615,-2.5");
  const auto g = wom::read_edge_list(p, directed(true));
  CHECK(g.num_nodes() == 3);
  CHECK(g.num_arcs() == 3);
  CHECK(g.label(0) == 18446744073709551615ull);
  CHECK(g.label(1) == 1000000000000ull);
  CHECK(g.label(2) == 5);
  REQUIRE(g.weights().size() == 3);
  CHECK(g.weights()[g.arc_begin(2)] == -2.5f);
}

TEST_CASE("lines spanning read blocks and a line longer than a block") {
  // ~8 MB of edges (over the 4 MiB block) behind a 5 MB comment line.
  std::string text = "#" + std::string(5 << 20, 'x') + "\n";
  const wom::NodeId n = 600000;
  for (wom::NodeId i = 0; i + 1 < n; ++i) text += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  const auto g = wom::read_edge_list(temp().write("long.txt", text), directed(true));
  CHECK(g.num_nodes() == n);
  CHECK(g.num_arcs() == n - 1);
  CHECK(g.labels().empty());  // ids 0..n-1 in order: identity
  bool chain = true;
  for (wom::NodeId i = 0; i + 1 < n; ++i) chain = chain && g.out_degree(i) == 1 && g.head(g.arc_begin(i)) == i + 1;
  CHECK(chain);
}

TEST_CASE("gzip round trip equals the plain file") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i * 7919 % 3001) + " " + std::to_string(i * 104729 % 2999) + "\n";
  const auto plain = wom::read_edge_list(temp().write("rt.txt", text), directed(false));
  const auto gz = wom::read_edge_list(temp().write_gz("rt.txt.gz", text), directed(false));
  CHECK(plain.offsets() == gz.offsets());
  CHECK(plain.heads() == gz.heads());
  CHECK(plain.labels() == gz.labels());
}

TEST_CASE("malformed input is an InputError naming file and line") {
  SUBCASE("non-numeric id") {
    const auto msg = message_of<wom::InputError>(
        [] { wom::read_edge_list(temp().write("alpha.txt", "# c\n1 2\nalice bob\n"), directed(false)); });
    CHECK(contains(msg, "alpha.txt:3: expected an unsigned integer agent id, found 'alice bob'"));
  }
  SUBCASE("negative id") {
    const auto msg =
        message_of<wom::InputError>([] { wom::read_edge_list(temp().write("neg.txt", "1 -2\n"), directed(false)); });
    CHECK(contains(msg, "neg.txt:1: expected an unsigned integer agent id"));
  }
  SUBCASE("id beyond 2^64") {
    const auto msg = message_of<wom::InputError>(
        [] { wom::read_edge_list(temp().write("huge.txt", "18446744073709551616 1\n"), directed(false)); });
    CHECK(contains(msg, "huge.txt:1:"));
    CHECK(contains(msg, "2^64"));
  }
  SUBCASE("missing head") {
    const auto msg = message_of<wom::InputError>(
        [] { wom::read_edge_list(temp().write("head.txt", "1 2\n3\n"), directed(false)); });
    CHECK(contains(msg, "head.txt:2: expected two agent ids"));
    CHECK(contains(msg, "'3'"));
  }
  SUBCASE("weight on some lines only") {
    const auto msg = message_of<wom::InputError>(
        [] { wom::read_edge_list(temp().write("partial.txt", "#h\n1 2 0.5\n2 3 1\n3 4\n"), directed(false)); });
    CHECK(contains(msg, "partial.txt:4:"));
    CHECK(contains(msg, "line 2"));
    const auto msg2 = message_of<wom::InputError>(
        [] { wom::read_edge_list(temp().write("partial2.txt", "1 2\n2 3 1\n"), directed(false)); });
    CHECK(contains(msg2, "partial2.txt:2:"));
    // Without weights the third column is not looked at.
    CHECK(wom::read_edge_list(temp().path() / "partial.txt", directed(false, false)).num_arcs() == 6);
  }
  SUBCASE("non-numeric weight") {
    const auto msg = message_of<wom::InputError>(
        [] { wom::read_edge_list(temp().write("w.txt", "1 2 high\n"), directed(false)); });
    CHECK(contains(msg, "w.txt:1: expected a finite number as weight"));
  }
  SUBCASE("long offending line is quoted truncated") {
    const std::string line = "x" + std::string(200, 'y');
    const auto msg = message_of<wom::InputError>(
        [&] { wom::read_edge_list(temp().write("longbad.txt", line + "\n"), directed(false)); });
    std::string quoted(1, '\'');  // built stepwise: GCC 12 -Wrestrict misfires on "'" + str
    quoted += line.substr(0, 80);
    quoted += "...'";
    CHECK(contains(msg, quoted));
  }
  SUBCASE("empty file and comments only") {
    const auto msg =
        message_of<wom::InputError>([] { wom::read_edge_list(temp().write("empty.txt", ""), directed(false)); });
    CHECK(contains(msg, "empty.txt: no edges"));
    const auto msg2 = message_of<wom::InputError>(
        [] { wom::read_edge_list(temp().write("comments.txt", "# nothing\n\n% here\n"), directed(false)); });
    CHECK(contains(msg2, "comments.txt: no edges"));
  }
}

TEST_CASE("I/O failures are IoErrors naming the file") {
  SUBCASE("missing file") {
    const auto missing = temp().path() / "does_not_exist.txt";
    const auto msg = message_of<wom::IoError>([&] { wom::read_edge_list(missing, directed(false)); });
    CHECK(contains(msg, missing.string()));
    CHECK(contains(message_of<wom::IoError>([&] { wom::read_edge_list(temp().path() / "nope.gz", directed(false)); }),
                   "nope.gz"));
  }
  SUBCASE("truncated gzip") {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += std::to_string(i) + " " + std::to_string((i * 31) % 20000) + "\n";
    const auto p = temp().write_gz("cut.txt.gz", text);
    fs::resize_file(p, fs::file_size(p) / 2);
    const auto msg = message_of<wom::IoError>([&] { wom::read_edge_list(p, directed(false)); });
    CHECK(contains(msg, "cut.txt.gz: truncated or corrupt gzip stream"));
    // Cut just before the 8-byte trailer (CRC, length): all data decodes, the end is missing.
    const auto p2 = temp().write_gz("trailer.txt.gz", text);
    fs::resize_file(p2, fs::file_size(p2) - 4);
    CHECK(contains(message_of<wom::IoError>([&] { wom::read_edge_list(p2, directed(false)); }), "trailer.txt.gz"));
  }
  SUBCASE(".gz that is not gzip") {
    const auto p = temp().write("plain.txt.gz", "1 2\n");
    CHECK(contains(message_of<wom::IoError>([&] { wom::read_edge_list(p, directed(false)); }), "plain.txt.gz"));
  }
}
