using PorousActors.Core;
namespace PorousActors.Pnm.Network;

/// <summary>Turns watershed regions of a whole image into pores and their shared boundaries into throats.</summary>
public static class NetworkBuilder
{
    /// <param name="labels">region id per voxel, 1..regions, 0 = solid or unassigned</param>
    /// <param name="dt">whole-image distance transform of the pore phase (voxels)</param>
    public static PoreNetwork Build(int[] labels, int regions, float[] dt, byte[] pore, int nz, int ny, int nx, double voxelSize, Workspace? ws = null)
    {
        var acc = new NetworkAccumulator(regions, nz, ny, nx, voxelSize);
        acc.Add(labels, dt, pore, nz, 0, 0, nz, ws);
        return acc.Finish();
    }
}
