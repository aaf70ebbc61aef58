using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;

namespace PorousActors.Actors.Tests;

/// <summary>Results files grow by one chain's rows at a time (not rewritten whole per chain, which is
/// O(N²) over a campaign) and are rewritten whole, in the definition's order, at start, resume and end.</summary>
public sealed class ResultsWriterTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-results-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    static readonly CampaignDefinition Def = new("r", "m", "0123456789abcdef", "golden", 10, 2,
        [new ChainSpec("a", "porosity=0.3:0.01", 1), new ChainSpec("b", "porosity=0.5:0.01;permeability_mD=800:10%", 2)]);

    static ChainResult Result(string id, string targets, double phi, double k) => new(id, targets, 1, "Succeeded", 2, 9, 0.1,
        new Dictionary<string, double> { ["porosity"] = phi, ["permeability_mD"] = k }, 1.5, [0f, 1f],
        new Dictionary<string, double> { ["porosity"] = phi, ["permeability_mD_z"] = k, ["permeability_mD_x"] = k / 2 });

    [Fact]
    public void RowsAreAppendedPerChainAndRewrittenWholeInDefinitionOrder()
    {
        var b = Result("b", Def.Chains[1].Targets, 0.502, 790);
        var a = Result("a", Def.Chains[0].Targets, 0.305, 120);
        ResultsWriter.Append(dir, Def, b);
        ResultsWriter.Append(dir, Def, a);
        var appended = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.StartsWith("id,seed,property", appended[0]);
        Assert.Equal(["b", "b", "a"], appended.Skip(1).Select(l => l.Split(',')[0]));  // finishing order, header once
        var wide = File.ReadAllLines(Path.Combine(dir, "properties.csv"));
        var header = wide[0].Split(',');
        Assert.Equal("395", wide[1].Split(',')[Array.IndexOf(header, "permeability_mD_x")]);

        // a crash mid-append leaves half a line; the rewrite at resume puts the files right
        File.AppendAllText(Path.Combine(dir, "results.csv"), "a,1,poros");
        ResultsWriter.Write(dir, Def, [b, a]);
        var whole = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.Equal(["a", "b", "b"], whole.Skip(1).Select(l => l.Split(',')[0])); // the definition's order
        Assert.Equal(appended.Skip(1).Order(), whole.Skip(1).Order());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "properties.csv")).Length);
        Assert.True(File.Exists(Path.Combine(dir, "results.json")));
    }
}
