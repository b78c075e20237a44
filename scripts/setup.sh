#!/usr/bin/env bash
# Installs what sweep needs from Debian packages (skipped when all are present),
# then configures and builds it (Release) in build/. Sourced by the run scripts.
#   SWEEP_BUILD_TARGETS  what to build (default: everything, tests and benches
#                        included; scripts/run_default_sweep.sh builds only sweep)
#   SWEEP_QUIET=1        one line per step, with its time; apt's and the
#                        compiler's output go to build/setup.log and build/build.log
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p build
quiet=${SWEEP_QUIET:-0}
# Runs "$@", its output to log file $1 when quiet (the log's tail on failure).
logged() {
  local log=$1
  shift
  if [ "$quiet" = 1 ]; then
    "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "setup: failed; full log: $log" >&2; return 1; }
  else
    "$@"
  fi
}
elapsed() { local s=$(( SECONDS - $1 )); printf '%dm%02ds' $(( s / 60 )) $(( s % 60 )); }
setup_log_note=""
build_log_note=""
[ "$quiet" = 1 ] && setup_log_note=" (log: build/setup.log)" && build_log_note=", log: build/build.log"

packages=(
  build-essential cmake pkg-config git
  libtorch-dev libopenblas0-pthread        # LibTorch; OpenBLAS makes its matmuls ~30x faster than reference BLAS
  libblas-dev                              # cblas.h: kernels/device/attention_cpu.cpp calls sgemm (OpenBLAS) directly
  libdnnl-dev                              # oneDNN's sgemm: kernels/device/linear_cpu.cpp (the trainer's linear layers)
  openmpi-bin libopenmpi-dev               # mpirun and MPI
  libhdf5-dev hdf5-tools                   # the store (serial HDF5: rank 0 alone writes)
  libboost-program-options-dev libtomlplusplus-dev libgtest-dev
  nlohmann-json3-dev                       # JSON: every JSON sweep writes or reads (store export, analyze --json)
  python3 python3-h5py python3-pandas python3-numpy   # reading stores (tests, summaries)
  python3-mpi4py                           # bench/dispatch: the peer sweep's dispatch is measured against
  slurm-wlm munge                          # tests/slurm: a real one-node Slurm cluster
  clang-14 libclang-rt-14-dev              # scripts/run_sanitized_tests.sh: ASan/UBSan build, libFuzzer targets
  libnlopt-dev                             # sweep analyze: L-BFGS for the scaling-law fits (C API)
  python3-matplotlib python3-scipy         # analysis/plot_store.py; bench/analysis: scipy's L-BFGS-B as the peer
  chromium                                 # tests/analysis: the report page rendered in headless Chromium
  python3-torch                            # tests: export a TorchScript model (same version as libtorch-dev)
  ccache                                   # rebuilds (a fresh clone, another branch) reuse compiled objects
  wamerican                                # /usr/share/dict/words: the unscramble task's word list; tokenizer parity corpus
  libpcre2-dev libicu-dev                  # text/: Unicode regexes (\p{L}) of tokenizer.json Split; NFC/NFKC normalizers
  nodejs                                   # tests/text/parity: Hugging Face's tokenizers (npm packages) as the reference
  zlib1g-dev libzstd-dev                   # text/: .gz and .zst corpus files, decompressed as they stream
  zstd                                     # tests/mpi/prepare_cli.py: a .zst corpus file made with the real tool
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the parity tests' references. Debian packages it apart from
# nodejs; other nodejs builds bundle it, and Debian's npm would conflict.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  t=$SECONDS
  echo "setup: installing ${#missing[@]} Debian packages$setup_log_note: ${missing[*]}" | cut -c1-160
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  logged build/setup.log $sudo apt-get update -qq
  logged build/setup.log env DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "setup: packages installed ($(elapsed $t))"
else
  echo "setup: all Debian packages present"
fi

blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas*) ;;
  *) echo "setup: warning: libblas.so.3 is $blas, not OpenBLAS; training will be very slow" >&2 ;;
esac

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
t=$SECONDS
targets=()
for target in ${SWEEP_BUILD_TARGETS:-}; do targets+=(--target "$target"); done
logged build/build.log cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
logged build/build.log cmake --build build -j"$(nproc)" "${targets[@]}"
echo "setup: built ${SWEEP_BUILD_TARGETS:-everything} ($(elapsed $t)$build_log_note)"
