#!/usr/bin/env bash
# Honest checkpoint selection (issue: the shipped checkpoint was chosen on the statistics its report
# then showed). Screens every generator snapshot of a training run on sample A (seed A: its own
# training cubes and latents, COUNT_A vs COUNT_A, default 100; sessions before 10 used 40), picks the snapshot with the smallest largest-KS-D over
# porosity, S/V, k, pore and throat diameter, then reports that one on an independent sample B
# (seed B, 100 vs 100). Nothing of sample B influences the choice.
# Usage: scripts/screen-snapshots.sh [RUN_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/berea64}
out=${2:-runs/screening}
data=${POROUS_BEREA:-../shared/data/berea/berea.zip}
seedA=${SEED_A:-11}; seedB=${SEED_B:-22}; countA=${COUNT_A:-100}
porous="dotnet ${POROUS_BIN:-src/PorousActors.Cli/bin/Release/net10.0}/porous.dll"
mkdir -p "$out"
best=""; bestScore=9
# the current shipped model competes too: a snapshot replaces it only if it does better on sample A
for snap in ${SHIPPED:-models/berea64.model} "$run"/snapshots/generator-*.model; do
  name=$(basename "$snap" .model); [ "$snap" = "${SHIPPED:-models/berea64.model}" ] && name=shipped
  dir="$out/A-$name"
  [ -f "$dir/summary.json" ] || $porous report gan --model "$snap" --data "$data" --pore-value 0 --voxel-size 5.345e-6 \
      --count "$countA" --seed "$seedA" --out "$dir" >/dev/null 2>&1
  score=$(sed -n 's/.*"selectionScore": \([0-9.eE+-]*\).*/\1/p' "$dir/summary.json")
  echo "$name  sample A (seed $seedA, $countA vs $countA): largest KS D $score"
  if awk "BEGIN{exit !($score < $bestScore)}"; then best=$snap; bestScore=$score; fi
done
echo "chosen on sample A: $best (largest KS D $bestScore)"
$porous report convergence "$out"/A-generator-*/summary.json --out "$out/convergence.png" >/dev/null || true
echo "$best" > "$out/chosen.txt"
$porous report gan --model "$best" --data "$data" --pore-value 0 --voxel-size 5.345e-6 --count 100 --seed "$seedB" \
  --curve "$run/curve.csv" --out "$out/B-final" >/dev/null
echo "independent report (seed $seedB, 100 vs 100): $out/B-final/report.md"
