using PorousActors.Core;
using PorousActors.Core.Generators;
using PorousActors.Core.IO;

namespace PorousActors.Core.Tests;

public sealed class PlaneFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-planes-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static byte[] AllPlanes(IPlaneSource src)
    {
        var all = new byte[src.Nz * src.Ny * src.Nx];
        int plane = src.Ny * src.Nx;
        // in uneven pieces, so plane offsets are exercised
        for (int z = 0, step = 1; z < src.Nz; z += step, step = step % 3 + 1)
        {
            int count = Math.Min(step, src.Nz - z);
            src.ReadPlanes(z, count, all.AsSpan(z * plane, count * plane));
        }
        return all;
    }

    [Theory]
    [InlineData(".raw")]
    [InlineData(".npy")]
    public void PlanesReadFromDiskAreTheVolumeReadWhole(string ext)
    {
        var rock = OverlappingSpheres.Generate(23, 17, 19, 0.3, 3, 4, 2e-6);
        string path = Path.Combine(dir, "rock" + ext);
        VolumeIO.Write(rock, path);
        using var planes = PlaneFile.TryOpen(path, new ReadOptions(), out string why);
        Assert.NotNull(planes);
        Assert.Equal((23, 17, 19), (planes!.Nz, planes.Ny, planes.Nx));
        Assert.Equal(2e-6, planes.VoxelSize);
        Assert.Equal(VolumeIO.ReadBinary(path).Data, AllPlanes(planes));
    }

    [Theory]
    [InlineData(".raw", "3:11,:9,4:")]
    [InlineData(".npy", ":,2:3,:")]
    [InlineData(".raw", "22:23,16:17,0:19")]
    public void ACropReadPlaneByPlaneIsTheCropOfTheWholeImage(string ext, string spec)
    {
        var rock = OverlappingSpheres.Generate(23, 17, 19, 0.3, 3, 4, 2e-6);
        string path = Path.Combine(dir, "rock" + ext);
        VolumeIO.Write(rock, path);
        var whole = Resampling.Crop(VolumeIO.ReadBinary(path), spec);
        using var planes = PlaneFile.TryOpen(path, new ReadOptions(), out _);
        var cut = Resampling.Crop(planes!, spec);
        Assert.Equal((whole.Nz, whole.Ny, whole.Nx, whole.VoxelSize), (cut.Nz, cut.Ny, cut.Nx, cut.VoxelSize));
        Assert.Equal(whole.Data, cut.Data);
        Assert.Equal(whole.Data, Resampling.Crop(new VolumePlanes(VolumeIO.ReadBinary(path)), spec).Data);
        Assert.Contains("outside 0:23", Assert.Throws<BadInputException>(() => Resampling.Crop(planes!, "0:24,:,:")).Message);
    }

    [Fact]
    public void A16BitLabelledImageIsSegmentedByItsPoreValuePlaneByPlane()
    {
        // labels 7 (pore), 300 and 65535 (solid phases) in uint16, pore value given as an option
        var rnd = new Random(3);
        var labels = new ushort[9 * 8 * 7];
        for (int i = 0; i < labels.Length; i++) labels[i] = (ushort)(rnd.Next(3) switch { 0 => 7, 1 => 300, _ => 65535 });
        string path = Path.Combine(dir, "labels.raw");
        var bytes = new byte[labels.Length * 2];
        Buffer.BlockCopy(labels, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(path, bytes);
        var o = new ReadOptions(Shape: (9, 8, 7), Dtype: "uint16", VoxelSize: 1e-6, PoreValue: 7);
        using var planes = PlaneFile.TryOpen(path, o, out _);
        var got = AllPlanes(planes!);
        Assert.Equal(labels.Select(l => l == 7 ? (byte)1 : (byte)0).ToArray(), got);
        Assert.Equal(VolumeIO.ReadBinary(path, o).Data, got);
    }

    [Fact]
    public void FilesThatMustBeReadWholeSayWhy()
    {
        var rock = OverlappingSpheres.Generate(12, 0.3, 2, 1, 1e-6);
        string tif = Path.Combine(dir, "rock.tif");
        VolumeIO.Write(rock, tif);
        Assert.Null(PlaneFile.TryOpen(tif, new ReadOptions(), out string why));
        Assert.Contains(".tif", why);
        string raw = Path.Combine(dir, "gray.raw");
        File.WriteAllBytes(raw, new byte[12 * 12 * 12]);
        Assert.Null(PlaneFile.TryOpen(raw, new ReadOptions(Shape: (12, 12, 12), VoxelSize: 1e-6), out why));
        Assert.Contains("pore value", why);
        Assert.Throws<BadInputException>(() => PlaneFile.TryOpen(raw, new ReadOptions(Shape: (12, 12, 13), VoxelSize: 1e-6, PoreValue: 0), out _));
    }

    [Fact]
    public void StreamedSpheresAreDeterministicWhateverTheSlabDepthAndHitThePorosityInExpectation()
    {
        string a = Path.Combine(dir, "a.raw"), b = Path.Combine(dir, "b.raw");
        double phiA = StreamedSpheres.Write(a, 96, 80, 72, 0.25, 4, 9, 3e-6, slabDepth: 7);
        double phiB = StreamedSpheres.Write(b, 96, 80, 72, 0.25, 4, 9, 3e-6, slabDepth: 64);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(phiA, phiB);
        var v = VolumeIO.ReadBinary(a);
        Assert.Equal(phiA, v.PoreVoxelCount() / (double)v.Count, 12);
        Assert.InRange(phiA, 0.23, 0.27);
        // stationary: the faces are as porous as the interior (the in-memory generator's are not)
        var faces = new[] { v.Crop(0, 0, 0, 4, 80, 72), v.Crop(92, 0, 0, 4, 80, 72), v.Crop(0, 0, 0, 96, 4, 72), v.Crop(0, 76, 0, 96, 4, 72), v.Crop(0, 0, 0, 96, 80, 4), v.Crop(0, 0, 68, 96, 80, 4) };
        Assert.InRange(faces.Sum(f => f.PoreVoxelCount()) / (double)faces.Sum(f => f.Count), phiA - 0.03, phiA + 0.03);
        // polydisperse grains too
        double phiC = StreamedSpheres.Write(a, 64, 64, 64, 0.3, 3, 2, 3e-6, radiusSpread: 0.3);
        Assert.InRange(phiC, 0.27, 0.33);
    }
}
