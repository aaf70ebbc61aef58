using PorousActors.Conditioning;

namespace PorousActors.Actors.Chains;

/// <summary>A finished chain, as the campaign records it. <see cref="Properties"/> are the targeted
/// properties the chain measured; <see cref="AllProperties"/> every property of its final cube, k
/// along all three axes (null in journals written before it existed, or when that evaluation failed).</summary>
public sealed record ChainResult(string Id, string Targets, long Seed, string Status, int Steps, int Evaluations, double? Error,
    Dictionary<string, double> Properties, double Seconds, float[] Latent, Dictionary<string, double>? AllProperties = null)
{
    /// <summary>Each of the chain's targets with the value achieved and whether it is within tolerance.</summary>
    public IEnumerable<(Target Target, double Achieved, bool Within)> Outcomes() =>
        TargetSet.Parse([Targets]).Targets.Select(t =>
        {
            double a = Properties.GetValueOrDefault(t.Property, double.NaN);
            return (t, a, Math.Abs(a - t.Value) <= t.Tolerance);
        });
}
