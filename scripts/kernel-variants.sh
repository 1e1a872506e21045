#!/usr/bin/env bash
# The kernel choices that change float rounding on this CPU, one per line, as arguments of env(1)
# ("default" for the environment as it is; "-u NAME" removes a setting). oneDNN picks its convolution/BatchNorm kernels by instruction set
# (ONEDNN_MAX_CPU_ISA caps it), OpenBLAS its GEMM/axpy kernels by core type (OPENBLAS_CORETYPE forces one).
# Only choices this CPU can execute are listed: AVX-512 kernels need avx512f, Cooperlake's avx512_bf16.
# Used by .ci/run (the trained-result tests under each) and scripts/kernel-spread.sh (the measured spread).
set -euo pipefail
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
has() { [[ " $flags " == *" $1 "* ]]; }
echo default
# OpenBLAS's own choice, where the environment forces one (OpenBLAS 0.3.19 takes an AMD Zen 4 for a
# Barcelona, for instance, and rounds as its AVX-512 kernels do)
if [[ -n "${OPENBLAS_CORETYPE:-}" || -n "${OPENBLAS_L2_SIZE:-}" ]]; then
  echo "-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE"
fi
has avx2 && echo "ONEDNN_MAX_CPU_ISA=AVX2"
has avx2 && echo "OPENBLAS_CORETYPE=Haswell"
has avx2 && echo "OPENBLAS_CORETYPE=Zen"
has avx2 && echo "ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell"
if has avx512f; then
  echo "ONEDNN_MAX_CPU_ISA=AVX512_CORE"
  echo "OPENBLAS_CORETYPE=SkylakeX"
  echo "ONEDNN_MAX_CPU_ISA=AVX512_CORE OPENBLAS_CORETYPE=SkylakeX"
  has avx512_vnni && echo "ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI"
  has avx512_bf16 && echo "OPENBLAS_CORETYPE=Cooperlake"
fi
true
