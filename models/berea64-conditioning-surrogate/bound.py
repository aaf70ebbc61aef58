"""How far a latent surrogate can go on a single-property target (#13's 5x goal).

A chain that picks its next cube by the surrogate's prediction still meets the target only if the
cube's true value lies within ±τ of it; with the surrogate's held-out residual spread s that is at
most P = erf(τ / (s √2)) for a candidate predicted exactly on target, so at least 1/P evaluations
per success for picks that learn nothing from the cubes already evaluated (anchoring on a measured
near miss can beat it a little). It prints that bound beside the measured figures, and the held-out
R² a surrogate would need for 5x fewer evaluations than random sampling.

Usage: python3 bound.py [SURROGATE.json] [RANDOM_SUMMARY.json] [SURROGATE_SUMMARY.json]   (defaults:
the shipped surrogate, random100/summary.json and realism100/summary.json: random sampling and the
surrogate policy on the same 100 targets per property and the same seeds)."""
import json, math, sys

surrogate = json.load(open(sys.argv[1] if len(sys.argv) > 1 else '../berea64.surrogate.json'))
bench = json.load(open(sys.argv[2] if len(sys.argv) > 2 else 'random100/summary.json'))
relative = {'porosity': 0.0625, 'meanPoreDiameter_m': 0.067, 'meanThroatDiameter_m': 0.083}
random_eps = {r['group']: r['evaluationsPerSuccess'] for r in bench['results'] if r['method'] == 'random'}
steered = json.load(open(sys.argv[3] if len(sys.argv) > 3 else 'realism100/summary.json'))
measured = {r['group']: r['evaluationsPerSuccess'] for r in steered['results'] if r['method'] == 'surrogate'}

def inverse_erf(y):
    lo, hi = 0.0, 6.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if math.erf(mid) < y else (lo, mid)
    return lo

print('| property | τ | held-out residual spread | held-out R² | best single pick P | 1/P, evaluations | surrogate, measured | random | 5x needs | R² needed |')
print('|---|---|---|---|---|---|---|---|---|---|')
for name, m in zip(surrogate['properties'], surrogate['maps']):
    if name not in relative:
        continue  # k: 7.5 % relative on a log scale, the surrogate models log k; not bounded here
    c = bench['coverage'][name]
    tau = relative[name] * (c['realP90'] - c['realP10'])
    s = m['residualSd']
    p = math.erf(tau / (s * math.sqrt(2)))
    need_evals = random_eps[name] / 5
    need_p = min(1.0, 1 / need_evals)
    need_s = tau / (math.sqrt(2) * inverse_erf(need_p)) if need_p < 1 else 0.0
    need_r2 = 1 - (need_s / m['scale']) ** 2 if m['scale'] > 0 else float('nan')
    print(f"| {name} | {tau:.3g} | {s:.3g} | {m['heldOutR2']:.2f} | {p:.2f} | {1 / p:.2f} | {measured[name]} | {random_eps[name]:.2f} | "
          f"{need_evals:.2f} | {need_r2:.2f} |")
