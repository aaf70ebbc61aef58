using PorousActors.Core;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PorousActors.Pnm.VoxelFlow;

/// <summary>
/// Voxel-level Stokes flow by the lattice-Boltzmann method on plain arrays: D3Q19, two-relaxation-
/// time collision with Λ = 3/16, a linear (Stokes) equilibrium so inertia is absent by
/// construction, a body force along the flow (Guo's forcing in its TRT form), and half-way
/// bounce-back at every solid face; closed domain faces reflect populations specularly (free slip).
/// Only fluid nodes are stored (the pore space of rock is 10–30 % of the image); for each node and
/// direction a table holds where its incoming population is pulled from: the upstream node, the
/// node itself in the opposite direction (a wall), or the mirrored direction (a free-slip face).
/// Populations are
/// stored as deviations from rest (f − w), so single precision keeps about seven digits of the
/// small creeping-flow perturbation. One fused stream-and-collide sweep per step, parallel over
/// node blocks.
/// </summary>
public sealed class LatticeBoltzmann : IVoxelFlowSolver
{
    public string Name => "cpu";

    public VoxelFlowResult Solve(FlowDomain d, VoxelFlowOptions o, IProgress<VoxelFlowProgress>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var (cell, pull) = BuildNodes(d);
        int n = cell.Length;
        if (n == 0) return new VoxelFlowResult(0, 0, true, 0, 0, sw.Elapsed.TotalSeconds, Name, "no fluid voxels: permeability is 0");
        var a = new float[D3Q19.Q * (long)n];
        var b = new float[D3Q19.Q * (long)n];
        var k = new Kernel(o);
        var monitor = new ConvergenceMonitor(o, progress);
        int step = 0;
        double flux = 0, speed = 0; // of the last measured state
        int blocks = Math.Max(1, Math.Min(Environment.ProcessorCount * 8, n / 4096));
        while (step < o.MaxSteps)
        {
            ct.ThrowIfCancellationRequested();
            for (int s = 0; s < o.CheckEvery && step < o.MaxSteps; s++, step++)
            {
                var (from, to) = (a, b);
                Parallel.For(0, blocks, KernelParallelism.Options, blk =>
                {
                    int lo = (int)((long)n * blk / blocks), hi = (int)((long)n * (blk + 1) / blocks);
                    k.Sweep(from, to, pull, n, lo, hi);
                });
                (a, b) = (b, a);
            }
            (flux, speed) = Velocities(o, a, pull, n);
            if (monitor.Record(step, DarcyMeasure.Permeability(d, o, flux))) break;
        }
        return monitor.Result(step, n, sw.Elapsed.TotalSeconds, Name, flux > 0 ? speed / flux : double.NaN);
    }

    /// <summary>Fluid nodes in scan order, and for each direction q and node i the index into the
    /// population array (q' · n + node) its incoming population is pulled from.</summary>
    public static (int[] Cell, int[] Pull) BuildNodes(FlowDomain d)
    {
        long total = (long)d.N0 * d.N1 * d.N2;
        if (total > int.MaxValue) throw new ArgumentException($"a {d.N0}×{d.N1}×{d.N2} flow domain is above the {int.MaxValue} cells this solver indexes");
        var node = new int[total];
        int n = 0;
        for (int c = 0; c < total; c++) node[c] = d.Solid[c] == 0 ? n++ : -1;
        if ((long)n * D3Q19.Q > int.MaxValue) throw new ArgumentException($"{n} fluid voxels are above what this solver indexes ({int.MaxValue / D3Q19.Q})");
        var cell = new int[n];
        for (int c = 0; c < total; c++) if (node[c] >= 0) cell[node[c]] = c;
        var pull = new int[D3Q19.Q * (long)n];
        int n1 = d.N1, n2 = d.N2, n0 = d.N0;
        Parallel.For(0, n, KernelParallelism.Options, i =>
        {
            int c = cell[i];
            int z = c / (n1 * n2), y = c / n2 % n1, x = c % n2;
            pull[i] = i; // the rest population stays
            for (int q = 1; q < D3Q19.Q; q++)
            {
                int c0 = D3Q19.C0[q], c1 = D3Q19.C1[q], c2 = D3Q19.C2[q];
                int zz = ((z - c0) % n0 + n0) % n0, yy = y - c1, xx = x - c2; // the flow axis always wraps
                int from = q;
                if (d.LateralPeriodic) { yy = (yy + n1) % n1; xx = (xx + n2) % n2; }
                else
                {
                    // A free-slip face mirrors the lateral component: the population arriving along
                    // q left this row (or column) along the mirrored direction and was reflected.
                    bool outY = (uint)yy >= (uint)n1, outX = (uint)xx >= (uint)n2;
                    if (outY) yy = y;
                    if (outX) xx = x;
                    if (outY || outX) from = D3Q19.Find(c0, outY ? -c1 : c1, outX ? -c2 : c2);
                }
                int s = node[((long)zz * n1 + yy) * n2 + xx];
                pull[(long)q * n + i] = s >= 0 ? from * n + s : D3Q19.Opposite(q) * n + i; // solid: half-way bounce-back
            }
        });
        return (cell, pull);
    }

    /// <summary>Σ u along the flow and Σ |u| over all fluid nodes of the current state.</summary>
    static (double Flux, double Speed) Velocities(VoxelFlowOptions o, float[] f, int[] pull, int n)
    {
        int blocks = Math.Max(1, Math.Min(64, n / 4096));
        double flux = 0, speed = 0;
        var sync = new object();
        double half = 0.5 * o.BodyForce;
        Parallel.For(0, blocks, KernelParallelism.Options, () => (0.0, 0.0), (blk, _, acc) =>
        {
            int lo = (int)((long)n * blk / blocks), hi = (int)((long)n * (blk + 1) / blocks);
            for (int i = lo; i < hi; i++)
            {
                double u0 = half, u1 = 0, u2 = 0;
                for (int q = 1; q < D3Q19.Q; q++)
                {
                    double v = f[pull[(long)q * n + i]];
                    u0 += v * D3Q19.C0[q]; u1 += v * D3Q19.C1[q]; u2 += v * D3Q19.C2[q];
                }
                acc.Item1 += u0;
                acc.Item2 += Math.Sqrt(u0 * u0 + u1 * u1 + u2 * u2);
            }
            return acc;
        }, acc => { lock (sync) { flux += acc.Item1; speed += acc.Item2; } });
        return (flux, speed);
    }

    /// <summary>The fused stream-and-collide sweep, with the collision constants precomputed.</summary>
    sealed class Kernel
    {
        readonly float wp, wm, g, force, w0;
        readonly float[] w = new float[D3Q19.Q];

        public Kernel(VoxelFlowOptions o)
        {
            wp = (float)(1 / o.TauPlus);
            wm = (float)(1 / o.TauMinus);
            g = (float)o.BodyForce;
            // Guo's forcing for TRT: the force enters the antisymmetric part as (1 − ω−/2) 3 w c·g.
            force = (float)((1 - 0.5 / o.TauMinus) * 3 * o.BodyForce);
            for (int q = 0; q < D3Q19.Q; q++) w[q] = (float)D3Q19.W[q];
            w0 = w[0];
        }

        /// <summary>One stream-and-collide sweep over nodes [lo, hi), written out for the 19
        /// directions of <see cref="D3Q19"/> (indices and signs as in its tables) so the compiler
        /// folds every velocity component and no bounds are checked in the loop.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Sweep(float[] from, float[] to, int[] pull, int n, int lo, int hi)
        {
            ref float f = ref MemoryMarshal.GetArrayDataReference(from);
            ref float t = ref MemoryMarshal.GetArrayDataReference(to);
            ref int p = ref MemoryMarshal.GetArrayDataReference(pull);
            float ws = w[1], wd = w[7], half = 0.5f * g;
            for (int i = lo; i < hi; i++)
            {
                float f0 = In(ref f, ref p, n, 0, i), f1 = In(ref f, ref p, n, 1, i), f2 = In(ref f, ref p, n, 2, i);
                float f3 = In(ref f, ref p, n, 3, i), f4 = In(ref f, ref p, n, 4, i), f5 = In(ref f, ref p, n, 5, i);
                float f6 = In(ref f, ref p, n, 6, i), f7 = In(ref f, ref p, n, 7, i), f8 = In(ref f, ref p, n, 8, i);
                float f9 = In(ref f, ref p, n, 9, i), f10 = In(ref f, ref p, n, 10, i), f11 = In(ref f, ref p, n, 11, i);
                float f12 = In(ref f, ref p, n, 12, i), f13 = In(ref f, ref p, n, 13, i), f14 = In(ref f, ref p, n, 14, i);
                float f15 = In(ref f, ref p, n, 15, i), f16 = In(ref f, ref p, n, 16, i), f17 = In(ref f, ref p, n, 17, i);
                float f18 = In(ref f, ref p, n, 18, i);
                float rho = f0 + f1 + f2 + f3 + f4 + f5 + f6 + f7 + f8 + f9 + f10 + f11 + f12 + f13 + f14 + f15 + f16 + f17 + f18;
                // Velocity with half the force (second-order forcing); ρ0 = 1 in the linear equilibrium.
                float u0 = f1 - f2 + f7 - f8 + f9 - f10 + f11 - f12 + f13 - f14 + half;
                float u1 = f3 - f4 + f7 - f8 - f9 + f10 + f15 - f16 + f17 - f18;
                float u2 = f5 - f6 + f11 - f12 - f13 + f14 + f15 - f16 - f17 + f18;
                Out(ref t, n, 0, i) = f0 - wp * (f0 - w0 * rho);
                float fs = force * ws, fd = force * wd;
                Pair(ref t, n, 1, i, f1, f2, ws, rho, u0, fs);
                Pair(ref t, n, 3, i, f3, f4, ws, rho, u1, 0);
                Pair(ref t, n, 5, i, f5, f6, ws, rho, u2, 0);
                Pair(ref t, n, 7, i, f7, f8, wd, rho, u0 + u1, fd);
                Pair(ref t, n, 9, i, f9, f10, wd, rho, u0 - u1, fd);
                Pair(ref t, n, 11, i, f11, f12, wd, rho, u0 + u2, fd);
                Pair(ref t, n, 13, i, f13, f14, wd, rho, u0 - u2, fd);
                Pair(ref t, n, 15, i, f15, f16, wd, rho, u1 + u2, 0);
                Pair(ref t, n, 17, i, f17, f18, wd, rho, u1 - u2, 0);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static float In(ref float f, ref int pull, int n, int q, int i) => Unsafe.Add(ref f, Unsafe.Add(ref pull, q * n + i));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static ref float Out(ref float t, int n, int q, int i) => ref Unsafe.Add(ref t, q * n + i);

        /// <summary>TRT collision of direction q and its opposite q + 1: symmetric parts relax with
        /// ω+, antisymmetric with ω−, and the force enters the antisymmetric part.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Pair(ref float t, int n, int q, int i, float fq, float fo, float wq, float rho, float cu, float fr)
        {
            float sym = 0.5f * (fq + fo) - wq * rho;
            float anti = 0.5f * (fq - fo) - wq * 3 * cu;
            Out(ref t, n, q, i) = fq - wp * sym - wm * anti + fr;
            Out(ref t, n, q + 1, i) = fo - wp * sym + wm * anti - fr;
        }
    }
}
