using System.Text.Json.Serialization;

namespace PorousActors.Gan;

/// <summary>
/// Shape of a generator/critic pair. The paper's networks (Ren &amp; Srinivasan, appendix) are
/// <c>Paper(128)</c>: z ∈ R^20 → Linear(20, 256·8³) → BN → LeakyReLU → 4 × ConvTranspose3d(k4, s2, p1)
/// 256→128→64→32→1 (BN + LeakyReLU after the first three, Tanh at the end); critic: 3 × [Conv3d k3
/// p1 1→4→16→64, InstanceNorm, LeakyReLU, MaxPool 2] then strided Conv3d(64→64, k4, s2, p1) down to
/// 2³ and Conv3d(64→1). Smaller outputs (64³, 32³) start the generator from a smaller seed grid
/// (4³, 2³) and use fewer strided critic layers. The lean critic (for CPU training) replaces the
/// full-resolution convolutions and pooling with strided convolutions from the first layer.
/// </summary>
public sealed record GanArchitecture(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("latent")] int Latent = 20,
    [property: JsonPropertyName("critic")] string Critic = "paper")
{
    public static readonly int[] Sizes = [32, 64, 128];
    public const int GeneratorChannels = 256;

    public void Validate()
    {
        if (!Sizes.Contains(Size)) throw new Core.BadInputException($"cube size must be one of {string.Join(", ", Sizes)}, got {Size}");
        if (Latent < 1 || Latent > 4096) throw new Core.BadInputException($"latent size must be in 1..4096, got {Latent}");
        if (Critic is not ("paper" or "lean")) throw new Core.BadInputException($"critic must be 'paper' or 'lean', got '{Critic}'");
    }

    /// <summary>Edge of the generator's seed grid: 4 doublings reach <see cref="Size"/>.</summary>
    [JsonIgnore] public int SeedGrid => Size / 16;

    /// <summary>Strided 64→64 critic layers after pooling to Size/8, down to 2³ before the last layer.</summary>
    [JsonIgnore] public int CriticStridedLayers => (int)Math.Log2(Size / 8) - 1;
}
