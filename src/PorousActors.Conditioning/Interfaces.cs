using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Conditioning;

/// <summary>Latent vectors → binary cubes (one batch per call). Must be deterministic.</summary>
public interface IGenerator
{
    int LatentSize { get; }
    IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents);
}

/// <summary>Volume → properties. <paramref name="needs"/> says which groups the targets use, so a
/// porosity-only chain need not extract a pore network.</summary>
public interface IForwardModel
{
    RockProperties Evaluate(Volume volume, PropertyNeeds needs);
}

/// <summary>Which parts of the forward model a target set needs.</summary>
public sealed record PropertyNeeds(bool Network, IReadOnlyList<Pnm.Flow.FlowAxis> Axes)
{
    public static readonly PropertyNeeds ImageOnly = new(false, []);
}
