namespace PorousActors.Conditioning;

public enum ChainStatus { Running, Succeeded, NotReached, Cancelled }

/// <summary>
/// What a chain is after an accepted step: everything the deterministic engine needs to continue
/// (the latent, the step counter, the seed) plus the best properties so far. Volumes are not kept:
/// they are regenerated from the latent. Immutable.
/// </summary>
public sealed record ChainState(
    long Seed,
    int Step,
    float[] Latent,
    double Error,
    IReadOnlyDictionary<string, double> Properties,
    int Evaluations,
    double T,
    ChainStatus Status);

/// <summary>A row of the chain trace: one accepted step.</summary>
public sealed record TraceRow(int Step, double T, double Error, IReadOnlyDictionary<string, double> Properties, int Evaluations, double ElapsedSeconds);
