using System.IO.Compression;
using System.Text;
using PorousActors.Core.Generators;
using PorousActors.Core.IO;

namespace PorousActors.Core.Tests;

public sealed class IOTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-io-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static Volume Sample() => OverlappingSpheres.Generate(13, 11, 9, 0.4, 2.5, 3, 3.5e-6);

    static void AssertSame(Volume a, Volume b)
    {
        Assert.Equal((a.Nz, a.Ny, a.Nx), (b.Nz, b.Ny, b.Nx));
        Assert.Equal(a.VoxelSize, b.VoxelSize, 12);
        Assert.Equal(a.Data, b.Data);
    }

    [Theory]
    [InlineData("v.raw")]
    [InlineData("v.npy")]
    [InlineData("v.tif")]
    public void RoundTripsKeepVoxelsAndVoxelSize(string name)
    {
        var v = Sample();
        string path = Path.Combine(dir, name);
        VolumeIO.Write(v, path);
        // .npy carries no voxel size: the user states it
        var back = VolumeIO.ReadBinary(path, name.EndsWith(".npy") ? new ReadOptions(VoxelSize: v.VoxelSize) : null);
        AssertSame(v, back);
    }

    [Fact]
    public void RawAndNpyAreStreamedInChunksWithoutLosingAVoxel()
    {
        // 131 × 130 × 129 uint16 = 4.4 MB: more than one 4 MB read buffer, and not a multiple of it
        int nz = 131, ny = 130, nx = 129;
        var bytes = new byte[2L * nz * ny * nx];
        for (int i = 0; i < bytes.Length / 2; i++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (ushort)(i * 7919L % 65521));
        string raw = Path.Combine(dir, "big.raw");
        File.WriteAllBytes(raw, bytes);
        var g = RawFormat.Read(raw, (nz, ny, nx), VoxelType.UInt16, 1e-6);
        // held in its own type: 2 bytes per voxel, not 4
        Assert.Equal(VoxelType.UInt16, g.Storage);
        for (int i = 0; i < g.Count; i += 997) Assert.Equal((float)(i * 7919L % 65521), g[i]);
        Assert.Equal((float)((g.Count - 1) * 7919L % 65521), g[g.Count - 1]);

        string header = $"{{'descr': '<u2', 'fortran_order': False, 'shape': ({nz}, {ny}, {nx}), }}";
        header = header.PadRight(118) + "\n";
        var npy = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        npy.AddRange(BitConverter.GetBytes((ushort)header.Length));
        npy.AddRange(Encoding.Latin1.GetBytes(header));
        npy.AddRange(bytes);
        string path = Path.Combine(dir, "big.npy");
        File.WriteAllBytes(path, npy.ToArray());
        var h = NpyFormat.Read(path, 1e-6);
        Assert.Equal(VoxelType.UInt16, h.Storage);
        Assert.Equal(g.Words, h.Words);
    }

    [Fact]
    public void RawWithoutSidecarNeedsShape()
    {
        var v = Sample();
        string path = Path.Combine(dir, "bare.raw");
        File.WriteAllBytes(path, v.Data);
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path));
        Assert.Equal(InputField.Shape, e.Field);
        var back = VolumeIO.ReadBinary(path, new ReadOptions(Shape: (13, 11, 9), VoxelSize: v.VoxelSize, PoreValue: 1));
        AssertSame(v, back);
    }

    [Fact]
    public void WrongShapeOrTruncatedRawNamesFileAndSizes()
    {
        string path = Path.Combine(dir, "short.raw");
        File.WriteAllBytes(path, new byte[100]);
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path, new ReadOptions(Shape: (5, 5, 5), VoxelSize: 1e-6)));
        Assert.Contains("short.raw", e.Message);
        Assert.Contains("125", e.Message);
    }

    [Fact]
    public void UnknownDtypeIsRefused()
    {
        string path = Path.Combine(dir, "x.raw");
        File.WriteAllBytes(path, new byte[8]);
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path, new ReadOptions(Shape: (2, 2, 2), Dtype: "complex128", VoxelSize: 1e-6)));
        Assert.Contains("complex128", e.Message);
    }

    [Fact]
    public void MissingFileAndMissingVoxelSizeAreClearErrors()
    {
        Assert.Contains("not found", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(Path.Combine(dir, "none.raw"))).Message);
        string npy = Path.Combine(dir, "n.npy");
        NpyFormat.Write(Sample(), npy);
        Assert.Equal(InputField.VoxelSize, Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(npy)).Field);
    }

    static void WriteNpy(string path, string descr, string shape, byte[] data, bool fortran = false)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        string header = dict.PadRight(118) + "\n";
        using var fs = File.Create(path);
        fs.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        fs.Write(BitConverter.GetBytes((ushort)header.Length));
        fs.Write(Encoding.ASCII.GetBytes(header));
        fs.Write(data);
    }

    [Theory]
    [InlineData("<i2", 2)]
    [InlineData("<f4", 4)]
    [InlineData("|b1", 1)]
    public void ReadsNumPyDtypes(string descr, int size)
    {
        var values = new[] { 0, 3, 0, 3, 3, 0, 0, 3 };
        if (descr == "|b1") values = values.Select(v => v == 3 ? 1 : 0).ToArray();
        var bytes = new byte[8 * size];
        for (int i = 0; i < 8; i++)
        {
            var b = descr switch
            {
                "<i2" => BitConverter.GetBytes((short)values[i]),
                "<f4" => BitConverter.GetBytes((float)values[i]),
                _ => [(byte)values[i]],
            };
            b.CopyTo(bytes, i * size);
        }
        string path = Path.Combine(dir, "d.npy");
        WriteNpy(path, descr, "(2, 2, 2)", bytes);
        var v = VolumeIO.ReadBinary(path, new ReadOptions(VoxelSize: 1e-6, PoreValue: descr == "|b1" ? 1 : 3));
        Assert.Equal(values.Select(x => x != 0 ? (byte)1 : (byte)0), v.Data);
    }

    [Fact]
    public void FortranOrderNpyIsReorderedToZyx()
    {
        // A (2, 1, 3) array with a[z, 0, x] = 10 z + x, stored with z varying fastest.
        var data = new List<byte>();
        for (int x = 0; x < 3; x++) for (int z = 0; z < 2; z++) data.Add((byte)(10 * z + x));
        string path = Path.Combine(dir, "f.npy");
        WriteNpy(path, "|u1", "(2, 1, 3)", [.. data], fortran: true);
        var g = VolumeIO.ReadGray(path, new ReadOptions(VoxelSize: 1e-6));
        Assert.Equal(new float[] { 0, 1, 2, 10, 11, 12 }, g.ToFloats());
    }

    [Fact]
    public void BadNpyFilesAreRefused()
    {
        string p2d = Path.Combine(dir, "flat.npy");
        WriteNpy(p2d, "|u1", "(4, 4)", new byte[16]);
        Assert.Contains("3-D", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(p2d, new ReadOptions(VoxelSize: 1e-6))).Message);
        string ptr = Path.Combine(dir, "trunc.npy");
        WriteNpy(ptr, "|u1", "(4, 4, 4)", new byte[10]);
        Assert.Contains("truncated", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(ptr, new ReadOptions(VoxelSize: 1e-6))).Message);
        string pdt = Path.Combine(dir, "c.npy");
        WriteNpy(pdt, "<c16", "(1, 1, 1)", new byte[16]);
        Assert.Contains("<c16", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(pdt, new ReadOptions(VoxelSize: 1e-6))).Message);
        string junk = Path.Combine(dir, "junk.npy");
        File.WriteAllText(junk, "hello");
        Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(junk, new ReadOptions(VoxelSize: 1e-6)));
    }

    [Fact]
    public void PoreValueFlipsTheConvention()
    {
        var v = Sample();
        string path = Path.Combine(dir, "flip.tif");
        VolumeIO.Write(v, path); // pore = 255 on disk
        var asSolid = VolumeIO.ReadBinary(path, new ReadOptions(PoreValue: 0));
        for (int i = 0; i < v.Count; i++) Assert.Equal(1 - v.Data[i], asSolid.Data[i]);
        Assert.Contains("does not occur", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path, new ReadOptions(PoreValue: 7))).Message);
    }

    [Fact]
    public void ReadsVolumeInsideZip()
    {
        var v = Sample();
        string tif = Path.Combine(dir, "inner.tif");
        VolumeIO.Write(v, tif);
        string zip = Path.Combine(dir, "packed.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create)) z.CreateEntryFromFile(tif, "inner.tif");
        AssertSame(v, VolumeIO.ReadBinary(zip));
    }

    [Fact]
    public void Sixteen_bit_tiff_grayscale_is_segmented()
    {
        // A 16-bit stack with many gray values is treated as a scan: median + Otsu, pore = dark.
        var truth = Shapes.Ball(16, 5);
        string path = Path.Combine(dir, "gray16.tif");
        using (var tif = BitMiracle.LibTiff.Classic.Tiff.Open(path, "w"))
        {
            var rng = new Random(1);
            var line = new byte[32];
            for (int z = 0; z < 16; z++)
            {
                tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.IMAGEWIDTH, 16);
                tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.IMAGELENGTH, 16);
                tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.BITSPERSAMPLE, 16);
                tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.SAMPLESPERPIXEL, 1);
                tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.PHOTOMETRIC, BitMiracle.LibTiff.Classic.Photometric.MINISBLACK);
                tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.ROWSPERSTRIP, 16);
                for (int y = 0; y < 16; y++)
                {
                    for (int x = 0; x < 16; x++)
                        BitConverter.GetBytes((ushort)((truth[z, y, x] == 1 ? 10000 : 40000) + rng.Next(-3000, 3000))).CopyTo(line, 2 * x);
                    tif.WriteScanline(line, y);
                }
                tif.WriteDirectory();
            }
        }
        var v = VolumeIO.ReadBinary(path, new ReadOptions(VoxelSize: 1e-6));
        // The noise never crosses between the classes, so the result is exactly the median-filtered ball.
        var expected = Filters.MedianFilter.Apply3(truth.Data, 16, 16, 16);
        Assert.Equal(expected, v.Data);
    }
}

public class VolumeTests
{
    [Fact]
    public void TransposeAndFlipMoveVoxelsWhereExpected()
    {
        var v = new Volume(2, 3, 4, 1e-6);
        v[1, 2, 3] = 1;
        var t = v.Transpose(2, 1, 0); // x becomes z
        Assert.Equal((4, 3, 2), (t.Nz, t.Ny, t.Nx));
        Assert.Equal(1, t[3, 2, 1]);
        var f = v.Flip(2);
        Assert.Equal(1, f[1, 2, 0]);
        Assert.Equal(1, v.Crop(1, 1, 2, 1, 2, 2)[0, 1, 1]);
    }

    [Fact]
    public void BadShapesAndVoxelSizesAreRefused()
    {
        Assert.Throws<BadInputException>(() => new Volume(0, 2, 2, 1e-6));
        Assert.Throws<BadInputException>(() => new Volume(2, 2, 2, double.NaN));
        Assert.Throws<BadInputException>(() => new Volume(2, 2, 2, -1));
        Assert.Throws<BadInputException>(() => Shape.Parse("12,13"));
        Assert.Equal((4, 5, 6), Shape.Parse("4,5,6"));
    }
}

public class GeneratorTests
{
    [Theory]
    [InlineData(0.15)]
    [InlineData(0.3)]
    public void SpherePackStopsAtTargetPorosity(double phi)
    {
        var v = OverlappingSpheres.Generate(48, phi, 4, 1, 1e-6);
        Assert.InRange(Metrics.Porosity.Compute(v), phi - 0.01, phi + 0.0001);
    }

    [Fact]
    public void PolydispersePackAlsoReachesTarget()
    {
        var v = OverlappingSpheres.Generate(48, 0.2, 4, 2, 1e-6, radiusSpread: 0.4);
        Assert.InRange(Metrics.Porosity.Compute(v), 0.19, 0.2001);
    }

    [Fact]
    public void SameSeedSameRockOtherSeedOtherRock()
    {
        Assert.Equal(OverlappingSpheres.Generate(24, 0.3, 3, 5, 1e-6).Data, OverlappingSpheres.Generate(24, 0.3, 3, 5, 1e-6).Data);
        Assert.NotEqual(OverlappingSpheres.Generate(24, 0.3, 3, 5, 1e-6).Data, OverlappingSpheres.Generate(24, 0.3, 3, 6, 1e-6).Data);
        Assert.Equal(GaussianBlobs.Generate(24, 0.3, 2, 5, 1e-6).Data, GaussianBlobs.Generate(24, 0.3, 2, 5, 1e-6).Data);
    }

    [Fact]
    public void BlobsHitPorosityToOneVoxel()
    {
        var v = GaussianBlobs.Generate(32, 0.25, 2.5, 9, 1e-6);
        Assert.Equal((long)Math.Round(0.25 * v.Count), v.PoreVoxelCount());
    }

    [Fact]
    public void ImpossibleTargetsAreRefused()
    {
        Assert.Throws<BadInputException>(() => OverlappingSpheres.Generate(8, 1.2, 3, 1, 1e-6));
        Assert.Throws<BadInputException>(() => GaussianBlobs.Generate(8, double.NaN, 3, 1, 1e-6));
    }
}
