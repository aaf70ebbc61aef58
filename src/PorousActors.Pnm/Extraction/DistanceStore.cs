using System.Runtime.InteropServices;

namespace PorousActors.Pnm.Extraction;

/// <summary>
/// The exact distance map of a slab analysis, kept on disk between its two passes: the peak pass
/// proves each slab's core exact and writes it here, and the watershed pass reads its slab and
/// halos back instead of computing a second, wider distance transform (which was about half of
/// the distance-transform time, and left the halo's outer planes inexact).
/// Stored as squared distances in 16 bits (2 bytes per voxel: 2 GB at 1000³): a distance is the
/// square root of an integer, so MathF.Sqrt of the stored value gives it back to the bit. A plane
/// holding a distance that does not fit (above 255 voxels, or the cap of an image without solid)
/// is not stored, and a pass that needs it computes its distances as before.
/// The file is temporary (deleted on close) in <see cref="Path.GetTempPath"/> ($TMPDIR); if it
/// cannot be written (e.g. a full disk) the store gives up and the analysis goes on without it.
/// </summary>
public sealed class DistanceStore : IDisposable
{
    /// <summary>Squared distances from 0 to this are stored; larger ones make their plane unstored.</summary>
    public const int MaxSquared = ushort.MaxValue - 1;

    readonly int nz, plane;
    readonly bool[] stored;
    FileStream? file;

    public DistanceStore(int nz, int ny, int nx, string? directory = null)
    {
        this.nz = nz; plane = ny * nx;
        stored = new bool[nz];
        try
        {
            string path = Path.Combine(directory ?? Path.GetTempPath(), $"porous-distances-{Environment.ProcessId}-{Guid.NewGuid():N}.u16");
            file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { file = null; }
    }

    /// <summary>Planes stored so far.</summary>
    public int StoredPlanes => stored.Count(s => s);

    /// <summary>Stores planes [z0, z1) of the image from <paramref name="dt"/>, whose first plane is the
    /// image's plane <paramref name="e0"/>; each must be exact. Planes are encoded and written in parallel.</summary>
    public void Write(float[] dt, int e0, int z0, int z1)
    {
        if (file is null) return;
        var handle = file.SafeFileHandle;
        try
        {
            Parallel.For(z0, z1, Core.KernelParallelism.Options, () => new ushort[plane], (z, _, buffer) =>
            {
                if (!Encode(dt.AsSpan((z - e0) * plane, plane), buffer)) return buffer;
                RandomAccess.Write(handle, MemoryMarshal.AsBytes(buffer.AsSpan()), (long)z * plane * sizeof(ushort));
                stored[z] = true;
                return buffer;
            }, _ => { });
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is IOException)) { GiveUp(); }
    }

    /// <summary>Whether every plane of [z0, z1) is stored (so a reader can ask before it allocates).</summary>
    public bool Holds(int z0, int z1)
    {
        if (file is null || z0 < 0 || z1 > nz) return false;
        for (int z = z0; z < z1; z++) if (!stored[z]) return false;
        return true;
    }

    /// <summary>True, with planes [z0, z1) of the distance map in <paramref name="dt"/> from its start,
    /// when every one of them is stored; false otherwise (dt then holds nothing useful). Planes are
    /// read and decoded (a table of square roots) in parallel.</summary>
    public bool TryRead(int z0, int z1, float[] dt)
    {
        if (!Holds(z0, z1) || file is null) return false;
        var handle = file.SafeFileHandle;
        try
        {
            Parallel.For(z0, z1, Core.KernelParallelism.Options, () => new ushort[plane], (z, _, buffer) =>
            {
                var bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
                long offset = (long)z * plane * sizeof(ushort);
                for (int done = 0; done < bytes.Length;)
                {
                    int got = RandomAccess.Read(handle, bytes[done..], offset + done);
                    if (got == 0) throw new IOException("the distance store ended early");
                    done += got;
                }
                var o = dt.AsSpan((z - z0) * plane, plane);
                var root = Roots.Value;
                for (int i = 0; i < o.Length; i++) o[i] = root[buffer[i]];
                return buffer;
            }, _ => { });
            return true;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is IOException)) { GiveUp(); return false; }
    }

    /// <summary>MathF.Sqrt of every storable squared distance (256 KB): decoding is a table look-up.</summary>
    static readonly Lazy<float[]> Roots = new(() => Enumerable.Range(0, MaxSquared + 1).Select(s => MathF.Sqrt(s)).ToArray());

    /// <summary>Squared distances of one plane, or false when one does not fit or is not the square
    /// root of an integer (the cap of an image without solid).</summary>
    static bool Encode(ReadOnlySpan<float> d, ushort[] into)
    {
        for (int i = 0; i < d.Length; i++)
        {
            float v = d[i];
            if (!(v <= 256f)) return false;
            int s = (int)MathF.Round(v * v);
            if (s > MaxSquared || MathF.Sqrt(s) != v) return false;
            into[i] = (ushort)s;
        }
        return true;
    }

    void GiveUp()
    {
        file?.Dispose();
        file = null;
        Array.Clear(stored);
    }

    public void Dispose() => GiveUp();
}
