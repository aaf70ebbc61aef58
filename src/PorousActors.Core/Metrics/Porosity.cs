namespace PorousActors.Core.Metrics;

public static class Porosity
{
    /// <summary>Pore voxel fraction φ (dimensionless).</summary>
    public static double Compute(Volume v) => v.PoreVoxelCount() / (double)v.Count;
}
