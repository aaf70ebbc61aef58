#!/usr/bin/env bash
# Honest checkpoint selection (issue: the shipped checkpoint was chosen on the statistics its report
# then showed). Screens every generator snapshot of a training run on sample A (seed A: its own
# training cubes and latents, COUNT_A vs COUNT_A, default 100; sessions before 10 used 40), picks the snapshot with the smallest largest-KS-D over
# porosity, S/V, k, pore and throat diameter, then reports that one on an independent sample B
# (seed B, 100 vs 100), and it and the shipped model on seed C (400 vs 400, pass rates). Nothing of B or C influences the choice.
# Usage: scripts/screen-snapshots.sh [RUN_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/berea64}
out=${2:-runs/screening}
data=${POROUS_BEREA:-../shared/data/berea/berea.zip}
seedA=${SEED_A:-11}; seedB=${SEED_B:-22}; countA=${COUNT_A:-100}
porous="dotnet ${POROUS_BIN:-src/PorousActors.Cli/bin/Release/net10.0}/porous.dll"
mkdir -p "$out"
best=""; bestVariant=""; bestScore=9
# Each snapshot is scored with each post-processing in VARIANTS: "median" (the paper's 3³ median
# filter, then Otsu) and "nomedian" (Otsu alone: keeps the 1-2 voxel throats the median closes,
# fair once the generator's own walls are smooth). The winning pair is shipped together: the card
# records it (porous model postprocess --median on|off).
variants=${VARIANTS:-median nomedian}
# the current shipped model competes too: a snapshot replaces it only if it does better on sample A
for snap in ${SHIPPED:-models/berea64.model} "$run"/snapshots/generator-*.model; do
  name=$(basename "$snap" .model); [ "$snap" = "${SHIPPED:-models/berea64.model}" ] && name=shipped
  for variant in $variants; do
    if [ "$name" = shipped ]; then [ "$variant" = median ] || continue; args=(); dir="$out/A-$name"   # the shipped model as shipped
    elif [ "$variant" = median ]; then args=(--median on); dir="$out/A-$name"
    else args=(--median off); dir="$out/A-$name-nomedian"; fi
    if [ ! -f "$dir/summary.json" ]; then
      model=$snap
      if [ ${#args[@]} -gt 0 ]; then model="$out/tmp-variant.model"; $porous model postprocess --model "$snap" "${args[@]}" --out "$model" >/dev/null; fi
      $porous report gan --model "$model" --data "$data" --pore-value 0 --voxel-size 5.345e-6 \
        --count "$countA" --seed "$seedA" --out "$dir" >/dev/null 2>&1
    fi
    score=$(sed -n 's/.*"selectionScore": \([0-9.eE+-]*\).*/\1/p' "$dir/summary.json")
    spread=$(sed -n 's/.*"planePorositySpreadGenerated": \([0-9.eE+-]*\).*/\1/p' "$dir/summary.json")
    echo "$name $variant  sample A (seed $seedA, $countA vs $countA): largest KS D $score; plane-porosity spread ${spread:-n/a}"
    if awk "BEGIN{exit !($score < $bestScore)}"; then best=$snap; bestVariant=$variant; bestScore=$score; fi
  done
done
rm -f "$out/tmp-variant.model"
echo "chosen on sample A: $best with $bestVariant (largest KS D $bestScore)"
# a convergence curve per variant that was screened (the median one only when VARIANTS holds it)
if ls "$out"/A-generator-?????/summary.json >/dev/null 2>&1; then
  $porous report convergence "$out"/A-generator-?????/summary.json --out "$out/convergence.png" >/dev/null || true
fi
$porous report convergence "$out"/A-generator-*-nomedian/summary.json --out "$out/convergence-nomedian.png" >/dev/null 2>&1 || true
echo "$best $bestVariant" > "$out/chosen.txt"
chosen=$best
if [ "$(basename "$best" .model)" != "$(basename "${SHIPPED:-models/berea64.model}" .model)" ] || [ "$bestVariant" != median ]; then
  chosen="$out/chosen.model"
  $porous model postprocess --model "$best" --median "$([ "$bestVariant" = median ] && echo on || echo off)" --out "$chosen" >/dev/null
fi
$porous report gan --model "$chosen" --data "$data" --pore-value 0 --voxel-size 5.345e-6 --count 100 --seed "$seedB" \
  --curve "$run/curve.csv" --out "$out/B-final" >/dev/null 2>&1
echo "independent report (seed $seedB, 100 vs 100): $out/B-final/report.md; model with its post-processing: $chosen"
# One draw of 100 decides little (the shipped model meets every goal in ~8 % of them): the chosen model
# and the shipped one also on a third seed, COUNT_C vs COUNT_C (default 400), whose reports give how
# often a draw of 100 vs 100 meets each goal (goalPassRate). SEED_C=none skips it.
seedC=${SEED_C:-33}; countC=${COUNT_C:-400}
if [ "$seedC" != none ]; then
  for m in chosen shipped; do
    model=$chosen; [ $m = shipped ] && model=${SHIPPED:-models/berea64.model}
    [ -f "$out/C-$m/summary.json" ] || $porous report gan --model "$model" --data "$data" --pore-value 0 --voxel-size 5.345e-6 \
      --count "$countC" --seed "$seedC" --out "$out/C-$m" >/dev/null 2>&1
    rate=$(sed -n 's/.*"allGenerated": \([0-9.eE+-]*\).*/\1/p' "$out/C-$m/summary.json")
    score=$(sed -n 's/.*"selectionScore": \([0-9.eE+-]*\).*/\1/p' "$out/C-$m/summary.json")
    echo "$m on seed $seedC ($countC vs $countC): all goals met in a share ${rate:-n/a} of 100-vs-100 draws; largest KS D ${score:-n/a}"
  done
fi
