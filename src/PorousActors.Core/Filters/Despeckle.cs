namespace PorousActors.Core.Filters;

/// <summary>
/// Removes speckle from a binary image without touching anything else: pore clusters smaller than
/// <c>minVoxels</c> become solid and solid clusters smaller than it become pore. Unlike a median
/// filter it never thins a throat or rounds a corner: a voxel changes only if its whole cluster is
/// small. Pore clusters are 26-connected and solid clusters 6-connected (the complementary pair of
/// digital topology, as the Euler characteristic counts them), so a pore joined to another only
/// through an edge or a corner still counts as joined. Clusters touching the image's faces are
/// removed too when small: the image is treated as all there is.
/// </summary>
public static class Despeckle
{
    /// <returns>the number of voxels changed.</returns>
    public static long Apply(Volume v, int minVoxels) => Apply(v, minVoxels, minVoxels);

    /// <summary>Pore clusters under <paramref name="minPoreVoxels"/> and solid clusters under
    /// <paramref name="minSolidVoxels"/> (either ≤ 1: that phase is left alone).</summary>
    /// <returns>the number of voxels changed.</returns>
    public static long Apply(Volume v, int minPoreVoxels, int minSolidVoxels)
    {
        if (minPoreVoxels < 0 || minSolidVoxels < 0) throw new BadInputException($"despeckle size must be ≥ 0 voxels, got {Math.Min(minPoreVoxels, minSolidVoxels)}");
        if (minPoreVoxels <= 1 && minSolidVoxels <= 1) return 0;
        // Both phases are judged on the original image, so removing pore specks cannot create a
        // solid speck that is then judged (or the other way round).
        var pore = minPoreVoxels > 1 ? SmallClusters(v, phase: 1, faceOnly: false, minPoreVoxels) : [];
        var solid = minSolidVoxels > 1 ? SmallClusters(v, phase: 0, faceOnly: true, minSolidVoxels) : [];
        var d = v.Data;
        foreach (int i in pore) d[i] = 0;
        foreach (int i in solid) d[i] = 1;
        return pore.Count + solid.Count;
    }

    /// <summary>Voxels of <paramref name="phase"/> in clusters of fewer than <paramref name="minVoxels"/>
    /// voxels (union–find over the 13 backward neighbours, or the 3 face neighbours).</summary>
    static List<int> SmallClusters(Volume v, byte phase, bool faceOnly, int minVoxels)
    {
        int nz = v.Nz, ny = v.Ny, nx = v.Nx, plane = ny * nx;
        var d = v.Data;
        // the neighbours before a voxel in scan order: each pair is joined once
        var backward = new List<(int Dz, int Dy, int Dx)>();
        for (int dz = -1; dz <= 0; dz++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    if ((dz < 0 || dy < 0 || (dy == 0 && dx < 0)) && (!faceOnly || Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx) == 1))
                        backward.Add((dz, dy, dx));
        var sets = new UnionFind(d.Length);
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int i = z * plane + y * nx + x;
                    if (d[i] != phase) continue;
                    foreach (var (dz, dy, dx) in backward)
                    {
                        int zz = z + dz, yy = y + dy, xx = x + dx;
                        if (zz < 0 || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
                        int j = zz * plane + yy * nx + xx;
                        if (d[j] == phase) sets.Union(i, j);
                    }
                }
        var size = new int[d.Length];   // voxels per cluster, at its root
        for (int i = 0; i < d.Length; i++) if (d[i] == phase) size[sets.Find(i)]++;
        var small = new List<int>();
        for (int i = 0; i < d.Length; i++)
            if (d[i] == phase && size[sets.Find(i)] < minVoxels) small.Add(i);
        return small;
    }
}
