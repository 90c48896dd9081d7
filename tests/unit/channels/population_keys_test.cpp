// SPDX-License-Identifier: MIT
// The scenario keys of agents' traits, group targeting and the referral tree: what loads, and
// the messages (file:line:column or file:line, key) for what does not.

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "scenarios/pipeline.hpp"
#include "scenarios/scenario.hpp"
#include "sim/error.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kNetwork = R"([network]
generator = "sbm"
block_sizes = [30, 70]
p_in = 0.1
p_out = 0.01

[[channel]]
type = "seed"
)";

std::string error_of(const std::string& text, const fs::path& path = "s.toml") {
  try {
    wom::PreparedScenario prepared(wom::parse_scenario(text, path));
  } catch (const wom::Error& e) {
    return e.what();
  }
  FAIL("the scenario loaded, but an error was expected");
  return "";
}

}  // namespace

TEST_CASE("agents' traits load, and are refused with models that do not read them") {
  const std::string traits = "[population]\nactivity = { dist = \"beta\", alpha = 1, beta = 2 }\nactivity_cycle = 0.5\n";
  const wom::Scenario s =
      wom::parse_scenario(kNetwork + "[model]\nname = \"linear_threshold\"\n" + traits, "s.toml");
  CHECK(s.population.activity.kind == wom::Distribution::Kind::kBeta);
  CHECK(s.population.activity_cycle == 0.5);
  CHECK(error_of(kNetwork + "[model]\nname = \"bass\"\n" + traits) ==
        "s.toml:12:12: population.activity: susceptibility and activity are modelled by independent_cascade and "
        "linear_threshold; model 'bass' does not read them");
  CHECK(error_of(kNetwork + "[model]\nname = \"independent_cascade\"\n[population]\nsusceptibility = 1.5\n")
            .find("population.susceptibility") != std::string::npos);
}

TEST_CASE("group targeting: sbm blocks, a group file, and its errors") {
  const std::string model = "[model]\nname = \"independent_cascade\"\n";
  const std::string ad = "[[channel]]\ntype = \"sponsored\"\nbudget = 10\ntargeting = \"group\"\ngroup = ";
  wom::PreparedScenario ok(wom::parse_scenario(kNetwork + model + ad + "1\n", "s.toml"));
  CHECK(error_of(kNetwork + model + ad + "2\n") ==
        "s.toml:15:9: channel.1.group: expected a block of [network] (0 to 1), found 2");
  CHECK(error_of("[network]\ngenerator = \"complete\"\nn = 10\n[[channel]]\ntype = \"seed\"\n" + model + ad + "0\n")
            .find("channel.1.targeting: targeting 'group' needs groups") != std::string::npos);

  const fs::path dir = fs::temp_directory_path() / "wom_population_keys_test";
  fs::create_directories(dir);
  {
    std::ofstream(dir / "groups.txt") << "# agent group\n0 4\n5 4\n";
    std::ofstream(dir / "bad.txt") << "0 4\n7\n";
    std::ofstream(dir / "unknown.txt") << "0 4\n500 1\n";
  }
  const std::string with_file = kNetwork + model + "[population]\ngroups = \"FILE\"\n" + ad + "4\n";
  const auto using_file = [&](const std::string& name) {
    std::string text = with_file;
    text.replace(text.find("FILE"), 4, name);
    return text;
  };
  wom::PreparedScenario from_file(wom::parse_scenario(using_file("groups.txt"), dir / "s.toml"));
  CHECK(error_of(using_file("bad.txt"), dir / "s.toml") ==
        (dir / "bad.txt").string() + ":2: population.groups: expected two columns `agent group`, found one");
  CHECK(error_of(using_file("unknown.txt"), dir / "s.toml") ==
        (dir / "unknown.txt").string() + ":2: population.groups: agent 500 is not in the network");
  CHECK(error_of(using_file("missing.txt"), dir / "s.toml").find("population.groups: cannot read") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("[output] referral_tree asks the run for the tree") {
  const wom::Scenario s = wom::parse_scenario(
      kNetwork + "[model]\nname = \"independent_cascade\"\n[output]\nreferral_tree = true\n", "s.toml");
  const wom::PreparedScenario prepared(s);
  CHECK(prepared.engine_options().record_referral_tree);
  CHECK(prepared.engine_options().in_arcs != nullptr);
  const wom::RunResult r = prepared.simulate();
  CHECK(r.cascades.size() == 1);
  CHECK(r.referral_tree.at(0).size() == r.summaries[0].final_adopters);
}
