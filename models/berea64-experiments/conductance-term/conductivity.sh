#!/usr/bin/env bash
# Formation factor of generated cubes against Berea sub-cubes at the same porosity: the premise of
# the conductance term. Usage: conductivity.sh MODEL OUT.csv [COUNT] [SEED]
# Generates COUNT cubes of MODEL (its own post-processing) and crops COUNT random 64³ Berea sub-cubes
# (seeded), then `porous analyze --image-only --conductivity --json` on each (k not needed): φ and F_z.
set -euo pipefail
cd "$(dirname "$0")/../../.."
model=$1; out=$2; count=${3:-40}; seed=${4:-5}
porous="dotnet src/PorousActors.Cli/bin/Release/net10.0/porous.dll"
berea=../shared/data/berea/berea.zip
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
$porous generate --model "$model" --count "$count" --seed "$seed" --out "$tmp/gen" > /dev/null 2>&1
echo "set,porosity,voxelFormationFactor_z" > "$out"
row() { python3 -c "import json,sys; d=json.load(sys.stdin); print('$1,%s,%s' % (d['porosity'], d['voxelFormationFactor_z']))"; }
for f in "$tmp"/gen/cube_*.raw; do $porous analyze "$f" --image-only --conductivity --json 2>/dev/null | row generated >> "$out"; done
python3 -c "
import random; r = random.Random($seed)
for _ in range($count): z, y, x = (r.randrange(400 - 64) for _ in range(3)); print(f'{z}:{z+64},{y}:{y+64},{x}:{x+64}')" |
while read -r crop; do
  $porous analyze "$berea" --pore-value 0 --voxel-size 5.345um --crop "$crop" --image-only --conductivity --json 2>/dev/null | row berea >> "$out"
done
