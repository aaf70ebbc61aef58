#!/usr/bin/env bash
# Ships a screened snapshot as models/berea64.model (issue #12, step 5), once the selection rule of its
# experiment has chosen it and it has passed that rule on samples B and C. Keeps the outgoing model's
# card, report, latent prior and surrogate in models/berea64-vOLD-report/ (the model itself stays in
# git history), post-processes the new one as screened (Otsu alone), refits the latent prior (300
# draws, seed 101) and the latent surrogate (2,000 draws, seed 202) the conditioning commands need
# for this model, and writes its independent report (sample B: seed 22, 100 vs 100) with the curve.
# Usage: scripts/ship-generator.sh SNAPSHOT.model RUN_DIR OLD_ITERATION
#   e.g. scripts/ship-generator.sh runs/berea64-pbspan/snapshots/generator-00870.model runs/berea64-pbspan 775
# The card's notes and selection (models/berea64.json, written here from `model info --json`) are then
# added by hand from the experiment.
# Run end to end on 3 Dec 2026 in a throwaway clone (porosity-term 1000, 5 min 40 s on 2 busy cores; its
# B report equal to the screening one): it found that the outgoing card had to be replaced, not kept.
set -euo pipefail
cd "$(dirname "$0")/.."
snap=$1; run=$2; old=$3
porous="dotnet ${POROUS_BIN:-src/PorousActors.Cli/bin/Release/net10.0}/porous.dll"
data=${POROUS_BEREA:-../shared/data/berea/berea.zip}
keep=models/berea64-v$old-report
[ -e "$keep" ] && { echo "ship-generator: $keep exists already" >&2; exit 2; }
git mv models/berea64-report "$keep"
cp models/berea64.json "$keep/card-berea64-v$old.json"
cp models/berea64.curve.csv "$keep/berea64-v$old.curve.csv"
git mv models/berea64.prior.json "$keep/berea64-v$old.prior.json"
git mv models/berea64.surrogate.json "$keep/berea64-v$old.surrogate.json"
git mv models/berea64-conditioning-surrogate/draws-seed202.csv "$keep/draws-seed202-v$old.csv"
rm models/berea64.json   # the outgoing card (kept above) holds the old model's SHA-256: every load would refuse the new file
$porous model postprocess --model "$snap" --median off --out models/berea64.model
$porous model info --model models/berea64.model --json > models/berea64.json   # its card and SHA-256; the selection is added by hand
cp "$run/curve.csv" models/berea64.curve.csv
echo "$(date +%T) latent prior (300 draws, seed 101)"
$porous model prior --model models/berea64.model --count 300 --seed 101 --out models/berea64.prior.json
echo "$(date +%T) surrogate draws (2,000, seed 202)"
mkdir -p runs/ship
$porous model prior --model models/berea64.model --count 2000 --seed 202 --out runs/ship/p2000.json \
  --draws models/berea64-conditioning-surrogate/draws-seed202.csv
$porous model surrogate --model models/berea64.model --draws models/berea64-conditioning-surrogate/draws-seed202.csv \
  --out models/berea64.surrogate.json
echo "$(date +%T) report on sample B"
$porous report gan --model models/berea64.model --data "$data" --pore-value 0 --voxel-size 5.345e-6 \
  --count 100 --seed 22 --curve models/berea64.curve.csv --out models/berea64-report
echo "$(date +%T) shipped $snap"
