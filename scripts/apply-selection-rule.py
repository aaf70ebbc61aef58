#!/usr/bin/env python3
"""The #12 selection rule on sample A, from `porous report gan` summaries, so that a run's choice is
computed, not read off a table. Eligible: |corr(φ, log k) generated − Berea| ≤ 0.1, SD ratio of log k
≥ 0.8 and percolating fraction within 0.02 of Berea's (fractions of 100 cubes: 2 cubes' difference is
within). Chosen: the lowest largest KS D (the summary's selectionScore), ties by k's D, then the
earlier iteration. Usage: scripts/apply-selection-rule.py [--from IT] [--to IT] DIR_OR_JSON...
Prints each snapshot's verdict and, last, `chosen: ITERATION` (or `chosen: none`); exit 0 either way."""
import json, os, sys
args = sys.argv[1:]
lo = hi = None
if '--from' in args: i = args.index('--from'); lo = int(args[i + 1]); del args[i:i + 2]
if '--to' in args: i = args.index('--to'); hi = int(args[i + 1]); del args[i:i + 2]
rows = []
for f in args:
    if os.path.isdir(f): f = os.path.join(f, 'summary.json')
    if not f.endswith('.json') or not os.path.exists(f): continue
    d = json.load(open(f)); fl = d['flow']; it = d['iterations']
    if (lo is not None and it < lo) or (hi is not None and it > hi): continue
    corr = abs(fl['corrPhiLogK']['generated'] - fl['corrPhiLogK']['training'])
    sdr = fl['log10KStd']['generated'] / fl['log10KStd']['training']
    perc = abs(fl['percolatingFraction']['generated'] - fl['percolatingFraction']['training'])
    why = [w for ok, w in ((corr <= 0.1 + 1e-9, f'|Δcorr| {corr:.2f} > 0.1'), (sdr >= 0.8, f'SD ratio {sdr:.2f} < 0.8'),
                          (perc <= 0.02 + 1e-9, f'percolating off by {perc:.2f} > 0.02')) if not ok]
    rows.append((it, d['selectionScore'], d['properties']['permeability_mD']['ksD'], why))
for it, score, kd, why in sorted(rows):
    print(f"{it}: largest D {score:.2f}, k D {kd:.2f}: " + ('eligible' if not why else 'not eligible (' + '; '.join(why) + ')'))
eligible = sorted((round(score, 6), round(kd, 6), it) for it, score, kd, why in rows if not why)
print(f"chosen: {eligible[0][2]}" if eligible else "chosen: none")
