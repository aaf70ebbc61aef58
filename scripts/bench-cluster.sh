#!/usr/bin/env bash
# Campaign throughput with 1, 2 and 3 pnm worker processes on this machine: a supervisor+generator
# node (no workers of its own) and N `porous node --roles pnm` processes on 127.0.0.1, sharing a
# PostgreSQL journal. Prints a Markdown table. Needs PostgreSQL (as .ci/run sets up):
#   POROUS_TEST_POSTGRES="Host=127.0.0.1;Username=porous;Password=porous;Database=porous" scripts/bench-cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${POROUS_TEST_POSTGRES:?set POROUS_TEST_POSTGRES to a PostgreSQL connection string}"
model=$(realpath "${1:-models/berea64.model}")
dotnet build -c Release src/PorousActors.Cli >/dev/null
porous="dotnet $(pwd)/src/PorousActors.Cli/bin/Release/net10.0/porous.dll"
work=$(mktemp -d); cd "$work"
printf "id,target,seed\n" > targets.csv
for i in 1 2 3 4 5 6; do echo "t$i,permeability_mD=$((2500 + 100 * i)):20,$i" >> targets.csv; done
echo "| pnm worker processes | chains | evaluations | wall time (s) | evaluations / s | journal writes / s |"
echo "|---|---|---|---|---|---|"
for workers in 1 2 3; do
  name="bench$workers-$RANDOM"; port=$((4600 + 10 * workers)); seed="akka.tcp://porous@127.0.0.1:$port"
  start=$(date +%s.%N)
  $porous node --roles supervisor,generator --port $port --seed-nodes $seed --model "$model" --targets targets.csv --name $name \
    --concurrency 4 --max-evaluations 36 --journal "postgres:$POROUS_TEST_POSTGRES" --out out/$name > $name.log 2>&1 &
  pids=($!)
  for w in $(seq 1 $workers); do
    $porous node --roles pnm --port $((port + w)) --seed-nodes $seed --name $name --journal "postgres:$POROUS_TEST_POSTGRES" > $name-w$w.log 2>&1 &
    pids+=($!)
  done
  until [ -f out/$name/results.csv ] && [ "$(cut -d, -f1 out/$name/results.csv | tail -n +2 | sort -u | wc -l)" -ge 6 ]; do sleep 1; done
  end=$(date +%s.%N)
  kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
  python3 - "$workers" "$start" "$end" out/$name/results.json <<'PY'
import sys, json
w, start, end, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
chains = json.load(open(path))["chains"]
ev = sum(c["Evaluations"] for c in chains); steps = sum(c["Steps"] for c in chains)
t = end - start
# journal writes: one event per accepted step and chain end, one per finished chain, one campaign start
writes = steps + 2 * len(chains) + 1
print(f"| {w} | {len(chains)} | {ev} | {t:.1f} | {ev / t:.2f} | {writes / t:.2f} |")
PY
done
