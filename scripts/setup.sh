#!/usr/bin/env bash
# Installs wom's build and test dependencies from Debian 12 packages, then configures and
# builds in ./build (Release). Run as root (or with sudo) from anywhere in the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  libtbb-dev libboost-random-dev libhdf5-dev hdf5-tools zlib1g-dev
  doctest-dev libtomlplusplus-dev libcli11-dev libbenchmark-dev
  python3 python3-h5py python3-numpy
  python3-pandas python3-matplotlib python3-xarray python3-h5netcdf python3-netcdf4
  libopenmpi-dev openmpi-bin
  python3-igraph libigraph3
  clang-16 llvm-16 libclang-rt-16-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
