#!/usr/bin/env bash
# Where a generator's permeability gap comes from: N generated cubes (seed S) and N Berea 64³
# sub-cubes at random positions (seed S) through `porous analyze`, and the median of each network
# and image statistic for both (coordination number, pore and throat counts, connected porosity,
# formation factor, Euler characteristic, chord length...). Needs python3 for the medians.
# Usage: scripts/compare-networks.sh [MODEL] [N] [SEED] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-models/berea64.model}; n=${2:-60}; seed=${3:-22}; out=${4:-runs/compare-networks}
data=${POROUS_BEREA:-../shared/data/berea/berea.zip}
porous="dotnet ${POROUS_BIN:-src/PorousActors.Cli/bin/Release/net10.0}/porous.dll"
rm -rf "$out" && mkdir -p "$out/real"
$porous generate --model "$model" --count "$n" --seed "$seed" --out "$out/generated" >/dev/null
for f in "$out"/generated/cube_*.raw; do $porous analyze "$f" --json > "${f%.raw}.props"; done
python3 -c "
import random
random.seed($seed)
for i in range($n):
    z, y, x = [random.randrange(0, 400 - 64 + 1) for _ in range(3)]
    print(f'{z}:{z+64},{y}:{y+64},{x}:{x+64}')" > "$out/crops.txt"
i=0
while read -r crop; do
  $porous analyze "$data" --pore-value 0 --voxel-size 5.345um --crop "$crop" --json > "$out/real/cube_$i.props"; i=$((i + 1))
done < "$out/crops.txt"
python3 - "$out" <<'PY' | tee "$out/medians.md"
import glob, json, statistics, sys
out = sys.argv[1]
sets = {name: [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{name}/cube_*.props"))] for name in ("real", "generated")}
keys = ["porosity", "connectedPorosity_z", "permeability_mD", "formationFactor_z", "coordinationNumber", "poreCount",
        "throatCount", "meanPoreDiameter_m", "meanThroatDiameter_m", "eulerCharacteristic26", "specificSurface_per_m", "chordLength_mean_m_z"]
print(f"| median of {len(sets['real'])} vs {len(sets['generated'])} cubes | real | generated |\n|---|---|---|")
for k in keys:
    cells = [statistics.median([d[k] for d in s if isinstance(d.get(k), (int, float))]) for s in sets.values()]
    print(f"| {k} | {cells[0]:.4g} | {cells[1]:.4g} |")
frac = [statistics.median([d["connectedPorosity_z"] / d["porosity"] for d in s if d["porosity"] > 0]) for s in sets.values()]
print(f"| connected / total porosity | {frac[0]:.3f} | {frac[1]:.3f} |")
PY
