#!/bin/bash
# Fresh-process cost of the forward model with and without the .NET runtime's start-up and JIT:
# `porous analyze VOLUME --axis z` (ReadyToRun build) against the same work compiled with Native AOT
# (scripts/native-probe), each with and without POROUS_HUGE_PAGES=1, alternating, N runs each.
# Needs a C toolchain (gcc or clang) to publish the probe. Usage: scripts/bench-native.sh [N] [VOLUME]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-7}; vol=${2:-}
cc=gcc; command -v clang > /dev/null && cc=clang
command -v $cc > /dev/null || { echo "bench-native: Native AOT needs gcc or clang to link; install one (apt-get install gcc)" >&2; exit 2; }
dotnet build src/PorousActors.Cli -c Release -v q > /dev/null
porous=src/PorousActors.Cli/bin/Release/net10.0/porous
out=runs/native-probe
dotnet publish scripts/native-probe -c Release -r linux-x64 -p:CppCompilerAndLinker=$cc -o $out -v q > /dev/null
if [ -z "$vol" ]; then vol=runs/native-probe/blobs128.raw; [ -f "$vol" ] || $porous synth blobs --size 128 --porosity 0.2 --seed 1 --out "$vol" > /dev/null; fi
echo "porous analyze:"; $porous analyze "$vol" --axis z | grep -E "^(porosity|permeability_mD|poreCount|throatCount|connectedPorosity_z) "
echo "native probe:"; $out/porous-native-probe "$vol" | head -1
declare -A t
for i in $(seq "$n"); do
  for case in r2r r2r-hp aot aot-hp; do
    hp=0; [[ $case == *-hp ]] && hp=1
    cmd=("$porous" analyze "$vol" --axis z); [[ $case == aot* ]] && cmd=("$out/porous-native-probe" "$vol")
    s=$(date +%s%N); POROUS_HUGE_PAGES=$hp "${cmd[@]}" > /dev/null; e=$(date +%s%N)
    t[$case]+="$(( (e - s) / 1000000 )) "
  done
done
for case in r2r r2r-hp aot aot-hp; do
  sorted=$(tr ' ' '\n' <<< "${t[$case]}" | grep . | sort -n | tr '\n' ' ')
  median=$(tr ' ' '\n' <<< "$sorted" | grep . | sed -n "$(( (n + 1) / 2 ))p")
  echo "$case: median $median ms of $n ($sorted)"
done
