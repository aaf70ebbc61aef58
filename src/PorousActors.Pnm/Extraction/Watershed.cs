using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using PorousActors.Core;
namespace PorousActors.Pnm.Extraction;

/// <summary>
/// Marker-controlled watershed on the negated distance map, as scikit-image's
/// <c>watershed(-dt, markers)</c> that PoreSpy's SNOW calls: 6-connected, within the pore space, a voxel
/// taking the label of the voxel that first reaches it, voxels leaving the queue highest distance
/// first and, among equals, first come first served.
/// A hierarchical (bucket) queue with levels of 1/<see cref="LevelsPerVoxel"/> voxel makes it
/// linear in the voxel count; distance values are square roots of integers, which such levels
/// keep apart below 128 voxels, and each level is served first come first served.
/// One difference is kept on purpose: scikit-image, run without a mask, also floods the solid, so
/// a pore cluster without a marker of its own joins whichever region reaches it first through the
/// solid. Here such voxels stay 0 (counted as unassigned). Reproducing it costs a breadth-first
/// pass through all the solid (about 1 s at 200³) and moved the mean equivalent pore diameter of
/// the shared reference rocks by 0.1 %.
/// The flood visits voxels in order of height, scattered over the image, so it mostly waits on
/// memory. Each voxel's label, level and pore neighbours therefore share one 8-byte cell (one cache
/// line to fetch per neighbour, not two), and the flood prefetches the cells of the voxel
/// <see cref="PrefetchDistance"/> places ahead in its queue: 2–3× faster on Berea 400³ (measured
/// 2.8–3.4 s before, ~1.5 s after), the same labels, 8 more bytes per voxel while it runs.
/// </summary>
public static class Watershed
{
    public const int LevelsPerVoxel = 256;
    /// <summary>How far ahead in the current level's queue the flood prefetches (16–64 measured alike).</summary>
    public const int PrefetchDistance = 32;

    // A cell: the label in the low 32 bits (0 not reached yet, −1 solid); above it the voxel's level
    // shifted by 6 and a bit per pore neighbour (−z, −y, −x, +x, +y, +z: the order voxels are reached in).
    const int MaskBits = 6;
    const long Solid = 0xFFFFFFFFL;

    /// <param name="into">where the labels go (may be <paramref name="markers"/> itself: markers are
    /// read before any label is written); null for the workspace's "regions" array</param>
    public static unsafe int[] Flood(int[] markers, int markerCount, float[] height, byte[] pore, int nz, int ny, int nx,
        Workspace? ws = null, int[]? into = null)
    {
        int n = markers.Length;
        int plane = ny * nx;
        float hmax = 0;
        int nPore = 0;
        var gate = new object();
        Parallel.For(0, nz, KernelParallelism.Options, () => (Max: 0f, Count: 0), (z, _, acc) =>
        {
            for (int i = z * plane, end = i + plane; i < end; i++)
            {
                if (pore[i] == 0) continue;
                acc.Count++;
                if (height[i] > acc.Max && float.IsFinite(height[i])) acc.Max = height[i];
            }
            return acc;
        }, acc => { lock (gate) { nPore += acc.Count; hmax = Math.Max(hmax, acc.Max); } });
        int levels = (int)(hmax * LevelsPerVoxel) + 2;

        var cells = ws.Array<long>("watershedCells", n, zeroed: false);
        Parallel.For(0, nz, KernelParallelism.Options, z =>
        {
            int i = z * plane;
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++, i++)
                {
                    if (pore[i] == 0) { cells[i] = Solid; continue; }
                    int m = 0;
                    if (z > 0 && pore[i - plane] != 0) m |= 1;
                    if (y > 0 && pore[i - nx] != 0) m |= 2;
                    if (x > 0 && pore[i - 1] != 0) m |= 4;
                    if (x < nx - 1 && pore[i + 1] != 0) m |= 8;
                    if (y < ny - 1 && pore[i + nx] != 0) m |= 16;
                    if (z < nz - 1 && pore[i + plane] != 0) m |= 32;
                    cells[i] = ((long)((Level(height[i], levels) << MaskBits) | m) << 32) | (uint)markers[i];
                }
        });

        // Every pore voxel is queued once, either at its own level or, when reached from a lower
        // level, in the "hot" queue of the level being flooded. Buckets are slices of one array
        // sized by a histogram of the own levels: no list growth, no garbage.
        var start = ws.AtLeast<int>("levelStart", levels + 1);
        Parallel.For(0, nz, KernelParallelism.Options, () => new int[levels + 1], (z, _, histogram) =>
        {
            for (int i = z * plane, end = i + plane; i < end; i++) if (pore[i] != 0) histogram[LevelOf(cells[i]) + 1]++;
            return histogram;
        }, histogram => { lock (gate) for (int l = 0; l <= levels; l++) start[l] += histogram[l]; });
        for (int l = 0; l < levels; l++) start[l + 1] += start[l];
        var fill = ws.AtLeast<int>("levelFill", levels);
        var slots = ws.AtLeast<int>("levelSlots", nPore, zeroed: false);
        // Voxels reached from below their own level: served before the level goes on, highest
        // first and then by arrival, as scikit-image's heap of (value, age) would.
        var hot = new PriorityQueue<int, (int NegLevel, long Age)>();
        long age = 0;

        // the markers in voxel order (they are few: a vectorised search for the next one)
        for (int i = NonZero.Next<int>(markers, 0); i >= 0; i = NonZero.Next<int>(markers, i + 1))
            if (pore[i] != 0 && markers[i] > 0)
            {
                int l = LevelOf(cells[i]);
                slots[start[l] + fill[l]++] = i;
            }

        Span<int> offset = [-plane, -nx, -1, 1, nx, plane];
        fixed (long* cellAt = cells)
            for (int cur = levels - 1; cur >= 0; cur--)
            {
                int next = 0;
                while (true)
                {
                    int p;
                    if (hot.Count > 0) p = hot.Dequeue();
                    else if (next < fill[cur])
                    {
                        p = slots[start[cur] + next++];
                        if (next + PrefetchDistance < fill[cur])
                            Prefetch(cellAt, slots[start[cur] + next + PrefetchDistance], plane, nx, n);
                    }
                    else break;
                    long cell = cells[p];
                    uint label = (uint)cell;
                    for (int m = (int)(cell >> 32) & ((1 << MaskBits) - 1); m != 0; m &= m - 1)
                    {
                        int q = p + offset[BitOperations.TrailingZeroCount(m)];
                        long cq = cells[q];
                        if ((uint)cq != 0) continue; // already reached (solid never is a neighbour here)
                        cells[q] = (cq & ~Solid) | label;
                        int lq = LevelOf(cq);
                        if (lq > cur) hot.Enqueue(q, (-lq, age++));
                        else slots[start[lq] + fill[lq]++] = q; // the current level's too: after those already waiting
                    }
                }
            }

        var labels = into ?? ws.Array<int>("regions", n, zeroed: false);
        Parallel.For(0, nz, KernelParallelism.Options, z =>
        {
            for (int i = z * plane, end = i + plane; i < end; i++)
                labels[i] = (int)cells[i] is var l && l > 0 ? l : 0; // solid and unreached: 0
        });
        return labels;
    }

    /// <summary>Asks the cache for voxel f's cell and those of its ±y and ±z neighbours (±x share its
    /// line). A hint only: where the CPU has no such instruction it does nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Prefetch(long* cells, int f, int plane, int nx, int n)
    {
        if (!Sse.IsSupported) return;
        Sse.Prefetch0(cells + f);
        if (f >= nx) Sse.Prefetch0(cells + f - nx);
        if (f + nx < n) Sse.Prefetch0(cells + f + nx);
        if (f >= plane) Sse.Prefetch0(cells + f - plane);
        if (f + plane < n) Sse.Prefetch0(cells + f + plane);
    }

    static int LevelOf(long cell) => (int)(cell >> (32 + MaskBits));

    static int Level(float h, int levels) => Math.Clamp((int)(h * LevelsPerVoxel), 0, levels - 1);
}
