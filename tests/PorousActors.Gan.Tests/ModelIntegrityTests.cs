using System.IO.Compression;
using PorousActors.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan.Tests;

/// <summary>A damaged or altered model file is refused instead of generating wrong rock.</summary>
[Collection(TorchRng.Collection)]
public sealed class ModelIntegrityTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-integrity-").FullName;
    public void Dispose() => Directory.Delete(dir, true);
    static readonly GanArchitecture Arch = new(32, 20, "lean");

    string SaveModel(string name)
    {
        manual_seed(3);
        using var g = new Generator(Arch);
        string path = Path.Combine(dir, name);
        new GeneratorModel(g, new ModelCard { Architecture = Arch, VoxelSize = 5e-6 }).Save(path);
        return path;
    }

    /// <summary>Copies a model zip with its entries stored uncompressed, optionally replacing the card or weights.</summary>
    string Repack(string from, string name, Func<ModelCard, ModelCard>? card = null, byte[]? weights = null)
    {
        string path = Path.Combine(dir, name);
        using var src = ZipFile.OpenRead(from);
        using var dst = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var e in src.Entries)
        {
            using var ms = new MemoryStream();
            using (var s = e.Open()) s.CopyTo(ms);
            byte[] bytes = ms.ToArray();
            if (e.Name == GeneratorModel.CardEntry && card is not null)
                bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(card(System.Text.Json.JsonSerializer.Deserialize<ModelCard>(bytes)!));
            if (e.Name == GeneratorModel.GeneratorEntry && weights is not null) bytes = weights;
            using var o = dst.CreateEntry(e.Name, CompressionLevel.NoCompression).Open();
            o.Write(bytes);
        }
        return path;
    }

    [Fact]
    public void IntactModelLoadsAndRecordsItsWeightsHash()
    {
        using var m = GeneratorModel.Load(SaveModel("ok.model"));
        Assert.Equal(64, m.Card.WeightsSha256!.Length);
    }

    [Fact]
    public void FlippedByteInsideTheWeightsIsRefused()
    {
        string stored = Repack(SaveModel("a.model"), "stored.model");
        var bytes = File.ReadAllBytes(stored);
        bytes[bytes.Length / 2] ^= 0x40; // well inside the stored weights
        File.WriteAllBytes(stored, bytes);
        var e = Assert.Throws<BadInputException>(() => GeneratorModel.Load(stored));
        Assert.Contains("CRC", e.Message);
    }

    [Fact]
    public void OtherWeightsUnderTheOriginalCardAreRefused()
    {
        string original = SaveModel("b.model");
        manual_seed(99);
        using var other = new Generator(Arch);
        var ms = new MemoryStream();
        other.save(ms);
        string swapped = Repack(original, "swapped.model", weights: ms.ToArray());
        Assert.Contains("SHA-256", Assert.Throws<BadInputException>(() => GeneratorModel.Load(swapped)).Message);
    }

    [Fact]
    public void ZeroedWeightsInAValidZipAreRefused()
    {
        string original = SaveModel("c.model");
        using var zeroed = new Generator(Arch);
        using (no_grad()) foreach (var p in zeroed.parameters()) p.zero_();
        var ms = new MemoryStream();
        zeroed.save(ms);
        // even with the card's hash removed, as an older file would have none
        string path = Repack(original, "zeroed.model", card: c => c with { WeightsSha256 = null }, weights: ms.ToArray());
        Assert.Contains("all zero", Assert.Throws<BadInputException>(() => GeneratorModel.Load(path)).Message);
    }

    [Fact]
    public void ModelThatDiffersFromItsPublishedCardIsRefused()
    {
        string path = SaveModel("d.model");
        File.WriteAllText(Path.ChangeExtension(path, ".json"), "{ \"sha256\": \"" + new string('0', 64) + "\" }");
        Assert.Contains("does not match d.json", Assert.Throws<BadInputException>(() => GeneratorModel.Load(path)).Message);
    }
}
