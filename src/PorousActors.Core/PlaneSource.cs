namespace PorousActors.Core;

/// <summary>
/// A binary volume read a few z-planes at a time (1 = pore, 0 = solid), for images too large to
/// hold in one array: the whole image need never be in memory. (z, y, x) order as <see cref="Volume"/>.
/// </summary>
public interface IPlaneSource
{
    int Nz { get; }
    int Ny { get; }
    int Nx { get; }
    /// <summary>Edge length of a voxel in metres.</summary>
    double VoxelSize { get; }
    /// <summary>Copies planes [z0, z0 + count) into <paramref name="pore"/> (count·Ny·Nx bytes).</summary>
    void ReadPlanes(int z0, int count, Span<byte> pore);
}

/// <summary>A volume in memory as a plane source.</summary>
public sealed class VolumePlanes(Volume volume) : IPlaneSource
{
    public int Nz => volume.Nz;
    public int Ny => volume.Ny;
    public int Nx => volume.Nx;
    public double VoxelSize => volume.VoxelSize;

    public void ReadPlanes(int z0, int count, Span<byte> pore)
    {
        int plane = volume.Ny * volume.Nx;
        volume.Data.AsSpan(z0 * plane, count * plane).CopyTo(pore);
    }
}

public static class PlaneSources
{
    /// <summary>Planes [z0, z0 + count) as a volume of their own (same voxel size).</summary>
    public static Volume Slab(this IPlaneSource src, int z0, int count)
    {
        var v = new Volume(count, src.Ny, src.Nx, src.VoxelSize);
        src.ReadPlanes(z0, count, v.Data);
        return v;
    }

    public static long VoxelCount(this IPlaneSource src) => (long)src.Nz * src.Ny * src.Nx;
}
