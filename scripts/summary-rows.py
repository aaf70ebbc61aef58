#!/usr/bin/env python3
"""One line per `porous report gan` summary.json (or its folder): generated/real medians and KS D of
the scored properties and the pores per cube, the percolating fraction, corr(φ, log k) and the SD
ratio of log k, and with 200+ cubes per set the share of 100-vs-100 draws meeting every goal of #12.
S/V in 1e4 1/m, diameters in µm, k in mD. Usage: scripts/summary-rows.py [--markdown] DIR_OR_JSON...
--markdown: rows of the experiment tables (iteration or folder | largest D | S/V D | k | φ | pore |
throat | pores per cube D | percolating | SD ratio of log k | corr(φ, log k)), header first."""
import json, sys, os
props=[('porosity','φ'),('specificSurface_per_m','S/V'),('permeability_mD','k'),('meanPoreDiameter_m','pore'),('meanThroatDiameter_m','throat'),('poreCount','npores')]
args=sys.argv[1:]
md='--markdown' in args; args=[a for a in args if a!='--markdown']
if md:
    print('| iteration | largest KS D | S/V D | k median, mD (D) | φ median (D) | pore µm (D) | throat µm (D) | pores per cube D | percolating (Berea) | sd ratio log k | corr(φ, log k) (Berea) |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
for f in args:
    if os.path.isdir(f): f=os.path.join(f,'summary.json')
    if not f.endswith('.json') or not os.path.exists(f): continue   # e.g. a report's .log beside its folder
    d=json.load(open(f)); p=d['properties']; fl=d['flow']
    cells=[]
    for k,n in props:
        if k in p:
            q=p[k]; s=1e-4 if k.startswith('spec') else (1e6 if k.endswith('_m') else 1)
            cells.append(f"{n} {q['generatedMedian']*s:.4g}/{q['trainingMedian']*s:.4g} D{q['ksD']:.2f}")
    pf=fl['percolatingFraction']; c=fl['corrPhiLogK']; sd=fl['log10KStd']
    cells.append(f"perc {pf['generated']:.2f}/{pf['training']:.2f} corr {c['generated']:.2f}/{c['training']:.2f} sdr {sd['generated']/sd['training']:.2f}")
    pr=d.get('goalPassRate',{}).get('allGenerated')
    if md:
        # a report's folder names it; a summary copied beside an experiment is named NAME.summary.json
        b=os.path.basename(f); name=os.path.basename(os.path.dirname(f)) if b=='summary.json' else b.removesuffix('.json').removesuffix('.summary'); it=name.rsplit('-',1)[-1]
        D=lambda k: p[k]['ksD']; med=lambda k,sc=1: p[k]['generatedMedian']*sc
        print(f"| {it if it.isdigit() else name} | {d['selectionScore']:.2f} | {D('specificSurface_per_m'):.2f} | {med('permeability_mD'):,.0f} ({D('permeability_mD'):.2f}) | "
              f"{med('porosity'):.3f} ({D('porosity'):.2f}) | {med('meanPoreDiameter_m',1e6):.1f} ({D('meanPoreDiameter_m'):.2f}) | {med('meanThroatDiameter_m',1e6):.1f} ({D('meanThroatDiameter_m'):.2f}) | "
              f"{D('poreCount'):.2f} | {pf['generated']:.2f} ({pf['training']:.2f}) | {sd['generated']/sd['training']:.2f} | {c['generated']:.2f} ({c['training']:.2f}) |"
              + (f" all goals {pr:.3f} |" if pr else ''))
        continue
    print(f"{os.path.basename(os.path.dirname(f))}: max {d['selectionScore']:.2f} | "+" | ".join(cells)+ (f" | pass {pr:.3f}" if pr else ''))
