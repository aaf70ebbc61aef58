using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using PorousActors.Core;
using PorousActors.Core.Filters;
using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan;

/// <summary>The JSON card stored with a generator: architecture, training provenance, voxel size.</summary>
public sealed record ModelCard
{
    [JsonPropertyName("format")] public string Format { get; init; } = "porousactors-generator/1";
    [JsonPropertyName("architecture")] public required GanArchitecture Architecture { get; init; }
    [JsonPropertyName("voxelSize_m")] public required double VoxelSize { get; init; }
    [JsonPropertyName("generatorParameters")] public long GeneratorParameters { get; init; }
    [JsonPropertyName("criticParameters")] public long CriticParameters { get; init; }
    [JsonPropertyName("trainingData")] public string? TrainingData { get; init; }
    [JsonPropertyName("stride")] public int? Stride { get; init; }
    [JsonPropertyName("trainingCubes")] public int? TrainingCubes { get; init; }
    [JsonPropertyName("iterations")] public int Iterations { get; init; }
    [JsonPropertyName("wallTime_s")] public double WallTimeSeconds { get; init; }
    /// <summary>Decay of the weight average the model samples from (null: the raw generator weights).</summary>
    [JsonPropertyName("emaDecay")] public double? EmaDecay { get; init; }
    /// <summary>What training started from when not from scratch (null: random initial weights, or not recorded).</summary>
    [JsonPropertyName("initialisedFrom")] public string? InitialisedFrom { get; init; }
    /// <summary>Fixed threshold on the median-filtered tanh output (null: Otsu's, chosen per volume).
    /// A convolutional generator uses 0: a per-volume threshold would make porosity depend on the
    /// volume's size, and the sub-blocks of a large volume differ from cubes of their size.</summary>
    [JsonPropertyName("threshold")] public float? Threshold { get; init; }
    /// <summary>Whether sampling applies the paper's 3³ median filter before the threshold (null: yes,
    /// as every model written before this field). A generator trained against a critic that sees
    /// single voxels may do better without it: the filter closes throats under ~3 voxels.</summary>
    [JsonPropertyName("medianFilter")] public bool? MedianFilter { get; init; }
    /// <summary>What the critic was shown of generated cubes in training: "binary" (the sign of the
    /// output) or null (the paper's soft tanh output).</summary>
    [JsonPropertyName("criticSees")] public string? CriticSees { get; init; }
    /// <summary>Weight of the plane-profile term in training (null: none, the paper).</summary>
    [JsonPropertyName("profileWeight")] public double? ProfileWeight { get; init; }
    /// <summary>The generator's learning rate at the start of the run that wrote this card.</summary>
    [JsonPropertyName("generatorLr")] public double? GeneratorLr { get; init; }
    /// <summary>Half-life of that rate in iterations (null: constant).</summary>
    [JsonPropertyName("generatorLrHalfLife")] public double? GeneratorLrHalfLife { get; init; }
    /// <summary>Half-life of the critic's learning rate in iterations (null: constant).</summary>
    [JsonPropertyName("criticLrHalfLife")] public double? CriticLrHalfLife { get; init; }
    /// <summary>Weight of the lineal-path term in training (null: none, the paper).</summary>
    [JsonPropertyName("linealPathWeight")] public double? LinealPathWeight { get; init; }
    /// <summary>The segment lengths (voxels) that term compared (null: none, or the default 1, 5, 10, 15, 20).</summary>
    [JsonPropertyName("linealPathLengths")] public int[]? LinealPathLengths { get; init; }
    /// <summary>Weight of the Euler term in training (null: none, the paper).</summary>
    [JsonPropertyName("eulerWeight")] public double? EulerWeight { get; init; }
    /// <summary>Weight of the pore-size (erosion) term in training (null: none, the paper).</summary>
    [JsonPropertyName("poreSizeWeight")] public double? PoreSizeWeight { get; init; }
    /// <summary>The erosion half-widths (voxels) that term compared (null: none).</summary>
    [JsonPropertyName("poreSizeRadii")] public int[]? PoreSizeRadii { get; init; }
    /// <summary>Weight of the conductance term in training (null: none, the paper).</summary>
    [JsonPropertyName("conductanceWeight")] public double? ConductanceWeight { get; init; }
    /// <summary>Whether that term weighted each pore voxel by the pore around it (null: no term or plain).</summary>
    [JsonPropertyName("conductanceLocal")] public bool? ConductanceLocal { get; init; }
    /// <summary>Whether that term matched the rock's quantiles of the residual, not its mean (null: no term or the mean).</summary>
    [JsonPropertyName("conductanceQuantiles")] public bool? ConductanceQuantiles { get; init; }
    /// <summary>Weight of the pore-body term the run trained with (null: off).</summary>
    [JsonPropertyName("poreBodyWeight")] public double? PoreBodyWeight { get; init; }
    /// <summary>Weight of the surface term the run trained with (null: off).</summary>
    [JsonPropertyName("surfaceWeight")] public double? SurfaceWeight { get; init; }
    /// <summary>Weight of the throat term the run trained with (null: off).</summary>
    [JsonPropertyName("throatWeight")] public double? ThroatWeight { get; init; }
    /// <summary>Weight of the spanning term the run trained with (null: off).</summary>
    [JsonPropertyName("spanningWeight")] public double? SpanningWeight { get; init; }
    /// <summary>Weight of the porosity term the run trained with (null: off).</summary>
    [JsonPropertyName("porosityWeight")] public double? PorosityWeight { get; init; }
    /// <summary>Whether that term matched the rock's order statistics of porosity per cube, not its mean (null: no term or the mean).</summary>
    [JsonPropertyName("porosityQuantiles")] public bool? PorosityQuantiles { get; init; }
    [JsonPropertyName("finalLosses")] public Dictionary<string, double>? FinalLosses { get; init; }
    [JsonPropertyName("notes")] public string? Notes { get; init; }
    /// <summary>How the batch-norm statistics used for sampling were estimated (null: training's running averages).</summary>
    [JsonPropertyName("batchNormCalibration")] public string? BatchNormCalibration { get; init; }
    /// <summary>SHA-256 of the generator weights entry, checked on load (null in files written before it existed).</summary>
    [JsonPropertyName("weightsSha256")] public string? WeightsSha256 { get; init; }
    /// <summary>Affine map applied to every latent before the network (null: none, z = w).</summary>
    [JsonPropertyName("latentMap")] public LatentMap? LatentMap { get; init; }
}

/// <summary>
/// A trained generator ready to sample: loads from a model file or a training checkpoint (both
/// zip archives holding <c>model.json</c> and <c>generator.bin</c>), runs batches of latents and
/// post-processes the output as the paper (3³ median filter, then two-class Otsu; pore = bright).
/// </summary>
public sealed class GeneratorModel : IDisposable
{
    public const string CardEntry = "model.json", GeneratorEntry = "generator.bin";
    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public Generator Network { get; }
    public ModelCard Card { get; }
    public Device Device { get; }
    public string? Sha256 { get; init; }

    public GeneratorModel(Generator network, ModelCard card, Device? device = null, int? size = null)
    {
        Network = network; Card = card; Device = device ?? CPU;
        Size = size ?? card.Architecture.Size;
        Latent = card.Architecture.LatentLength(Size); // checks the size
        card.LatentMap?.Validate(Latent, card.Architecture.IsConvolutional);
        Network.to(Device);
        Network.eval();
    }

    /// <summary>Edge of the volumes this instance makes: the training size, or any size a convolutional generator allows.</summary>
    public int Size { get; }
    /// <summary>Values in one latent for <see cref="Size"/>³ (20 for the paper's generator; channels × grid³ for the convolutional one).</summary>
    public int Latent { get; }

    /// <summary>Cubes per forward pass: 8 of 64³, fewer as volumes grow (activations grow with the
    /// volume: ~0.3 GB per 256³ at the widest layer), one at a time from 128³ up.</summary>
    public int CubesPerPass => (int)Math.Clamp(8L * 64 * 64 * 64 / ((long)Size * Size * Size), 1, 8);

    /// <summary>Loads a model to make <paramref name="size"/>³ volumes (default: its training size).</summary>
    public static GeneratorModel Load(string path, Device? device = null, int? size = null)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: model file not found");
        try
        {
            string hash;
            using (var fs = File.OpenRead(path)) hash = Convert.ToHexString(SHA256.HashData(fs)).ToLowerInvariant();
            CheckCompanionCard(path, hash);
            using var zip = ZipFile.OpenRead(path);
            var cardEntry = zip.GetEntry(CardEntry) ?? throw new BadInputException($"{path}: not a PorousActors model (no {CardEntry})");
            ModelCard card;
            using (var s = new MemoryStream(CheckedBytes(cardEntry, path))) card = JsonSerializer.Deserialize<ModelCard>(s) ?? throw new BadInputException($"{path}: empty {CardEntry}");
            card.Architecture.Validate();
            var g = new Generator(card.Architecture);
            var genEntry = zip.GetEntry(GeneratorEntry) ?? throw new BadInputException($"{path}: no {GeneratorEntry} in the model file");
            var weights = CheckedBytes(genEntry, path);
            if (card.WeightsSha256 is { } expected && Sha256Hex(weights) != expected)
                throw new BadInputException($"{path}: the generator weights do not match the SHA-256 in its card; the file was altered or damaged");
            LoadModule(g, weights, genEntry.Name, path);
            CheckWeightsArePlausible(g, path);
            return new GeneratorModel(g, card, device, size) { Sha256 = hash };
        }
        catch (InvalidDataException e) { throw new BadInputException($"{path}: corrupt model file ({e.Message})"); }
        catch (JsonException e) { throw new BadInputException($"{path}: corrupt {CardEntry} ({e.Message.Split('\n')[0]})"); }
    }

    internal static void LoadModule(nn.Module m, ZipArchiveEntry entry, string path) => LoadModule(m, CheckedBytes(entry, path), entry.Name, path);

    static void LoadModule(nn.Module m, byte[] bytes, string entryName, string path)
    {
        using var ms = new MemoryStream(bytes);
        try { m.load(ms, strict: true); }
        catch (Exception e) when (e is not BadInputException)
        {
            throw new BadInputException($"{path}: {entryName} does not match the architecture in its card ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>An entry's bytes after checking them against the CRC-32 the zip recorded: .NET's
    /// reader does not, so a flipped byte inside the weights would otherwise load silently.</summary>
    internal static byte[] CheckedBytes(ZipArchiveEntry entry, string path)
    {
        using var ms = new MemoryStream();
        using (var s = entry.Open()) s.CopyTo(ms);
        var bytes = ms.ToArray();
        if (System.IO.Hashing.Crc32.HashToUInt32(bytes) != entry.Crc32)
            throw new BadInputException($"{path}: corrupt file: {entry.Name} fails its CRC check (damaged download or disk?)");
        return bytes;
    }

    static string Sha256Hex(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>A card saved beside the model (NAME.json with "sha256") is the published hash: compare.</summary>
    static void CheckCompanionCard(string path, string hash)
    {
        string companion = Path.ChangeExtension(path, ".json");
        if (!File.Exists(companion) || companion == path) return;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(companion));
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("sha256", out var sha) && sha.GetString() is { } expected
                && !string.Equals(expected, hash, StringComparison.OrdinalIgnoreCase))
                throw new BadInputException($"{path}: SHA-256 {hash[..12]}… does not match {Path.GetFileName(companion)} ({expected[..Math.Min(12, expected.Length)]}…); the model file was altered or damaged");
        }
        catch (JsonException) { /* not a card: nothing to compare */ }
    }

    /// <summary>Weights that are all zero or not finite in any layer cannot come from training.</summary>
    static void CheckWeightsArePlausible(Generator g, string path)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in g.named_parameters())
        {
            if (p.dim() < 2) continue;
            if (!p.isfinite().all().item<bool>()) throw new BadInputException($"{path}: weights {name} hold NaN or infinite values");
            if (p.abs().max().item<float>() == 0) throw new BadInputException($"{path}: weights {name} are all zero; not a trained generator");
        }
    }

    internal static void SaveModule(nn.Module m, ZipArchive zip, string name)
    {
        var e = zip.CreateEntry(name, CompressionLevel.Fastest);
        var ms = new MemoryStream();
        m.save(ms);
        using var s = e.Open();
        s.Write(ms.ToArray());
    }

    internal static void WriteCard(ZipArchive zip, ModelCard card)
    {
        var e = zip.CreateEntry(CardEntry);
        using var s = e.Open();
        JsonSerializer.Serialize(s, card, JsonOptions);
    }

    /// <summary>Writes the generator alone (fp32 weights + card): the shippable model file.</summary>
    public void Save(string path)
    {
        string tmp = path + ".tmp";
        var weights = new MemoryStream();
        Network.save(weights);
        var bytes = weights.ToArray();
        using (var fs = File.Create(tmp))
        using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
        {
            WriteCard(zip, Card with { WeightsSha256 = Sha256Hex(bytes) });
            var e = zip.CreateEntry(GeneratorEntry, CompressionLevel.Fastest);
            using var s = e.Open();
            s.Write(bytes);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Raw generator output (tanh, +1 = pore) for a batch of latents, each Latent long.</summary>
    public float[][] Forward(IReadOnlyList<float[]> latents) => Forward(latents, Size);

    /// <summary>Raw output in training mode: every batch norm normalises with the statistics of this
    /// batch of latents, as the critic saw the generator in training (each cube then depends on its
    /// batch-mates, so this is a diagnostic, not a sampler). The running statistics are left as they were.</summary>
    public float[][] ForwardAsTrained(IReadOnlyList<float[]> latents)
    {
        if (latents.Count < 2) throw new BadInputException("training-mode sampling needs a batch of at least 2 latents");
        using var keep = Network.PreserveBatchNormStatistics();
        Network.train();
        try { return Forward(latents, Size); }
        finally { Network.eval(); }
    }

    /// <summary>Raw output of edge <paramref name="edge"/> (the convolutional generator's grid makes
    /// one voxel more on every side than <see cref="Size"/>, which the median filter uses).</summary>
    float[][] Forward(IReadOnlyList<float[]> latents, int edge)
    {
        if (latents.Count == 0) return [];
        foreach (var lat in latents)
        {
            if (lat.Length != Latent) throw new BadInputException($"latent has {lat.Length} values, the model expects {Latent}");
            foreach (var v in lat) if (!float.IsFinite(v)) throw new BadInputException("latent contains NaN or infinite values");
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = new float[latents.Count * Latent];
        for (int i = 0; i < latents.Count; i++)
        {
            if (Card.LatentMap is { } map) map.Apply(latents[i], flat.AsSpan(i * Latent, Latent));
            else latents[i].CopyTo(flat, i * Latent);
        }
        var z = tensor(flat, new long[] { latents.Count, Latent }).to(Device);
        var y = Network.Sample(z, edge).to(CPU).contiguous();
        var all = y.data<float>().ToArray();
        int n3 = edge * edge * edge;
        var result = new float[latents.Count][];
        for (int i = 0; i < latents.Count; i++) result[i] = all.AsSpan(i * n3, n3).ToArray();
        return result;
    }

    /// <summary>Whether this model's cubes get the paper's 3³ median filter (its card; older cards: yes).</summary>
    public bool MedianFilter => Card.MedianFilter ?? true;

    /// <summary>Binary cubes for a batch of latents: median filter + Otsu, or a fixed threshold.
    /// <paramref name="median"/> null follows the card (<see cref="ModelCard.MedianFilter"/>); the
    /// other post-processings are for comparing them (report gan).</summary>
    public Volume[] Generate(IReadOnlyList<float[]> latents, float? threshold = null, bool? median = null, int despeckle = 0, double smooth = 0, bool asTrained = false, int? despeckleSolid = null)
    {
        threshold ??= Card.Threshold;
        bool filter = median ?? MedianFilter;
        // a convolutional generator's cube is a piece of a stationary field: its median filter sees
        // the real neighbours of the face voxels (one voxel more per side), so a cube is post-processed
        // exactly as the same block inside a larger volume (with a fixed threshold)
        int margin = Card.Architecture.IsConvolutional && filter ? 1 : 0, edge = Size + 2 * margin;
        if (asTrained && margin > 0) throw new BadInputException("training-mode sampling is for the paper generator");
        var raw = asTrained ? ForwardAsTrained(latents) : Forward(latents, edge);
        var cubes = new Volume[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            if (smooth > 0) GaussianFilter.ApplyInPlace(raw[i], edge, edge, edge, smooth);
            var g = new GrayVolume(edge, edge, edge, Card.VoxelSize, raw[i]);
            var v = PostProcess(g, Card.VoxelSize, threshold, filter);
            cubes[i] = margin == 0 ? v : v.Crop(margin, margin, margin, Size, Size, Size);
            Despeckle.Apply(cubes[i], despeckle, despeckleSolid ?? despeckle);
        }
        return cubes;
    }

    public static Volume PostProcess(GrayVolume g, double voxelSize, float? threshold, bool median = true)
    {
        // Otsu needs two values; a cube the generator made all one phase keeps that phase.
        var (min, max) = g.Range();
        if (threshold is null && !(max > min))
        {
            var v = new Volume(g.Nz, g.Ny, g.Nx, voxelSize);
            if (min > 0) Array.Fill(v.Data, (byte)1);
            return v;
        }
        return Segmentation.BinarizeGrayscale(g, voxelSize, poreIsBright: true, threshold, median);
    }

    /// <summary>Settings every shipped model is calibrated with (see <see cref="Generator.CalibrateBatchNorm"/>).</summary>
    public const int CalibrationLatents = 16384, CalibrationBatches = 12, CalibrationBatchSize = 8;

    /// <summary>Re-estimates this model's batch-norm statistics; returns its card recording how.</summary>
    public ModelCard Calibrate(int seed) => Calibrate(Network, Card, seed);

    /// <summary>
    /// Local deformation of a convolutional generator: the latent entries (all channels) of the grid
    /// cells whose whole reach lies inside the voxel box [lo, hi) on every axis. A cell reaches
    /// 16(c − 2) − 30 … 16c + 15 of the uncropped output (3³ stem, four doublings), one voxel more
    /// for the 3³ median filter; so deforming only these entries leaves every voxel outside the box
    /// as it was.
    /// </summary>
    public bool[] LatentEntriesInside((int Lo, int Hi) z, (int Lo, int Hi) y, (int Lo, int Hi) x)
    {
        var arch = Card.Architecture;
        if (!arch.IsConvolutional) throw new BadInputException("local deformation needs a convolutional generator (its latent is a grid of cells)");
        int g = arch.LatentGrid(Size), offset = (GanArchitecture.ConvolutionalOutputEdge(g) - Size) / 2;
        List<int> Cells((int Lo, int Hi) r, string axis)
        {
            if (r.Lo < 0 || r.Hi > Size || r.Lo >= r.Hi) throw new BadInputException($"region {axis} {r.Lo}:{r.Hi} is empty or outside 0:{Size}");
            const int cell = GanArchitecture.VoxelsPerLatentCell;
            var cells = Enumerable.Range(0, g).Where(c => cell * (c - 2) - 30 - offset - 1 >= r.Lo && cell * c + 15 - offset + 1 < r.Hi).ToList();
            if (cells.Count == 0)
                throw new BadInputException($"region {axis} {r.Lo}:{r.Hi} is narrower than one latent cell's reach (80 voxels): no part of the latent changes only that region");
            return cells;
        }
        var cz = Cells(z, "z"); var cy = Cells(y, "y"); var cx = Cells(x, "x");
        var mask = new bool[Latent];
        for (int ch = 0; ch < arch.Latent; ch++)
            foreach (int a in cz) foreach (int b in cy) foreach (int c in cx) mask[((ch * g + a) * g + b) * g + c] = true; // row-major: channel, z, y, x
        return mask;
    }

    /// <summary>Re-estimates a generator's batch-norm statistics with the shipped settings; returns
    /// <paramref name="card"/> recording how (the trainer calls this on its live generator).</summary>
    public static ModelCard Calibrate(Generator network, ModelCard card, int seed)
    {
        network.CalibrateBatchNorm(new Random(seed), CalibrationLatents, CalibrationBatches, CalibrationBatchSize);
        return card with
        {
            BatchNormCalibration = $"first layer exact over {CalibrationLatents} latents, 3-D layers averaged over {CalibrationBatches} batches of {CalibrationBatchSize}, seed {seed}",
        };
    }

    public void Dispose() => Network.Dispose();
}
