using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace PorousActors.Core.IO;

/// <summary>
/// MATLAB .mat files: level 5 (v5/v6/v7, compressed or not, read here) and v7.3 (HDF5 with a
/// 512-byte MATLAB header, read through <see cref="Hdf5Format"/>). A file may hold several
/// variables; the 3-D numeric or logical ones are candidates, and a name picks one when there are
/// several. Axis order follows scipy.io.loadmat: a MATLAB array of size [d1 d2 d3] becomes a
/// (Z, Y, X) = (d1, d2, d3) volume, exactly as if it had been loaded in Python and saved with np.save.
/// </summary>
public static class MatFormat
{
    const int HeaderBytes = 128;

    // data element types of the level 5 format (MATLAB "MAT-File Format", table 1-1)
    const int miINT8 = 1, miUINT8 = 2, miINT16 = 3, miUINT16 = 4, miINT32 = 5, miUINT32 = 6, miSINGLE = 7,
        miDOUBLE = 9, miINT64 = 12, miUINT64 = 13, miMATRIX = 14, miCOMPRESSED = 15;

    // array classes; mxSPARSE 5, cell 1, struct 2, char 4 are not volumes
    const int mxDOUBLE = 6, mxUINT64 = 15;

    /// <summary>True when the file starts like a MATLAB v7.3 file or any HDF5 file.</summary>
    public static bool IsHdf5(string path)
    {
        using var s = File.OpenRead(path);
        var head = new byte[Math.Min(s.Length, 520)];
        s.ReadExactly(head);
        return Hdf5Format.HasSignatureAt(head, 0) || Hdf5Format.HasSignatureAt(head, 512);
    }

    public static GrayVolume Read(string path, string? dataset, double? voxelSize)
    {
        if (IsHdf5(path)) return Hdf5Format.Read(path, dataset, voxelSize);
        using var stream = File.OpenRead(path);
        if (stream.Length < HeaderBytes) throw new BadInputException($"{path}: too short for a MATLAB .mat file ({stream.Length} bytes)");
        var header = new byte[HeaderBytes];
        stream.ReadExactly(header);
        string text = Encoding.ASCII.GetString(header, 0, 116);
        if (!text.StartsWith("MATLAB 5.0 MAT-file", StringComparison.Ordinal))
            throw new BadInputException($"{path}: not a MATLAB level 5 or v7.3 .mat file (MATLAB v4 files are not supported; save with -v7 or -v7.3)");
        if (header[126] == (byte)'M' && header[127] == (byte)'I')
            throw new BadInputException($"{path}: a big-endian .mat file; save it on a little-endian machine");

        var found = new List<(string Name, int[] Dims, Func<GrayVolume> Load)>();
        var skipped = new List<string>();
        while (stream.Position + 8 <= stream.Length)
        {
            var (type, size, _) = ReadTag(stream, path);
            // compressed elements are not padded to 8 bytes; all others are
            long next = stream.Position + (type == miCOMPRESSED ? size : Pad8(size));
            if (type == miCOMPRESSED)
            {
                // one compressed element holds one miMATRIX; decompress it whole (variables are read one at a time)
                var packed = new byte[size];
                stream.ReadExactly(packed);
                using var z = new ZLibStream(new MemoryStream(packed), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                z.CopyTo(plain);
                plain.Position = 0;
                var (innerType, _, _) = ReadTag(plain, path);
                if (innerType == miMATRIX) Collect(plain, path, voxelSize, found, skipped);
            }
            else if (type == miMATRIX)
            {
                var body = new byte[size];
                stream.ReadExactly(body);
                Collect(new MemoryStream(body), path, voxelSize, found, skipped);
            }
            stream.Position = next;
        }
        return Choose(path, dataset, found.Select(f => (f.Name, f.Dims, f.Load)).ToList(), skipped);
    }

    /// <summary>Picks the named variable, or the only 3-D one; otherwise says what the file holds.</summary>
    internal static GrayVolume Choose(string path, string? name, List<(string Name, int[] Dims, Func<GrayVolume> Load)> found, List<string> skipped)
    {
        string Describe((string Name, int[] Dims, Func<GrayVolume> Load) f) => $"{f.Name} ({string.Join("x", f.Dims)})";
        var volumes = found.Where(f => f.Dims.Length == 3).ToList();
        if (name is not null)
        {
            var hit = found.FirstOrDefault(f => f.Name == name);
            if (hit.Name is null)
                throw new BadInputException($"{path}: no variable '{name}'; it holds {(found.Count == 0 ? "no numeric arrays" : string.Join(", ", found.Select(Describe)))}");
            if (hit.Dims.Length != 3) throw new BadInputException($"{path}: variable {Describe(hit)} is not 3-D");
            return hit.Load();
        }
        if (volumes.Count == 1) return volumes[0].Load();
        if (volumes.Count == 0)
            throw new BadInputException($"{path}: holds no 3-D numeric array ({(found.Count + skipped.Count == 0 ? "it is empty" : string.Join(", ", found.Select(Describe).Concat(skipped)))})");
        throw new BadInputException($"{path}: holds {volumes.Count} 3-D arrays ({string.Join(", ", volumes.Select(Describe))}); name the one to read", InputField.Dataset);
    }

    static void Collect(Stream s, string path, double? voxelSize, List<(string, int[], Func<GrayVolume>)> found, List<string> skipped)
    {
        // array flags (class in the low byte), dimensions, name, then the real part
        var (ft, fn, flagBytes) = ReadElement(s, path);
        if (ft != miUINT32 || fn < 8) throw new BadInputException($"{path}: malformed array flags in a MATLAB variable");
        int mxClass = flagBytes[0];
        bool complex = (flagBytes[1] & 0x08) != 0;
        var (dt, dn, dimBytes) = ReadElement(s, path);
        if (dt != miINT32) throw new BadInputException($"{path}: malformed dimensions in a MATLAB variable");
        var dims = new int[dn / 4];
        for (int i = 0; i < dims.Length; i++) dims[i] = BinaryPrimitives.ReadInt32LittleEndian(dimBytes.AsSpan(4 * i));
        var (_, _, nameBytes) = ReadElement(s, path);
        string name = Encoding.ASCII.GetString(nameBytes);
        if (mxClass < mxDOUBLE || mxClass > mxUINT64) { skipped.Add($"{name} (not a numeric array)"); return; }
        if (complex) { skipped.Add($"{name} (complex)"); return; }
        var (type, n, data) = ReadElement(s, path);
        long voxels = dims.Aggregate(1L, (a, d) => a * d);
        if (voxels * ElementSize(type, path) != n)
            throw new BadInputException($"{path}: variable {name} holds {n} bytes, its size {string.Join("x", dims)} needs {voxels * ElementSize(type, path)}");
        found.Add((name, dims, () => FromColumnMajor(Decode(data, type, path), dims, voxelSize)));
    }

    /// <summary>MATLAB and HDF5-as-MATLAB store arrays column-major: A(i,j,k) at i + d1·(j + d2·k).</summary>
    internal static GrayVolume FromColumnMajor(float[] columnMajor, int[] dims, double? voxelSize)
    {
        int d1 = dims[0], d2 = dims[1], d3 = dims[2];
        var g = GrayVolume.Allocate(d1, d2, d3, voxelSize, VoxelType.Float32);
        var dst = g.Floats!;
        Parallel.For(0, d1, KernelParallelism.Options, i =>
        {
            for (int j = 0; j < d2; j++)
            {
                long row = ((long)i * d2 + j) * d3, src = i + (long)d1 * j;
                for (int k = 0; k < d3; k++) dst[row + k] = columnMajor[src + (long)d1 * d2 * k];
            }
        });
        return g;
    }

    static float[] Decode(byte[] data, int type, string path)
    {
        int size = ElementSize(type, path);
        var dst = new float[data.Length / size];
        var src = data.AsSpan();
        switch (type)
        {
            case miINT8: for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)src[i]; break;
            case miUINT8: for (int i = 0; i < dst.Length; i++) dst[i] = src[i]; break;
            case miINT16: for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]); break;
            case miUINT16: for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]); break;
            case miINT32: for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]); break;
            case miUINT32: for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * i)..]); break;
            case miSINGLE: for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]); break;
            case miDOUBLE: for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]); break;
            case miINT64: for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]); break;
            case miUINT64: for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadUInt64LittleEndian(src[(8 * i)..]); break;
        }
        return dst;
    }

    static int ElementSize(int type, string path) => type switch
    {
        miINT8 or miUINT8 => 1,
        miINT16 or miUINT16 => 2,
        miINT32 or miUINT32 or miSINGLE => 4,
        miDOUBLE or miINT64 or miUINT64 => 8,
        _ => throw new BadInputException($"{path}: unsupported MATLAB data type {type} in a numeric array"),
    };

    static long Pad8(long n) => (n + 7) & ~7L;

    /// <summary>A data element tag: normal (8 bytes) or small (type and size packed in 4, data in the next 4).</summary>
    static (int Type, long Size, bool Small) ReadTag(Stream s, string path)
    {
        Span<byte> tag = stackalloc byte[8];
        if (s.Read(tag) < 8) throw new BadInputException($"{path}: truncated MATLAB data element");
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(tag);
        if (first >> 16 != 0)
        {
            s.Position -= 4; // small element: its data are the next 4 bytes
            return ((int)(first & 0xffff), first >> 16, true);
        }
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(tag[4..]);
        if (size > s.Length - s.Position) throw new BadInputException($"{path}: a MATLAB data element claims {size} bytes, only {s.Length - s.Position} remain");
        return ((int)first, size, false);
    }

    static (int Type, long Size, byte[] Data) ReadElement(Stream s, string path)
    {
        var (type, size, small) = ReadTag(s, path);
        if (small && size > 4) throw new BadInputException($"{path}: malformed small MATLAB data element");
        var data = new byte[size];
        s.ReadExactly(data);
        s.Position += (small ? 4 : Pad8(size)) - size;
        return (type, size, data);
    }
}
