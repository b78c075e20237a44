#!/usr/bin/env bash
# Installs what sweep needs from Debian packages (skipped when all are present),
# then configures and builds it (Release) in build/. Sourced by the run scripts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

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
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas*) ;;
  *) echo "setup: warning: libblas.so.3 is $blas, not OpenBLAS; training will be very slow" >&2 ;;
esac

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
