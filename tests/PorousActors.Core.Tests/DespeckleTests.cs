using PorousActors.Core.Filters;

namespace PorousActors.Core.Tests;

public class DespeckleTests
{
    [Fact]
    public void AnIsolatedPoreVoxelBecomesSolidAndASolidSpeckInAPoreIsFilled()
    {
        var v = Shapes.Empty(9);
        v[1, 1, 1] = 1;                                  // pore speck in solid
        for (int z = 4; z < 9; z++) for (int y = 4; y < 9; y++) for (int x = 4; x < 9; x++) v[z, y, x] = 1;
        v[6, 6, 6] = 0;                                  // solid speck inside the pore block
        long changed = Despeckle.Apply(v, 2);
        Assert.Equal(2, changed);
        Assert.Equal(0, v[1, 1, 1]);
        Assert.Equal(1, v[6, 6, 6]);
        Assert.Equal(125, v.PoreVoxelCount());
    }

    [Theory]
    [InlineData(0, 2, 126)]   // solid specks only: the pore speck stays, the solid speck is filled
    [InlineData(2, 0, 124)]   // pore specks only
    public void EachPhaseHasItsOwnSize(int minPore, int minSolid, int poreLeft)
    {
        var v = Shapes.Empty(9);
        v[1, 1, 1] = 1;
        for (int z = 4; z < 9; z++) for (int y = 4; y < 9; y++) for (int x = 4; x < 9; x++) v[z, y, x] = 1;
        v[6, 6, 6] = 0;
        Assert.Equal(1, Despeckle.Apply(v, minPore, minSolid));
        Assert.Equal(poreLeft, v.PoreVoxelCount());
        Assert.Equal(minPore > 1 ? 0 : 1, v[1, 1, 1]);
        Assert.Equal(minSolid > 1 ? 1 : 0, v[6, 6, 6]);
    }

    [Theory]
    [InlineData(8, 8)]   // a 2³ block is a cluster of 8: kept at 8
    [InlineData(9, 0)]   // and removed at 9
    public void AClusterIsRemovedOnlyWhenSmallerThanTheSize(int minVoxels, int poreLeft)
    {
        var v = Shapes.Empty(6);
        for (int z = 2; z < 4; z++) for (int y = 2; y < 4; y++) for (int x = 2; x < 4; x++) v[z, y, x] = 1;
        Despeckle.Apply(v, minVoxels);
        Assert.Equal(poreLeft, v.PoreVoxelCount());
    }

    [Fact]
    public void PoreJoinedAtACornerIsOneClusterButSolidJoinedAtACornerIsTwo()
    {
        // pore: two voxels meeting at a corner make one 26-connected cluster of 2, kept at size 2
        var pore = Shapes.Empty(5);
        pore[1, 1, 1] = 1; pore[2, 2, 2] = 1;
        Assert.Equal(0, Despeckle.Apply(pore, 2));
        Assert.Equal(2, pore.PoreVoxelCount());
        // solid: the same two voxels in pore are two 6-connected clusters of 1 each, both filled at size 2
        var solid = Shapes.Empty(5);
        Array.Fill(solid.Data, (byte)1);
        solid[1, 1, 1] = 0; solid[2, 2, 2] = 0;
        Assert.Equal(2, Despeckle.Apply(solid, 2));
        Assert.Equal(125, solid.PoreVoxelCount());
    }

    [Fact]
    public void AOneVoxelThroatSurvivesWhereTheMedianFilterCutsIt()
    {
        // two pore bodies joined by a straight 1-voxel throat: a speck filter leaves it all alone,
        // a 3³ median (the paper's post-processing) closes the throat
        var v = Shapes.Empty(21);
        for (int z = 8; z < 13; z++) for (int y = 8; y < 13; y++)
        {
            for (int x = 0; x < 5; x++) v[z, y, x] = 1;
            for (int x = 16; x < 21; x++) v[z, y, x] = 1;
        }
        for (int x = 5; x < 16; x++) v[10, 10, x] = 1;
        var before = (byte[])v.Data.Clone();
        Assert.Equal(0, Despeckle.Apply(v, 20));
        Assert.Equal(before, v.Data);
        var median = MedianFilter.Apply3(before, 21, 21, 21);
        Assert.Equal(0, median[(10 * 21 + 10) * 21 + 10]);
    }

    [Fact]
    public void BothPhasesAreJudgedOnTheOriginalImage()
    {
        // a pore speck inside a 3³ solid grain inside pore: the grain's shell is a solid cluster of
        // 26, the speck a pore cluster of 1. At size 27 both are small on the original image, so
        // they swap. Judging the solid after removing the speck would see a grain of 27 and keep it.
        var v = Shapes.Empty(7);
        Array.Fill(v.Data, (byte)1);
        for (int z = 2; z < 5; z++) for (int y = 2; y < 5; y++) for (int x = 2; x < 5; x++) v[z, y, x] = 0;
        v[3, 3, 3] = 1;
        Assert.Equal(27, Despeckle.Apply(v, 27));
        Assert.Equal(0, v[3, 3, 3]);
        Assert.Equal(342, v.PoreVoxelCount());
    }

    [Fact]
    public void ZeroOrOneChangesNothingAndANegativeSizeIsRefused()
    {
        var v = Shapes.Random(8, 8, 8, 0.3, 1);
        var before = (byte[])v.Data.Clone();
        Assert.Equal(0, Despeckle.Apply(v, 0));
        Assert.Equal(0, Despeckle.Apply(v, 1));
        Assert.Equal(before, v.Data);
        Assert.Throws<BadInputException>(() => Despeckle.Apply(v, -1));
    }

    [Theory]
    [InlineData(1, 0.3, 4)]
    [InlineData(2, 0.5, 7)]
    [InlineData(3, 0.8, 3)]
    public void MatchesAFloodFillDefinition(int seed, double porosity, int minVoxels)
    {
        var v = Shapes.Random(10, 9, 11, porosity, seed);
        var expected = (byte[])v.Data.Clone();
        foreach (var (phase, faces) in new[] { ((byte)1, false), ((byte)0, true) })
        {
            var seen = new bool[v.Count];
            for (int i = 0; i < v.Count; i++)
            {
                if (v.Data[i] != phase || seen[i]) continue;
                var cluster = new List<int> { i };
                seen[i] = true;
                for (int k = 0; k < cluster.Count; k++)
                {
                    int c = cluster[k], z = c / (v.Ny * v.Nx), y = c / v.Nx % v.Ny, x = c % v.Nx;
                    for (int dz = -1; dz <= 1; dz++) for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++)
                    {
                        int m = Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx);
                        if (m == 0 || (faces && m != 1)) continue;
                        int zz = z + dz, yy = y + dy, xx = x + dx;
                        if (zz < 0 || yy < 0 || xx < 0 || zz >= v.Nz || yy >= v.Ny || xx >= v.Nx) continue;
                        int j = v.Index(zz, yy, xx);
                        if (v.Data[j] == phase && !seen[j]) { seen[j] = true; cluster.Add(j); }
                    }
                }
                if (cluster.Count < minVoxels) foreach (int c in cluster) expected[c] = (byte)(1 - phase);
            }
        }
        Despeckle.Apply(v, minVoxels);
        Assert.Equal(expected, v.Data);
    }
}
