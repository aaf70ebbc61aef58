using System.Globalization;
using BitMiracle.LibTiff.Classic;

namespace PorousActors.Core.IO;

/// <summary>
/// Multi-page TIFF stacks (one page per z slice, 8- or 16-bit grayscale), the usual export of
/// micro-CT software and ImageJ/Fiji. We write ImageJ-style metadata (unit=micron, spacing) so the
/// voxel size survives the round trip, and read it back when present.
/// </summary>
public static class TiffStackFormat
{
    sealed class QuietHandler : TiffErrorHandler
    {
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
    }

    static TiffStackFormat() => Tiff.SetErrorHandler(new QuietHandler());

    public static GrayVolume Read(string path, double? voxelSize) => Read(path, voxelSize, out _);

    /// <param name="poreValue">the pore value our own writer records in the ImageJ description, else null</param>
    public static GrayVolume Read(string path, double? voxelSize, out double? poreValue)
    {
        using var tif = Tiff.Open(path, "r") ?? throw new BadInputException($"{path}: not a readable TIFF file");
        int pages = tif.NumberOfDirectories();
        int width = tif.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
        int height = tif.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        poreValue = ReadPoreValue(tif);
        voxelSize ??= ReadImageJVoxelSize(tif, path);
        GrayVolume? g = null;
        for (short p = 0; p < pages; p++)
        {
            if (!tif.SetDirectory(p)) throw new BadInputException($"{path}: page {p} of {pages} cannot be read (truncated file?)");
            int w = tif.GetField(TiffTag.IMAGEWIDTH)[0].ToInt(), h = tif.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
            if (w != width || h != height) throw new BadInputException($"{path}: page {p} is {w}x{h}, page 0 is {width}x{height}; all slices must share one size");
            int bits = tif.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
            int spp = tif.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
            if (spp != 1 || bits is not (8 or 16))
                throw new BadInputException($"{path}: page {p} has {spp} samples of {bits} bits; expected 8- or 16-bit grayscale");
            if (tif.IsTiled()) throw new BadInputException($"{path}: tiled TIFF pages are not supported; save as strips");
            // held in the pages' own 8- or 16-bit type
            g ??= GrayVolume.Allocate(pages, height, width, voxelSize, bits == 8 ? VoxelType.UInt8 : VoxelType.UInt16);
            if ((bits == 8) != (g.Storage == VoxelType.UInt8))
                throw new BadInputException($"{path}: page {p} has {bits} bits per sample, page 0 {(g.Storage == VoxelType.UInt8 ? 8 : 16)}; all slices must share one depth");
            var line = new byte[tif.ScanlineSize()];
            for (int y = 0; y < height; y++)
            {
                if (!tif.ReadScanline(line, y)) throw new BadInputException($"{path}: page {p}, row {y} cannot be read (truncated file?)");
                int o = g.Index(p, y, 0);
                if (g.Bytes is { } b) Array.Copy(line, 0, b, o, width);
                else for (int x = 0; x < width; x++) g.Words![o + x] = BitConverter.ToUInt16(line, 2 * x);
            }
        }
        return g ?? throw new BadInputException($"{path}: the TIFF has no pages");
    }

    static double? ReadPoreValue(Tiff tif)
    {
        var desc = tif.GetField(TiffTag.IMAGEDESCRIPTION)?[0].ToString();
        var line = desc?.Split('\n').FirstOrDefault(l => l.StartsWith("porousactors.poreValue="));
        return line is not null && double.TryParse(line["porousactors.poreValue=".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>
    /// The voxel size from ImageJ metadata (unit=micron, XResolution/YResolution in pixels per
    /// micron, spacing = z step in microns). Anisotropic voxels and broken resolutions are refused
    /// rather than silently replaced: every property we compute assumes cubic voxels.
    /// </summary>
    static double? ReadImageJVoxelSize(Tiff tif, string path)
    {
        var desc = tif.GetField(TiffTag.IMAGEDESCRIPTION)?[0].ToString();
        var xres = tif.GetField(TiffTag.XRESOLUTION);
        if (desc is null || xres is null) return null;
        bool micron = desc.Contains("unit=micron") || desc.Contains("unit=\u00b5m") || desc.Contains("unit=um");
        if (!micron) return null;
        double rx = xres[0].ToDouble();
        double ry = tif.GetField(TiffTag.YRESOLUTION)?[0].ToDouble() ?? rx;
        if (!(rx > 0) || !double.IsFinite(rx) || !(ry > 0) || !double.IsFinite(ry))
            throw new BadInputException($"{path}: the TIFF's resolution ({rx}, {ry} pixels per micron) is not a usable voxel size; state the voxel size", InputField.VoxelSize);
        double dx = 1 / rx, dy = 1 / ry;
        double dz = dx;
        var spacing = desc.Split('\n').FirstOrDefault(l => l.StartsWith("spacing="));
        if (spacing is not null)
        {
            if (!double.TryParse(spacing[8..], NumberStyles.Float, CultureInfo.InvariantCulture, out dz) || !(dz > 0) || !double.IsFinite(dz))
                throw new BadInputException($"{path}: the TIFF's z spacing '{spacing[8..]}' is not a usable voxel size; state the voxel size", InputField.VoxelSize);
        }
        static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-3 * Math.Max(a, b);
        if (!Same(dx, dy) || !Same(dx, dz))
            throw new BadInputException($"{path}: anisotropic voxels ({dz:G4} x {dy:G4} x {dx:G4} µm, z x y x x); resample to cubic voxels first, or state the voxel size to treat them as cubic", InputField.VoxelSize);
        return dx * 1e-6;
    }

    /// <summary>Writes a binary volume as an 8-bit stack, pore = 255, solid = 0.</summary>
    public static void Write(Volume v, string path)
    {
        using var tif = Tiff.Open(path, "w") ?? throw new IOException($"{path}: cannot create TIFF file");
        var line = new byte[v.Nx];
        double um = v.VoxelSize * 1e6;
        string desc = $"ImageJ=1.54f\nimages={v.Nz}\nslices={v.Nz}\nunit=micron\nspacing={um.ToString("R", CultureInfo.InvariantCulture)}\nloop=false\nporousactors.poreValue=255\n";
        for (int z = 0; z < v.Nz; z++)
        {
            PageTags(tif, v.Nx, v.Ny, 8, z, v.Nz, um, desc);
            for (int y = 0; y < v.Ny; y++)
            {
                int o = v.Index(z, y, 0);
                for (int x = 0; x < v.Nx; x++) line[x] = v.Data[o + x] != 0 ? (byte)255 : (byte)0;
                tif.WriteScanline(line, y);
            }
            tif.WriteDirectory();
        }
    }

    /// <summary>Writes a label image (e.g. watershed regions, 0 = none) as a 16-bit stack, or 32-bit
    /// when a label exceeds 65535, with the ImageJ voxel spacing.</summary>
    public static void WriteLabels(int[] labels, int nz, int ny, int nx, double voxelSize, string path)
    {
        using var tif = Tiff.Open(path, "w") ?? throw new IOException($"{path}: cannot create TIFF file");
        int max = 0;
        foreach (int l in labels) if (l > max) max = l;
        int bits = max > ushort.MaxValue ? 32 : 16;
        var line = new byte[nx * bits / 8];
        double um = voxelSize * 1e6;
        string desc = $"ImageJ=1.54f\nimages={nz}\nslices={nz}\nunit=micron\nspacing={um.ToString("R", CultureInfo.InvariantCulture)}\nloop=false\n";
        for (int z = 0; z < nz; z++)
        {
            PageTags(tif, nx, ny, bits, z, nz, um, desc);
            tif.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.UINT);
            for (int y = 0; y < ny; y++)
            {
                int o = (z * ny + y) * nx;
                for (int x = 0; x < nx; x++)
                {
                    if (bits == 16) BitConverter.TryWriteBytes(line.AsSpan(2 * x), (ushort)labels[o + x]);
                    else BitConverter.TryWriteBytes(line.AsSpan(4 * x), (uint)labels[o + x]);
                }
                tif.WriteScanline(line, y);
            }
            tif.WriteDirectory();
        }
    }

    /// <summary>The tags of one page of an uncompressed grey stack with ImageJ's spacing (the
    /// description, which carries it, on the first page).</summary>
    static void PageTags(Tiff tif, int nx, int ny, int bits, int z, int nz, double um, string desc)
    {
        tif.SetField(TiffTag.IMAGEWIDTH, nx);
        tif.SetField(TiffTag.IMAGELENGTH, ny);
        tif.SetField(TiffTag.BITSPERSAMPLE, bits);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.ROWSPERSTRIP, ny);
        tif.SetField(TiffTag.COMPRESSION, Compression.NONE);
        tif.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
        tif.SetField(TiffTag.PAGENUMBER, z, nz);
        tif.SetField(TiffTag.XRESOLUTION, 1.0 / um);
        tif.SetField(TiffTag.YRESOLUTION, 1.0 / um);
        tif.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.NONE);
        if (z == 0) tif.SetField(TiffTag.IMAGEDESCRIPTION, desc);
    }
}
