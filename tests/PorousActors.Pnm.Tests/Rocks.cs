using PorousActors.Core;

namespace PorousActors.Pnm.Tests;

/// <summary>Test geometries with known flow answers.</summary>
public static class Rocks
{
    /// <summary>Solid block with straight cylindrical tubes along z, centred at the given (y, x).</summary>
    public static Volume TubesAlongZ(int nz, int ny, int nx, double radius, double voxel, params (double Y, double X)[] centres)
    {
        var v = new Volume(nz, ny, nx, voxel);
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    foreach (var (cy, cx) in centres)
                        if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= radius * radius) v[z, y, x] = 1;
        return v;
    }

    public static Volume FourTubes(double voxel = 1e-6) =>
        TubesAlongZ(48, 40, 40, 4.5, voxel, (10, 10), (10, 29), (29, 10), (29, 29));

    /// <summary>Hagen–Poiseuille permeability of N tubes, r from the voxelised cross-section: N π r⁴ / (8 A), m².</summary>
    public static double HagenPoiseuille(Volume tubes)
    {
        // cross-section voxel count on the first slice = N π r²
        long area = 0;
        for (int y = 0; y < tubes.Ny; y++) for (int x = 0; x < tubes.Nx; x++) area += tubes[0, y, x];
        int n = CountTubes(tubes);
        double r2 = area / (double)n / Math.PI;
        double vs = tubes.VoxelSize;
        return n * Math.PI * r2 * r2 / (8.0 * tubes.Ny * tubes.Nx) * vs * vs;
    }

    static int CountTubes(Volume v)
    {
        // 4-connected components on the first slice
        var seen = new bool[v.Ny * v.Nx];
        int n = 0;
        for (int s = 0; s < seen.Length; s++)
        {
            if (seen[s] || v.Data[s] == 0) continue;
            n++;
            var st = new Stack<int>(); st.Push(s); seen[s] = true;
            while (st.Count > 0)
            {
                int p = st.Pop(), y = p / v.Nx, x = p % v.Nx;
                foreach (var (yy, xx) in new[] { (y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1) })
                    if (yy >= 0 && xx >= 0 && yy < v.Ny && xx < v.Nx && !seen[yy * v.Nx + xx] && v.Data[yy * v.Nx + xx] == 1) { seen[yy * v.Nx + xx] = true; st.Push(yy * v.Nx + xx); }
            }
        }
        return n;
    }
}
