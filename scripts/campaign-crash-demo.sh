#!/usr/bin/env bash
# Shows that a campaign survives `kill -9`: runs the example campaign, kills the process after a
# few seconds, prints the status, resumes, and compares with an uninterrupted run of the same
# campaign under another name (results must be identical apart from timings).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/PorousActors.Cli >/dev/null
porous="dotnet src/PorousActors.Cli/bin/Release/net10.0/porous.dll"
work=$(mktemp -d)
cfg=config/campaign.example.conf
$porous campaign run "$cfg" --name crash-demo --journal "sqlite:$work/crash.db" --out "$work/crash" &
pid=$!
sleep "${KILL_AFTER:-10}"
kill -9 "$pid" 2>/dev/null && echo "killed campaign process $pid with SIGKILL" || echo "campaign finished before the kill"
wait "$pid" 2>/dev/null || true
$porous campaign status crash-demo --journal "sqlite:$work/crash.db" --out "$work/crash"
$porous campaign resume crash-demo --journal "sqlite:$work/crash.db" --out "$work/crash"
$porous campaign run "$cfg" --name crash-ref --journal "sqlite:$work/ref.db" --out "$work/ref"
if diff <(cut -d, -f1-11 "$work/crash/results.csv") <(cut -d, -f1-11 "$work/ref/results.csv"); then
  echo "resumed campaign equals the uninterrupted run ($work)"
else
  echo "results differ ($work)"; exit 1
fi
