using PorousActors.Core;

namespace PorousActors.Conditioning;

/// <summary>Latent vectors → binary cubes (one batch per call). Must be deterministic.</summary>
public interface IGenerator
{
    int LatentSize { get; }
    /// <summary>Where it runs, for statistics ("cpu", "cuda:0").</summary>
    string Device => "cpu";
    IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents);
}

