#!/usr/bin/env bash
# The conditioning benchmark behind the README's table: targets from the real Berea sample's own
# 10-90 % band (single properties and joint phi+k, k+throat from real cubes), the paper's relative
# tolerances, golden / adaptive / paper / random sampling on the same targets, seeds and budget.
# Usage: scripts/bench-conditioning.sh [MODEL] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-models/berea64.model}
out=${2:-models/berea64-conditioning}
data=${POROUS_BEREA:-../shared/data/berea/berea.zip}
dotnet build -c Release src/PorousActors.Cli >/dev/null
bin=${POROUS_BENCH_BIN:-src/PorousActors.Cli/bin/Release/net10.0}
dotnet "$bin/porous.dll" bench conditioning --model "$model" --data "$data" \
  --pore-value 0 --voxel-size 5.345um --targets 12 --budget 200 \
  --method golden --method paper --method random --out "$out"
