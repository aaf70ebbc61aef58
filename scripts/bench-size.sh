#!/usr/bin/env bash
# Forward model at the size of real scans: time and peak memory of `porous analyze` (k along z)
# against image size, one fresh process per image, as a user runs it.
#   scripts/bench-size.sh OUT.csv SIZE [SIZE ...]      e.g. scripts/bench-size.sh sizes.csv 200 400 600 800 1000
# Beside OUT.csv: OUT-SIZE.json (the analysis, with timings_ms) and OUT-SIZE.progress.txt.
# Each rock is a streamed Boolean model of grains (radius 6 voxels, porosity 0.2, seed 1) written to
# $POROUS_BENCH_DIR (default /tmp) and deleted after. Peak memory is the process's maximum resident
# set (GNU time), which includes the .NET runtime. Extra analyze options: POROUS_BENCH_ARGS.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"; shift
dir="${POROUS_BENCH_DIR:-/tmp}/porous-bench-$$"
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
dll="$here/src/PorousActors.Cli/bin/Release/net10.0/porous.dll"
[ -f "$dll" ] || dotnet build "$here/src/PorousActors.Cli" -c Release -v q >/dev/null
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
echo "size,voxels,slabs,seconds,peak_rss_bytes,bytes_per_voxel,porosity,permeability_mD,pores,throats,seam_mismatches" > "$out"
for n in "$@"; do
  rock="$dir/rock$n.raw"
  dotnet "$dll" synth spheres --size "$n" --radius 6 --porosity 0.2 --seed 1 --streamed --out "$rock" 2>/dev/null
  /usr/bin/time -v -o "$dir/time.txt" dotnet "$dll" analyze "$rock" --json ${POROUS_BENCH_ARGS:-} > "$dir/a.json" 2> "$dir/progress.txt"
  rss_kb=$(grep "Maximum resident" "$dir/time.txt" | awk '{print $NF}')
  python3 - "$n" "$rss_kb" "$dir/a.json" "$dir/time.txt" >> "$out" <<'PY'
import json, sys, re
n, rss_kb, path, tpath = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
a = json.load(open(path))
wall = open(tpath).read()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", wall)
parts = [float(p) for p in m.group(1).split(":")]
secs = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
voxels = n ** 3
slabs = a.get("slabs", {}).get("slabs", 1)
mism = a.get("slabs", {}).get("seamMismatchVoxels", 0)
print(f"{n},{voxels},{slabs},{secs:.1f},{rss_kb*1024},{rss_kb*1024/voxels:.2f},{a['porosity']:.4f},{a['permeability_mD']:.1f},{a['poreCount']},{a['throatCount']},{mism}")
PY
  tail -1 "$out"
  cp "$dir/a.json" "${out%.csv}-$n.json"          # per-stage timings_ms and the slab report
  cp "$dir/progress.txt" "${out%.csv}-$n.progress.txt"
  rm -f "$rock" "${rock%.raw}.json"
done
