using System.Runtime.CompilerServices;

namespace PorousActors.Core;

/// <summary>The face (6-connected) neighbours of a voxel that lie inside the image, for kernels that
/// walk every voxel: inlined, so a hot loop pays nothing for the call.</summary>
public static class FaceNeighbours
{
    /// <summary>Writes into <paramref name="into"/> (room for 6) the flat indices of the face
    /// neighbours of the voxel at flat index <paramref name="q"/> and coordinates (z, y, x) of an
    /// nz × ny × nx image, and returns how many there are. <paramref name="q"/> may be local to a
    /// slab (the neighbours are then local too) while z is the voxel's plane in the whole image,
    /// which decides whether the planes above and below exist.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(int q, int z, int y, int x, int nz, int ny, int nx, Span<int> into)
    {
        int n = 0;
        if (x > 0) into[n++] = q - 1;
        if (x < nx - 1) into[n++] = q + 1;
        if (y > 0) into[n++] = q - nx;
        if (y < ny - 1) into[n++] = q + nx;
        if (z > 0) into[n++] = q - ny * nx;
        if (z < nz - 1) into[n++] = q + ny * nx;
        return n;
    }
}
