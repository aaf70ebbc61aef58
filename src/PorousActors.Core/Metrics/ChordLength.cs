namespace PorousActors.Core.Metrics;

/// <summary>
/// Chord lengths of the pore phase along an axis: the runs of consecutive pore voxels on every
/// line parallel to it. As PoreSpy's apply_chords (trim_edges = True), runs touching the image's
/// first or last plane along that axis are left out: their true length is unknown.
/// </summary>
public static class ChordLength
{
    /// <param name="trimEdges">leave out runs touching the first or last plane (PoreSpy's default);
    /// false counts every run, as the lineal path needs</param>
    /// <returns>count[L] = number of chords of L voxels (index 0 unused).</returns>
    public static long[] Histogram(Volume v, int axis, bool trimEdges = true)
    {
        int[] dims = [v.Nz, v.Ny, v.Nx];
        int n = dims[axis];
        long[] stride = [(long)v.Ny * v.Nx, v.Nx, 1];
        int a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;
        var count = new long[n + 1];
        var sync = new object();
        Parallel.For(0, dims[a1], KernelParallelism.Options, () => new long[n + 1], (i, _, local) =>
        {
            for (int j = 0; j < dims[a2]; j++)
            {
                long start = i * stride[a1] + j * stride[a2];
                int run = 0;
                bool touchesStart = false;
                for (int k = 0; k <= n; k++)
                {
                    bool pore = k < n && v.Data[start + k * stride[axis]] != 0;
                    if (pore) { if (run == 0) touchesStart = k == 0; run++; continue; }
                    if (run > 0 && (!trimEdges || (!touchesStart && k < n))) local[run]++;
                    run = 0;
                }
            }
            return local;
        }, local => { lock (sync) for (int L = 0; L <= n; L++) count[L] += local[L]; });
        return count;
    }

    /// <summary>Mean chord length in voxels; NaN when there is no interior chord.</summary>
    public static double Mean(long[] histogram)
    {
        long chords = 0, total = 0;
        for (int L = 1; L < histogram.Length; L++) { chords += histogram[L]; total += L * histogram[L]; }
        return chords == 0 ? double.NaN : (double)total / chords;
    }
}
