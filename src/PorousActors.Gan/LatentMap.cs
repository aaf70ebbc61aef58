using System.Text.Json.Serialization;
using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// A fixed affine map from the standard-normal latent w a user, a chain or a campaign draws to the
/// latent z the network sees: z = w + μ + (scale − 1)(u·w) u, for an offset μ and a unit direction u.
/// It moves the generated cubes by μ and widens them along u (fitted as the direction that predicts
/// porosity, μ as the smallest offset that gives the training cubes' mean properties,
/// <see cref="LatentMapFit"/>), and leaves the network's weights and its batch-norm statistics as
/// they were. Gradual deformation still walks w, so its chains keep their N(0, I) prior; only the
/// network's input moves.
/// </summary>
public sealed record LatentMap
{
    /// <summary>The unit direction u (one value per latent entry).</summary>
    [JsonPropertyName("direction")] public required float[] Direction { get; init; }
    /// <summary>The offset μ added to every latent (one value per entry, in units of w's standard deviation).</summary>
    [JsonPropertyName("offset")] public required float[] Offset { get; init; }
    /// <summary>Factor on the component of w along u (1: unchanged spread).</summary>
    [JsonPropertyName("scale")] public required double Scale { get; init; }
    /// <summary>How the map was fitted (free text for the card).</summary>
    [JsonPropertyName("fit")] public string? Fit { get; init; }

    /// <summary>Throws a one-line error unless the map fits a latent of <paramref name="latent"/> values.</summary>
    public void Validate(int latent, bool convolutional)
    {
        if (convolutional) throw new BadInputException("a latent map is for the paper generator's single latent vector, not the convolutional generator's grid");
        if (Direction is null || Direction.Length != latent) throw new BadInputException($"latent map direction has {Direction?.Length ?? 0} values, the model's latent has {latent}");
        double n2 = 0;
        foreach (var v in Direction) { if (!float.IsFinite(v)) throw new BadInputException("latent map direction holds NaN or infinite values"); n2 += (double)v * v; }
        if (Math.Abs(Math.Sqrt(n2) - 1) > 1e-4) throw new BadInputException($"latent map direction must have unit length, has {Math.Sqrt(n2):G4}");
        if (Offset is null || Offset.Length != latent) throw new BadInputException($"latent map offset has {Offset?.Length ?? 0} values, the model's latent has {latent}");
        double o2 = 0;
        foreach (var v in Offset) { if (!float.IsFinite(v)) throw new BadInputException("latent map offset holds NaN or infinite values"); o2 += (double)v * v; }
        if (Math.Sqrt(o2) > 3) throw new BadInputException($"latent map offset has length {Math.Sqrt(o2):G3}, more than 3 standard deviations of the latent");
        if (!double.IsFinite(Scale) || Scale <= 0 || Scale > 3) throw new BadInputException($"latent map scale {Scale} must lie in (0, 3]");
    }

    /// <summary>Length of the offset |μ|, in standard deviations of the latent.</summary>
    [JsonIgnore] public double OffsetLength => Math.Sqrt(Offset.Sum(v => (double)v * v));

    /// <summary>KL divergence of the mapped latent's distribution N(μ, I + (s² − 1)uuᵀ) from N(0, I), in nats:
    /// how far the map moves the generator from the latents it was trained on.</summary>
    [JsonIgnore] public double KlFromStandardNormal => 0.5 * (OffsetLength * OffsetLength + Scale * Scale - 1 - 2 * Math.Log(Scale));

    /// <summary>z for one w, written into <paramref name="z"/> (same length).</summary>
    public void Apply(ReadOnlySpan<float> w, Span<float> z)
    {
        double along = 0;
        for (int i = 0; i < w.Length; i++) along += (double)w[i] * Direction[i];
        double add = (Scale - 1) * along;
        for (int i = 0; i < w.Length; i++) z[i] = (float)(w[i] + Offset[i] + add * Direction[i]);
    }
}
