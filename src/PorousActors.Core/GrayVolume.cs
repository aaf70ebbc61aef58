namespace PorousActors.Core;

/// <summary>
/// A grayscale (or labelled) 3-D image as read from disk: (z, y, x) C-contiguous floats plus the
/// voxel size in metres when the file states it. Binarise it with <see cref="ToBinary"/> (labelled
/// images) or with median filter + Multi-Otsu (grayscale scans).
/// </summary>
public sealed class GrayVolume
{
    public int Nz { get; }
    public int Ny { get; }
    public int Nx { get; }
    public double? VoxelSize { get; }
    public float[] Data { get; }

    public GrayVolume(int nz, int ny, int nx, double? voxelSize = null, float[]? data = null)
    {
        Shape.Validate(nz, ny, nx);
        Nz = nz; Ny = ny; Nx = nx; VoxelSize = voxelSize;
        long n = (long)nz * ny * nx;
        if (data is null)
        {
            // reading needs the float image plus the binary result: refuse up front rather than die mid-way
            long need = n * 5, have = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (need > have * 0.9)
                throw new BadInputException($"a {nz}x{ny}x{nx} image needs about {need / 1e9:F1} GB of memory to read, this machine has {have / 1e9:F1} GB");
            data = new float[n];
        }
        else if (data.LongLength != n)
            throw new ArgumentException($"data has {data.LongLength} voxels, shape {nz}x{ny}x{nx} needs {n}");
        Data = data;
    }

    public int Index(int z, int y, int x) => (z * Ny + y) * Nx + x;

    /// <summary>Distinct values, or null when there are more than <paramref name="max"/>.</summary>
    public float[]? DistinctValues(int max)
    {
        // Segmented images repeat one or two values: test the last few values seen before hashing.
        var seen = new List<float>(max + 1);
        foreach (var v in Data)
        {
            bool known = false;
            for (int k = 0; k < seen.Count; k++) if (seen[k] == v || (float.IsNaN(v) && float.IsNaN(seen[k]))) { known = true; break; }
            if (known) continue;
            seen.Add(v);
            if (seen.Count > max) return null;
        }
        seen.Sort();
        return [.. seen];
    }

    /// <summary>Labelled image to binary: voxels equal to <paramref name="poreValue"/> become pore (1).</summary>
    public Volume ToBinary(double poreValue, double voxelSize)
    {
        var v = new Volume(Nz, Ny, Nx, voxelSize);
        float p = (float)poreValue;
        var src = Data; var dst = v.Data;
        for (int i = 0; i < src.Length; i++) dst[i] = src[i] == p ? (byte)1 : (byte)0;
        return v;
    }

    public static GrayVolume FromBinary(Volume v)
    {
        var g = new GrayVolume(v.Nz, v.Ny, v.Nx, v.VoxelSize);
        for (int i = 0; i < v.Data.Length; i++) g.Data[i] = v.Data[i];
        return g;
    }
}
