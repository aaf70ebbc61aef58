#!/usr/bin/env bash
# The accuracy campaign of issue #6 on a generator model: 100 targets each for porosity,
# permeability (z, mD), mean pore diameter and mean throat diameter (m), drawn uniformly inside the
# model's 10th–90th percentile band (100 sampled cubes), tolerance 4 % of that band (so NRMSE ≤ 0.04 whenever every chain succeeds); one chain per
# target on the local actor system, SQLite journal. Interrupt it and run it again: it resumes.
# Usage: [POROUS_ACCURACY_BUDGET=60] scripts/accuracy-campaign.sh [MODEL] [REPORT-DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-models/berea64.model}
report=${2:-models/berea64-accuracy}
work=runs/$(basename "$report")   # journal and cubes stay out of git
count=${POROUS_ACCURACY_COUNT:-100}
budget=${POROUS_ACCURACY_BUDGET:-60}   # forward evaluations per chain before it ends NotReached
dotnet build -c Release src/PorousActors.Cli >/dev/null
porous="dotnet src/PorousActors.Cli/bin/Release/net10.0/porous.dll"
mkdir -p "$work" "$report"
if [ -f "$work/accuracy.db" ]; then
  $porous campaign resume accuracy --journal "sqlite:$work/accuracy.db" --out "$work"
else
  $porous campaign targets --model "$model" --count "$count" --sample 100 --tolerance-fraction 0.04 --seed 1 --out "$work/targets.csv"
  $porous campaign run --targets "$work/targets.csv" --model "$model" --name accuracy --concurrency 4 \
    --max-evaluations "$budget" --journal "sqlite:$work/accuracy.db" --out "$work"
fi
cp "$work"/targets.csv "$work"/targets.range.json "$work"/results.csv "$work"/report.md "$work"/*.png "$report"/
echo "report: $report/report.md"
