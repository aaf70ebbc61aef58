using System.Diagnostics;
using PorousActors.Core;
using PorousActors.Core.Filters;
using PorousActors.Core.Metrics;
using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Extraction;

/// <summary>
/// SNOW on an image too large for one array, in z-slabs with overlapping halos (PoreSpy's
/// <c>divs</c>), built to give the same network as <see cref="SnowExtractor"/> on the whole image,
/// and to check that it did:
/// <list type="number">
/// <item>Peaks, slab by slab: distance transform of the slab and a halo, proven exact where it is
/// used (a distance no larger than the way out of the slab cannot have missed a solid beyond it),
/// smoothing and the peak test, then saddle trimming of the 6-connected peak clusters whose first
/// voxel lies in the core; a cluster or saddle walk that reaches the halo's edge widens the halo
/// and the slab is redone. Image metrics (φ, S/V, χ) are summed slab by slab in the same pass.</item>
/// <item>Nearby trimming over all peaks at once (they are few): 26-connected clusters, their
/// truncated centroids' distances found exactly by search, then PoreSpy's rule.</item>
/// <item>Watershed and network, slab by slab: each slab floods its core and a halo of
/// <c>watershedHalo</c> planes from the global markers, on the distances the first pass proved
/// exact and kept on disk (<see cref="DistanceStore"/>; computed again only where it could not), and its core is added to the network
/// (<see cref="NetworkAccumulator"/>). The halo's labels are a slab's view of its neighbour's core;
/// every plane a slab read beyond its core is compared with what the neighbour computed there. A
/// disagreement doubles the halo and the pass is redone; if it persists it is reported.</item>
/// </list>
/// Memory is that of one slab and its halos (about 20 bytes per voxel of it) plus the network;
/// the image itself is read from <see cref="IPlaneSource"/> and need never be in memory.
/// </summary>
public static class ChunkedSnowExtractor
{
    /// <summary>Planes a slab floods beyond its core. 32 was too few on real rock (Berea 400³ in
    /// 3 slabs: 310 voxels disagreed at the seams) and on a 2000³ grain pack in 12 slabs (1,793),
    /// each costing a second watershed pass; 64 agreed on both.</summary>
    public const int DefaultWatershedHalo = 64;

    /// <summary>Planes a peak slab first reads beyond its core for the peak clusters, and at least for
    /// the saddle walks (each doubled when a cluster or walk reaches the edge).</summary>
    const int ClusterPlanes = 4, WalkPlanes = 6;

    /// <summary>How the slabs went: <see cref="SeamMismatches"/> = 0 means every plane a slab read
    /// beyond its core held the labels its neighbour gave it, so the network is the whole-image one.</summary>
    /// <param name="KeptDistanceSlabs">watershed slabs (over every pass) that read their distances from
    /// the first pass's store instead of computing them again</param>
    public sealed record Report(int Chunks, int WatershedChunks, int WatershedHalo, int HaloWidenings, int DistanceMargin, int Retries, long SeamMismatches, long PeakVoxels, int Markers, long MaxSlabVoxels, int KeptDistanceSlabs = 0);

    public sealed record Result(PoreNetwork Network, ImageMetrics Metrics, Report Report, IReadOnlyDictionary<string, double> TimingsMs);

    /// <param name="distanceMargin">planes read beyond where the distance transform must be exact,
    /// to start with (widened as needed); it also widens the flood's halo</param>
    /// <param name="keepDistances">keep the first pass's exact distances on disk for the watershed
    /// pass (false: compute them again, slab by slab, as before the store)</param>
    public static Result Extract(IPlaneSource src, int chunks, int watershedHalo = DefaultWatershedHalo, Action<string>? progress = null, int distanceMargin = 16,
        bool keepDistances = true)
    {
        int nz = src.Nz, ny = src.Ny, nx = src.Nx;
        if (chunks < 1) throw new BadInputException($"chunks must be at least 1, got {chunks}");
        if (watershedHalo < 2) throw new BadInputException($"the watershed halo must be at least 2 planes, got {watershedHalo}");
        // every core must hold as many planes as a neighbour may read into it
        chunks = Math.Max(1, Math.Min(chunks, nz / Math.Max(watershedHalo, 1)));
        var bounds = Bounds(nz, chunks);
        var t = new Dictionary<string, double> { ["distanceTransform"] = 0, ["distanceStore"] = 0, ["peaks"] = 0, ["watershed"] = 0, ["network"] = 0, ["porosity"] = 0, ["specificSurface"] = 0, ["euler"] = 0 };
        var state = new PassState { DistanceMargin = Math.Max(1, distanceMargin) };
        using var store = keepDistances && chunks > 1 ? new DistanceStore(nz, ny, nx) : null;
        state.Store = store;
        int bounds0 = chunks;

        // --- Pass 1: peaks and image metrics, slab by slab.
        var peaks = new List<long>();
        var sums = new ImageSums(nz);
        for (int c = 0, held = 0; c < chunks; c++)
        {
            progress?.Invoke($"peaks: slab {c + 1} of {chunks} ({Memory()})");
            SlabPeaks(src, c, bounds[c], bounds[c + 1], state, t, peaks, sums);
            ReleaseAfterSlab(bounds, c, state.DistanceMargin + ClusterPlanes + WalkPlanes, nz, ref held);
        }
        peaks.Sort();

        // --- Nearby trimming over all peaks at once, then markers.
        var sw2 = Stopwatch.StartNew();
        var markerVoxels = NearbyTrimmedMarkers(src, peaks, out int markerCount);
        t["peaks"] += Lap(sw2);

        // --- Pass 2: watershed and network, slab by slab, until every seam agrees.
        NetworkAccumulator acc;
        long mismatches;
        int halo = watershedHalo, widenings = 0;
        while (true)
        {
            (acc, mismatches) = FloodAndBuild(src, bounds, halo, markerVoxels, markerCount, state, t, progress);
            if (mismatches == 0 || chunks == 1) break;
            // a wider halo; fewer, thicker slabs when the cores would be thinner than it
            halo *= 2; widenings++;
            chunks = Math.Max(1, Math.Min(chunks, nz / halo));
            bounds = Bounds(nz, chunks);
            progress?.Invoke($"slab seams disagreed on {mismatches} voxels: redoing the watershed in {chunks} slab(s) with a halo of {halo} planes");
        }
        var sw3 = Stopwatch.StartNew();
        var net = acc.Finish();
        t["network"] += Lap(sw3);

        long n = src.VoxelCount();
        double sv = sums.AreaPerPlane.Sum() / (n * src.VoxelSize);
        var metrics = new ImageMetrics(sums.PoreVoxels / (double)n, sv, sums.Chi26, sums.Chi6, new Dictionary<string, double>
        {
            ["porosity"] = t["porosity"], ["specificSurface"] = t["specificSurface"], ["euler"] = t["euler"],
        });
        var report = new Report(bounds0, chunks, halo, widenings, state.DistanceMargin, state.Retries, mismatches, peaks.Count, markerCount, state.MaxSlabVoxels, state.KeptDistanceSlabs);
        return new Result(net, metrics, report, t);
    }

    /// <summary>
    /// Slabs for an image of this shape: each slab with its halos (about 20 bytes per voxel while
    /// it is worked on: measured 19.3 at 1000³, the watershed's 8-byte cells included) within 40 % of
    /// the memory available and, for images below that, within 7 bytes per image voxel, but never
    /// thinner than 2^27 voxels or a core thinner than twice the halo.
    /// </summary>
    public static int AutoChunks(int nz, int ny, int nx, int halo, long availableBytes)
    {
        long plane = (long)ny * nx, voxels = plane * nz;
        long budget = Math.Min(Math.Max(voxels * 7 / 20, 1L << 27), (long)(availableBytes * 0.4 / 20));
        long slabPlanes = budget / plane;
        long core = Math.Max(2L * halo, slabPlanes - 2L * halo);
        return (int)Math.Clamp((nz + core - 1) / core, 1, Math.Max(1, nz / halo));
    }

    static int[] Bounds(int nz, int chunks)
    {
        var bounds = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) bounds[c] = (int)((long)c * nz / chunks);
        return bounds;
    }

    sealed class ImageSums(int nz)
    {
        public long PoreVoxels, Chi26, Chi6;
        public readonly double[] AreaPerPlane = new double[Math.Max(nz - 1, 0)];
    }

    /// <summary>Pass 1 for the slab with core [a, b): its peaks (added to <paramref name="peaks"/>)
    /// and image sums. A method of its own so the slab's arrays die with its frame.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void SlabPeaks(IPlaneSource src, int c, int a, int b, PassState state, Dictionary<string, double> t, List<long> peaks, ImageSums sums)
    {
        int nz = src.Nz, ny = src.Ny, nx = src.Nx;
        var (pore, slabNz, e0, sw) = (Array.Empty<byte>(), 0, 0, Stopwatch.StartNew());
        for (int cluster = ClusterPlanes, walk = WalkPlanes; ;)
        {
            int m = cluster + Math.Max(walk, WalkPlanes);
            int x0 = Math.Max(0, a - m), x1 = Math.Min(nz, b + m);
            (pore, slabNz, e0, var dt) = ExactDistances(src, x0, x1, state, t);
            sw.Restart();
            // Image metrics once per slab, from the same planes.
            if (c >= state.MetricsDone)
            {
                sums.PoreVoxels += CountPore(pore, (a - e0) * ny * nx, (b - e0) * ny * nx);
                t["porosity"] += Lap(sw);
                SpecificSurface.AreaSlab(pore, slabNz, ny, nx, e0, nz, a, Math.Min(b, nz - 1), sums.AreaPerPlane);
                t["specificSurface"] += Lap(sw);
                int pzTo = b == nz ? nz + 1 : b;
                sums.Chi26 += EulerCharacteristic.SumSlab(pore, slabNz, ny, nx, e0, nz, a, pzTo, sixConnected: false);
                sums.Chi6 += EulerCharacteristic.SumSlab(pore, slabNz, ny, nx, e0, nz, a, pzTo, sixConnected: true);
                t["euler"] += Lap(sw);
                state.MetricsDone = c + 1;
            }
            int p0 = Math.Max(0, a - cluster), p1 = Math.Min(nz, b + cluster);
            var isPeak = PeakFinder.FindPeaks(SnowExtractor.Smoothed(dt, pore, slabNz, ny, nx, null), pore, slabNz, ny, nx, p0 - e0, p1 - e0);
            ReleaseMemory();
            int plane = ny * nx;
            var peakVoxels = PeakFinder.Marked(isPeak, slabNz, plane); // few: walked instead of the slab
            var (c6, n6) = PeakFinder.Label(isPeak, peakVoxels, slabNz, ny, nx, faces: true);
            // clusters that start in the core are this slab's; each must lie inside the planes searched
            var first = new int[n6]; var last = new int[n6];
            Array.Fill(first, -1);
            foreach (int i in peakVoxels)
            {
                int l = c6[i] - 1;
                if (l < 0) continue;
                int z = i / plane + e0;
                if (first[l] < 0) first[l] = z;
                last[l] = z;
            }
            bool ours(int l) => first[l] >= a && first[l] < b;
            bool widen = false;
            for (int l = 0; l < n6 && !widen; l++)
                if (ours(l) && ((first[l] == p0 && p0 > 0) || (last[l] == p1 - 1 && p1 < nz))) widen = true;
            if (widen) { cluster *= 2; state.Retries++; t["peaks"] += Lap(sw); continue; }
            var reach = new int[2 * n6];
            var keep = PeakFinder.SaddleVerdicts(c6, peakVoxels, n6, dt, pore, slabNz, ny, nx, reach);
            for (int l = 0; l < n6 && !widen; l++)
                if (ours(l) && (reach[2 * l] + e0 < x0 || reach[2 * l + 1] + e0 >= x1)) widen = true;
            if (widen) { walk *= 2; state.Retries++; t["peaks"] += Lap(sw); continue; }
            foreach (int i in peakVoxels)
            {
                int l = c6[i] - 1;
                if (l >= 0 && ours(l) && keep[l]) peaks.Add((long)e0 * plane + i);
            }
            t["peaks"] += Lap(sw);
            if (state.Store is { } store) { store.Write(dt, e0, a, b); t["distanceStore"] += Lap(sw); } // the core is exact
            break;
        }
        state.MaxSlabVoxels = Math.Max(state.MaxSlabVoxels, (long)slabNz * ny * nx);
    }

    sealed class PassState
    {
        public int DistanceMargin = 16, Retries, MetricsDone, KeptDistanceSlabs;
        public long MaxSlabVoxels;
        public DistanceStore? Store;
    }

    /// <summary>Reads planes around [x0, x1) and computes their distance transform, widening the
    /// margin until it is exact on [x0, x1): a distance no larger than the way out of the slab
    /// cannot have missed a solid beyond it.</summary>
    static (byte[] Pore, int SlabNz, int E0, float[] Dt) ExactDistances(IPlaneSource src, int x0, int x1, PassState state, Dictionary<string, double> t, int minMargin = 0)
    {
        int nz = src.Nz, ny = src.Ny, nx = src.Nx, plane = ny * nx;
        float cap = Math.Max(nz, Math.Max(ny, nx));
        var sw = Stopwatch.StartNew();
        while (true)
        {
            int margin = Math.Max(state.DistanceMargin, minMargin);
            int e0 = Math.Max(0, x0 - margin), e1 = Math.Min(nz, x1 + margin), slabNz = e1 - e0;
            var pore = new byte[(long)slabNz * plane];
            src.ReadPlanes(e0, slabNz, pore);
            var dt = DistanceTransform.Compute(pore, slabNz, ny, nx);
            float worst = 0;
            var gate = new object();
            Parallel.For(x0, x1, KernelParallelism.Options, () => 0f, (z, _, w) =>
            {
                float allowed = Math.Min(e0 > 0 ? z - e0 + 1 : float.PositiveInfinity, e1 < nz ? e1 - z : float.PositiveInfinity);
                int o = (z - e0) * plane;
                for (int i = o; i < o + plane; i++)
                {
                    float d = dt[i];
                    if (d > allowed) w = Math.Max(w, d);
                }
                return w;
            }, w => { lock (gate) worst = Math.Max(worst, w); });
            if (worst == 0)
            {
                SnowExtractor.CapInfinite(dt, nz, ny, nx);
                t["distanceTransform"] += sw.Elapsed.TotalMilliseconds;
                return (pore, slabNz, e0, dt);
            }
            state.DistanceMargin = (int)Math.Min(Math.Max(2.0 * state.DistanceMargin, Math.Ceiling(Math.Min(worst, cap)) + 1), cap);
            state.Retries++;
        }
    }

    /// <summary>The watershed slab's planes (as <see cref="ExactDistances"/> would read them for the same
    /// halo) with the distances the first pass stored, all exact; null when any plane is not stored.</summary>
    static (byte[] Pore, int SlabNz, int E0, float[] Dt)? KeptDistances(IPlaneSource src, int a, int b, int halo, PassState state, Dictionary<string, double> t)
    {
        if (state.Store is not { } store) return null;
        var sw = Stopwatch.StartNew();
        int nz = src.Nz, plane = src.Ny * src.Nx, margin = Math.Max(state.DistanceMargin, halo);
        int e0 = Math.Max(0, a - margin), e1 = Math.Min(nz, b + margin), slabNz = e1 - e0;
        if (!store.Holds(e0, e1)) return null; // before allocating: the fallback allocates its own
        var dt = new float[(long)slabNz * plane];
        if (!store.TryRead(e0, e1, dt)) return null;
        var pore = new byte[(long)slabNz * plane];
        src.ReadPlanes(e0, slabNz, pore);
        state.KeptDistanceSlabs++;
        t["distanceStore"] += sw.Elapsed.TotalMilliseconds;
        return (pore, slabNz, e0, dt);
    }

    static long CountPore(byte[] pore, int from, int to) => pore.AsSpan(from, to - from).Count((byte)1);

    /// <summary>PoreSpy's trim_nearby_peaks over the sparse peak voxels (sorted global indices), then
    /// the 26-connected clusters left, numbered in scan order of their first voxel as the markers.
    /// Returns (voxel, marker) pairs sorted by voxel.</summary>
    static (long Voxel, int Marker)[] NearbyTrimmedMarkers(IPlaneSource src, List<long> peaks, out int markerCount)
    {
        int ny = src.Ny, nx = src.Nx, nz = src.Nz;
        long plane = (long)ny * nx;
        var index = new Dictionary<long, int>(peaks.Count);
        for (int k = 0; k < peaks.Count; k++) index[peaks[k]] = k;
        var cluster = new int[peaks.Count];
        int n = 0;
        var stack = new Stack<int>();
        for (int k = 0; k < peaks.Count; k++)
        {
            if (cluster[k] != 0) continue;
            cluster[k] = ++n; stack.Push(k);
            while (stack.Count > 0)
            {
                long p = peaks[stack.Pop()];
                int z = (int)(p / plane), y = (int)(p / nx % ny), x = (int)(p % nx);
                for (int dz = -1; dz <= 1; dz++)
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int zz = z + dz, yy = y + dy, xx = x + dx;
                            if ((uint)zz >= (uint)nz || (uint)yy >= (uint)ny || (uint)xx >= (uint)nx) continue;
                            if (index.TryGetValue(zz * plane + yy * nx + xx, out int q) && cluster[q] == 0) { cluster[q] = n; stack.Push(q); }
                        }
            }
        }
        index.Clear();
        var sum = new double[3 * n]; var size = new int[n];
        for (int k = 0; k < peaks.Count; k++)
        {
            int l = cluster[k] - 1; long p = peaks[k];
            sum[3 * l] += p / plane; sum[3 * l + 1] += p / nx % ny; sum[3 * l + 2] += p % nx;
            size[l]++;
        }
        var crd = new int[3 * n];
        for (int l = 0; l < n; l++)
            for (int k = 0; k < 3; k++) crd[3 * l + k] = (int)(sum[3 * l + k] / size[l]);
        var dist = new double[n];
        var probe = new DistanceProbe(src);
        foreach (int l in Enumerable.Range(0, n).OrderBy(l => crd[3 * l]))
            dist[l] = probe.At(crd[3 * l], crd[3 * l + 1], crd[3 * l + 2]) + l * 1e-6;
        var drop = PeakFinder.NearbyDrops(crd, dist, n);
        var id = new int[n];
        markerCount = 0;
        for (int l = 0; l < n; l++) id[l] = drop[l] ? 0 : ++markerCount;
        var markers = new List<(long, int)>(peaks.Count);
        for (int k = 0; k < peaks.Count; k++)
            if (id[cluster[k] - 1] is int m and > 0) markers.Add((peaks[k], m));
        return [.. markers];
    }

    static (NetworkAccumulator, long Mismatches) FloodAndBuild(IPlaneSource src, int[] bounds, int halo, (long Voxel, int Marker)[] markerVoxels, int markerCount,
        PassState state, Dictionary<string, double> t, Action<string>? progress)
    {
        int nz = src.Nz, ny = src.Ny, nx = src.Nx, plane = ny * nx, chunks = bounds.Length - 1;
        var acc = new NetworkAccumulator(markerCount, nz, ny, nx, src.VoxelSize);
        var seams = new Seams();
        int cursor = 0, held = 0;
        for (int c = 0; c < chunks; c++)
        {
            progress?.Invoke($"watershed: slab {c + 1} of {chunks} ({Memory()})");
            FloodSlab(src, bounds[c], bounds[c + 1], halo, markerVoxels, ref cursor, markerCount, acc, seams, state, t);
            ReleaseAfterSlab(bounds, c, Math.Max(state.DistanceMargin, halo), nz, ref held);
        }
        long mismatches = seams.Mismatches;
        return (acc, mismatches);
    }

    /// <summary>The previous slab's labels of the last planes of its core, and of the planes above
    /// its core it read; and the voxels where two slabs disagreed so far.</summary>
    sealed class Seams
    {
        public int[]? Tail, View;
        public int TailZ0, ViewZ0, ViewZ1;
        public long Mismatches;
    }

    /// <summary>Pass 2 for the slab with core [a, b): flood, add the core to the network, check the
    /// seam with the previous slab. A method of its own so the slab's arrays die with its frame.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void FloodSlab(IPlaneSource src, int a, int b, int halo, (long Voxel, int Marker)[] markerVoxels, ref int cursor, int markerCount,
        NetworkAccumulator acc, Seams seams, PassState state, Dictionary<string, double> t)
    {
        int nz = src.Nz, ny = src.Ny, nx = src.Nx, plane = ny * nx;
        // the flood's halo: at least the watershed halo, and the distance margin the core needs
        var (pore, slabNz, e0, dt) = KeptDistances(src, a, b, halo, state, t) ?? ExactDistances(src, a, b, state, t, minMargin: halo);
        var sw = Stopwatch.StartNew();
        var labels = Flood(pore, dt, slabNz, ny, nx, e0, markerVoxels, ref cursor, markerCount);
        ReleaseMemory();
        t["watershed"] += Lap(sw);
        var reach = acc.Add(labels, dt, pore, slabNz, e0, a - e0, b - e0);
        t["network"] += Lap(sw);
        state.MaxSlabVoxels = Math.Max(state.MaxSlabVoxels, (long)slabNz * plane);

        // Seams: what this slab read below its core against the previous slab's core, and
        // what the previous slab read above its core against this slab's core.
        if (seams.Tail is { } tail)
            for (int z = reach.Below; z < a; z++)
            {
                if (z < seams.TailZ0) { seams.Mismatches += plane; continue; } // read beyond what can be checked
                seams.Mismatches += Differ(labels, (z - e0) * plane, tail, (z - seams.TailZ0) * plane, plane);
            }
        if (seams.View is { } view)
            for (int z = seams.ViewZ0; z < seams.ViewZ1; z++)
            {
                if (z >= b) { seams.Mismatches += plane; continue; }
                seams.Mismatches += Differ(view, (z - seams.ViewZ0) * plane, labels, (z - e0) * plane, plane);
            }
        seams.TailZ0 = Math.Max(a, b - Math.Max(halo, state.DistanceMargin + 1));
        seams.Tail = labels.AsSpan((seams.TailZ0 - e0) * plane, (b - seams.TailZ0) * plane).ToArray();
        seams.ViewZ0 = b; seams.ViewZ1 = Math.Min(nz, reach.Above + 1);
        seams.View = seams.ViewZ1 > seams.ViewZ0 ? labels.AsSpan((seams.ViewZ0 - e0) * plane, (seams.ViewZ1 - seams.ViewZ0) * plane).ToArray() : null;
    }

    /// <summary>The slab's markers (from the global list, sorted by voxel) and its watershed.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static int[] Flood(byte[] pore, float[] dt, int slabNz, int ny, int nx, int e0, (long Voxel, int Marker)[] markerVoxels, ref int cursor, int markerCount)
    {
        long plane = (long)ny * nx;
        var markers = new int[slabNz * plane];
        long lo = e0 * plane, hi = (e0 + slabNz) * plane;
        while (cursor > 0 && markerVoxels[cursor - 1].Voxel >= lo) cursor--;
        while (cursor < markerVoxels.Length && markerVoxels[cursor].Voxel < lo) cursor++;
        for (int k = cursor; k < markerVoxels.Length && markerVoxels[k].Voxel < hi; k++)
            markers[markerVoxels[k].Voxel - lo] = markerVoxels[k].Marker;
        return Watershed.Flood(markers, markerCount, dt, pore, slabNz, ny, nx, into: markers);
    }

    static long Differ(int[] a, int ao, int[] b, int bo, int len)
    {
        long n = 0;
        for (int i = 0; i < len; i++) if (a[ao + i] != b[bo + i]) n++;
        return n;
    }

    /// <summary>Frees a slab's arrays: a full collection that also compacts the large-object heap
    /// (without one, slabs of slightly different sizes left it growing slab after slab: 1.8 → 3.5 GB
    /// over four slabs of a 600³ image). With <paramref name="keep"/> the memory stays with the
    /// process for the next slab, no larger, to reuse; otherwise it is handed back to the system, so
    /// the peak stays that of the largest slab. Memory touched for the first time costs a page fault
    /// per 4 KB: on this project's VM 3–4 s per GB against 0.05 s to reuse it, and handing every
    /// slab's ~6 GB back made the 1000³ analysis spend ~100 s of its ~270 s in the kernel.</summary>
    static void ReleaseMemory(bool keep = true) => StageMemory.Collect(keep);

    /// <summary>After slab <paramref name="c"/> of a pass whose slabs read <paramref name="margin"/> planes
    /// beyond their cores: its memory is kept for the next slab when that one is no larger than the
    /// largest so far (<paramref name="held"/>, in planes), and handed back before a larger slab or
    /// after the last.</summary>
    static void ReleaseAfterSlab(int[] bounds, int c, int margin, int nz, ref int held)
    {
        held = Math.Max(held, SlabPlanes(c));
        ReleaseMemory(keep: c + 2 < bounds.Length && SlabPlanes(c + 1) <= held);

        int SlabPlanes(int k) => Math.Min(nz, bounds[k + 1] + margin) - Math.Max(0, bounds[k] - margin);
    }

    static string Memory() => $"memory {Environment.WorkingSet / 1e9:F1} GB, peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F1} GB";

    static double Lap(Stopwatch sw) { double ms = sw.Elapsed.TotalMilliseconds; sw.Restart(); return ms; }

    /// <summary>Exact distance (voxels) from a voxel to the nearest solid voxel of the image, by search
    /// in growing cubes over a window of planes; the same number as the distance transform gives
    /// (an image without solid: the image's largest edge, as <see cref="SnowExtractor"/> caps it).
    /// Queries in increasing z read each plane about once.</summary>
    sealed class DistanceProbe(IPlaneSource src)
    {
        byte[] window = [];
        int w0, w1;

        public float At(int z, int y, int x)
        {
            int nz = src.Nz, ny = src.Ny, nx = src.Nx, largest = Math.Max(nz, Math.Max(ny, nx));
            for (int r = 1; ; r *= 2)
            {
                int z0 = Math.Max(0, z - r), z1 = Math.Min(nz - 1, z + r);
                Cover(z0, z1);
                long best2 = long.MaxValue;
                for (int zz = z0; zz <= z1; zz++)
                    for (int yy = Math.Max(0, y - r); yy <= Math.Min(ny - 1, y + r); yy++)
                    {
                        int row = ((zz - w0) * ny + yy) * nx;
                        for (int xx = Math.Max(0, x - r); xx <= Math.Min(nx - 1, x + r); xx++)
                            if (window[row + xx] == 0)
                            {
                                long d2 = (long)(zz - z) * (zz - z) + (long)(yy - y) * (yy - y) + (long)(xx - x) * (xx - x);
                                if (d2 < best2) best2 = d2;
                            }
                    }
                if (best2 <= (long)r * r) return MathF.Sqrt(best2);
                if (r >= largest) return best2 == long.MaxValue ? largest : MathF.Sqrt(best2);
            }
        }

        void Cover(int z0, int z1)
        {
            if (z0 >= w0 && z1 < w1 && window.Length > 0) return;
            int plane = src.Ny * src.Nx;
            w0 = z0; w1 = Math.Min(src.Nz, Math.Max(z1 + 1, z0 + 64));
            window = new byte[(long)(w1 - w0) * plane];
            src.ReadPlanes(w0, w1 - w0, window);
        }
    }
}
