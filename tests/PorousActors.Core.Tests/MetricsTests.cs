using PorousActors.Core.Metrics;

namespace PorousActors.Core.Tests;

public class EulerCharacteristicTests
{
    [Fact]
    public void SolidBallHasOne()
    {
        var v = Shapes.Ball(32, 10);
        Assert.Equal(1, EulerCharacteristic.Compute26(v));
        Assert.Equal(1, EulerCharacteristic.Compute6(v));
    }

    [Fact]
    public void TorusHasZero()
    {
        var v = Shapes.Torus(48, 14, 5);
        Assert.Equal(0, EulerCharacteristic.Compute26(v));
        Assert.Equal(0, EulerCharacteristic.Compute6(v));
    }

    [Fact]
    public void HollowSphereHasTwo()
    {
        var v = Shapes.HollowSphere(40, 8, 15);
        Assert.Equal(2, EulerCharacteristic.Compute26(v));
        Assert.Equal(2, EulerCharacteristic.Compute6(v));
    }

    [Fact]
    public void TwoSeparateBallsHaveTwo()
    {
        var v = Shapes.Ball(40, 7, 10, 10, 10);
        Shapes.Ball(40, 7, 28, 28, 28, v);
        Assert.Equal(2, EulerCharacteristic.Compute26(v));
        Assert.Equal(2, EulerCharacteristic.Compute6(v));
    }

    [Fact]
    public void ConnectivityMattersForDiagonalVoxels()
    {
        // Two pore voxels sharing only an edge: one object for 26-connectivity, two for 6.
        var v = Shapes.Empty(4);
        v[1, 1, 1] = 1; v[1, 2, 2] = 1;
        Assert.Equal(1, EulerCharacteristic.Compute26(v));
        Assert.Equal(2, EulerCharacteristic.Compute6(v));
    }

    [Fact]
    public void BallTouchingTheImageBorderIsClosedByPadding()
    {
        // The image is padded with solid (as scikit-image), so a cut ball is still one object.
        var v = Shapes.Ball(20, 8, 0, 10, 10);
        Assert.Equal(1, EulerCharacteristic.Compute26(v));
        var all = Shapes.Empty(6); Array.Fill(all.Data, (byte)1);
        Assert.Equal(1, EulerCharacteristic.Compute26(all));
        Assert.Equal(1, EulerCharacteristic.Compute6(all));
    }

    [Theory]
    [InlineData(1, 0.3)]
    [InlineData(2, 0.5)]
    [InlineData(3, 0.7)]
    public void MatchesExplicitCellCountingOnRandomVolumes(int seed, double porosity)
    {
        var v = Shapes.Random(7, 6, 5, porosity, seed);
        Assert.Equal(BruteForce(v, any: true), EulerCharacteristic.Compute26(v));
        Assert.Equal(BruteForce(v, any: false), EulerCharacteristic.Compute6(v));
    }

    /// <summary>χ by listing every vertex, edge, face and cube of the complex explicitly.</summary>
    static long BruteForce(Volume v, bool any)
    {
        bool Pore(int z, int y, int x) => z >= 0 && y >= 0 && x >= 0 && z < v.Nz && y < v.Ny && x < v.Nx && v[z, y, x] == 1;
        // A cell with lattice origin (z,y,x) and extent (ez,ey,ex) in {0,1} touches the voxels
        // (z - 1 + ez' ...) around it: those with index in [z-1+ez, z] per axis.
        long chi = 0;
        for (int z = 0; z <= v.Nz; z++)
            for (int y = 0; y <= v.Ny; y++)
                for (int x = 0; x <= v.Nx; x++)
                    for (int ez = 0; ez <= 1; ez++)
                        for (int ey = 0; ey <= 1; ey++)
                            for (int ex = 0; ex <= 1; ex++)
                            {
                                bool anyP = false, allP = true;
                                for (int vz = z - 1 + ez; vz <= z; vz++)
                                    for (int vy = y - 1 + ey; vy <= y; vy++)
                                        for (int vx = x - 1 + ex; vx <= x; vx++)
                                        {
                                            bool p = Pore(vz, vy, vx);
                                            anyP |= p; allP &= p;
                                        }
                                // The closed complex (26) holds cells touching any pore voxel; the dual
                                // complex (6) holds cells surrounded by pore, with dimension 3 - dim.
                                int dim = ez + ey + ex;
                                if (any ? anyP : allP) chi += (any ? dim : 3 - dim) % 2 == 0 ? 1 : -1;
                            }
        return chi;
    }
}

public class SpecificSurfaceTests
{
    [Fact]
    public void SphereAreaWithinThreePercentOfAnalytic()
    {
        const double r = 20;
        var v = Shapes.Ball(48, r);
        double area = SpecificSurface.AreaVoxels(v);
        double exact = 4 * Math.PI * r * r;
        Assert.InRange(area / exact, 0.97, 1.03);
    }

    [Fact]
    public void FlatInterfaceAreaIsExactAndBoxFacesDoNotCount()
    {
        var v = new Volume(20, 16, 12, 2e-6);
        for (int z = 0; z < 9; z++) for (int y = 0; y < 16; y++) for (int x = 0; x < 12; x++) v[z, y, x] = 1;
        // The iso-surface spans the (Ny-1) x (Nx-1) cell centres; the image box is not surface.
        Assert.Equal(15 * 11, SpecificSurface.AreaVoxels(v), 9);
        double expected = 15 * 11 * 2e-6 * 2e-6 / (20 * 16 * 12 * Math.Pow(2e-6, 3));
        Assert.Equal(expected, SpecificSurface.Compute(v), 6);
    }

    [Fact]
    public void SpecificSurfaceScalesInverselyWithVoxelSize()
    {
        var v = Shapes.Ball(32, 10);
        double s1 = SpecificSurface.Compute(v), s2 = SpecificSurface.Compute(v.WithVoxelSize(2e-6));
        Assert.Equal(s1 / 2, s2, 6);
    }

    [Fact]
    public void UniformVolumesHaveNoSurface()
    {
        var v = Shapes.Empty(8);
        Assert.Equal(0, SpecificSurface.AreaVoxels(v));
        Array.Fill(v.Data, (byte)1);
        Assert.Equal(0, SpecificSurface.AreaVoxels(v));
    }

    [Fact]
    public void ComplementHasTheSameSurface()
    {
        var v = Shapes.Random(12, 11, 10, 0.5, 7);
        var c = v.Clone();
        for (int i = 0; i < c.Count; i++) c.Data[i] ^= 1;
        // The surface between the two phases does not depend on which one is called pore, up to
        // the ambiguous-face rule; on a random image that changes the area by well under 5 %.
        Assert.InRange(SpecificSurface.AreaVoxels(c) / SpecificSurface.AreaVoxels(v), 0.95, 1.05);
    }

    /// <summary>The estimator written out cell by cell: smoothed floats, every cell meshed (cells with
    /// no crossing give 0), summed per plane in x order. The fast path (byte sums, cells skipped a
    /// vector at a time) must give the same number to the bit.</summary>
    static double AreaByDefinition(Volume v)
    {
        int nz = v.Nz, ny = v.Ny, nx = v.Nx;
        var f = new float[v.Count];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int s = v[z, y, x] + v[Math.Max(z - 1, 0), y, x] + v[Math.Min(z + 1, nz - 1), y, x] + v[z, Math.Max(y - 1, 0), x]
                          + v[z, Math.Min(y + 1, ny - 1), x] + v[z, y, Math.Max(x - 1, 0)] + v[z, y, Math.Min(x + 1, nx - 1)];
                    f[(z * ny + y) * nx + x] = s * (1f / 7f);
                }
        Span<double> px = stackalloc double[12], py = stackalloc double[12], pz = stackalloc double[12];
        var c = new float[8];
        double total = 0;
        for (int z = 0; z < nz - 1; z++)
        {
            double plane = 0;
            for (int y = 0; y < ny - 1; y++)
                for (int x = 0; x < nx - 1; x++)
                {
                    int i = 0;
                    foreach (var (dz, dy) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                        for (int dx = 0; dx <= 1; dx++) c[i++] = f[((z + dz) * ny + y + dy) * nx + x + dx];
                    plane += MarchingCubesArea.CellArea(c, SpecificSurface.Level, px, py, pz);
                }
            total += plane;
        }
        return total;
    }

    [Theory]
    [InlineData(23, 19, 71, 0.5, 1)]  // rows longer than two vector widths, with a tail
    [InlineData(9, 40, 33, 0.2, 2)]
    [InlineData(5, 6, 7, 0.7, 3)]     // rows shorter than a vector
    public void EqualsTheCellByCellDefinitionToTheBit(int nz, int ny, int nx, double porosity, int seed)
    {
        var v = Shapes.Random(nz, ny, nx, porosity, seed);
        Assert.Equal(AreaByDefinition(v), SpecificSurface.AreaVoxels(v));
        var ball = Shapes.Ball(37, 12);
        Assert.Equal(AreaByDefinition(ball), SpecificSurface.AreaVoxels(ball));
    }

    [Fact]
    public void SingleCornerCellAreaIsTheCutOffTriangle()
    {
        Span<double> px = stackalloc double[12], py = stackalloc double[12], pz = stackalloc double[12];
        float[] oneCorner = [1, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(Math.Sqrt(3) / 8, MarchingCubesArea.CellArea(oneCorner, 0.5f, px, py, pz), 12);
        float[] bottomFace = [1, 1, 1, 1, 0, 0, 0, 0];
        Assert.Equal(1.0, MarchingCubesArea.CellArea(bottomFace, 0.5f, px, py, pz), 12);
    }

    [Fact]
    public void EveryConfigurationGivesClosedLoopsOfAtLeastThreeVertices()
    {
        for (int cfg = 1; cfg < 255; cfg++)
        {
            Assert.NotEmpty(MarchingCubesArea.Loops[cfg]);
            Assert.All(MarchingCubesArea.Loops[cfg], l => Assert.True(l.Length >= 3));
            // Every crossed edge appears in exactly one loop.
            int crossed = MarchingCubesArea.Edges.Count(e => ((cfg >> e.A) & 1) != ((cfg >> e.B) & 1));
            Assert.Equal(crossed, MarchingCubesArea.Loops[cfg].Sum(l => l.Length));
        }
    }
}

public class PorosityTests
{
    [Fact]
    public void CountsPoreFraction()
    {
        var v = new Volume(2, 2, 2, 1e-6);
        v[0, 0, 0] = 1; v[1, 1, 1] = 1; v[1, 0, 1] = 1;
        Assert.Equal(3 / 8.0, Porosity.Compute(v));
    }
}

public class PorosityMeasuresTests
{
    [Fact]
    public void SlabHasAStepProfileAlongItsNormalAndAFlatOneAcross()
    {
        var v = new Volume(10, 6, 8, 1e-6);
        for (int z = 0; z < 4; z++) for (int y = 0; y < 6; y++) for (int x = 0; x < 8; x++) v[z, y, x] = 1;
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], Metrics.Porosity.Profile(v, 0));
        Assert.All(Metrics.Porosity.Profile(v, 2), p => Assert.Equal(0.4, p, 12));
        // the slab spans x and y but not z
        Assert.Equal(0.4, Metrics.Porosity.Connected(v, 2), 12);
        Assert.Equal(0, Metrics.Porosity.Connected(v, 0));
    }

    [Fact]
    public void TheProfilesFromOnePassAreEachAxisCountedSliceBySlice()
    {
        // a random rock of three different edges, large enough for the planes to run in parallel
        var v = new Volume(37, 23, 41, 1e-6);
        var rng = new Random(5);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] = (byte)(rng.NextDouble() < 0.3 ? 1 : 0);
        var profiles = Metrics.Porosity.Profiles(v);
        int[] n = [v.Nz, v.Ny, v.Nx];
        for (int axis = 0; axis < 3; axis++)
        {
            var naive = new double[n[axis]];
            for (int z = 0; z < v.Nz; z++) for (int y = 0; y < v.Ny; y++) for (int x = 0; x < v.Nx; x++)
                if (v[z, y, x] != 0) naive[axis == 0 ? z : axis == 1 ? y : x] += 1;
            long perSlice = v.Count / n[axis];
            Assert.Equal(naive.Select(c => c / perSlice), profiles[axis]);
            Assert.Equal(profiles[axis], Metrics.Porosity.Profile(v, axis));
            // every profile averages to the porosity
            Assert.Equal(Metrics.Porosity.Compute(v), profiles[axis].Average(), 12);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Porosity.Profile(v, 3));
    }

    [Fact]
    public void ConnectedPorosityCountsTheSpanningTubeNotAnIsolatedBall()
    {
        var v = new Volume(20, 20, 20, 1e-6);
        for (int z = 0; z < 20; z++) for (int y = 2; y < 5; y++) for (int x = 2; x < 5; x++) v[z, y, x] = 1; // tube along z
        for (int z = 8; z < 12; z++) for (int y = 12; y < 16; y++) for (int x = 12; x < 16; x++) v[z, y, x] = 1; // isolated block
        Assert.Equal(180.0 / 8000, Metrics.Porosity.Connected(v, 0), 12);
        Assert.Equal(0, Metrics.Porosity.Connected(v, 2));
        Assert.Equal((180.0 + 64) / 8000, Metrics.Porosity.Compute(v), 12);
    }

    [Fact]
    public void TwoPointCorrelationStartsAtPorosityAndOfARandomImageFallsToItsSquare()
    {
        var v = Shapes.Random(40, 40, 40, 0.3, seed: 3);
        var s2 = Metrics.TwoPointCorrelation.Compute(v, 5);
        Assert.Equal(Metrics.Porosity.Compute(v), s2[0], 12);
        for (int r = 1; r <= 5; r++) Assert.InRange(s2[r], 0.09 - 0.005, 0.09 + 0.005); // uncorrelated: φ²
    }

    [Fact]
    public void TwoPointCorrelationCountsEveryPairOfAnOddShapedImage()
    {
        // edges that are not multiples of the 32-byte vector width, so the scalar tails count too
        var v = Shapes.Random(37, 45, 70, 0.4, seed: 5);
        var s2 = Metrics.TwoPointCorrelation.Compute(v, 12);
        for (int r = 0; r <= 12; r++)
        {
            long hits = 0, pairs = 0;
            for (int z = 0; z < v.Nz; z++)
                for (int y = 0; y < v.Ny; y++)
                    for (int x = 0; x < v.Nx; x++)
                    {
                        if (x + r < v.Nx) { pairs++; hits += v[z, y, x] & v[z, y, x + r]; }
                        if (y + r < v.Ny) { pairs++; hits += v[z, y, x] & v[z, y + r, x]; }
                        if (z + r < v.Nz) { pairs++; hits += v[z, y, x] & v[z + r, y, x]; }
                    }
            Assert.Equal((double)hits / pairs, s2[r], 12);
        }
    }

    [Fact]
    public void ASnakeThroughEveryZSlabIsConnectedOnlyWhereItEndsOnBothFaces()
    {
        // a path along x at z = 0, up a column to z = 1, back along x, ... through all 64 planes:
        // one cluster that crosses every slab boundary of the parallel labelling many times
        var v = new Volume(64, 5, 9, 1e-6);
        for (int z = 0; z < 64; z++)
        {
            for (int x = 0; x < 9; x++) v[z, 2, x] = 1;
            if (z + 1 < 64) v[z, 2, z % 2 == 0 ? 8 : 0] = 1;
        }
        for (int z = 0; z + 1 < 64; z++) { v[z, 1, z % 2 == 0 ? 8 : 0] = 1; v[z + 1, 1, z % 2 == 0 ? 8 : 0] = 1; }
        double phi = Metrics.Porosity.Compute(v);
        var all = Metrics.Porosity.ConnectedAll(v);
        Assert.Equal(phi, all[0], 15); // z: from the first plane to the last
        Assert.Equal(phi, all[2], 15); // x: every row spans x
        Assert.Equal(0, all[1]);       // y: never reaches y = 0 or 4
    }

    [Theory]
    [InlineData(23, 19, 21, 0.33, 8)]
    [InlineData(70, 18, 17, 0.32, 9)] // many z-slabs near the percolation threshold
    public void ConnectedPorosityFromOneLabellingEqualsAFloodFromBothFaces(int nz, int ny, int nx, double porosity, int seed)
    {
        var v = Shapes.Random(nz, ny, nx, porosity, seed);
        var all = Metrics.Porosity.ConnectedAll(v);
        for (int axis = 0; axis < 3; axis++)
        {
            var a = Flood(v, axis, first: true); var b = Flood(v, axis, first: false);
            long n = 0;
            for (int i = 0; i < a.Length; i++) if (a[i] && b[i]) n++;
            Assert.Equal(n / (double)v.Count, all[axis], 15);
        }

        static bool[] Flood(Volume v, int axis, bool first)
        {
            int[] dims = [v.Nz, v.Ny, v.Nx];
            var seen = new bool[v.Data.Length];
            var stack = new Stack<(int, int, int)>();
            for (int z = 0; z < v.Nz; z++) for (int y = 0; y < v.Ny; y++) for (int x = 0; x < v.Nx; x++)
            {
                int c = axis == 0 ? z : axis == 1 ? y : x;
                if (c == (first ? 0 : dims[axis] - 1) && v[z, y, x] != 0 && !seen[v.Index(z, y, x)]) { seen[v.Index(z, y, x)] = true; stack.Push((z, y, x)); }
            }
            while (stack.Count > 0)
            {
                var (z, y, x) = stack.Pop();
                foreach (var (dz, dy, dx) in new[] { (1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1) })
                {
                    int zz = z + dz, yy = y + dy, xx = x + dx;
                    if (zz < 0 || yy < 0 || xx < 0 || zz >= v.Nz || yy >= v.Ny || xx >= v.Nx) continue;
                    int q = v.Index(zz, yy, xx);
                    if (v.Data[q] != 0 && !seen[q]) { seen[q] = true; stack.Push((zz, yy, xx)); }
                }
            }
            return seen;
        }
    }
}
