namespace PorousActors.Pnm.Network;

/// <summary>Faces of the image box, in the order z-, z+, y-, y+, x-, x+.</summary>
public enum Face { ZMin = 0, ZMax = 1, YMin = 2, YMax = 3, XMin = 4, XMax = 5 }

/// <summary>
/// A pore network extracted from an image. Geometry is kept in voxel units (lengths in voxel
/// edges, areas in voxel faces, volumes in voxels); <see cref="VoxelSize"/> (m) converts them. Pore
/// and throat arrays are indexed by pore id 0..PoreCount-1 and throat id 0..ThroatCount-1.
/// Definitions follow PoreSpy 2.4 snow2 (distances between voxel centres):
/// pore inscribed diameter = 2 x max of the region's own distance transform; pore equivalent
/// diameter = diameter of the sphere of the region's volume; throat inscribed diameter = 2 x max of
/// the whole-image distance transform on the interface voxels; throat equivalent diameter =
/// sqrt(4A/pi) with A the interface voxel count.
/// </summary>
public sealed class PoreNetwork
{
    public required double VoxelSize { get; init; }
    public required (int Z, int Y, int X) ImageShape { get; init; }

    /// <summary>Watershed region of each pore (1-based, as in the regions image; PoreSpy's pore.region_label).</summary>
    public required int[] PoreRegionLabel { get; init; }
    public required double[] PoreVolume { get; init; }
    /// <summary>Centroids as (z, y, x) triples, 3 per pore.</summary>
    public required double[] PoreCentroid { get; init; }
    public required double[] PoreInscribedDiameter { get; init; }
    public required double[] PoreEquivalentDiameter { get; init; }
    /// <summary>Voxels of each pore on each image face, 6 per pore in <see cref="Face"/> order.</summary>
    public required int[] PoreFaceArea { get; init; }

    /// <summary>Pore ids of each throat, 2 per throat (pore1 &lt; pore2).</summary>
    public required int[] ThroatConns { get; init; }
    public required double[] ThroatInscribedDiameter { get; init; }
    public required double[] ThroatEquivalentDiameter { get; init; }
    public required double[] ThroatArea { get; init; }
    public required double[] ThroatPerimeter { get; init; }
    /// <summary>Interface centroids as (z, y, x) triples.</summary>
    public required double[] ThroatCentroid { get; init; }
    /// <summary>Centroid-to-centroid distance between the two pores.</summary>
    public required double[] ThroatTotalLength { get; init; }

    /// <summary>Pore voxels in no pore: tiny isolated clusters whose distance peak lies within the
    /// peak window of a larger pore across solid (PoreSpy's snow2 leaves these unlabelled too).</summary>
    public long UnassignedPoreVoxels { get; init; }

    public int PoreCount => PoreVolume.Length;
    public int ThroatCount => ThroatArea.Length;

    public bool Touches(int pore, Face f) => PoreFaceArea[pore * 6 + (int)f] > 0;

    public double CoordinationNumber => PoreCount == 0 ? 0 : 2.0 * ThroatCount / PoreCount;

    public double Distance(int a, int b)
    {
        double dz = PoreCentroid[3 * a] - PoreCentroid[3 * b], dy = PoreCentroid[3 * a + 1] - PoreCentroid[3 * b + 1], dx = PoreCentroid[3 * a + 2] - PoreCentroid[3 * b + 2];
        return Math.Sqrt(dz * dz + dy * dy + dx * dx);
    }
}
