using PorousActors.Core;

namespace PorousActors.Core.Tests;

/// <summary>Analytic test shapes (pore = 1 inside the shape, solid elsewhere).</summary>
public static class Shapes
{
    public const double Voxel = 1e-6;

    public static Volume Empty(int n) => new(n, n, n, Voxel);

    public static Volume Fill(Volume v, Func<double, double, double, bool> inside)
    {
        for (int z = 0; z < v.Nz; z++)
            for (int y = 0; y < v.Ny; y++)
                for (int x = 0; x < v.Nx; x++)
                    if (inside(z, y, x)) v[z, y, x] = 1;
        return v;
    }

    public static Volume Ball(int n, double r, double cz, double cy, double cx, Volume? into = null)
        => Fill(into ?? Empty(n), (z, y, x) => Sq(z - cz) + Sq(y - cy) + Sq(x - cx) <= r * r);

    public static Volume Ball(int n, double r) => Ball(n, r, (n - 1) / 2.0, (n - 1) / 2.0, (n - 1) / 2.0);

    /// <summary>Torus in the z = centre plane: ring radius R, tube radius a.</summary>
    public static Volume Torus(int n, double ringR, double tubeR)
    {
        double c = (n - 1) / 2.0;
        return Fill(Empty(n), (z, y, x) =>
        {
            double d = Math.Sqrt(Sq(y - c) + Sq(x - c)) - ringR;
            return d * d + Sq(z - c) <= tubeR * tubeR;
        });
    }

    /// <summary>Spherical shell of pore between radii rIn and rOut (solid core and outside).</summary>
    public static Volume HollowSphere(int n, double rIn, double rOut)
    {
        double c = (n - 1) / 2.0;
        return Fill(Empty(n), (z, y, x) => { double d2 = Sq(z - c) + Sq(y - c) + Sq(x - c); return d2 <= rOut * rOut && d2 > rIn * rIn; });
    }

    public static Volume Random(int nz, int ny, int nx, double porosity, int seed)
    {
        var rng = new System.Random(seed);
        var v = new Volume(nz, ny, nx, Voxel);
        for (int i = 0; i < v.Count; i++) v.Data[i] = rng.NextDouble() < porosity ? (byte)1 : (byte)0;
        return v;
    }

    static double Sq(double a) => a * a;
}
