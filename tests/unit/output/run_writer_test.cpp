// SPDX-License-Identifier: MIT
// write_run: layout, values, attributes, dimension scales, atomicity and error reporting,
// checked by reading the file back with the HDF5 C API (independently of output/hdf5_file).

#include <doctest/doctest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "output/hdf5_file.hpp"
#include "output/run_writer.hpp"
#include "sim/error.hpp"
#include "sim/version.hpp"

namespace fs = std::filesystem;
using namespace wom;

namespace {

/// A fresh folder per test case, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("wom_output_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  [[nodiscard]] std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path)) names.push_back(entry.path().filename());
    return names;
  }
};

/// Redirects stderr (fd 2) to `file` while alive; `text()` stops and returns what was written.
class StderrCapture {
 public:
  explicit StderrCapture(fs::path file) : file_(std::move(file)) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    std::FILE* sink = std::fopen(file_.c_str(), "w");
    ::dup2(::fileno(sink), 2);
    std::fclose(sink);
  }
  ~StderrCapture() {
    restore();
    std::error_code ignored;
    fs::remove(file_, ignored);
  }
  std::string text() {
    restore();
    std::ifstream in(file_);
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  fs::path file_;
  int saved_ = -1;
};

/// Path 0-1-2-3-4-5 (undirected: 10 arcs).
Graph path_graph() {
  EdgeBuffer edges;
  for (NodeId u = 0; u + 1 < 6; ++u) edges.add(u, u + 1);
  return Graph::from_edges(6, std::move(edges), false);
}

/// 2 replicates x 4 steps over 6 agents, internally consistent (check_run_file.py agrees).
RunResult small_result(bool with_agents) {
  RunResult r;
  r.agents = 6;
  r.replicates = 2;
  r.steps = 4;
  r.step_hours = 0.5;
  r.new_adopters = {1, 2, 1, 0, 0, /**/ 1, 0, 0, 0, 0};
  r.cumulative_adopters = {1, 3, 4, 4, 4, /**/ 1, 1, 1, 1, 1};
  r.exposures = {0, 3, 4, 2, 0, /**/ 0, 2, 0, 0, 0};
  r.active_sharers = {0, 1, 2, 1, 0, /**/ 0, 1, 0, 0, 0};
  r.summaries = {
      {.final_adopters = 4, .final_fraction = 4.0 / 6, .peak_step = 1, .peak_adopters = 2,
       .steps_to_50 = 1, .steps_to_90 = 2, .last_step = 3, .exposures = 9},
      {.final_adopters = 1, .final_fraction = 1.0 / 6, .peak_step = -1, .peak_adopters = 0,
       .steps_to_50 = 0, .steps_to_90 = 0, .last_step = 1, .exposures = 2},
  };
  if (with_agents) r.adoption_step = {0, 1, 1, 2, -1, -1, /**/ -1, -1, -1, -1, -1, 0};
  return r;
}

Provenance provenance() {
  Provenance p;
  p.command_line = "wom run demo.toml --set run.steps=4";
  p.scenario_path = "scenarios/demo.toml";
  p.scenario_text = "[run]\nsteps = 4\n# \xc3\xa9t\xc3\xa9\n";  // UTF-8 must survive
  p.overrides = {"run.steps=4", "run.replicates=2"};
  p.model = "independent_cascade";
  p.seed = 18446744073709551557ULL;  // above 2^63: must stay unsigned
  p.threads = 2;
  p.started_utc = "2026-11-25T22:38:43Z";
  p.finished_utc = "2026-11-25T22:38:44Z";
  p.build_seconds = 0.25;
  p.run_seconds = 1.5;
  return p;
}

// ---- readers on the raw C API -------------------------------------------------------------

struct Id {  // minimal closer, kept separate from the code under test
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
  operator hid_t() const { return id; }  // NOLINT: test convenience
};

std::string string_attribute(hid_t location, const char* name) {
  const Id attribute{H5Aopen(location, name, H5P_DEFAULT), H5Aclose};
  REQUIRE(attribute.id >= 0);
  const Id type{H5Aget_type(attribute), H5Tclose};
  CHECK(H5Tis_variable_str(type) > 0);
  CHECK(H5Tget_cset(type) == H5T_CSET_UTF8);
  char* value = nullptr;
  REQUIRE(H5Aread(attribute, type, &value) >= 0);
  std::string text = value;
  H5free_memory(value);
  return text;
}

template <class T>
T numeric_attribute(hid_t location, const char* name, hid_t file_type) {
  const Id attribute{H5Aopen(location, name, H5P_DEFAULT), H5Aclose};
  REQUIRE(attribute.id >= 0);
  const Id type{H5Aget_type(attribute), H5Tclose};
  CHECK(H5Tequal(type, file_type) > 0);
  T value{};
  REQUIRE(H5Aread(attribute, h5::memory_type<T>(), &value) >= 0);
  return value;
}

template <class T>
std::vector<T> as_vector(const ReplicateRows<T>& rows) {
  return {rows.begin(), rows.end()};
}

template <class T>
std::vector<T> read_dataset(hid_t file, const char* path, std::vector<hsize_t> expected_shape) {
  const Id dataset{H5Dopen2(file, path, H5P_DEFAULT), H5Dclose};
  REQUIRE(dataset.id >= 0);
  const Id space{H5Dget_space(dataset), H5Sclose};
  std::vector<hsize_t> shape(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  CHECK(shape == expected_shape);
  const Id type{H5Dget_type(dataset), H5Tclose};
  CHECK(H5Tequal(type, h5::file_type<T>()) > 0);
  std::vector<T> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  REQUIRE(H5Dread(dataset, h5::memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
  return values;
}

bool scale_attached(hid_t file, const char* dataset_path, const char* scale_path, unsigned dim) {
  const Id dataset{H5Dopen2(file, dataset_path, H5P_DEFAULT), H5Dclose};
  const Id scale{H5Dopen2(file, scale_path, H5P_DEFAULT), H5Dclose};
  return H5DSis_scale(scale) > 0 && H5DSis_attached(dataset, scale, dim) > 0;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool python_with_h5py() {
  return std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") == 0;
}

int run_checker(const fs::path& file) {
  const std::string command = "/usr/bin/python3 " WOM_SOURCE_DIR "/tests/integration/check_run_file.py '" +
                              file.string() + "' > '" + file.string() + ".log' 2>&1";
  return std::system(command.c_str());
}

}  // namespace

TEST_CASE("write_run writes the documented layout") {
  TempDir dir;
  const fs::path out = dir.path / "run.h5";
  Graph graph = path_graph();
  graph.set_labels({100, 101, 102, 103, 104, 105});
  const RunResult result = small_result(true);
  write_run(out, result, graph, provenance());
  REQUIRE(dir.entries() == std::vector<std::string>{"run.h5"});  // no temporary left

  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Id file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  REQUIRE(file.id >= 0);

  SUBCASE("root attributes") {
    CHECK(numeric_attribute<std::int32_t>(file, "format_version", H5T_STD_I32LE) == 1);
    CHECK(numeric_attribute<std::int32_t>(file, "complete", H5T_STD_I32LE) == 1);
    CHECK(string_attribute(file, "wom_version") == kVersion);
    CHECK(string_attribute(file, "git_commit") == kGitCommit);
    CHECK(string_attribute(file, "scenario_path") == "scenarios/demo.toml");
    CHECK(string_attribute(file, "scenario") == provenance().scenario_text);
    CHECK(string_attribute(file, "overrides") == "run.steps=4\nrun.replicates=2");
    CHECK(string_attribute(file, "command_line") == provenance().command_line);
    CHECK(string_attribute(file, "model") == "independent_cascade");
    CHECK(numeric_attribute<std::uint64_t>(file, "seed", H5T_STD_U64LE) == 18446744073709551557ULL);
    CHECK(numeric_attribute<std::int32_t>(file, "threads", H5T_STD_I32LE) == 2);
    CHECK(string_attribute(file, "started_utc") == "2026-11-25T22:38:43Z");
    CHECK(string_attribute(file, "finished_utc") == "2026-11-25T22:38:44Z");
    CHECK(numeric_attribute<double>(file, "build_seconds", H5T_IEEE_F64LE) == 0.25);
    CHECK(numeric_attribute<double>(file, "run_seconds", H5T_IEEE_F64LE) == 1.5);
    CHECK(numeric_attribute<std::uint64_t>(file, "agents", H5T_STD_U64LE) == 6);
    CHECK(numeric_attribute<std::uint64_t>(file, "arcs", H5T_STD_U64LE) == 10);
    CHECK(numeric_attribute<std::int32_t>(file, "directed", H5T_STD_I32LE) == 0);
    CHECK(numeric_attribute<std::uint32_t>(file, "replicates", H5T_STD_U32LE) == 2);
    CHECK(numeric_attribute<std::int32_t>(file, "steps", H5T_STD_I32LE) == 4);
    CHECK(numeric_attribute<double>(file, "step_hours", H5T_IEEE_F64LE) == 0.5);
  }

  SUBCASE("series, their scales and storage") {
    CHECK(read_dataset<std::uint64_t>(file, "/series/new_adopters", {2, 5}) == as_vector(result.new_adopters));
    CHECK(read_dataset<std::uint64_t>(file, "/series/cumulative_adopters", {2, 5}) ==
          as_vector(result.cumulative_adopters));
    CHECK(read_dataset<std::uint64_t>(file, "/series/exposures", {2, 5}) == as_vector(result.exposures));
    CHECK(read_dataset<std::uint64_t>(file, "/series/active_sharers", {2, 5}) == as_vector(result.active_sharers));
    CHECK(read_dataset<std::uint32_t>(file, "/series/replicate", {2}) == std::vector<std::uint32_t>{0, 1});
    CHECK(read_dataset<std::int32_t>(file, "/series/step", {5}) == std::vector<std::int32_t>{0, 1, 2, 3, 4});
    CHECK(read_dataset<double>(file, "/series/time_hours", {5}) == std::vector<double>{0, 0.5, 1, 1.5, 2});

    for (const char* name : {"/series/new_adopters", "/series/cumulative_adopters", "/series/exposures",
                             "/series/active_sharers"}) {
      CAPTURE(name);
      CHECK(scale_attached(file, name, "/series/replicate", 0));
      CHECK(scale_attached(file, name, "/series/time_hours", 1));
      CHECK(scale_attached(file, name, "/series/step", 1));
      CHECK_FALSE(scale_attached(file, name, "/series/step", 0));
      const Id dataset{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
      CHECK(string_attribute(dataset, "units") == (std::string(name) == "/series/exposures" ? "arcs" : "agents"));
      CHECK_FALSE(string_attribute(dataset, "long_name").empty());
      char label[32] = {};
      H5DSget_label(dataset, 1, label, sizeof label);
      CHECK(std::string(label) == "step");

      const Id dcpl{H5Dget_create_plist(dataset), H5Pclose};
      REQUIRE(H5Pget_layout(dcpl) == H5D_CHUNKED);
      hsize_t chunk[2] = {};
      CHECK(H5Pget_chunk(dcpl, 2, chunk) == 2);
      CHECK(chunk[0] == 2);  // clamped to the shape
      CHECK(chunk[1] == 5);
      REQUIRE(H5Pget_nfilters(dcpl) == 2);
      unsigned flags = 0;
      std::size_t n_values = 1;
      unsigned level = 0;
      CHECK(H5Pget_filter2(dcpl, 0, &flags, &n_values, &level, 0, nullptr, nullptr) == H5Z_FILTER_SHUFFLE);
      n_values = 1;
      CHECK(H5Pget_filter2(dcpl, 1, &flags, &n_values, &level, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE);
      CHECK(level == 4);
    }
    const Id time{H5Dopen2(file, "/series/time_hours", H5P_DEFAULT), H5Dclose};
    CHECK(string_attribute(time, "units") == "hours");
  }

  SUBCASE("summary table") {
    const Id table{H5Dopen2(file, "/summary/replicates", H5P_DEFAULT), H5Dclose};
    REQUIRE(table.id >= 0);
    const Id type{H5Dget_type(table), H5Tclose};
    REQUIRE(H5Tget_class(type) == H5T_COMPOUND);
    const std::vector<std::pair<std::string, hid_t>> fields = {
        {"replicate", H5T_STD_U32LE},   {"final_adopters", H5T_STD_U64LE}, {"final_fraction", H5T_IEEE_F64LE},
        {"peak_step", H5T_STD_I32LE},   {"peak_adopters", H5T_STD_U64LE},  {"steps_to_50", H5T_STD_I32LE},
        {"steps_to_90", H5T_STD_I32LE}, {"last_step", H5T_STD_I32LE},      {"exposures", H5T_STD_U64LE},
        {"reach", H5T_STD_U64LE},       {"spend_cents", H5T_STD_I64LE},    {"money_cents", H5T_STD_I64LE},
        {"money_24h_cents", H5T_STD_I64LE}, {"donors", H5T_STD_U64LE},     {"goal_step", H5T_STD_I32LE}};
    REQUIRE(H5Tget_nmembers(type) == static_cast<int>(fields.size()));
    std::size_t packed = 0;
    for (unsigned i = 0; i < fields.size(); ++i) {
      char* name = H5Tget_member_name(type, i);
      CHECK(std::string(name) == fields[i].first);
      H5free_memory(name);
      const Id member{H5Tget_member_type(type, i), H5Tclose};
      CHECK(H5Tequal(member, fields[i].second) > 0);
      CHECK(H5Tget_member_offset(type, i) == packed);  // no padding on disk
      packed += H5Tget_size(fields[i].second);
    }
    CHECK(H5Tget_size(type) == packed);

    struct Row {
      std::uint32_t replicate;
      std::int32_t peak_step, steps_to_50, steps_to_90, last_step;
      double final_fraction;
      std::uint64_t final_adopters, peak_adopters, exposures;
    };
    const Id memory{H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose};
    H5Tinsert(memory, "replicate", offsetof(Row, replicate), H5T_NATIVE_UINT32);
    H5Tinsert(memory, "peak_step", offsetof(Row, peak_step), H5T_NATIVE_INT32);
    H5Tinsert(memory, "steps_to_50", offsetof(Row, steps_to_50), H5T_NATIVE_INT32);
    H5Tinsert(memory, "steps_to_90", offsetof(Row, steps_to_90), H5T_NATIVE_INT32);
    H5Tinsert(memory, "last_step", offsetof(Row, last_step), H5T_NATIVE_INT32);
    H5Tinsert(memory, "final_fraction", offsetof(Row, final_fraction), H5T_NATIVE_DOUBLE);
    H5Tinsert(memory, "final_adopters", offsetof(Row, final_adopters), H5T_NATIVE_UINT64);
    H5Tinsert(memory, "peak_adopters", offsetof(Row, peak_adopters), H5T_NATIVE_UINT64);
    H5Tinsert(memory, "exposures", offsetof(Row, exposures), H5T_NATIVE_UINT64);
    Row rows[2] = {};
    REQUIRE(H5Dread(table, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    for (std::uint32_t r = 0; r < 2; ++r) {
      CAPTURE(r);
      const ReplicateSummary& s = result.summaries[r];
      CHECK(rows[r].replicate == r);
      CHECK(rows[r].final_adopters == s.final_adopters);
      CHECK(rows[r].final_fraction == s.final_fraction);
      CHECK(rows[r].peak_step == s.peak_step);
      CHECK(rows[r].peak_adopters == s.peak_adopters);
      CHECK(rows[r].steps_to_50 == s.steps_to_50);
      CHECK(rows[r].steps_to_90 == s.steps_to_90);
      CHECK(rows[r].last_step == s.last_step);
      CHECK(rows[r].exposures == s.exposures);
    }
  }

  SUBCASE("per-agent data") {
    CHECK(read_dataset<std::int32_t>(file, "/agents/adoption_step", {2, 6}) == result.adoption_step);
    CHECK(read_dataset<std::uint64_t>(file, "/agents/label", {6}) ==
          std::vector<std::uint64_t>{100, 101, 102, 103, 104, 105});
    CHECK(scale_attached(file, "/agents/adoption_step", "/series/replicate", 0));
    CHECK(scale_attached(file, "/agents/adoption_step", "/agents/label", 1));
  }
}

TEST_CASE("write_run: per-agent data only when recorded; labels default to identity") {
  TempDir dir;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  write_run(dir.path / "plain.h5", small_result(false), path_graph(), provenance());
  write_run(dir.path / "agents.h5", small_result(true), path_graph(), provenance());
  {
    const Id file{H5Fopen((dir.path / "plain.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    CHECK(H5Lexists(file, "/agents", H5P_DEFAULT) == 0);
    CHECK(H5Lexists(file, "/summary/replicates", H5P_DEFAULT) > 0);
  }
  const Id file{H5Fopen((dir.path / "agents.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  CHECK(read_dataset<std::uint64_t>(file, "/agents/label", {6}) ==
        std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("write_run is deterministic: the same inputs give the same bytes") {
  TempDir dir;
  write_run(dir.path / "a.h5", small_result(true), path_graph(), provenance());
  write_run(dir.path / "b.h5", small_result(true), path_graph(), provenance());
  const std::string a = read_bytes(dir.path / "a.h5");
  CHECK_FALSE(a.empty());
  CHECK(a == read_bytes(dir.path / "b.h5"));
}

TEST_CASE("write_run replaces an existing file and stores large attributes") {
  TempDir dir;
  const fs::path out = dir.path / "run.h5";
  { std::ofstream(out) << "old"; }
  Provenance p = provenance();
  p.scenario_text = std::string(200'000, 'x');  // beyond HDF5's 64 KiB compact-attribute limit
  write_run(out, small_result(false), path_graph(), p);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Id file{H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  REQUIRE(file.id >= 0);
  CHECK(string_attribute(file, "scenario") == p.scenario_text);
}

TEST_CASE("write_run failures: IoError, nothing left behind, nothing on stderr") {
  TempDir dir;
  const Graph graph = path_graph();
  const RunResult result = small_result(true);

  SUBCASE("missing folder") {
    const fs::path out = dir.path / "no" / "such" / "run.h5";
    CHECK_THROWS_WITH_AS(write_run(out, result, graph, provenance()),
                         doctest::Contains((dir.path / "no" / "such").string().c_str()), IoError);
    CHECK(dir.entries().empty());
  }

  SUBCASE("target is a folder: the rename fails and the temporary is removed") {
    fs::create_directory(dir.path / "run.h5");
    fs::path marker = dir.path / "run.h5" / "keep";
    { std::ofstream(marker) << "x"; }
    StderrCapture capture(dir.path.parent_path() / (dir.path.filename().string() + ".stderr"));
    CHECK_THROWS_WITH_AS(write_run(dir.path / "run.h5", result, graph, provenance()),
                         doctest::Contains("cannot rename"), IoError);
    CHECK(capture.text().empty());
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
    CHECK(fs::exists(marker));
  }

  SUBCASE("HDF5 failure: message names the file, HDF5 prints nothing, others' files stay") {
    const fs::path out = dir.path / "run.h5";
    const fs::path stale = dir.path / ("run.h5.partial-" + std::to_string(::getpid()));
    { std::ofstream(stale) << "not ours"; }
    const fs::path log = dir.path.parent_path() / (dir.path.filename().string() + ".stderr");
    StderrCapture capture(log);
    std::string message;
    try {
      write_run(out, result, graph, provenance());
    } catch (const IoError& e) {
      message = e.what();
    }
    const std::string printed = capture.text();
    CHECK(printed.empty());
    CHECK(message.find(stale.string()) != std::string::npos);
    CHECK(message.find("File exists") != std::string::npos);
    CHECK(read_bytes(stale) == "not ours");
    CHECK_FALSE(fs::exists(out));
  }

  SUBCASE("inconsistent RunResult is refused before anything is created") {
    RunResult bad = result;
    bad.exposures.pop_back();
    CHECK_THROWS_WITH_AS(write_run(dir.path / "run.h5", bad, graph, provenance()),
                         doctest::Contains("exposures"), Error);
    CHECK(dir.entries().empty());
  }
}

TEST_CASE("h5 layer: errors name the object, not just the file") {
  TempDir dir;
  h5::File file = h5::File::create_exclusive(dir.path / "x.h5");
  h5::Group group = file.create_group("g");
  CHECK_THROWS_WITH_AS(file.create_group("g"), doctest::Contains("group /g"), IoError);
  const std::vector<int> values = {1, 2, 3};
  const hsize_t shape[] = {2, 2};
  CHECK_THROWS_WITH_AS(group.write_dataset<int>("d", shape, values), doctest::Contains("/g/d"), IoError);
  // Closing with an object still open is refused with HDF5's reason, not done silently.
  CHECK_THROWS_WITH_AS(file.close(), doctest::Contains("objects still open"), IoError);
}

TEST_CASE("utc_now is ISO 8601 UTC to the second") {
  const std::string now = utc_now();
  REQUIRE(now.size() == 20);
  CHECK(now[4] == '-');
  CHECK(now[10] == 'T');
  CHECK(now[19] == 'Z');
}

TEST_CASE("check_run_file.py accepts a written file and rejects an inconsistent one") {
  if (!python_with_h5py()) {
    MESSAGE("skipped: /usr/bin/python3 with h5py and numpy not available");
    return;
  }
  TempDir dir;
  write_run(dir.path / "good.h5", small_result(true), path_graph(), provenance());
  CHECK(run_checker(dir.path / "good.h5") == 0);

  RunResult wrong = small_result(true);
  wrong.summaries[0].final_adopters = 5;  // disagrees with cumulative_adopters
  write_run(dir.path / "bad.h5", wrong, path_graph(), provenance());
  CHECK(run_checker(dir.path / "bad.h5") != 0);
  std::ifstream log(dir.path / "bad.h5.log");
  const std::string text{std::istreambuf_iterator<char>(log), {}};
  CHECK(text.find("final_adopters") != std::string::npos);
}
