#!/usr/bin/env python3
"""Per-pore comparison of SNOW networks: 30 Berea 64^3 sub-cubes (random corners, Python seed 11)
against 30 cubes of each generator model (porous generate --seed 11), all through
`porous analyze --network` at 5.345 um. Prints pores per cube, the pore (inscribed) diameter
distribution and the share of pores without a throat. Needs numpy.
Usage: networks.py PORUS_DLL BEREA_ZIP WORKDIR MODEL [MODEL ...]"""
import csv, glob, os, random, subprocess, sys
from collections import Counter
import numpy as np

dll, berea, work, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
porous = ["dotnet", dll]
os.makedirs(work, exist_ok=True)

def analyze(args, out):
    if not os.path.exists(out + ".pores.csv"):
        subprocess.run(porous + ["analyze"] + args + ["--voxel-size", "5.345um", "--network", out + ".csv"], check=True, capture_output=True)

rng = random.Random(11)
for i in range(30):
    z, y, x = (rng.randrange(0, 336) for _ in range(3))
    analyze([berea, "--pore-value", "0", "--crop", f"{z}:{z+64},{y}:{y+64},{x}:{x+64}"], f"{work}/berea_{i:02d}")
tags = ["berea"]
for k, m in enumerate(models):
    tag = f"model{k}"; tags.append(tag)
    cubes = f"{work}/{tag}-cubes"
    if not os.path.isdir(cubes):
        subprocess.run(porous + ["generate", "--model", m, "--count", "30", "--seed", "11", "--format", "npy", "--out", cubes], check=True, capture_output=True)
    for i in range(30): analyze([f"{cubes}/cube_{i:03d}.npy"], f"{work}/{tag}_{i:02d}")

print("| cubes | pores per cube | mean pore diameter, um | median | share < 20 um | share > 45 um | share without a throat |")
print("|---|---|---|---|---|---|---|")
for tag, name in zip(tags, ["Berea"] + models):
    d, coord, count = [], [], []
    for f in sorted(glob.glob(f"{work}/{tag}_*.pores.csv")):
        pores = list(csv.DictReader(open(f)))
        c = Counter()
        for t in csv.DictReader(open(f.replace("pores", "throats"))):
            c[int(t["pore1"])] += 1; c[int(t["pore2"])] += 1
        d += [float(p["inscribed_diameter_m"]) * 1e6 for p in pores]
        coord += [c[i] for i in range(len(pores))]
        count.append(len(pores))
    d, coord = np.array(d), np.array(coord)
    print(f"| {name} | {np.mean(count):.1f} | {d.mean():.2f} | {np.median(d):.2f} | {(d < 20).mean():.3f} | {(d > 45).mean():.3f} | {(coord == 0).mean():.3f} |")
