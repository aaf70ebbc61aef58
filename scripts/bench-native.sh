#!/bin/bash
# Fresh-process cost of `porous analyze VOLUME --axis z` with and without the .NET runtime's start-up
# and JIT: porous (ReadyToRun build) against porous-analyze compiled with Native AOT
# (scripts/publish-analyze.sh), each with and without POROUS_HUGE_PAGES=1, alternating, N runs each.
# Needs a C toolchain (gcc or clang) for the native build. Usage: scripts/bench-native.sh [N] [VOLUME]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-7}; vol=${2:-}
dotnet build src/PorousActors.Cli -c Release -v q > /dev/null
porous=src/PorousActors.Cli/bin/Release/net10.0/porous
native=$(scripts/publish-analyze.sh runs/bench-native/porous-analyze)
mkdir -p runs/bench-native
if [ -z "$vol" ]; then vol=runs/bench-native/blobs128.raw; [ -f "$vol" ] || $porous synth blobs --size 128 --porosity 0.2 --seed 1 --out "$vol" > /dev/null; fi
# the same values from both (timings and peak memory aside)
diff <($porous analyze "$vol" --axis z | grep -vE "^ |timings|peakMemory") <($native "$vol" --axis z | grep -vE "^ |timings|peakMemory") > /dev/null \
  && echo "porous analyze and porous-analyze print the same values" || { echo "bench-native: the two programs differ" >&2; exit 1; }
declare -A t
for i in $(seq "$n"); do
  for case in r2r r2r-hp aot aot-hp; do
    hp=0; [[ $case == *-hp ]] && hp=1
    cmd=("$porous" analyze "$vol" --axis z); [[ $case == aot* ]] && cmd=("$native" "$vol" --axis z)
    s=$(date +%s%N); POROUS_HUGE_PAGES=$hp "${cmd[@]}" > /dev/null; e=$(date +%s%N)
    t[$case]+="$(( (e - s) / 1000000 )) "
  done
done
for case in r2r r2r-hp aot aot-hp; do
  sorted=$(tr ' ' '\n' <<< "${t[$case]}" | grep . | sort -n | tr '\n' ' ')
  median=$(tr ' ' '\n' <<< "$sorted" | grep . | sed -n "$(( (n + 1) / 2 ))p")
  echo "$case: median $median ms of $n ($sorted)"
done
