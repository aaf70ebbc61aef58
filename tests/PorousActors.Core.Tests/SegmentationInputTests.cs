using System.IO.Compression;
using BitMiracle.LibTiff.Classic;
using PorousActors.Core.Generators;
using PorousActors.Core.IO;

namespace PorousActors.Core.Tests;

/// <summary>No silently wrong numbers from a segmented image: which value is pore, stray values and
/// implausible or anisotropic voxel sizes.</summary>
public sealed class SegmentationInputTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-seg-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>A 0/255 image (pore = 255) as raw bytes without a pore value in any sidecar.</summary>
    string WriteBareRaw(string name, Volume v, Action<byte[]>? edit = null)
    {
        var bytes = v.Data.Select(b => b == 1 ? (byte)255 : (byte)0).ToArray();
        edit?.Invoke(bytes);
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        new VolumeSidecar([v.Nz, v.Ny, v.Nx], "uint8", v.VoxelSize, null).Write(VolumeSidecar.PathFor(path));
        return path;
    }

    static Volume Rock() => GaussianBlobs.Generate(24, 0.2, 2, 3, 5e-6);

    [Fact]
    public void TwoValuedImageWithoutPoreValueIsRefusedNamingBothValues()
    {
        string path = WriteBareRaw("bare.raw", Rock());
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path));
        Assert.Contains("0 and 255", e.Message);
        Assert.Equal(InputField.PoreValue, e.Field);
    }

    /// <summary>Labelled images of each sample type become pore where a sample equals the pore value,
    /// exactly as the per-voxel definition, over more than one parallel chunk (1.33 M voxels), for pore
    /// values a sample can and cannot hold.</summary>
    [Fact]
    public void ToBinaryMatchesThePerVoxelDefinitionForEverySampleType()
    {
        const int n = 110;
        var rng = new Random(3);
        var bytes = new byte[n * n * n];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.Next(0, 9);
        var words = bytes.Select(b => (ushort)(b * 300)).ToArray();
        var floats = bytes.Select(b => b * 0.5f).ToArray();
        foreach (var g in new[] { new GrayVolume(n, n, n, 1e-6, bytes), new GrayVolume(n, n, n, 1e-6, words), new GrayVolume(n, n, n, 1e-6, floats) })
            foreach (double pore in new[] { 0.0, -0.0, 7, 2400, 3.5, 7.5, 300, 70000, double.NaN })
            {
                var v = g.ToBinary(pore, 1e-6);
                long expected = 0;
                for (long i = 0; i < g.Count; i++)
                {
                    byte want = g[i] == (float)pore ? (byte)1 : (byte)0;
                    expected += want;
                    if (v.Data[i] != want) Assert.Fail($"{g.Storage}, pore {pore}: voxel {i} is {v.Data[i]}, sample {g[i]}");
                }
                Assert.Equal(expected, v.PoreVoxelCount());
            }
    }

    /// <summary>An 8-bit image read with a pore value: two values are counted by the parallel histogram,
    /// a third value by the general path; both report the stray voxels the same way.</summary>
    [Fact]
    public void EightBitImagesCountPoreSolidAndStrayVoxels()
    {
        var rock = GaussianBlobs.Generate(110, 0.2, 3, 5, 5e-6);
        string clean = WriteBareRaw("clean.raw", rock);
        var v = VolumeIO.ReadBinary(clean, new ReadOptions(PoreValue: 255), out var info);
        Assert.Equal(rock.Data, v.Data);
        Assert.Equal(0, info.OtherVoxels);
        Assert.Equal(0.0, info.SolidValue);
        string stray = WriteBareRaw("stray.raw", rock, b => { b[5] = 17; b[1_200_000] = 17; b[77] = 99; });
        var s = VolumeIO.ReadBinary(stray, new ReadOptions(PoreValue: 255), out var sinfo);
        Assert.Equal(3, sinfo.OtherVoxels);
        Assert.Equal(0.0, sinfo.SolidValue);
        Assert.Equal(rock.PoreVoxelCount() - new[] { 5, 1_200_000, 77 }.Count(i => rock.Data[i] == 1), s.PoreVoxelCount());
        var none = VolumeIO.ReadBinary(clean, new ReadOptions(PoreValue: 0), out var ninfo);
        Assert.Equal(rock.Count - rock.PoreVoxelCount(), none.PoreVoxelCount());
        Assert.Equal(255.0, ninfo.SolidValue);
    }

    [Fact]
    public void ExplicitPoreValueWinsOverOneStrayVoxel()
    {
        var rock = Rock();
        // one voxel of another value used to switch the reader to grayscale Otsu (porosity 0.20 -> 0.81)
        string path = WriteBareRaw("stray.raw", rock, b => b[Array.IndexOf(b, (byte)0)] = 7);
        var v = VolumeIO.ReadBinary(path, new ReadOptions(PoreValue: 255), out var info);
        Assert.Equal(rock.Data, v.Data); // the stray voxel was solid in the rock too
        Assert.Equal(1, info.OtherVoxels);
        Assert.Equal(0, info.SolidValue);
        Assert.Equal("option", info.PoreValueSource);
        Assert.NotNull(info.Warning);
        // and without a pore value a nearly two-valued image is refused rather than thresholded
        Assert.Equal(InputField.PoreValue, Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path)).Field);
    }

    [Fact]
    public void PoreValueFromOurOwnFilesIsUsed()
    {
        var rock = Rock();
        foreach (var name in new[] { "own.raw", "own.npy", "own.tif" })
        {
            string path = Path.Combine(dir, name);
            VolumeIO.Write(rock, path);
            var back = VolumeIO.ReadBinary(path, null, out var info);
            Assert.Equal(rock.Data, back.Data);
            Assert.Equal("file", info.PoreValueSource);
            Assert.Equal(0, info.OtherVoxels);
        }
    }

    [Theory]
    [InlineData(5.345)]     // micrometres typed as metres
    [InlineData(1e308)]
    [InlineData(1e-300)]
    public void ImplausibleVoxelSizesAreRefusedUnlessForced(double size)
    {
        string path = Path.Combine(dir, "r.raw");
        VolumeIO.Write(Rock(), path);
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path, new ReadOptions(VoxelSize: size)));
        Assert.Contains("1 nm to 1 cm", e.Message);
        Assert.Equal(size, VolumeIO.ReadBinary(path, new ReadOptions(VoxelSize: size, AnyVoxelSize: true)).VoxelSize);
    }

    [Theory]
    [InlineData("5.345e-6", 5.345e-6)]
    [InlineData("5.345um", 5.345e-6)]
    [InlineData("5.345 µm", 5.345e-6)]
    [InlineData("2250nm", 2.25e-6)]
    [InlineData("0.005mm", 5e-6)]
    public void LengthsAcceptUnits(string text, double metres) => Assert.Equal(metres, Length.Parse(text), 15);

    [Fact]
    public void LengthWithoutNumberIsRefused() => Assert.Throws<BadInputException>(() => Length.Parse("five microns"));

    static void WriteTiff(string path, double xres, double yres, string description)
    {
        using var tif = Tiff.Open(path, "w");
        var line = new byte[4];
        for (int z = 0; z < 4; z++)
        {
            tif.SetField(TiffTag.IMAGEWIDTH, 4);
            tif.SetField(TiffTag.IMAGELENGTH, 4);
            tif.SetField(TiffTag.BITSPERSAMPLE, 8);
            tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tif.SetField(TiffTag.ROWSPERSTRIP, 4);
            tif.SetField(TiffTag.XRESOLUTION, xres);
            tif.SetField(TiffTag.YRESOLUTION, yres);
            tif.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.NONE);
            if (z == 0) tif.SetField(TiffTag.IMAGEDESCRIPTION, description);
            for (int y = 0; y < 4; y++) { line[0] = (byte)(y == z ? 255 : 0); tif.WriteScanline(line, y); }
            tif.WriteDirectory();
        }
    }

    [Fact]
    public void AnisotropicTiffIsRefused()
    {
        string path = Path.Combine(dir, "aniso.tif");
        WriteTiff(path, 0.5, 0.5, "ImageJ=1.54f\nimages=4\nslices=4\nunit=micron\nspacing=6\n"); // 2 µm in-plane, 6 µm in z
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path, new ReadOptions(PoreValue: 255)));
        Assert.Contains("anisotropic", e.Message);
        string iso = Path.Combine(dir, "iso.tif");
        WriteTiff(iso, 0.5, 0.5, "ImageJ=1.54f\nimages=4\nslices=4\nunit=micron\nspacing=2\n");
        Assert.Equal(2e-6, VolumeIO.ReadBinary(iso, new ReadOptions(PoreValue: 255)).VoxelSize!, 12);
    }

    [Fact]
    public void ZeroTiffResolutionIsRefused()
    {
        string path = Path.Combine(dir, "zero.tif");
        WriteTiff(path, 0, 0, "ImageJ=1.54f\nimages=4\nslices=4\nunit=micron\n");
        Assert.Equal(InputField.VoxelSize, Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path, new ReadOptions(PoreValue: 255))).Field);
    }
}

/// <summary>Malformed or careless inputs are bad input (exit 2) with a message that names the file, never a crash or a temp path.</summary>
public sealed class MalformedInputTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-bad-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void NpyHeaderLengthThatLiesIsBadInput()
    {
        string path = Path.Combine(dir, "lie.npy");
        var b = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        b.AddRange(BitConverter.GetBytes(0xFFFFFFF0u));
        b.AddRange(new byte[64]);
        File.WriteAllBytes(path, b.ToArray());
        Assert.Contains("truncated", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(path, new ReadOptions(VoxelSize: 1e-6))).Message);
    }

    [Fact]
    public void DirectoryIsNotReportedAsMissing()
    {
        Assert.Contains("is a directory", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(dir)).Message);
    }

    [Fact]
    public void ZipWithTwoVolumesIsRefusedAndErrorsNameTheArchiveNotATempPath()
    {
        var v = GaussianBlobs.Generate(8, 0.3, 1, 1, 1e-6);
        string a = Path.Combine(dir, "a.raw"), bPath = Path.Combine(dir, "b.raw");
        VolumeIO.Write(v, a); VolumeIO.Write(v, bPath);
        string two = Path.Combine(dir, "two.zip");
        using (var z = System.IO.Compression.ZipFile.Open(two, System.IO.Compression.ZipArchiveMode.Create))
        {
            z.CreateEntryFromFile(a, "a.raw"); z.CreateEntryFromFile(VolumeSidecar.PathFor(a), "a.json");
            z.CreateEntryFromFile(bPath, "b.raw");
        }
        Assert.Contains("2 volumes", Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(two)).Message);

        string bare = Path.Combine(dir, "bare.zip"); // a raw without its sidecar: the error names the archive
        using (var z = System.IO.Compression.ZipFile.Open(bare, System.IO.Compression.ZipArchiveMode.Create)) z.CreateEntryFromFile(a, "a.raw");
        var e = Assert.Throws<BadInputException>(() => VolumeIO.ReadBinary(bare));
        Assert.Contains("bare.zip!a.raw", e.Message);
        Assert.DoesNotContain(Path.GetTempPath(), e.Message.Replace(dir, ""));
    }
}
