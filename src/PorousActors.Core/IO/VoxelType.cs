namespace PorousActors.Core.IO;

/// <summary>Element types we read and write, with NumPy names (uint8, int8, bool, int16, uint16, int32, float32, float64).</summary>
public enum VoxelType { UInt8, Bool, Int16, UInt16, Float32, Int8, Int32, Float64 }

public static class VoxelTypes
{
    public static int Size(VoxelType t) => t switch
    {
        VoxelType.UInt8 or VoxelType.Bool or VoxelType.Int8 => 1,
        VoxelType.Int16 or VoxelType.UInt16 => 2,
        VoxelType.Float32 or VoxelType.Int32 => 4,
        VoxelType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static string Name(VoxelType t) => t switch
    {
        VoxelType.UInt8 => "uint8", VoxelType.Bool => "bool", VoxelType.Int16 => "int16",
        VoxelType.UInt16 => "uint16", VoxelType.Float32 => "float32", VoxelType.Int8 => "int8",
        VoxelType.Int32 => "int32", VoxelType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static VoxelType Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "uint8" or "u1" or "byte" => VoxelType.UInt8,
        "bool" or "b1" => VoxelType.Bool,
        "int16" or "i2" => VoxelType.Int16,
        "uint16" or "u2" => VoxelType.UInt16,
        "float32" or "f4" or "float" => VoxelType.Float32,
        "int8" or "i1" => VoxelType.Int8,
        "int32" or "i4" => VoxelType.Int32,
        "float64" or "f8" or "double" => VoxelType.Float64,
        _ => throw new BadInputException($"unknown element type '{name}': expected uint8, int8, bool, int16, uint16, int32, float32 or float64", InputField.Dtype),
    };

    /// <summary>Decodes little-endian raw bytes into floats.</summary>
    public static void Decode(ReadOnlySpan<byte> src, VoxelType t, Span<float> dst)
    {
        switch (t)
        {
            case VoxelType.UInt8:
            case VoxelType.Bool:
                for (int i = 0; i < dst.Length; i++) dst[i] = src[i];
                break;
            case VoxelType.Int16:
                for (int i = 0; i < dst.Length; i++) dst[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(src.Slice(2 * i));
                break;
            case VoxelType.UInt16:
                for (int i = 0; i < dst.Length; i++) dst[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(2 * i));
                break;
            case VoxelType.Float32:
                for (int i = 0; i < dst.Length; i++) dst[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(src.Slice(4 * i));
                break;
            case VoxelType.Int8:
                for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)src[i];
                break;
            case VoxelType.Int32:
                for (int i = 0; i < dst.Length; i++) dst[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(src.Slice(4 * i));
                break;
            case VoxelType.Float64:
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(src.Slice(8 * i));
                break;
        }
    }

    /// <summary>Fills an image held as <see cref="GrayVolume.StorageFor"/>(<paramref name="t"/>) from a
    /// stream of <paramref name="t"/> samples: bytes and 16-bit words are copied as they are, other
    /// types decoded to float, a few MB at a time.</summary>
    public static void Read(Stream src, VoxelType t, GrayVolume g, string path)
    {
        switch (g.Samples)
        {
            case byte[] b when t is VoxelType.UInt8 or VoxelType.Bool:
                ReadExactly(src, b.AsSpan(), path, g.Count, 1);
                break;
            case ushort[] w when t is VoxelType.UInt16:
                ReadExactly(src, System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan()), path, g.Count, 2);
                if (!BitConverter.IsLittleEndian)
                    for (int i = 0; i < w.Length; i++) w[i] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(w[i]);
                break;
            case float[] f:
                Decode(src, t, f, path);
                break;
            default:
                throw new ArgumentException($"an image held as {g.Storage} cannot take {Name(t)} samples");
        }
    }

    static void ReadExactly(Stream src, Span<byte> dst, string path, long voxels, int size)
    {
        int done = 0;
        while (done < dst.Length)
        {
            int r = src.Read(dst[done..Math.Min(dst.Length, done + (1 << 22))]);
            if (r == 0) throw new BadInputException($"{path}: ends after {done / size} of {voxels} voxels");
            done += r;
        }
    }

    /// <summary>Decodes <paramref name="dst"/>.Length voxels read from a stream a few MB at a time,
    /// so no file size limit applies (File.ReadAllBytes stops at 2 GiB).</summary>
    public static void Decode(Stream src, VoxelType t, Span<float> dst, string path)
    {
        int size = Size(t);
        var buffer = new byte[(1 << 22) / size * size];
        int done = 0;
        while (done < dst.Length)
        {
            int voxels = Math.Min(buffer.Length / size, dst.Length - done);
            int bytes = voxels * size, read = 0;
            while (read < bytes)
            {
                int r = src.Read(buffer, read, bytes - read);
                if (r == 0) throw new BadInputException($"{path}: ends after {done + read / size} of {dst.Length} voxels");
                read += r;
            }
            Decode(buffer.AsSpan(0, bytes), t, dst.Slice(done, voxels));
            done += voxels;
        }
    }
}
