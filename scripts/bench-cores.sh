#!/usr/bin/env bash
# How each stage of `porous analyze` uses the cores: a 200³ Gaussian-blob rock (porosity 0.2,
# seed 1, k along z) analysed RUNS times (default 3) as fresh processes pinned to one core
# (taskset -c 0; DOTNET_PROCESSOR_COUNT alone still lets the runtime use both) and on all cores,
# alternating; prints the median of each stage's timings_ms and the speed-up. Run it with nothing
# else on the machine.
# Usage: scripts/bench-cores.sh [RUNS] [SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; size=${2:-200}
bin=${POROUS_BIN:-src/PorousActors.Cli/bin/Release/net10.0}
[ -n "${POROUS_BIN:-}" ] || dotnet build -c Release src/PorousActors.Cli >/dev/null
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dotnet "$bin/porous.dll" synth blobs --size "$size" --porosity 0.2 --seed 1 --out "$tmp/rock.raw" >/dev/null
all=$(seq -s, 0 $(($(nproc) - 1)))
for i in $(seq "$runs"); do
  taskset -c 0 dotnet "$bin/porous.dll" analyze "$tmp/rock.raw" --json > "$tmp/one-$i.json"
  taskset -c "$all" dotnet "$bin/porous.dll" analyze "$tmp/rock.raw" --json > "$tmp/all-$i.json"
done
python3 - "$tmp" "$runs" "$(nproc)" <<'PY'
import json, statistics, sys
tmp, runs, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def med(kind):
    ts = [json.load(open(f"{tmp}/{kind}-{i}.json"))["timings_ms"] for i in range(1, runs + 1)]
    return {k: statistics.median(t[k] for t in ts) for k in ts[0]}
one, al = med("one"), med("all")
print(f"{'stage':22s} {'1 core, ms':>11s} {cores + ' cores, ms':>11s} {'speed-up':>9s}")
for k in one:
    print(f"{k:22s} {one[k]:11.1f} {al[k]:11.1f} {one[k] / al[k] if al[k] > 0 else float('nan'):8.2f}x")
PY
