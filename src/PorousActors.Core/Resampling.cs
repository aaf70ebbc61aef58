using System.Globalization;

namespace PorousActors.Core;

/// <summary>
/// Cropping and coarsening of a binary volume before analysis or training, as the field does
/// with a large scan: a region of interest, then fewer, larger voxels.
/// </summary>
public static class Resampling
{
    /// <summary>Parses "z0:z1,y0:y1,x0:x1" (voxel indices, end exclusive, as NumPy slices; an empty
    /// bound means the edge) and crops to it.</summary>
    public static Volume Crop(Volume v, string spec)
    {
        var (lo, hi) = CropBox(spec, v.Nz, v.Ny, v.Nx);
        return v.Crop(lo[0], lo[1], lo[2], hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
    }

    /// <summary>The crop of an image read plane by plane (a .raw or .npy on disk): only the planes
    /// inside the box are read, so a region of a scan larger than memory can be cut out. The same
    /// volume as <see cref="Crop(Volume, string)"/> of the whole image.</summary>
    public static Volume Crop(IPlaneSource src, string spec)
    {
        var (lo, hi) = CropBox(spec, src.Nz, src.Ny, src.Nx);
        int nz = hi[0] - lo[0], ny = hi[1] - lo[1], nx = hi[2] - lo[2];
        var v = new Volume(nz, ny, nx, src.VoxelSize);
        var plane = new byte[(long)src.Ny * src.Nx];
        for (int z = 0; z < nz; z++)
        {
            src.ReadPlanes(lo[0] + z, 1, plane);
            for (int y = 0; y < ny; y++)
                plane.AsSpan((lo[1] + y) * src.Nx + lo[2], nx).CopyTo(v.Data.AsSpan((z * ny + y) * nx, nx));
        }
        return v;
    }

    static (int[] Lo, int[] Hi) CropBox(string spec, int nz, int ny, int nx)
    {
        var ranges = ParseCrop(spec);
        int[] dims = [nz, ny, nx];
        var lo = new int[3]; var hi = new int[3];
        for (int a = 0; a < 3; a++)
        {
            lo[a] = ranges[a].Start ?? 0;
            hi[a] = ranges[a].End ?? dims[a];
            if (lo[a] < 0 || hi[a] > dims[a] || lo[a] >= hi[a])
                throw new BadInputException($"crop range '{ranges[a].Text}' is empty or outside 0:{dims[a]} of the {nz}x{ny}x{nx} volume", InputField.Crop);
        }
        return (lo, hi);
    }

    /// <summary>The three ranges of a crop "z0:z1,y0:y1,x0:x1" (null: the edge), refused by their text
    /// when malformed; a command checks this before it reads a volume that may take long to read.</summary>
    public static (int? Start, int? End, string Text)[] ParseCrop(string spec)
    {
        var parts = spec.Split(',');
        if (parts.Length != 3) throw new BadInputException($"a crop needs three ranges z0:z1,y0:y1,x0:x1, got '{spec}'", InputField.Crop);
        return parts.Select(range =>
        {
            var ends = range.Split(':');
            if (ends.Length != 2) throw new BadInputException($"crop range '{range}' is not of the form start:end", InputField.Crop);
            return (Bound(ends[0], range), Bound(ends[1], range), range);
        }).ToArray();

        static int? Bound(string text, string range) =>
            text.Trim().Length == 0 ? null
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) ? b
            : throw new BadInputException($"crop range '{range}': '{text}' is not a voxel index", InputField.Crop);
    }

    /// <summary>
    /// Blocks of f³ voxels become one voxel f times larger, pore when at least half of the block is
    /// pore (majority, ties to pore so a channel one block wide stays open). Voxels past the last
    /// whole block are dropped.
    /// </summary>
    public static Volume Downsample(Volume v, int f)
    {
        if (f < 1) throw new BadInputException($"the downsampling factor must be a whole number of at least 1, got {f}", InputField.Downsample);
        if (f == 1) return v;
        int nz = v.Nz / f, ny = v.Ny / f, nx = v.Nx / f;
        if (nz == 0 || ny == 0 || nx == 0) throw new BadInputException($"downsampling by {f} leaves nothing of the {v.Nz}x{v.Ny}x{v.Nx} volume", InputField.Downsample);
        var c = new Volume(nz, ny, nx, v.VoxelSize * f);
        int half = (f * f * f + 1) / 2;
        Parallel.For(0, nz, KernelParallelism.Options, z =>
        {
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int pore = 0;
                    for (int dz = 0; dz < f; dz++)
                        for (int dy = 0; dy < f; dy++)
                        {
                            int row = v.Index(z * f + dz, y * f + dy, x * f);
                            for (int dx = 0; dx < f; dx++) pore += v.Data[row + dx];
                        }
                    c.Data[c.Index(z, y, x)] = pore >= half ? (byte)1 : (byte)0;
                }
        });
        return c;
    }
}
