#!/usr/bin/env bash
# Trains the shipped 64³ generator on the Berea sample (../shared/data/berea/berea.zip, 5.345 µm,
# 0 = pore). Resumable: run it again and it continues from runs/berea64/checkpoint.ckpt; without a
# checkpoint it warm-starts from the shipped generator, or from POROUS_INIT_GENERATOR (fresh critic,
# trained alone for a while first).
# Model files sample from an exponential moving average of the generator weights (--ema), and a
# calibrated snapshot is kept every 50 iterations for screening (scripts/screen-snapshots.sh).
# POROUS_GENERATOR=convolutional trains the fully convolutional variant (latent grid, any output
# size; #18) into runs/berea64-conv, its doublings copied from the shipped generator at the start.
# Usage: scripts/train-berea.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${1:-5000}
data=${POROUS_BEREA:-../shared/data/berea/berea.zip}
generator=${POROUS_GENERATOR:-paper}
if [ "$generator" = convolutional ]; then out=${POROUS_TRAIN_OUT:-runs/berea64-conv}; else out=${POROUS_TRAIN_OUT:-runs/berea64}; fi
critic=${POROUS_CRITIC:-paper}   # paper: full-resolution 3³ convolutions that see 1-2 voxel features; lean: ~2x faster on CPU
ema=${POROUS_EMA:-0.99}
lr=()
[ -n "${POROUS_GENERATOR_LR:-}" ] && lr=(--generator-lr "$POROUS_GENERATOR_LR")   # new runs only
[ -n "${POROUS_PROFILE_WEIGHT:-}" ] && lr+=(--profile-weight "$POROUS_PROFILE_WEIGHT") # new runs only: plane-profile term
[ -n "${POROUS_GENERATOR_LR_HALF_LIFE:-}" ] && lr+=(--generator-lr-half-life "$POROUS_GENERATOR_LR_HALF_LIFE") # new runs only: iterations
[ -n "${POROUS_CRITIC_LR_HALF_LIFE:-}" ] && lr+=(--critic-lr-half-life "$POROUS_CRITIC_LR_HALF_LIFE") # new runs only: iterations
[ -n "${POROUS_LINEAL_PATH_WEIGHT:-}" ] && lr+=(--lineal-path-weight "$POROUS_LINEAL_PATH_WEIGHT") # new runs only: lineal-path term
[ -n "${POROUS_LINEAL_PATH_LENGTHS:-}" ] && lr+=(--lineal-path-lengths "$POROUS_LINEAL_PATH_LENGTHS") # new runs only: e.g. 1,2,5,10,15,20
[ -n "${POROUS_EULER_WEIGHT:-}" ] && lr+=(--euler-weight "$POROUS_EULER_WEIGHT")        # new runs only: Euler-characteristic term
[ -n "${POROUS_PORE_SIZE_WEIGHT:-}" ] && lr+=(--pore-size-weight "$POROUS_PORE_SIZE_WEIGHT") # new runs only: pore-size (erosion) term
[ -n "${POROUS_PORE_SIZE_RADII:-}" ] && lr+=(--pore-size-radii "$POROUS_PORE_SIZE_RADII")    # new runs only: e.g. 1,2,3
[ -n "${POROUS_CONDUCTANCE_WEIGHT:-}" ] && lr+=(--conductance-weight "$POROUS_CONDUCTANCE_WEIGHT") # new runs only: conductance (1/F) term
[ -n "${POROUS_PORE_BODY_WEIGHT:-}" ] && lr+=(--pore-body-weight "$POROUS_PORE_BODY_WEIGHT") # new runs only: pore-body (SNOW inscribed diameter) term
[ -n "${POROUS_SURFACE_WEIGHT:-}" ] && lr+=(--surface-weight "$POROUS_SURFACE_WEIGHT")       # new runs only: surface (interface-fraction) term
[ -n "${POROUS_THROAT_WEIGHT:-}" ] && lr+=(--throat-weight "$POROUS_THROAT_WEIGHT")          # new runs only: throat (inscribed diameter) term
[ -n "${POROUS_SPANNING_WEIGHT:-}" ] && lr+=(--spanning-weight "$POROUS_SPANNING_WEIGHT")    # new runs only: spanning (percolation) term
[ -n "${POROUS_POROSITY_WEIGHT:-}" ] && lr+=(--porosity-weight "$POROUS_POROSITY_WEIGHT")    # new runs only: porosity term
[ -n "${POROUS_POROSITY_QUANTILES:-}" ] && lr+=(--porosity-quantiles)                          # new runs only: match the rock's spread of porosity, not its mean
[ -n "${POROUS_CONDUCTANCE_LOCAL:-}" ] && lr+=(--conductance-local)                            # new runs only: pore voxels weighted by the pore around them
[ -n "${POROUS_CONDUCTANCE_QUANTILES:-}" ] && lr+=(--conductance-quantiles)                    # new runs only: match the rock's spread of conductivity, not its mean
[ -n "${POROUS_CRITIC_SEES:-}" ] && lr+=(--critic-sees "$POROUS_CRITIC_SEES")        # new runs only: tanh | binary
dotnet build -c Release src/PorousActors.Cli >/dev/null
# Run from a private copy of the binaries so rebuilding the project cannot disturb a long run.
bin=${POROUS_TRAIN_BIN:-runs/bin}
rm -rf "$bin" && mkdir -p "$(dirname "$bin")" && cp -r src/PorousActors.Cli/bin/Release/net10.0 "$bin"
porous="dotnet $bin/porous.dll"
resume=()
if [ -f "$out/checkpoint.ckpt" ]; then resume=(--resume "$out/checkpoint.ckpt")
elif [ -f "${POROUS_INIT_GENERATOR:-models/berea64.model}" ]; then resume=(--init-generator "${POROUS_INIT_GENERATOR:-models/berea64.model}" --critic-warmup 100 "${lr[@]}"); fi
train() {
  $porous train --data "$data" --pore-value 0 --voxel-size 5.345e-6 --size 64 --stride 16 --batch 8 \
    --generator "$generator" --critic "$critic" --iterations "$iters" --checkpoint-every 25 --snapshot-every "${POROUS_SNAPSHOT_EVERY:-25}" --ema "$ema" --seed 1 \
    --out "$out" "$@"
}
# libtorch can die at random inside a native call (a TorchSharp Scalar temporary finalised during it:
# one run died at iteration 964 in an addition). Resuming is exact, so a run that dies of anything but
# bad input (exit 2) or a signal (128+) resumes from its last checkpoint, POROUS_TRAIN_RESTARTS times.
set +e
train "${resume[@]}"; rc=$?
restarts=${POROUS_TRAIN_RESTARTS:-3}
while [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] && [ "$rc" -lt 128 ] && [ "$restarts" -gt 0 ] && [ -f "$out/checkpoint.ckpt" ]; do
  echo "train-berea: training exited with code $rc; resuming from $out/checkpoint.ckpt ($restarts restarts left)" >&2
  restarts=$((restarts - 1))
  train --resume "$out/checkpoint.ckpt"; rc=$?
done
exit "$rc"
