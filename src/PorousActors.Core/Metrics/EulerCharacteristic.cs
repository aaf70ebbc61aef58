namespace PorousActors.Core.Metrics;

/// <summary>
/// Euler characteristic χ = N − L + O (objects − tunnels + cavities) of the pore phase, with the
/// image padded by solid, equal to scikit-image's euler_number. Counted as V − E + F − C of a
/// cubical complex: for 26-connected pores each pore voxel is a closed cube (a lattice cell is in
/// the complex if any voxel around it is pore); for 6-connected pores the dual complex is used
/// (a cell counts only if every voxel around it is pore, and the signs flip). Each lattice point
/// owns the cells that start at it, so χ is a sum of a 256-entry table over 2x2x2 windows.
/// </summary>
public static class EulerCharacteristic
{
    static readonly int[] Lut26 = BuildLut(any: true);
    static readonly int[] Lut6 = BuildLut(any: false);

    /// <summary>Window bit b = dx | dy&lt;&lt;1 | dz&lt;&lt;2 for the voxel at (p−1+d) around lattice point p.</summary>
    static int[] BuildLut(bool any)
    {
        var lut = new int[256];
        for (int cfg = 0; cfg < 256; cfg++)
        {
            bool Has(params int[] bits) => any ? bits.Any(b => (cfg >> b & 1) != 0) : bits.All(b => (cfg >> b & 1) != 0);
            int vertex = Has(0, 1, 2, 3, 4, 5, 6, 7) ? 1 : 0;
            int edges = (Has(1, 3, 5, 7) ? 1 : 0) + (Has(2, 3, 6, 7) ? 1 : 0) + (Has(4, 5, 6, 7) ? 1 : 0);
            int faces = (Has(6, 7) ? 1 : 0) + (Has(5, 7) ? 1 : 0) + (Has(3, 7) ? 1 : 0);
            int cube = Has(7) ? 1 : 0;
            int chi = vertex - edges + faces - cube;
            lut[cfg] = any ? chi : -chi;
        }
        return lut;
    }

    /// <summary>χ with 26-connected pores and 6-connected solid (skimage connectivity=3).</summary>
    public static long Compute26(Volume v) => Sum(v, Lut26);

    /// <summary>χ with 6-connected pores and 26-connected solid (skimage connectivity=1).</summary>
    public static long Compute6(Volume v) => Sum(v, Lut6);

    static long Sum(Volume v, int[] lut) => Sum(v.Data, v.Nz, v.Ny, v.Nx, 0, v.Nz, 0, v.Nz + 1, lut);

    /// <summary>χ of a z-slab of a taller image: the lattice points with z in [pzFrom, pzTo) of an
    /// image with <paramref name="nz"/> planes, from the slab's planes starting at image plane
    /// <paramref name="z0"/>, which must hold planes pzFrom − 1 to pzTo − 1 (those inside the
    /// image). Lattice points partition the image, so slabs add up to the whole image's χ.</summary>
    public static long SumSlab(byte[] slab, int slabNz, int ny, int nx, int z0, int nz, int pzFrom, int pzTo, bool sixConnected)
        => Sum(slab, slabNz, ny, nx, z0, nz, pzFrom, pzTo, sixConnected ? Lut6 : Lut26);

    static long Sum(byte[] d, int slabNz, int ny, int nx, int z0, int nz, int pzFrom, int pzTo, int[] lut)
    {
        if (pzFrom < 0 || pzTo > nz + 1 || (pzFrom < pzTo && (Math.Max(pzFrom - 1, 0) < z0 || Math.Min(pzTo - 1, nz - 1) >= z0 + slabNz)))
            throw new ArgumentException("the slab does not hold the planes these lattice points need");
        var partial = new long[Math.Max(0, pzTo - pzFrom)];
        Parallel.For(pzFrom, pzTo, KernelParallelism.Options, pz =>
        {
            long chi = 0;
            for (int py = 0; py <= ny; py++)
            {
                // Rows of the four voxel lines around this lattice row; -1 = outside (solid padding).
                int r00 = Row(pz - 1, py - 1), r01 = Row(pz - 1, py), r10 = Row(pz, py - 1), r11 = Row(pz, py);
                int prev = 0; // bits of the x-1 column (dx = 0 half of the window)
                for (int px = 0; px <= nx; px++)
                {
                    int cur = 0;
                    if (px < nx)
                    {
                        if (r00 >= 0) cur |= d[r00 + px];
                        if (r01 >= 0) cur |= d[r01 + px] << 1;
                        if (r10 >= 0) cur |= d[r10 + px] << 2;
                        if (r11 >= 0) cur |= d[r11 + px] << 3;
                    }
                    // column bits c (y, z) map to window bits: dx=0 -> 0,2,4,6 ; dx=1 -> 1,3,5,7
                    int cfg = Spread(prev) | Spread(cur) << 1;
                    chi += lut[cfg];
                    prev = cur;
                }
            }
            partial[pz - pzFrom] = chi;
        });
        return partial.Sum();

        int Row(int z, int y) => z < 0 || z >= nz || y < 0 || y >= ny ? -1 : ((z - z0) * ny + y) * nx;
    }

    /// <summary>Column bits (dy | dz&lt;&lt;1 per 4-voxel column: bit0 = (dz0,dy0), bit1 = (dz0,dy1), bit2 = (dz1,dy0), bit3 = (dz1,dy1))
    /// to window bits with dx = 0 (bit positions 0, 2, 4, 6).</summary>
    static int Spread(int c) => (c & 1) | (c & 2) << 1 | (c & 4) << 2 | (c & 8) << 3;
}
