using PorousActors.Core.IO;

namespace PorousActors.Core.Tests;

/// <summary>The JSON beside a .raw volume: what is written is read back, files written by other tools
/// (Python's json.dump, fields in any order, extra keys) are read, and bad ones are refused clearly.</summary>
public sealed class VolumeSidecarTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-sidecar-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    string Write(string json) { string p = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".json"); File.WriteAllText(p, json); return p; }

    [Theory]
    [InlineData(5.345e-6, 0.0)]
    [InlineData(1.0 / 3 * 1e-5, 255.0)]
    [InlineData(null, null)]
    public void WhatIsWrittenIsReadBackExactly(double? voxel, double? pore)
    {
        string p = Path.Combine(dir, "a.json");
        new VolumeSidecar([400, 300, 200], "uint16", voxel, pore).Write(p);
        var s = VolumeSidecar.Read(p);
        Assert.Equal([400, 300, 200], s.Shape);
        Assert.Equal(("uint16", voxel, pore), (s.Dtype, s.VoxelSize, s.PoreValue));
    }

    [Fact]
    public void AFileFromAnotherToolIsRead()
    {
        var s = VolumeSidecar.Read(Write("{\"poreValue\": 1, \"comment\": \"from numpy\", \"voxelSize\": 2.25e-06, \"dtype\": \"uint8\", \"shape\": [64, 32, 16]}"));
        Assert.Equal([64, 32, 16], s.Shape);
        Assert.Equal(("uint8", (double?)2.25e-6, (double?)1.0), (s.Dtype, s.VoxelSize, s.PoreValue));
        var bare = VolumeSidecar.Read(Write("{\"shape\": [2, 2, 2], \"dtype\": \"float32\", \"voxelSize\": null}"));
        Assert.Null(bare.VoxelSize);
        Assert.Null(bare.PoreValue);
    }

    [Theory]
    [InlineData("{\"shape\": [2, 2], \"dtype\": \"uint8\"}", "must hold \"shape\"")]
    [InlineData("{\"shape\": [2, 2, 2]}", "must hold \"shape\"")]
    [InlineData("{\"shape\": \"2x2x2\", \"dtype\": \"uint8\"}", "\"shape\" must be an array")]
    [InlineData("{\"shape\": [2, 2.5, 2], \"dtype\": \"uint8\"}", "wrong type")]
    [InlineData("{\"shape\": [2, 2, 2], \"dtype\": 8}", "wrong type")]
    [InlineData("{\"shape\": [2, 2, 2], \"dtype\": \"uint8\", \"voxelSize\": \"5um\"}", "wrong type")]
    [InlineData("{\"shape\": [2, 2, 2], ", "not a valid volume sidecar JSON")]
    [InlineData("[2, 2, 2]", "a JSON object")]
    public void BadSidecarsAreRefusedNamingTheFile(string json, string message)
    {
        string p = Write(json);
        var e = Assert.Throws<BadInputException>(() => VolumeSidecar.Read(p));
        Assert.Contains(message, e.Message);
        Assert.StartsWith(p, e.Message);
    }
}
