// SPDX-License-Identifier: MIT
// `wom plot FILE.h5... -o FIG.png`: figures drawn by wom's Python module (python/wom_plot.py,
// matplotlib), run with /usr/bin/python3. This command only finds the module and the
// interpreter and passes the options on; the figures themselves are defined in Python.
//
// Where the module is looked for, first match wins:
//   1. $WOM_PYTHON_DIR;
//   2. <folder of the wom executable>/../share/wom/python (an installed wom);
//   3. the source tree's python/ folder (a wom in its build tree; baked in at build time).
// The interpreter is $WOM_PYTHON, else /usr/bin/python3.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "cli/command.hpp"
#include "sim/error.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace wom::cli {
namespace plot_command {

constexpr const char* kScript = "wom_plot.py";

struct Options {
  std::vector<std::string> files;
  std::string output;
  std::string kind = "auto";
  std::string metric;
  std::string x, y;
  std::string band = "ci";
  std::string title;
  std::vector<std::string> labels;
  int dpi = 150;
};

/// The folder holding wom_plot.py (see the file comment). @throws IoError if none does.
fs::path python_module_dir() {
  std::vector<fs::path> tried;
  std::error_code error;
  if (const char* env = std::getenv("WOM_PYTHON_DIR"); env != nullptr && *env != '\0') {
    if (fs::is_regular_file(fs::path(env) / kScript, error)) return env;
    throw IoError(std::string("WOM_PYTHON_DIR='") + env + "' holds no " + kScript);
  }
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "wom" / "python";
    if (fs::is_regular_file(installed / kScript, error)) return installed;
    tried.push_back(installed);
  }
#ifdef WOM_SOURCE_PYTHON_DIR
  const fs::path source(WOM_SOURCE_PYTHON_DIR);
  if (fs::is_regular_file(source / kScript, error)) return source;
  tried.push_back(source);
#endif
  std::string where;
  for (const auto& t : tried) {
    if (!where.empty()) where += ", ";
    where += t.string();
  }
  throw IoError(std::string("cannot find wom's Python module ") + kScript + " (looked in " + where +
                "); set WOM_PYTHON_DIR to the folder holding it");
}

/// Runs argv[0] with argv, waits, and returns its exit status (1 if it died of a signal).
int spawn_and_wait(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int failed = ::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (failed != 0) throw IoError("cannot run '" + args[0] + "': " + std::strerror(failed) +
                                 " (wom plot needs Python 3 with h5py, numpy, pandas and matplotlib)");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw IoError(std::string("waiting for the plotting process: ") + std::strerror(errno));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int run(const Options& o) {
  const fs::path out(o.output);
  const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(folder, error)) throw InputError(o.output + ": output folder '" + folder.string() + "' does not exist");
  for (const std::string& f : o.files)
    if (!fs::is_regular_file(f, error)) throw InputError(f + ": no such file");

  const char* python_env = std::getenv("WOM_PYTHON");
  const std::string python = python_env != nullptr && *python_env != '\0' ? python_env : "/usr/bin/python3";
  std::vector<std::string> args = {python, (python_module_dir() / kScript).string()};
  args.insert(args.end(), o.files.begin(), o.files.end());
  args.insert(args.end(), {"-o", o.output, "--kind", o.kind, "--band", o.band, "--dpi", std::to_string(o.dpi)});
  if (!o.metric.empty()) args.insert(args.end(), {"--metric", o.metric});
  if (!o.x.empty()) args.insert(args.end(), {"--x", o.x});
  if (!o.y.empty()) args.insert(args.end(), {"--y", o.y});
  if (!o.title.empty()) args.insert(args.end(), {"--title", o.title});
  for (const std::string& l : o.labels) args.insert(args.end(), {"--label", l});
  ::setenv("PYTHONDONTWRITEBYTECODE", "1", 1);  // keep the module's folder free of __pycache__
  const int status = spawn_and_wait(args);
  return status == 0 || status == 2 ? status : 1;  // 2: the script found the input at fault
}

}  // namespace plot_command

Command add_plot_command(CLI::App& wom, Invocation&) {
  auto o = std::make_shared<plot_command::Options>();
  CLI::App* app = wom.add_subcommand(
      "plot", "Draw a result file: adoption curves (by channel) with 95% bands, money raised, sweep heat maps");
  app->add_option("files", o->files, "Result file(s) (HDF5); several run files are compared on one figure")
      ->required();
  app->add_option("-o,--output", o->output, "Figure file; the format follows its extension (.png, .pdf, .svg)")
      ->required();
  app->add_option("--kind", o->kind, "Which figure: auto (every panel the data allow), adoption, money, heatmap")
      ->check(CLI::IsMember({"auto", "adoption", "money", "heatmap"}));
  app->add_option("--metric", o->metric, "Heat map: summary metric to colour by (default final_fraction)");
  app->add_option("--x", o->x, "Heat map: swept parameter on the x axis (default: the first)");
  app->add_option("--y", o->y, "Heat map: swept parameter on the y axis (default: the second)");
  app->add_option("--band", o->band, "Band around the mean: ci (95% confidence interval of the mean) or range "
                                     "(2.5-97.5 percentiles of the replicates)")
      ->check(CLI::IsMember({"ci", "range"}));
  app->add_option("--title", o->title, "Figure title (default: from the scenario)");
  app->add_option("--label", o->labels, "Legend label of each file, in order (default: the file names)");
  app->add_option("--dpi", o->dpi, "Resolution of raster formats")->check(CLI::Range(30, 1200));
  app->footer("The figures are drawn by wom's Python module wom_plot.py (python/ in the source tree, "
              "share/wom/python when installed) with /usr/bin/python3 and Debian's python3-h5py, "
              "python3-numpy, python3-pandas, python3-matplotlib. WOM_PYTHON_DIR names another folder "
              "holding the module, WOM_PYTHON another interpreter.");
  return {app, [o](const Invocation&) { return plot_command::run(*o); }};
}

}  // namespace wom::cli
