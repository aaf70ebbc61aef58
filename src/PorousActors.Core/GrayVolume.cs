using PorousActors.Core.IO;

namespace PorousActors.Core;

/// <summary>
/// A grayscale (or labelled) 3-D image as read from disk, (z, y, x) C-contiguous, in the file's
/// own element type where that is small: uint8 (and bool) as bytes, uint16 as 16-bit words, any
/// other type as float. A 1000³ 8-bit scan is then 1 GB, not 4. The voxel size is in metres when
/// the file states it. Binarise it with <see cref="ToBinary"/> (labelled images) or with median
/// filter + Multi-Otsu (grayscale scans).
/// </summary>
public sealed class GrayVolume
{
    public int Nz { get; }
    public int Ny { get; }
    public int Nx { get; }
    public double? VoxelSize { get; }
    /// <summary>The samples: a byte[], ushort[] or float[] (see <see cref="Storage"/>).</summary>
    public Array Samples { get; }
    /// <summary>How the samples are held: UInt8, UInt16 or Float32.</summary>
    public VoxelType Storage { get; }

    public byte[]? Bytes => Samples as byte[];
    public ushort[]? Words => Samples as ushort[];
    public float[]? Floats => Samples as float[];
    public long Count => Samples.LongLength;

    public GrayVolume(int nz, int ny, int nx, double? voxelSize, Array samples)
    {
        Shape.Validate(nz, ny, nx);
        Nz = nz; Ny = ny; Nx = nx; VoxelSize = voxelSize;
        Storage = samples switch
        {
            byte[] => VoxelType.UInt8,
            ushort[] => VoxelType.UInt16,
            float[] => VoxelType.Float32,
            _ => throw new ArgumentException($"samples must be byte[], ushort[] or float[], got {samples.GetType().Name}"),
        };
        if (samples.LongLength != (long)nz * ny * nx)
            throw new ArgumentException($"data has {samples.LongLength} voxels, shape {nz}x{ny}x{nx} needs {(long)nz * ny * nx}");
        Samples = samples;
    }

    /// <summary>The type a file's samples are held in: its own for uint8, bool and uint16, else float.</summary>
    public static VoxelType StorageFor(VoxelType fileType) => fileType switch
    {
        VoxelType.UInt8 or VoxelType.Bool => VoxelType.UInt8,
        VoxelType.UInt16 => VoxelType.UInt16,
        _ => VoxelType.Float32,
    };

    /// <summary>An image of zeros held as <paramref name="storage"/>; refuses up front, rather than
    /// dying mid-way, when the machine cannot hold it and the binary result.</summary>
    public static GrayVolume Allocate(int nz, int ny, int nx, double? voxelSize, VoxelType storage)
    {
        Shape.Validate(nz, ny, nx);
        long n = (long)nz * ny * nx;
        int size = VoxelTypes.Size(StorageFor(storage));
        long need = n * (size + 1), have = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (need > have * 0.9)
            throw new BadInputException($"a {nz}x{ny}x{nx} image needs about {need / 1e9:F1} GB of memory to read, this machine has {have / 1e9:F1} GB");
        Array samples = StorageFor(storage) switch
        {
            VoxelType.UInt8 => new byte[n],
            VoxelType.UInt16 => new ushort[n],
            _ => new float[n],
        };
        return new GrayVolume(nz, ny, nx, voxelSize, samples);
    }

    public int Index(int z, int y, int x) => (z * Ny + y) * Nx + x;

    public float this[long i] => Samples switch
    {
        byte[] b => b[i],
        ushort[] w => w[i],
        _ => ((float[])Samples)[i],
    };

    /// <summary>Samples [start, start + dst.Length) as floats: algorithms that need floats read the
    /// image a block at a time instead of converting it whole.</summary>
    public void CopyTo(long start, Span<float> dst)
    {
        switch (Samples)
        {
            case byte[] b: { var s = b.AsSpan((int)start, dst.Length); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case ushort[] w: { var s = w.AsSpan((int)start, dst.Length); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            default: ((float[])Samples).AsSpan((int)start, dst.Length).CopyTo(dst); break;
        }
    }

    /// <summary>Calls <paramref name="block"/> on consecutive blocks of samples as floats.</summary>
    public void ForEachBlock(Action<ReadOnlySpan<float>> block)
    {
        if (Samples is float[] f) { block(f); return; }
        var buffer = new float[(int)Math.Min(Count, 1 << 20)];
        for (long s = 0; s < Count; s += buffer.Length)
        {
            int len = (int)Math.Min(buffer.Length, Count - s);
            CopyTo(s, buffer.AsSpan(0, len));
            block(buffer.AsSpan(0, len));
        }
    }

    public float[] ToFloats()
    {
        if (Samples is float[] f) return f;
        var dst = new float[Count];
        CopyTo(0, dst);
        return dst;
    }

    /// <summary>Smallest and largest sample (NaN if any sample is NaN).</summary>
    public (float Min, float Max) Range()
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        bool nan = false;
        ForEachBlock(s =>
        {
            foreach (var v in s) { if (float.IsNaN(v)) nan = true; else { if (v < min) min = v; if (v > max) max = v; } }
        });
        return nan ? (float.NaN, float.NaN) : (min, max);
    }

    /// <summary>Distinct values, or null when there are more than <paramref name="max"/>.</summary>
    public float[]? DistinctValues(int max)
    {
        // Segmented images repeat one or two values: test the last few values seen before hashing.
        var seen = new List<float>(max + 1);
        bool tooMany = false;
        ForEachBlock(block =>
        {
            if (tooMany) return;
            foreach (var v in block)
            {
                bool known = false;
                for (int k = 0; k < seen.Count; k++) if (seen[k] == v || (float.IsNaN(v) && float.IsNaN(seen[k]))) { known = true; break; }
                if (known) continue;
                seen.Add(v);
                if (seen.Count > max) { tooMany = true; return; }
            }
        });
        if (tooMany) return null;
        seen.Sort();
        return [.. seen];
    }

    /// <summary>Labelled image to binary: voxels equal to <paramref name="poreValue"/> become pore (1).</summary>
    public Volume ToBinary(double poreValue, double voxelSize)
    {
        var v = new Volume(Nz, Ny, Nx, voxelSize);
        float p = (float)poreValue;
        var dst = v.Data;
        // integer samples compared as integers (a pore value no sample can hold matches none)
        int whole = p == MathF.Floor(p) && p >= 0 && p <= ushort.MaxValue ? (int)p : -1;
        const int chunk = 1 << 20;
        int chunks = (int)((Count + chunk - 1) / chunk);
        Parallel.For(0, chunks, KernelParallelism.Options, c =>
        {
            int from = c * chunk, to = (int)Math.Min(Count, (long)from + chunk);
            switch (Samples)
            {
                case byte[] b: { byte pb = (byte)whole; bool any = whole is >= 0 and <= 255; for (int i = from; i < to; i++) dst[i] = any && b[i] == pb ? (byte)1 : (byte)0; break; }
                case ushort[] w: { ushort pw = (ushort)whole; bool any = whole >= 0; for (int i = from; i < to; i++) dst[i] = any && w[i] == pw ? (byte)1 : (byte)0; break; }
                case float[] f: for (int i = from; i < to; i++) dst[i] = f[i] == p ? (byte)1 : (byte)0; break;
            }
        });
        return v;
    }

    /// <summary>A binary volume as an 8-bit image (1 = pore).</summary>
    public static GrayVolume FromBinary(Volume v) => new(v.Nz, v.Ny, v.Nx, v.VoxelSize, (byte[])v.Data.Clone());
}
