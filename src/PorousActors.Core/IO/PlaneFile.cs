namespace PorousActors.Core.IO;

/// <summary>
/// A segmented .raw or C-ordered .npy file read as a plane source: planes are read from disk when
/// asked for and segmented by the pore value on the way (a voxel is pore when its value equals it,
/// as <see cref="VolumeIO.ReadBinary(string, ReadOptions?)"/>), so images of any size can be analysed
/// in slabs without ever holding the whole image, in whatever element type the file stores.
/// </summary>
public sealed class PlaneFile : IPlaneSource, IDisposable
{
    readonly FileStream stream;
    readonly long dataStart;
    readonly VoxelType type;
    readonly float pore;
    readonly object gate = new();
    byte[] raw = [];
    float[] decoded = [];

    public int Nz { get; }
    public int Ny { get; }
    public int Nx { get; }
    public double VoxelSize { get; }
    public VoxelType Type => type;
    public double PoreValue => pore;
    public string PoreValueSource { get; }

    PlaneFile(string path, long dataStart, VoxelType type, (int Z, int Y, int X) shape, double voxelSize, double pore, string poreSource)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        this.dataStart = dataStart; this.type = type; this.pore = (float)pore;
        (Nz, Ny, Nx) = shape; VoxelSize = voxelSize; PoreValueSource = poreSource;
    }

    /// <summary>Opens a file as planes, or explains in <paramref name="why"/> why it cannot be (a
    /// format or layout that must be read whole, or no pore value to segment by).</summary>
    public static PlaneFile? TryOpen(string path, ReadOptions o, out string why)
    {
        why = "";
        if (!File.Exists(path)) throw new BadInputException($"{path}: file not found");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        (int Z, int Y, int X) shape; VoxelType type; long start; double? voxel = o.VoxelSize; double? filePore = null;
        if (ext == ".raw")
        {
            VolumeSidecar? s = File.Exists(VolumeSidecar.PathFor(path)) ? VolumeSidecar.Read(VolumeSidecar.PathFor(path)) : null;
            if (o.Shape is { } sh) shape = sh;
            else if (s is not null) shape = (s.Shape[0], s.Shape[1], s.Shape[2]);
            else throw new BadInputException($"{path}: no sidecar {Path.GetFileName(VolumeSidecar.PathFor(path))}; state the shape Z,Y,X (and the element type and voxel size)", InputField.Shape);
            type = VoxelTypes.Parse(o.Dtype ?? s?.Dtype ?? "uint8");
            voxel ??= s?.VoxelSize; filePore = s?.PoreValue; start = 0;
            RawFormat.CheckSize(path, shape, type);
        }
        else if (ext == ".npy")
        {
            var h = NpyFormat.ReadHeader(path);
            if (h.Fortran) { why = "a Fortran-ordered .npy must be reordered whole"; return null; }
            VolumeSidecar? s = File.Exists(VolumeSidecar.PathFor(path)) ? VolumeSidecar.Read(VolumeSidecar.PathFor(path)) : null;
            shape = (h.Dims[0], h.Dims[1], h.Dims[2]); type = h.Type; start = h.DataStart;
            voxel ??= s?.VoxelSize; filePore = s?.PoreValue;
        }
        else { why = $"{ext} files are read whole; slabs are read straight from .raw and .npy"; return null; }
        if (shape.Z < 1 || shape.Y < 1 || shape.X < 1) throw new BadInputException($"{path}: shape must be positive in every axis, got {shape.Z}x{shape.Y}x{shape.X}");
        if ((long)shape.Y * shape.X * 64 > Array.MaxLength)
            throw new BadInputException($"{path}: planes of {shape.Y}x{shape.X} voxels are too large to process in slabs");
        double? p = o.PoreValue ?? filePore;
        if (p is null) { why = "no pore value is known (grayscale or unlabelled images are segmented whole)"; return null; }
        double v = voxel ?? o.FallbackVoxelSize ?? throw new BadInputException($"{path}: the file does not state its voxel size; state it in metres (e.g. 5.345e-6) or with a unit (5.345um)", InputField.VoxelSize);
        VolumeIO.CheckVoxelSize(v, path, o.AnyVoxelSize);
        return new PlaneFile(path, start, type, shape, v, p.Value, o.PoreValue is not null ? "option" : "file");
    }

    public void ReadPlanes(int z0, int count, Span<byte> pore)
    {
        if (z0 < 0 || count < 0 || z0 + count > Nz) throw new ArgumentOutOfRangeException(nameof(z0));
        int plane = Ny * Nx, size = VoxelTypes.Size(type);
        lock (gate)
        {
            if (raw.Length < (long)plane * size) { raw = new byte[(long)plane * size]; decoded = new float[plane]; }
            stream.Position = dataStart + (long)z0 * plane * size;
            for (int z = 0; z < count; z++)
            {
                stream.ReadExactly(raw, 0, plane * size);
                VoxelTypes.Decode(raw.AsSpan(0, plane * size), type, decoded.AsSpan(0, plane));
                var dst = pore.Slice(z * plane, plane);
                for (int i = 0; i < plane; i++) dst[i] = decoded[i] == this.pore ? (byte)1 : (byte)0;
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
