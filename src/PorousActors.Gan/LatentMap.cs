using System.Text.Json.Serialization;
using PorousActors.Core;

namespace PorousActors.Gan;

/// <summary>
/// A fixed affine map from the standard-normal latent w a user, a chain or a campaign draws to the
/// latent z the network sees: z = w + (shift + (scale − 1)(u·w)) u, for a unit direction u. It
/// moves and widens the generated cubes along one direction of latent space (fitted along the one
/// that predicts porosity, <see cref="LatentMapFit"/>) and leaves every other direction, the network's
/// weights and its batch-norm statistics as they were. Gradual deformation still walks w, so its
/// chains keep their N(0, I) prior; only the network's input moves.
/// </summary>
public sealed record LatentMap
{
    /// <summary>The unit direction u (one value per latent entry).</summary>
    [JsonPropertyName("direction")] public required float[] Direction { get; init; }
    /// <summary>Offset along u, in units of w's standard deviation.</summary>
    [JsonPropertyName("shift")] public required double Shift { get; init; }
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
        if (!double.IsFinite(Shift) || Math.Abs(Shift) > 3) throw new BadInputException($"latent map shift {Shift} is outside ±3 (standard deviations of the latent)");
        if (!double.IsFinite(Scale) || Scale <= 0 || Scale > 3) throw new BadInputException($"latent map scale {Scale} must lie in (0, 3]");
    }

    /// <summary>z for one w, written into <paramref name="z"/> (same length).</summary>
    public void Apply(ReadOnlySpan<float> w, Span<float> z)
    {
        double along = 0;
        for (int i = 0; i < w.Length; i++) along += (double)w[i] * Direction[i];
        double add = Shift + (Scale - 1) * along;
        for (int i = 0; i < w.Length; i++) z[i] = (float)(w[i] + add * Direction[i]);
    }
}
