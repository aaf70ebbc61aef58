#!/bin/bash
# Compiles porous-analyze (`porous analyze` alone, src/PorousActors.Analyze) to native code with
# Native AOT: a fresh process then pays no JIT and no runtime start-up (README, "Speed"). Needs a C
# toolchain (gcc or clang) to link; the packages come from NuGet like any other.
# Usage: scripts/publish-analyze.sh [OUT_DIR]   (default out/porous-analyze; run OUT_DIR/porous-analyze)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/porous-analyze}
cc=""
for c in clang gcc; do command -v $c > /dev/null && { cc=$c; break; }; done
[ -n "$cc" ] || { echo "publish-analyze: Native AOT links with clang or gcc; install one (e.g. apt-get install gcc)" >&2; exit 2; }
case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) echo "publish-analyze: no Native AOT target for $(uname -m)" >&2; exit 2 ;; esac
isa=(); [ "$rid" = linux-x64 ] || isa=(-p:IlcInstructionSet=)
dotnet publish src/PorousActors.Analyze -c Release -r $rid -p:CppCompilerAndLinker=$cc "${isa[@]}" -o "$out" -v q > /dev/null
echo "$out/porous-analyze"
