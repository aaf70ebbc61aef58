using Akka.Configuration;
using PorousActors.Actors.Chains;
using PorousActors.Core;

namespace PorousActors.Actors.Campaigns;

/// <summary>What a campaign file and the options given beside it say; options win over the file.</summary>
public sealed record CampaignRequest(string? File, string? Targets, string? Model, string? Name, int? Concurrency, string? Policy, int? MaxEvaluations, string? CubeFormat, int? Size = null, string? Prior = null, string? Surrogate = null);

/// <summary>
/// The campaign file (HOCON): <c>campaign { name, model, targets-csv | targets = [{id, target, seed}],
/// concurrency, cube-format, size, prior }</c> plus any <c>porous.*</c> runtime settings, relative paths taken from
/// the file's folder. Turns a file and options into a <see cref="CampaignDefinition"/>.
/// </summary>
public static class CampaignFile
{
    /// <summary>The file's settings (empty without a file), to be laid over the runtime defaults.</summary>
    public static Config Read(string? file)
    {
        if (file is null) return Config.Empty;
        if (!System.IO.File.Exists(file)) throw new BadInputException($"{file}: campaign file not found");
        try { return ConfigurationFactory.ParseString(System.IO.File.ReadAllText(file)); }
        catch (Exception e) when (e is not BadInputException) { throw new BadInputException($"{file}: not valid HOCON ({e.Message.Split('\n')[0]})"); }
    }

    /// <summary>The model file the campaign uses (the option, else campaign.model relative to the file).</summary>
    public static string ModelPath(CampaignRequest r, Config fileConfig) =>
        r.Model ?? Relative(r.File, fileConfig.GetString("campaign.model", null))
        ?? throw new BadInputException("no generator model: give one, or campaign.model in the campaign file", InputField.Model);

    /// <summary>The definition, validated; <paramref name="modelSha256"/> gives the model file's hash,
    /// told the campaign's volume size (null: the model's own) so a caller loading the model loads it
    /// once, at that size (asked after the targets are read, so a bad targets file is reported before
    /// a model loads).</summary>
    public static CampaignDefinition Definition(CampaignRequest r, Config fileConfig, Func<string, int?, string> modelSha256)
    {
        var cfg = fileConfig.WithFallback(CampaignHost.DefaultConfig());
        string? targetsCsv = r.Targets ?? Relative(r.File, cfg.GetString("campaign.targets-csv", null));
        List<ChainSpec> chains;
        if (targetsCsv is not null) chains = CampaignDefinition.ReadTargetsCsv(targetsCsv);
        else if (cfg.HasPath("campaign.targets"))
            chains = cfg.GetValue("campaign.targets").GetArray().Select((v, i) =>
            {
                var o = v.GetObject();
                return new ChainSpec(o.GetKey("id")?.GetString() ?? $"t{i + 1}", o.GetKey("target")?.GetString() ?? throw new BadInputException($"campaign.targets[{i}] has no target"),
                    o.GetKey("seed") is { } s ? s.GetLong() : i + 1);
            }).ToList();
        else throw new BadInputException("no targets: give a campaign file or a targets CSV", InputField.Targets);

        string modelPath = ModelPath(r, fileConfig);
        string name = r.Name ?? cfg.GetString("campaign.name", null) ?? Path.GetFileNameWithoutExtension(targetsCsv ?? r.File!);
        string format = Core.IO.VolumeIO.CubeExtension(r.CubeFormat ?? cfg.GetString("campaign.cube-format", "raw")).TrimStart('.');
        int? size = r.Size ?? (cfg.HasPath("campaign.size") ? cfg.GetInt("campaign.size") : null);
        var def = new CampaignDefinition(name, Path.GetFullPath(modelPath), modelSha256(modelPath, size),
            r.Policy ?? cfg.GetString("porous.campaign.policy", "golden"),
            r.MaxEvaluations ?? cfg.GetInt("porous.campaign.max-evaluations", 200),
            r.Concurrency ?? cfg.GetInt("campaign.concurrency", cfg.GetInt("porous.campaign.concurrency", 4)),
            chains, format, size);
        if ((r.Prior ?? Relative(r.File, cfg.GetString("campaign.prior", null))) is { } priorPath)
            def = def with { Prior = Conditioning.LatentPrior.Load(priorPath) };
        if ((r.Surrogate ?? Relative(r.File, cfg.GetString("campaign.surrogate", null))) is { } surrogatePath)
            def = def with { Surrogate = Conditioning.LatentSurrogate.Load(surrogatePath) };
        def.Validate();
        return def;
    }

    static string? Relative(string? file, string? path)
    {
        if (path is null) return null;
        string baseDir = file is null ? "." : Path.GetDirectoryName(Path.GetFullPath(file))!;
        return Path.IsPathRooted(path) ? path : Path.Combine(baseDir, path);
    }
}
