using System.Text.Json;
using PorousActors.Core.Generators;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm.Network;

namespace PorousActors.Pnm.Tests;

/// <summary>Network files other tools open: OpenPNM's dict conventions and a VTK file that parses.</summary>
public sealed class NetworkFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-net-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static PoreNetwork Net() => SnowExtractor.Extract(OverlappingSpheres.Generate(40, 0.3, 4, 2, 2e-6)).Network;

    [Fact]
    public void JsonFollowsOpenPnmConventions()
    {
        var net = Net();
        string path = Path.Combine(dir, "n.json");
        NetworkWriter.Write(net, path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var prop in doc.RootElement.EnumerateObject())
            Assert.True(prop.Name.StartsWith("pore.") || prop.Name.StartsWith("throat.") || prop.Name.StartsWith("param."), $"key {prop.Name}");
        var coords = doc.RootElement.GetProperty("pore.coords");
        Assert.Equal(net.PoreCount, coords.GetArrayLength());
        Assert.All(coords.EnumerateArray(), c => Assert.Equal(3, c.GetArrayLength()));
        var conns = doc.RootElement.GetProperty("throat.conns");
        Assert.Equal(net.ThroatCount, conns.GetArrayLength());
        Assert.All(conns.EnumerateArray(), c => Assert.Equal(2, c.GetArrayLength()));
        foreach (var prop in doc.RootElement.EnumerateObject().Where(p => p.Name.StartsWith("pore.") || p.Name.StartsWith("throat.")))
            Assert.Equal(prop.Name.StartsWith("pore.") ? net.PoreCount : net.ThroatCount, prop.Value.GetArrayLength());
        Assert.Equal(2e-6, doc.RootElement.GetProperty("param.voxel_size_m").GetDouble(), 15);
    }

    [Fact]
    public void RegionLabelsTiePoresToTheRegionsImageWrittenAsTiff()
    {
        var snow = SnowExtractor.Extract(OverlappingSpheres.Generate(40, 0.3, 4, 2, 2e-6));
        var net = snow.Network;
        string tif = Path.Combine(dir, "regions.tif");
        Core.IO.TiffStackFormat.WriteLabels(snow.Regions, 40, 40, 40, 2e-6, tif);
        var back = Core.IO.TiffStackFormat.Read(tif, null);
        Assert.Equal((40, 40, 40), (back.Nz, back.Ny, back.Nx));
        Assert.Equal(2e-6, back.VoxelSize!.Value, 12);
        for (int i = 0; i < snow.Regions.Length; i++) Assert.Equal(snow.Regions[i], (int)back[i]);
        // each pore's volume is the voxel count of its region in the image
        for (int p = 0; p < net.PoreCount; p++)
            Assert.Equal(net.PoreVolume[p], snow.Regions.Count(l => l == net.PoreRegionLabel[p]));
        string json = Path.Combine(dir, "n.json");
        NetworkWriter.Write(net, json);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(net.PoreRegionLabel, doc.RootElement.GetProperty("pore.region_label").EnumerateArray().Select(e => e.GetInt32()).ToArray());
    }

    [Fact]
    public void VtkFileParsesWithItsDeclaredCounts()
    {
        var net = Net();
        string path = Path.Combine(dir, "n.vtk");
        NetworkWriter.Write(net, path);
        var lines = File.ReadAllLines(path);
        Assert.Equal("# vtk DataFile Version 3.0", lines[0]);
        Assert.Equal("DATASET POLYDATA", lines[3]);
        int i = Array.FindIndex(lines, l => l.StartsWith("POINTS "));
        Assert.Equal(net.PoreCount, int.Parse(lines[i].Split(' ')[1]));
        for (int k = 1; k <= net.PoreCount; k++) Assert.Equal(3, lines[i + k].Split(' ').Select(double.Parse).Count(double.IsFinite));
        int l = Array.FindIndex(lines, x => x.StartsWith("LINES "));
        var hdr = lines[l].Split(' ');
        Assert.Equal(net.ThroatCount, int.Parse(hdr[1]));
        Assert.Equal(3 * net.ThroatCount, int.Parse(hdr[2]));
        for (int k = 1; k <= net.ThroatCount; k++)
        {
            var c = lines[l + k].Split(' ').Select(int.Parse).ToArray();
            Assert.Equal(2, c[0]);
            Assert.InRange(c[1], 0, net.PoreCount - 1);
            Assert.InRange(c[2], 0, net.PoreCount - 1);
        }
        int cd = Array.FindIndex(lines, x => x.StartsWith("CELL_DATA "));
        Assert.Equal(net.PoreCount + net.ThroatCount, int.Parse(lines[cd].Split(' ')[1]));
        Assert.Equal(lines.Length, cd + 3 + net.PoreCount + net.ThroatCount);
    }
}

public sealed class PoreSpyOrderTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-ps-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void PoreSpyOrderSwapsTheFirstAndLastCoordinatesAndTheirFaceLabels()
    {
        // a tube along the array's last axis: our x, PoreSpy's z (6 voxels wide: SNOW finds no pore
        // in a channel whose smoothed distance map stays below 2 voxels, as PoreSpy)
        var v = new Core.Volume(12, 12, 30, 2e-6);
        for (int z = 3; z < 9; z++) for (int y = 3; y < 9; y++) for (int x = 0; x < 30; x++) v[z, y, x] = 1;
        var net = SnowExtractor.Extract(v).Network;
        string ours = Path.Combine(dir, "a.json"), theirs = Path.Combine(dir, "b.json");
        NetworkWriter.Write(net, ours);
        NetworkWriter.Write(net, theirs, poreSpyOrder: true);
        using var a = JsonDocument.Parse(File.ReadAllText(ours));
        using var b = JsonDocument.Parse(File.ReadAllText(theirs));
        var ca = a.RootElement.GetProperty("pore.coords")[0]; var cb = b.RootElement.GetProperty("pore.coords")[0];
        Assert.Equal(ca[0].GetDouble(), cb[2].GetDouble());
        Assert.Equal(ca[2].GetDouble(), cb[0].GetDouble());
        Assert.Equal(a.RootElement.GetProperty("pore.xmin").GetRawText(), b.RootElement.GetProperty("pore.zmin").GetRawText());
        Assert.Contains(b.RootElement.GetProperty("pore.zmin").EnumerateArray(), e => e.GetBoolean()); // the tube touches its ends
    }
}
