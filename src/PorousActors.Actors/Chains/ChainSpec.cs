namespace PorousActors.Actors.Chains;

/// <summary>What a campaign asks of one chain.</summary>
public sealed record ChainSpec(string Id, string Targets, long Seed);
