using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Gan;

namespace PorousActors.Actors;

/// <summary>
/// A trained generator behind <see cref="IGenerator"/>. On CPU each latent runs as its own forward
/// pass: a 64³ cube costs the same ~50 ms alone or in a batch there, and per-cube passes keep every
/// cube bit-identical whatever other chains' latents share the batch (which a resumed campaign
/// relies on). On a GPU the batch runs as one pass.
/// </summary>
public sealed class GanGenerator(GeneratorModel model, bool perSample = true) : IGenerator
{
    readonly object gate = new();
    public GeneratorModel Model { get; } = model;
    public int LatentSize => Model.Latent;

    public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents)
    {
        lock (gate) // one forward pass at a time per model
        {
            if (!perSample) return Model.Generate(latents);
            return latents.Select(z => Model.Generate([z])[0]).ToList();
        }
    }
}
