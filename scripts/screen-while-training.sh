#!/usr/bin/env bash
# Screens each snapshot of a training run on sample A as it appears (seed 11, 100 vs 100, Otsu
# without the median: how the shipped model is post-processed), pausing the training process during
# each report so the two do not share 2 cores; exits a minute after training, once seen, stops.
# Usage: scripts/screen-while-training.sh RUN_DIR OUT_DIR TAG
#   RUN_DIR  the run's --out (runs/berea64-x); OUT_DIR where the reports go (OUT_DIR/A-TAG-ITERATION)
#   TAG      the training's private binaries are runs/bin-TAG (POROUS_TRAIN_BIN of train-berea.sh)
# The real cubes' results are computed once and kept in runs/reference-cache (report gan
# --reference-cache), so every report after the first runs the forward model on generated cubes only.
# POROUS_SCREEN_FROM=N skips snapshots before iteration N (each report pauses training ~4.5 min).
# One line per snapshot: its largest KS D; scripts/summary-rows.py OUT_DIR/A-TAG-* gives the rest.
set -uo pipefail
cd "$(dirname "$0")/.."
run=$1; out=$2; tag=$3
data=${POROUS_BEREA:-../shared/data/berea/berea.zip}
bin=runs/bin-screen-$tag   # a private copy, so rebuilding the project cannot disturb the loop
mkdir -p "$out"
[ -d "$bin" ] || cp -r src/PorousActors.Cli/bin/Release/net10.0 "$bin"
training() { pgrep -f "runs/bin-$tag/porous.dll train" | head -1; }
while true; do
  for snap in "$run"/snapshots/generator-*.model; do
    [ -f "$snap" ] || continue
    it=$(basename "$snap" .model | sed 's/generator-0*//')
    [ "$it" -ge "${POROUS_SCREEN_FROM:-0}" ] || continue
    dir="$out/A-$tag-$it"
    [ -f "$dir/summary.json" ] && continue
    pid=$(training); [ -n "$pid" ] && kill -STOP "$pid"
    dotnet "$bin/porous.dll" report gan --model "$snap" --data "$data" --pore-value 0 --voxel-size 5.345e-6 \
      --count 100 --seed 11 --no-median --reference-cache runs/reference-cache --out "$dir" > "$dir.log" 2>&1
    [ -n "$pid" ] && kill -CONT "$pid"
    echo "$(date +%T) screened $it: largest KS D $(sed -n 's/.*"selectionScore": \([0-9.eE+-]*\).*/\1/p' "$dir/summary.json")"
  done
  if [ -n "$(training)" ]; then seen=1   # it may still be building when the loop starts
  elif [ -n "${seen:-}" ]; then sleep 60; [ -n "$(training)" ] || exit 0; fi
  sleep 30
done
