#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Installs wom into a temporary prefix and uses it the way a researcher's project would.

usage: install_test.py CMAKE BUILD_DIR SOURCE_DIR GENERATOR CXX_COMPILER WOM_BINARY

1. `cmake --install BUILD_DIR --prefix P`: the executable, libraries, headers, CMake package
   and Python module land where cmake/WomInstall.cmake says;
2. tests/install/consumer (find_package(wom), wom::scenarios, wom::output) configures and
   builds against P, runs a scenario and writes a run file whose datasets are identical
   to `wom run`'s for the same scenario;
3. the installed P/bin/wom finds its Python module in P/share/wom/python (`wom plot`).
"""
import glob
import os
import subprocess
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from h5contents import datasets  # noqa: E402

CMAKE, BUILD, SRC, GENERATOR, CXX, WOM = sys.argv[1:7]
SCENARIO = os.path.join(SRC, "scenarios", "examples", "ic_karate.toml")


def run(*args, env=None, cwd=None):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env, cwd=cwd)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}\nstdout:\n{p.stdout[-4000:]}\nstderr:\n{p.stderr[-4000:]}")
    return p




def main():
    with tempfile.TemporaryDirectory() as d:
        prefix = os.path.join(d, "prefix")
        run(CMAKE, "--install", BUILD, "--prefix", prefix)
        expected = ["bin/wom", "include/wom/scenarios/pipeline.hpp", "include/wom/sim/engine.hpp",
                    "include/wom/sim/version.hpp", "include/wom/output/run_writer.hpp",
                    "include/wom/models/registry.hpp", "share/wom/python/wom_plot.py",
                    "share/wom/python/wom_frames.py", "share/wom/python/wom_reader.py", "share/doc/wom/README.md"]
        missing = [p for p in expected if not os.path.exists(os.path.join(prefix, p))]
        assert not missing, f"not installed: {missing}"
        for lib in ("sim", "models", "output", "scenarios"):
            assert glob.glob(os.path.join(prefix, "lib*", f"libwom_{lib}.a")), lib
        config = glob.glob(os.path.join(prefix, "lib*", "cmake", "wom", "womConfig.cmake"))
        assert config and os.path.exists(config[0].replace("womConfig.cmake", "womConfigVersion.cmake"))
        targets = open(config[0].replace("womConfig.cmake", "womTargets.cmake")).read()
        for name in ("wom::sim", "wom::models", "wom::output", "wom::scenarios"):
            assert f"add_library({name} STATIC IMPORTED)" in targets, name
        assert SRC not in targets and BUILD not in targets, "build-tree paths leaked into the package"

        build = os.path.join(d, "consumer-build")
        run(CMAKE, "-S", os.path.join(SRC, "tests", "install", "consumer"), "-B", build, "-G", GENERATOR,
            f"-DCMAKE_CXX_COMPILER={CXX}", "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={prefix}")
        run(CMAKE, "--build", build)
        consumer = os.path.join(build, "consumer")
        mine = os.path.join(d, "consumer.h5")
        p = run(consumer, SCENARIO, mine)
        assert "34 agents, 1000 replicates, mean final adopters" in p.stdout, p.stdout
        reference = os.path.join(d, "wom.h5")
        run(WOM, "run", SCENARIO, "-o", reference, "--quiet")
        a, b = datasets(mine), datasets(reference)
        assert a.keys() == b.keys(), (sorted(a), sorted(b))
        for name in a:
            assert a[name] == b[name], f"dataset {name} differs between the library and `wom run`"
        bad = subprocess.run([consumer, os.path.join(d, "missing.toml")], capture_output=True, text=True)
        assert bad.returncode == 2 and "error:" in bad.stderr, (bad.returncode, bad.stderr)

        # The installed wom finds share/wom/python: mark the installed module to be sure it
        # is the one that runs (the source tree's would do too otherwise).
        installed = os.path.join(prefix, "share", "wom", "python", "wom_plot.py")
        with open(installed) as f:
            code = f.read()
        with open(installed, "w") as f:
            f.write(code.replace('\nif __name__ == "__main__":', '\nprint("installed wom_plot.py")\nif __name__ == "__main__":'))
        env = {k: v for k, v in os.environ.items() if k not in ("WOM_PYTHON_DIR", "WOM_PYTHON")}
        fig = os.path.join(d, "fig.png")
        p = run(os.path.join(prefix, "bin", "wom"), "plot", reference, "-o", fig, env=env)
        assert "installed wom_plot.py" in p.stdout and os.path.getsize(fig) > 10_000, p.stdout
    print("install_consumer: ok")


if __name__ == "__main__":
    main()
