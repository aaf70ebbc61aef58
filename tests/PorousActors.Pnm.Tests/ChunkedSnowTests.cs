using PorousActors.Core;
using PorousActors.Core.Generators;
using PorousActors.Core.Metrics;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Tests;

/// <summary>SNOW in z-slabs must give the whole image's network: same pores, throats and k.</summary>
public class ChunkedSnowTests
{
    static void SameNetwork(PoreNetwork whole, PoreNetwork chunked)
    {
        Assert.Equal(whole.PoreRegionLabel, chunked.PoreRegionLabel);
        Assert.Equal(whole.PoreVolume, chunked.PoreVolume);
        Assert.Equal(whole.PoreCentroid, chunked.PoreCentroid);
        Assert.Equal(whole.PoreInscribedDiameter, chunked.PoreInscribedDiameter);
        Assert.Equal(whole.PoreFaceArea, chunked.PoreFaceArea);
        Assert.Equal(whole.ThroatConns, chunked.ThroatConns);
        Assert.Equal(whole.ThroatInscribedDiameter, chunked.ThroatInscribedDiameter);
        Assert.Equal(whole.ThroatArea, chunked.ThroatArea);
        Assert.Equal(whole.ThroatPerimeter, chunked.ThroatPerimeter);
        Assert.Equal(whole.ThroatCentroid, chunked.ThroatCentroid);
        Assert.Equal(whole.UnassignedPoreVoxels, chunked.UnassignedPoreVoxels);
    }

    public static TheoryData<string, int, int> Rocks => new()
    {
        { "spheres", 2, 12 }, { "spheres", 5, 12 }, { "blobs", 3, 10 }, { "polydisperse", 4, 16 },
    };

    static Volume Rock(string kind) => kind switch
    {
        "spheres" => OverlappingSpheres.Generate(96, 72, 64, 0.25, 4, 7, 2e-6),
        "blobs" => GaussianBlobs.Generate(80, 60, 56, 0.3, 2.5, 3, 2e-6),
        _ => OverlappingSpheres.Generate(160, 56, 56, 0.2, 4, 11, 2e-6, radiusSpread: 0.4),
    };

    [Theory]
    [MemberData(nameof(Rocks))]
    public void ChunkedExtractionGivesTheWholeImagesNetworkAndPermeability(string kind, int chunks, int halo)
    {
        var rock = Rock(kind);
        var whole = SnowExtractor.Extract(rock).Network;
        var r = ChunkedSnowExtractor.Extract(new VolumePlanes(rock), chunks, halo);
        Assert.Equal(chunks, r.Report.Chunks);
        Assert.Equal(0, r.Report.SeamMismatches);
        Assert.True(r.Report.WatershedChunks > 1, r.Report.ToString());
        Assert.True(r.Report.MaxSlabVoxels < rock.Count, "a slab and its halos must be smaller than the image");
        SameNetwork(whole, r.Network);
        foreach (var axis in new[] { FlowAxis.Z, FlowAxis.X })
            Assert.Equal(StokesFlow.Permeability(whole, axis).PermeabilityM2, StokesFlow.Permeability(r.Network, axis).PermeabilityM2);
        // image metrics summed slab by slab are the whole image's, to the last bit
        var m = ImageMetrics.Compute(rock);
        Assert.Equal(m.Porosity, r.Metrics.Porosity);
        Assert.Equal(m.SpecificSurfacePerM, r.Metrics.SpecificSurfacePerM);
        Assert.Equal(m.EulerCharacteristic26, r.Metrics.EulerCharacteristic26);
        Assert.Equal(m.EulerCharacteristic6, r.Metrics.EulerCharacteristic6);
    }

    [Fact]
    public void TheWatershedPassReadsTheFirstPassesDistancesAndGetsTheSameNetwork()
    {
        var rock = Rock("polydisperse");
        var kept = ChunkedSnowExtractor.Extract(new VolumePlanes(rock), 4, 16);
        var again = ChunkedSnowExtractor.Extract(new VolumePlanes(rock), 4, 16, keepDistances: false);
        Assert.Equal(kept.Report.WatershedChunks, kept.Report.KeptDistanceSlabs); // every slab read them
        Assert.Equal(0, again.Report.KeptDistanceSlabs);
        SameNetwork(again.Network, kept.Network);
        SameNetwork(SnowExtractor.Extract(rock).Network, kept.Network);
    }

    [Fact]
    public void StoredDistancesComeBackToTheBitAndWhatDoesNotFitIsNotStored()
    {
        var rock = OverlappingSpheres.Generate(24, 20, 18, 0.35, 3, 2, 1e-6);
        var dt = Core.Filters.DistanceTransform.Compute(rock);
        int plane = 20 * 18;
        using (var store = new DistanceStore(24, 20, 18))
        {
            store.Write(dt, 0, 0, 24);
            Assert.Equal(24, store.StoredPlanes);
            var back = new float[10 * plane];
            Assert.True(store.TryRead(7, 17, back));
            Assert.Equal(dt.AsSpan(7 * plane, 10 * plane).ToArray(), back);
            Assert.False(store.TryRead(20, 25, new float[5 * plane])); // beyond the image
        }
        using (var store = new DistanceStore(24, 20, 18))
        {
            // planes 3..5 given from a slab starting at plane 2; plane 4 holds a cap (not a square root
            // of an integer) and plane 5 a distance of 300 voxels: neither is stored
            var slab = dt.AsSpan(2 * plane, 4 * plane).ToArray();
            slab[2 * plane + 5] = 24f + 0.5f;
            slab[3 * plane + 7] = 300f;
            store.Write(slab, 2, 3, 6);
            Assert.Equal(1, store.StoredPlanes);
            var back = new float[plane];
            Assert.True(store.TryRead(3, 4, back));
            Assert.Equal(dt.AsSpan(3 * plane, plane).ToArray(), back);
            Assert.False(store.TryRead(3, 5, new float[2 * plane]));
            Assert.False(store.TryRead(2, 3, new float[plane])); // never written
            Assert.True(store.Holds(3, 4));
            Assert.False(store.Holds(3, 5));                    // asked before a reader allocates
        }
    }

    [Fact]
    public void AStoreThatCannotBeWrittenGivesUpQuietly()
    {
        // no such directory: the analysis must go on computing its distances, not fail
        using var store = new DistanceStore(4, 3, 3, Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "deeper"));
        store.Write(new float[4 * 9], 0, 0, 4);
        Assert.Equal(0, store.StoredPlanes);
        Assert.False(store.TryRead(0, 4, new float[4 * 9]));
        Assert.False(store.Holds(0, 4));
    }

    [Fact]
    public void AHaloTooThinForTheWatershedIsSeenAtTheSeamsAndWidened()
    {
        // a 2-plane halo cannot carry the floods across the seams of a rock with large pores: the
        // seam check must see it, widen the halo, and end with the whole image's network
        var rock = OverlappingSpheres.Generate(128, 48, 48, 0.4, 3, 5, 2e-6);
        var whole = SnowExtractor.Extract(rock).Network;
        var r = ChunkedSnowExtractor.Extract(new VolumePlanes(rock), 8, 2, distanceMargin: 1);
        Assert.True(r.Report.HaloWidenings > 0, r.Report.ToString());
        Assert.Equal(0, r.Report.SeamMismatches);
        Assert.True(r.Report.WatershedChunks > 1, r.Report.ToString());
        SameNetwork(whole, r.Network);
    }

    [Theory]
    [InlineData(1000, 24e9)]
    [InlineData(2000, 24e9)]
    [InlineData(1000, 4e9)]
    [InlineData(600, 24e9)]
    public void AutomaticSlabsFitTheMemoryAndStayThickerThanTheirHalos(int n, double available)
    {
        int halo = ChunkedSnowExtractor.DefaultWatershedHalo;
        int chunks = ChunkedSnowExtractor.AutoChunks(n, n, n, halo, (long)available);
        Assert.InRange(chunks, 2, n / halo);
        long core = (n + chunks - 1) / chunks, slab = (core + 2L * halo) * n * n;
        // ~20 bytes per voxel of a slab while it is worked on: within 40 % of what is available
        Assert.True(slab * 20 <= available * 0.4 || core <= 2 * halo, $"{chunks} slabs of {core} planes");
        // and, where memory allows, within ~7 bytes per voxel of the image (the goal is 8)
        if (n >= 1000 && available >= 24e9 && n < 2000) Assert.True(slab * 20 <= 7.5 * n * (long)n * n, $"{chunks} slabs of {core} planes");
    }

    [Fact]
    public void SlabMetricsNeedTheirNeighbourPlanes()
    {
        var rock = OverlappingSpheres.Generate(20, 0.3, 3, 1, 1e-6);
        var partial = new double[19];
        // cells 5..10 need planes 4..11: a slab of planes 5..11 lacks plane 4
        var slab = rock.Crop(5, 0, 0, 7, 20, 20);
        Assert.Throws<ArgumentException>(() => SpecificSurface.AreaSlab(slab.Data, 7, 20, 20, 5, 20, 5, 10, partial));
        Assert.Throws<ArgumentException>(() => EulerCharacteristic.SumSlab(slab.Data, 7, 20, 20, 5, 20, 5, 10, false));
    }
}
