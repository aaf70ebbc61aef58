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
/// <para>
/// <c>Generator = "convolutional"</c> is the fully convolutional variant (#18): the latent is a grid of
/// <see cref="Latent"/> N(0, 1) channels per cell, a 3³ convolution without padding replaces the
/// linear layer, and the transposed convolutions crop every voxel that did not receive all its
/// inputs (padding 2). No layer sees an edge, so the output is a stationary field: shifting the
/// latent grid by one cell shifts the rock by 16 voxels, and any output size is a bigger grid.
/// <see cref="Size"/> is then the training cube edge.
/// </para>
/// </summary>
public sealed record GanArchitecture(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("latent")] int Latent = 20,
    [property: JsonPropertyName("critic")] string Critic = "paper",
    [property: JsonPropertyName("generator")] string Generator = "paper")
{
    public static readonly int[] Sizes = [32, 64, 128];
    public const int GeneratorChannels = 256;
    /// <summary>Largest volume the convolutional generator makes in one pass (~2.2 GB of activations at 512³).</summary>
    public const int MaxConvolutionalSize = 512;
    /// <summary>Voxels per latent cell of the convolutional generator (four doublings).</summary>
    public const int VoxelsPerLatentCell = 16;

    [JsonIgnore] public bool IsConvolutional => Generator == "convolutional";

    public void Validate()
    {
        if (!Sizes.Contains(Size)) throw new Core.BadInputException($"cube size must be one of {string.Join(", ", Sizes)}, got {Size}");
        if (Latent < 1 || Latent > 4096) throw new Core.BadInputException($"latent size must be in 1..4096, got {Latent}");
        if (Critic is not ("paper" or "lean")) throw new Core.BadInputException($"critic must be 'paper' or 'lean', got '{Critic}'");
        if (Generator is not ("paper" or "convolutional")) throw new Core.BadInputException($"generator must be 'paper' or 'convolutional', got '{Generator}'");
        if (IsConvolutional && Latent > 256) throw new Core.BadInputException($"the convolutional generator's latent has 1..256 channels per cell, got {Latent}");
    }

    /// <summary>Edge of the generator's seed grid: 4 doublings reach <see cref="Size"/>.</summary>
    [JsonIgnore] public int SeedGrid => Size / 16;

    /// <summary>Strided 64→64 critic layers after pooling to Size/8, down to 2³ before the last layer.</summary>
    [JsonIgnore] public int CriticStridedLayers => (int)Math.Log2(Size / 8) - 1;

    /// <summary>Checks that this generator can make <paramref name="size"/>³ volumes.</summary>
    public void ValidateOutputSize(int size)
    {
        if (!IsConvolutional && size != Size)
            throw new Core.BadInputException($"this generator makes {Size}³ cubes only (the paper's architecture); {size}³ needs a convolutional generator", Core.InputField.Size);
        if (IsConvolutional && (size < 16 || size > MaxConvolutionalSize))
            throw new Core.BadInputException($"output size must be in 16..{MaxConvolutionalSize} voxels, got {size}", Core.InputField.Size);
    }

    /// <summary>Edge of the latent grid for a <paramref name="size"/>³ output: the grid shrinks by 2
    /// in the stem and each doubling loses 2, so an L-cell grid makes 16(L − 2) − 30 voxels, cropped
    /// to size; the smallest grid that leaves at least one voxel more per side (for the median filter).</summary>
    public int LatentGrid(int size) => 2 + (size + 32 + VoxelsPerLatentCell - 1) / VoxelsPerLatentCell;

    /// <summary>Edge in voxels of what an <paramref name="grid"/>-cell latent grid makes before cropping.</summary>
    public static int ConvolutionalOutputEdge(int grid) => VoxelsPerLatentCell * (grid - 2) - 30;

    /// <summary>Number of N(0, 1) values in a latent for a <paramref name="size"/>³ output.</summary>
    public int LatentLength(int size)
    {
        ValidateOutputSize(size);
        if (!IsConvolutional) return Latent;
        long g = LatentGrid(size);
        return checked((int)(Latent * g * g * g));
    }
}
