#!/usr/bin/env bash
# Realisations per hour against concurrency and generator batch size, on the shipped model:
# 8 porosity targets (±0.003 inside the model's range), a fresh journal per run.
# Usage: scripts/bench-campaign.sh [MODEL]   (prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(realpath "${1:-models/berea64.model}")
dotnet build -c Release src/PorousActors.Cli >/dev/null
porous="dotnet $(pwd)/src/PorousActors.Cli/bin/Release/net10.0/porous.dll"
work=$(mktemp -d)
echo "| concurrency | batch size | chains | succeeded | evaluations | wall time (s) | realisations / hour |"
echo "|---|---|---|---|---|---|---|"
for batch in 8 1; do
  for conc in 1 2 4 8; do
    [ "$batch" = 1 ] && [ "$conc" != 4 ] && continue
    name="b${batch}c${conc}"
    cat > "$work/$name.conf" <<CONF
campaign {
  name = $name
  model = "$model"
  concurrency = $conc
  targets = [
$(for i in 1 2 3 4 5 6 7 8; do printf '    { id = t%d, target = "porosity=%s:0.003", seed = %d }\n' $i $(python3 -c "print(round(0.205 + 0.004*($i-1), 3))") $i; done)
  ]
}
porous.generator.batch-size = $batch
porous.campaign.max-evaluations = 60
CONF
    start=$(date +%s.%N)
    out=$($porous campaign run "$work/$name.conf" --journal "sqlite:$work/$name.db" --out "$work/$name" 2>/dev/null | head -1)
    end=$(date +%s.%N)
    python3 - "$conc" "$batch" "$start" "$end" "$out" <<'PY'
import sys, re
conc, batch, start, end, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
m = re.search(r'(\d+) chains, (\d+) succeeded, (\d+) evaluations', out)
t = end - start
print(f"| {conc} | {batch} | {m.group(1)} | {m.group(2)} | {m.group(3)} | {t:.1f} | {int(m.group(1)) / t * 3600:.0f} |")
PY
  done
done
