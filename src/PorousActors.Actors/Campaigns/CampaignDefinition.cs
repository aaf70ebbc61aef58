using System.Globalization;
using PorousActors.Actors.Chains;
using PorousActors.Conditioning;
using PorousActors.Core;

namespace PorousActors.Actors.Campaigns;

/// <summary>A campaign: many independent chains on one model, with a search policy, a budget per
/// chain and how many chains run at once. Stored as the first event of the campaign's journal.
/// <c>Size</c> is the edge of the generated volumes when not the model's training size (a
/// convolutional generator makes any size). <c>Prior</c>, when set, is the latent prior every chain
/// starts and deforms within (kept whole in the journal, so a resumed campaign uses the same one).</summary>
public sealed record CampaignDefinition(
    string Name,
    string Model,
    string ModelSha256,
    string Policy,
    int MaxEvaluations,
    int Concurrency,
    List<ChainSpec> Chains,
    string CubeFormat = "raw",
    int? Size = null,
    LatentPrior? Prior = null,
    LatentSurrogate? Surrogate = null)
{
    /// <summary>Where a chain's accepted cube is written, relative to the campaign's folder.</summary>
    public string CubeFile(string id) => Path.Combine("cubes", id + Core.IO.VolumeIO.CubeExtension(CubeFormat));

    /// <summary>Same campaign (chains, model, policy, budget), whatever the concurrency.</summary>
    public bool SameWorkAs(CampaignDefinition other) =>
        DifferenceFrom(other) is null;

    /// <summary>What differs from <paramref name="other"/> in the work (null when it is the same campaign).</summary>
    public string? DifferenceFrom(CampaignDefinition other)
    {
        if (Name != other.Name) return $"name ('{Name}' vs '{other.Name}')";
        if (ModelSha256 != other.ModelSha256) return $"model (SHA-256 {ModelSha256[..Math.Min(12, ModelSha256.Length)]}… vs {other.ModelSha256[..Math.Min(12, other.ModelSha256.Length)]}…)";
        if (Policy != other.Policy) return $"policy ({Policy} vs {other.Policy})";
        if (MaxEvaluations != other.MaxEvaluations) return $"max evaluations ({MaxEvaluations} vs {other.MaxEvaluations})";
        if (CubeFormat != other.CubeFormat) return $"cube format ({CubeFormat} vs {other.CubeFormat})";
        if (Size != other.Size) return $"volume size ({Size?.ToString() ?? "the model's"} vs {other.Size?.ToString() ?? "the model's"})";
        if (PriorText(Prior) != PriorText(other.Prior)) return $"latent prior ({(Prior is null ? "none" : "one")} vs {(other.Prior is null ? "none" : "a different one")})";
        if (SurrogateText(Surrogate) != SurrogateText(other.Surrogate)) return $"latent surrogate ({(Surrogate is null ? "none" : "one")} vs {(other.Surrogate is null ? "none" : "a different one")})";
        if (Chains.Count != other.Chains.Count) return $"number of targets ({Chains.Count} vs {other.Chains.Count})";
        for (int i = 0; i < Chains.Count; i++)
            if (Chains[i] != other.Chains[i]) return $"target {i + 1} ({Chains[i].Id}: {Chains[i].Targets}, seed {Chains[i].Seed} vs {other.Chains[i].Id}: {other.Chains[i].Targets}, seed {other.Chains[i].Seed})";
        return null;
    }

    static string PriorText(LatentPrior? p) => p is null ? "" : System.Text.Json.JsonSerializer.Serialize(p);
    static string SurrogateText(LatentSurrogate? s) => s is null ? "" : s.ToJson();

    public void Validate()
    {
        if (Prior is not null && Prior.ModelSha256 != ModelSha256)
            throw new BadInputException($"the latent prior was fitted for another model (sha256 {Prior.ModelSha256}, the campaign's {ModelSha256})");
        SafeNames.CheckCampaignName(Name);
        if (Chains.Count == 0) throw new BadInputException("the campaign has no targets");
        if (Concurrency < 1) throw new BadInputException($"concurrency must be at least 1, got {Concurrency}");
        if (MaxEvaluations < 1) throw new BadInputException($"max evaluations must be at least 1, got {MaxEvaluations}");
        bool steered = SearchPolicies.Parse(Policy) is SurrogateChoice;
        if (steered && Surrogate is null) throw new BadInputException($"the {Policy} policy needs a latent surrogate (--surrogate or campaign.surrogate; fit one with `porous model surrogate`)");
        if (!steered && Surrogate is not null) throw new BadInputException("a latent surrogate steers only the surrogate policies (--policy surrogate or surrogate-random)");
        if (Surrogate is not null && Prior is not null) throw new BadInputException("a campaign takes a latent prior or a latent surrogate, not both");
        if (Surrogate is not null && Surrogate.ModelSha256 != ModelSha256)
            throw new BadInputException($"the latent surrogate was fitted for another model (sha256 {Surrogate.ModelSha256}, the campaign's {ModelSha256})");
        Core.IO.VolumeIO.CubeExtension(CubeFormat);
        if (Size is < 16) throw new BadInputException($"volume size must be at least 16 voxels, got {Size}", InputField.Size);
        var dup = Chains.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new BadInputException($"target id '{dup.Key}' appears twice");
        for (int i = 0; i < Chains.Count; i++) SafeNames.CheckTargetId(Chains[i].Id, $"target {i + 1}");
        foreach (var c in Chains)
        {
            try { TargetSet.Parse([c.Targets]); }
            catch (BadInputException e) { throw new BadInputException($"target '{c.Id}': {e.Message}"); }
        }
    }

    /// <summary>Reads a targets CSV: header <c>id,target,seed</c>; target in the `porous condition`
    /// syntax, several joined by ';'; seed optional (default: the row number).</summary>
    public static List<ChainSpec> ReadTargetsCsv(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: targets file not found");
        var table = Core.IO.CsvTable.Read(path);
        if (table.Header.Count == 0) throw new BadInputException($"{path}: empty targets file");
        int iId = table.Column("id"), iTarget = table.Column("target"), iSeed = table.Column("seed");
        if (iId < 0 || iTarget < 0) throw new BadInputException($"{path}: header must be id,target,seed (seed optional), got '{string.Join(",", table.Header)}'");
        var list = new List<ChainSpec>();
        for (int n = 0; n < table.Rows.Count; n++)
        {
            var (line, cells) = table.Rows[n];
            if (cells.Length <= Math.Max(iId, iTarget)) throw new BadInputException($"{path}, line {line}: expected {table.Header.Count} columns");
            long seed = n + 1; // default: the row number
            if (iSeed >= 0 && iSeed < cells.Length && cells[iSeed].Length > 0 && !long.TryParse(cells[iSeed], NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
                throw new BadInputException($"{path}, line {line}: seed '{cells[iSeed]}' is not an integer");
            SafeNames.CheckTargetId(cells[iId], $"{path}, line {line}");
            try { TargetSet.Parse([cells[iTarget]]); }
            catch (BadInputException e) { throw new BadInputException($"{path}, line {line}: {e.Message}"); }
            list.Add(new ChainSpec(cells[iId], cells[iTarget], seed));
        }
        return list;
    }
}
