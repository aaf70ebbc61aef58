namespace PorousActors.Core.Metrics;

/// <summary>
/// Lineal-path function L(r) of the pore phase (Lu and Torquato 1992): the probability that a
/// segment of r voxels along an axis lies wholly in the pore space, over every position where the
/// segment fits in the image. L(1) = φ. Unlike the two-point correlation S2(r), which only asks
/// whether both ends are pore, it needs the whole segment open, so it sees how far the pore space
/// runs without interruption: a pore space cut by thin solid walls has the same S2 at short lags
/// and a lower L.
/// </summary>
public static class LinealPath
{
    /// <returns>L[r] for r = 0..<paramref name="maxLength"/> (L[0] = 1 by convention), averaged over
    /// the three axes (each axis's positions weighted equally); lengths longer than an axis are left out.</returns>
    public static double[] Compute(Volume v, int maxLength)
    {
        if (maxLength < 1) throw new BadInputException($"the lineal-path length must be at least 1 voxel, got {maxLength}");
        int longest = Math.Min(maxLength, Math.Min(v.Nz, Math.Min(v.Ny, v.Nx)));
        var mean = new double[longest + 1];
        for (int axis = 0; axis < 3; axis++)
        {
            var l = Axis(v, axis, longest);
            for (int r = 0; r <= longest; r++) mean[r] += l[r] / 3;
        }
        return mean;
    }

    /// <summary>L[r] along one axis (0 = z, 1 = y, 2 = x), r = 0..<paramref name="maxLength"/>.</summary>
    public static double[] Axis(Volume v, int axis, int maxLength)
    {
        int[] dims = [v.Nz, v.Ny, v.Nx];
        int n = dims[axis];
        if (maxLength > n) throw new BadInputException($"a segment of {maxLength} voxels does not fit along an axis of {n}");
        // every run of pore voxels, those at the image's faces included: a run of l voxels holds
        // l − r + 1 segments of r voxels, and only segments inside the image are counted
        var runs = ChordLength.Histogram(v, axis, trimEdges: false);
        long lines = (long)v.Count / n;
        var result = new double[maxLength + 1];
        result[0] = 1;
        for (int r = 1; r <= maxLength; r++)
        {
            long segments = 0;
            for (int len = r; len <= n; len++) segments += (len - r + 1) * runs[len];
            result[r] = segments / ((double)lines * (n - r + 1));
        }
        return result;
    }
}
