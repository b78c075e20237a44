#!/usr/bin/env bash
# Builds sweep on a GPU machine whose LibTorch is a pip torch wheel with CUDA,
# whose NCCL is the nvidia-nccl wheel, and which may have no MPI, HDF5 or Boost
# installed and no network (the build then takes them from Debian packages
# fetched elsewhere and unpacked into a prefix). The result links the NCCL
# backend of kernels/device/collectives (cmake prints "NCCL collectives: built and linked").
#
#   scripts/gpu_build.sh fetch DEBS_DIR
#       On a Debian bookworm machine with network: downloads the .deb files of
#       sweep's non-torch dependencies (Open MPI, HDF5, Boost.Program_options,
#       toml++, nlohmann-json, GoogleTest, NLopt, PCRE2, ICU) and of the libraries they load, without what
#       every Debian system has. Copy DEBS_DIR to the GPU machine.
#   scripts/gpu_build.sh build [DEBS_DIR]
#       On the GPU machine: unpacks DEBS_DIR (if given) into build-gpu/prefix,
#       configures against the pip torch's CMake package, the nvidia-nccl wheel
#       and $CUDA_HOME/bin/nvcc (the torch wheel's CMake files need a CUDA
#       toolkit at configure time), builds build-gpu/ (build-gpu/sweep, which
#       loads build-gpu/libsweep_worker.so, built with it, to run a sweep), and writes
#       build-gpu/env.sh to source before running (library paths, OPAL_PREFIX).
#
# Environment: PYTHON (the interpreter with torch; default python3), CUDA_HOME
# (default /usr/local/cuda), TORCH_CMAKE_PREFIX (overrides the torch query).
# Then, for one rank per GPU plus the master:
#   source build-gpu/env.sh && mpirun -np $((GPUS + 1)) build-gpu/sweep sweeps/grid.toml
# Each worker takes GPU (node-local rank mod GPU count) among those CUDA_VISIBLE_DEVICES shows.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# What sweep links besides torch and CUDA (the -dev packages bring headers, the
# others the shared libraries and, for Open MPI, mpirun and its helpers).
dev_packages=(libopenmpi-dev openmpi-bin libhdf5-dev libboost-program-options-dev libtomlplusplus-dev
              libgtest-dev libnlopt-dev libblas-dev libopenblas0-pthread nlohmann-json3-dev
              zlib1g-dev libzstd-dev   # text/: .gz and .zst corpus files
              libpcre2-dev libicu-dev)  # text/'s tokenizers: Unicode regexes (PCRE2), normalization (ICU)

fetch() {
  local dir=$1
  mkdir -p "$dir"
  # The dependency closure (first alternative of each "a | b"), less the
  # packages of a minimal Debian system (Priority required/important) and
  # the toolchain, which the GPU machine has.
  local wanted
  wanted=$(python3 - "${dev_packages[@]}" <<'PY'
import subprocess, sys
skip_prefix = ("gcc", "g++", "cpp", "libgcc", "libstdc++", "libc6", "libc-dev", "linux-libc-dev", "binutils",
               "gfortran", "libgfortran-", "flang", "clang", "llvm", "perl", "python3", "autoconf", "automake",
               "autotools", "m4", "make", "dpkg", "debconf", "install-info")
def prio(p):
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", p], capture_output=True, text=True).stdout
    return next((l.split(": ", 1)[1] for l in out.splitlines() if l.startswith("Priority: ")), "")
seen, todo = set(), list(sys.argv[1:])
while todo:
    p = todo.pop()
    if p in seen or p.startswith(skip_prefix) or prio(p) in ("required", "important"):
        continue
    seen.add(p)
    out = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts",
                          "--no-breaks", "--no-replaces", "--no-enhances", p], capture_output=True, text=True).stdout
    after_or = False
    for line in out.splitlines()[1:]:
        kind, _, dep = line.strip().partition(": ")
        first = not after_or
        after_or = kind.startswith("|")
        if first and kind.lstrip("|") in ("Depends", "PreDepends") and not dep.startswith("<"):
            todo.append(dep)
print(" ".join(sorted(seen)))
PY
)
  # shellcheck disable=SC2086
  (cd "$dir" && apt-get download $wanted)
  echo "gpu_build: fetched $(ls "$dir"/*.deb | wc -l) packages ($(du -sh "$dir" | cut -f1)) into $dir"
}

build() {
  local debs=${1:-}
  local py=${PYTHON:-python3}
  local cuda=${CUDA_HOME:-/usr/local/cuda}
  local out=build-gpu prefix
  prefix=$(pwd)/$out/prefix
  mkdir -p "$out"

  local torch_cmake=${TORCH_CMAKE_PREFIX:-$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)')}
  # nvidia/nccl is a namespace package (no __init__.py): take its path list.
  local nccl
  nccl=$("$py" -c 'import nvidia.nccl as m; print(list(m.__path__)[0])' 2>/dev/null || true)
  [ -x "$cuda/bin/nvcc" ] || { echo "gpu_build: no nvcc in $cuda/bin (set CUDA_HOME)" >&2; exit 1; }
  [ -n "$nccl" ] && [ -f "$nccl/include/nccl.h" ] || { echo "gpu_build: no nvidia-nccl wheel for $py" >&2; exit 1; }

  # SWEEP_ONEDNN=OFF: the pip torch carries its own oneDNN (kernels/device/linear_cpu.hpp).
  local cmake_args=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$torch_cmake" -DSWEEP_ONEDNN=OFF
                    "-DCUDA_TOOLKIT_ROOT_DIR=$cuda" "-DCMAKE_CUDA_COMPILER=$cuda/bin/nvcc"
                    "-DNCCL_INCLUDE_DIR=$nccl/include" "-DNCCL_LIBRARY=$nccl/lib/libnccl.so.2")
  local libdirs="$nccl/lib:$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
  local env_extra=""
  if [ -n "$debs" ]; then
    mkdir -p "$prefix"
    for f in "$debs"/*.deb; do dpkg-deb -x "$f" "$prefix"; done
    local multi=$prefix/usr/lib/x86_64-linux-gnu
    # Debian's alternatives symlinks (mpicc, ...) are made by postinst scripts,
    # which unpacking skips: point at the real wrapper, and tell Open MPI it moved.
    export OPAL_PREFIX=$prefix/usr
    cmake_args+=("-DMPI_C_COMPILER=$prefix/usr/bin/mpicc.openmpi" "-DMPIEXEC_EXECUTABLE=$prefix/usr/bin/mpirun.openmpi"
                 # h5cc's paths are Debian's /usr ones: find HDF5 without the wrapper.
                 "-DHDF5_C_COMPILER_EXECUTABLE=HDF5_C_COMPILER_EXECUTABLE-NOTFOUND"
                 "-DHDF5_C_INCLUDE_DIR=$prefix/usr/include/hdf5/serial"
                 "-DHDF5_hdf5_LIBRARY_RELEASE=$multi/hdf5/serial/libhdf5.so"
                 "-DBoost_INCLUDE_DIR=$prefix/usr/include" "-DBoost_DIR=$multi/cmake/Boost-1.74.0"
                 "-DGTest_DIR=$multi/cmake/GTest" "-DCMAKE_INCLUDE_PATH=$prefix/usr/include"
                 "-DSWEEP_BLAS_LIBRARIES=$multi/openblas-pthread/libblas.so.3"
                 "-DCMAKE_LIBRARY_PATH=$multi"
                 # tomlplusplus, nlohmann_json and NLopt through their CMake config files.
                 "-DCMAKE_PREFIX_PATH=$torch_cmake;$prefix/usr")
    export PKG_CONFIG_PATH=$multi/pkgconfig:$prefix/usr/share/pkgconfig
    export PKG_CONFIG_SYSROOT_DIR=$prefix  # toml++'s .pc names /usr/include
    libdirs="$libdirs:$multi:$multi/openmpi/lib:$multi/hdf5/serial:$multi/openblas-pthread"
    env_extra="export OPAL_PREFIX=$prefix/usr
export PATH=$prefix/usr/bin:\$PATH"
  fi
  export LD_LIBRARY_PATH=$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  cmake -S . -B "$out" "${cmake_args[@]}" | tee "$out/configure.log"
  grep -q "NCCL collectives: built and linked" "$out/configure.log" ||
    { echo "gpu_build: the NCCL backend is not linked (torch without CUDA?)" >&2; exit 1; }
  cmake --build "$out" -j"$(nproc)" --target sweep test_data_parallel bench_data_parallel
  cat > "$out/env.sh" <<EOF
# Source before running $out/sweep (written by scripts/gpu_build.sh).
export LD_LIBRARY_PATH=$libdirs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
$env_extra
EOF
  [ -f "$out/libsweep_worker.so" ] || { echo "gpu_build: no $out/libsweep_worker.so (the worker module)" >&2; exit 1; }
  echo "gpu_build: built $out/sweep and its worker module $out/libsweep_worker.so (keep them together);" \
       "source $out/env.sh before running it"
}

case "${1:-}" in
  fetch) [ $# -eq 2 ] || { echo "usage: $0 fetch DEBS_DIR" >&2; exit 2; }; fetch "$2" ;;
  build) build "${2:-}" ;;
  *) echo "usage: $0 fetch DEBS_DIR | build [DEBS_DIR]" >&2; exit 2 ;;
esac
