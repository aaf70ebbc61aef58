"""ln(1/F) against porosity for each set in the CSVs conductivity.sh writes (cubes whose pores span):
the least-squares line at φ = 0.2, its slope and the spread about it, and the generated set's mean
and median residual from Berea's line; how many cubes have no spanning pore path (F null)."""
import csv, math, sys
for path in sys.argv[1:]:
    rows = list(csv.DictReader(open(path)))
    fits = {}
    for name in ('berea', 'generated'):
        mine = [r for r in rows if r['set'] == name]
        pts = [(float(r['porosity']), -math.log(float(r['voxelFormationFactor_z']))) for r in mine
               if r['voxelFormationFactor_z'] not in ('', 'None')]
        n = len(pts); mx = sum(p for p, _ in pts) / n; my = sum(s for _, s in pts) / n
        slope = sum((p - mx) * (s - my) for p, s in pts) / sum((p - mx) ** 2 for p, _ in pts)
        sd = math.sqrt(sum((s - my - slope * (p - mx)) ** 2 for p, s in pts) / (n - 2))
        fits[name] = (mx, my, slope, pts)
        print(f"{path} {name:9s} n {n:3d}  median F {sorted(1/math.exp(s) for _, s in pts)[n//2]:6.1f}  "
              f"no path {len(mine) - n:2d}  ln(1/F) at phi 0.2: {my + slope * (0.2 - mx):6.3f}  slope {slope:5.1f}  spread {sd:.2f}")
    bx, by, bs, _ = fits['berea']
    res = [s - by - bs * (p - bx) for p, s in fits['generated'][3]]
    med = sorted(res)[len(res) // 2]
    print(f"{path} generated residual from Berea's line: mean {sum(res)/len(res):+.3f}, median {med:+.3f} "
          f"(F {math.exp(-med):.2f}x Berea's at the same porosity, median)")
