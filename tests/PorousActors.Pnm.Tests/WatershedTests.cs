using PorousActors.Core;
using PorousActors.Core.Filters;
using PorousActors.Core.Generators;
using PorousActors.Pnm.Extraction;

namespace PorousActors.Pnm.Tests;

/// <summary>
/// The bucket-queue flood (cells, prefetching) against the plain definition it stands for: one heap of
/// (highest level first, then arrival), a voxel labelled by the first neighbour that reaches it,
/// neighbours in the order −z, −y, −x, +x, +y, +z, markers queued in voxel order.
/// </summary>
public class WatershedTests
{
    static int[] HeapReference(int[] markers, float[] height, byte[] pore, int nz, int ny, int nx)
    {
        int n = markers.Length, plane = ny * nx;
        var labels = new int[n];
        var heap = new PriorityQueue<int, (int NegLevel, long Age)>();
        long age = 0;
        int Level(int i) => (int)(height[i] * Watershed.LevelsPerVoxel);
        for (int i = 0; i < n; i++)
            if (pore[i] != 0 && markers[i] > 0) { labels[i] = markers[i]; heap.Enqueue(i, (-Level(i), age++)); }
        while (heap.Count > 0)
        {
            int p = heap.Dequeue();
            int z = p / plane, y = p / nx % ny, x = p % nx;
            foreach (var (ok, q) in new[] { (z > 0, p - plane), (y > 0, p - nx), (x > 0, p - 1), (x < nx - 1, p + 1), (y < ny - 1, p + nx), (z < nz - 1, p + plane) })
            {
                if (!ok || pore[q] == 0 || labels[q] != 0) continue;
                labels[q] = labels[p];
                heap.Enqueue(q, (-Level(q), age++));
            }
        }
        return labels;
    }

    public static TheoryData<string> Rocks => ["spheres", "blobs", "anisotropic"];

    [Theory]
    [MemberData(nameof(Rocks))]
    public void FloodEqualsTheHeapDefinitionVoxelForVoxel(string rock)
    {
        Volume v = rock switch
        {
            "spheres" => OverlappingSpheres.Generate(40, 0.3, 4, 1, 1e-6),
            "blobs" => GaussianBlobs.Generate(40, 0.25, 2, 2, 1e-6),
            _ => Resampling.Crop(GaussianBlobs.Generate(48, 0.3, 3, 5, 1e-6), "0:48,3:40,0:29"),
        };
        var dt = DistanceTransform.Compute(v);
        var smooth = (float[])dt.Clone();
        GaussianFilter.ApplyInPlace(smooth, v.Nz, v.Ny, v.Nx, SnowExtractor.Sigma, dropNegligibleTaps: false);
        var (markers, count) = PeakFinder.Find(smooth, dt, v.Data, v.Nz, v.Ny, v.Nx);
        Assert.True(count > 5, $"only {count} markers");
        var kept = (int[])markers.Clone();

        var expected = HeapReference(markers, dt, v.Data, v.Nz, v.Ny, v.Nx);
        var fresh = Watershed.Flood(markers, count, dt, v.Data, v.Nz, v.Ny, v.Nx);
        Assert.Equal(kept, markers); // not written unless asked to
        Assert.Equal(expected, fresh);
        Assert.Contains(fresh, l => l == count); // every marker's region is there

        var inPlace = Watershed.Flood(markers, count, dt, v.Data, v.Nz, v.Ny, v.Nx, into: markers);
        Assert.Same(markers, inPlace);
        Assert.Equal(expected, inPlace);
    }
}
