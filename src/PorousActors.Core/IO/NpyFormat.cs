using System.Text;
using System.Text.RegularExpressions;

namespace PorousActors.Core.IO;

/// <summary>NumPy .npy files (format versions 1-3) holding a 3-D uint8, int8, bool, int16, uint16, int32, float32 or float64 array.</summary>
public static partial class NpyFormat
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>What a .npy header says: element type, shape (Z, Y, X), memory order and where the data start.</summary>
    public sealed record Header(VoxelType Type, int[] Dims, bool Fortran, long DataStart);

    /// <summary>Reads and checks the header (and that the file holds all the data it announces).</summary>
    public static Header ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path);
    }

    static Header ReadHeader(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        var bytes = new byte[(int)Math.Min(fileLength, 1 << 16)];
        stream.ReadExactly(bytes);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new BadInputException($"{path}: not a NumPy .npy file (missing \\x93NUMPY magic)");
        int major = bytes[6];
        long headerLenL; int headerStart;
        if (major == 1) { headerLenL = BitConverter.ToUInt16(bytes, 8); headerStart = 10; }
        else if (major is 2 or 3) { headerLenL = BitConverter.ToUInt32(bytes, 8); headerStart = 12; }
        else throw new BadInputException($"{path}: unsupported .npy format version {major}");
        if (headerStart + headerLenL > bytes.Length) throw new BadInputException($"{path}: truncated .npy header (it claims {headerLenL} bytes)");
        int headerLen = (int)headerLenL;
        string header = Encoding.Latin1.GetString(bytes, headerStart, headerLen);

        var descr = DescrRegex().Match(header);
        var shapeM = ShapeRegex().Match(header);
        if (!descr.Success || !shapeM.Success) throw new BadInputException($"{path}: cannot parse .npy header '{header.Trim()}'");
        bool fortran = header.Contains("'fortran_order': True");
        string d = descr.Groups[1].Value;
        if (d.Length > 0 && d[0] == '>' && d[1..] is not ("u1" or "i1" or "b1"))
            throw new BadInputException($"{path}: big-endian dtype '{d}' is not supported; save as little-endian");
        var type = d.TrimStart('<', '|', '=', '>') switch
        {
            "u1" => VoxelType.UInt8, "i1" => VoxelType.Int8, "b1" => VoxelType.Bool, "i2" => VoxelType.Int16, "u2" => VoxelType.UInt16,
            "i4" => VoxelType.Int32, "f4" => VoxelType.Float32, "f8" => VoxelType.Float64,
            _ => throw new BadInputException($"{path}: dtype '{d}' not supported: expected uint8, int8, bool, int16, uint16, int32, float32 or float64"),
        };
        var dims = shapeM.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, out int n) ? n : -1).ToArray();
        if (dims.Length != 3 || dims.Any(n => n < 1))
            throw new BadInputException($"{path}: array shape ({shapeM.Groups[1].Value}) is not 3-D; expected (Z, Y, X)");

        long n = (long)dims[0] * dims[1] * dims[2];
        int dataStart = headerStart + headerLen;
        long need = n * VoxelTypes.Size(type);
        if (fileLength - dataStart < need)
            throw new BadInputException($"{path}: truncated: shape ({dims[0]}, {dims[1]}, {dims[2]}) of {VoxelTypes.Name(type)} needs {need} data bytes, file has {fileLength - dataStart}");

        return new Header(type, dims, fortran, dataStart);
    }

    public static GrayVolume Read(string path, double? voxelSize)
    {
        // the header alone is read whole; the voxels are streamed (no 2 GiB limit)
        using var stream = File.OpenRead(path);
        var (type, dims, fortran, dataStart) = ReadHeader(stream, path);
        long n = (long)dims[0] * dims[1] * dims[2];
        stream.Position = dataStart;
        if (!fortran)
        {
            var c = GrayVolume.Allocate(dims[0], dims[1], dims[2], voxelSize, type);
            VoxelTypes.Read(stream, type, c, path);
            return c;
        }
        var g = GrayVolume.Allocate(dims[0], dims[1], dims[2], voxelSize, VoxelType.Float32);
        // Fortran order: x varies slowest on disk, so decode then reorder to C order.
        var tmp = new float[n];
        VoxelTypes.Decode(stream, type, tmp, path);
        int nz = dims[0], ny = dims[1], nx = dims[2];
        for (int x = 0; x < nx; x++)
            for (int y = 0; y < ny; y++)
                for (int z = 0; z < nz; z++)
                    g.Floats![g.Index(z, y, x)] = tmp[(long)x * ny * nz + (long)y * nz + z];
        return g;
    }

    /// <summary>Writes a binary volume as a (Z, Y, X) uint8 array, 1 = pore.</summary>
    public static void Write(Volume v, string path) => WriteBytes(path, [v.Nz, v.Ny, v.Nx], "|u1", v.Data);

    public static void Write(string path, int[] shape, float[] data)
    {
        var bytes = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        WriteBytes(path, shape, "<f4", bytes);
    }

    static void WriteBytes(string path, int[] shape, string descr, byte[] data)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        using var fs = File.Create(path);
        fs.Write(Magic);
        fs.WriteByte(1); fs.WriteByte(0);
        fs.Write(BitConverter.GetBytes((ushort)header.Length));
        fs.Write(Encoding.Latin1.GetBytes(header));
        fs.Write(data);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
