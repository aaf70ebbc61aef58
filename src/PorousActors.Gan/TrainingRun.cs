using System.Globalization;

namespace PorousActors.Gan;

/// <summary>
/// A training run writing to one folder: <c>curve.csv</c> (one row per iteration: the paper's Fig. 11),
/// <c>checkpoint.ckpt</c> and <c>generator.model</c> every <see cref="CheckpointEvery"/> iterations and
/// at the end, and calibrated snapshots in <c>snapshots/</c> every <see cref="SnapshotEvery"/> (for
/// checkpoint screening). A resumed run appends to its curve.
/// </summary>
public sealed class TrainingRun(WganTrainer trainer, TrainingData data, string outDir, string dataNames) : IDisposable
{
    /// <summary>How many times a step whose loss is not a number is met by resuming from the last
    /// checkpoint (0: stop at once). Such steps have come and gone on a rerun of the same iteration
    /// from the same checkpoint (seen at iteration 876 of a Berea run), so an unattended run retries.</summary>
    public int RetriesOnDivergence { get; init; }
    /// <summary>Loads a checkpoint to retry from (the device to put it on); default <see cref="WganTrainer.Resume"/>.</summary>
    public Func<string, WganTrainer>? ResumeFrom { get; init; }
    /// <summary>The trainer now training: the one given, or the last one resumed after a divergence.</summary>
    public WganTrainer Trainer => trainer;
    WganTrainer? resumed; // owned by the run: the caller's trainer is the caller's to dispose
    int retried;          // over the run's whole life, not per call of Run

    /// <summary>Seed of the latents that calibrate batch-norm statistics in model files.</summary>
    public const int CalibrationSeed = 1;

    public int CheckpointEvery { get; init; } = 50;
    public int SnapshotEvery { get; init; }
    /// <summary>Told what is being written (calibration takes seconds).</summary>
    public Action<string>? Log { get; init; }

    public string CurvePath => Path.Combine(outDir, "curve.csv");
    static readonly string[] CurveHeader = ["iteration", "critic_loss", "generator_loss", "wasserstein", "gradient_penalty", "seconds"];
    public string ModelPath => Path.Combine(outDir, "generator.model");

    /// <summary>The model card of the run as it stands.</summary>
    public ModelCard Card() => new()
    {
        Architecture = trainer.Architecture, VoxelSize = data.VoxelSize,
        EmaDecay = trainer.Ema is null ? null : trainer.Options.EmaDecay, InitialisedFrom = trainer.InitialisedFrom,
        // a critic shown sign(x) judged the cube thresholded at 0 and unfiltered: sample it the same way
        Threshold = trainer.Architecture.IsConvolutional || trainer.Options.CriticSeesBinary ? 0f : null,
        MedianFilter = trainer.Options.CriticSeesBinary ? false : null,
        CriticSees = trainer.Options.CriticSeesBinary ? "binary" : null,
        ProfileWeight = trainer.Options.ProfileWeight > 0 ? trainer.Options.ProfileWeight : null,
        GeneratorLr = trainer.Options.GeneratorLr,
        GeneratorLrHalfLife = trainer.Options.GeneratorLrHalfLife > 0 ? trainer.Options.GeneratorLrHalfLife : null,
        CriticLrHalfLife = trainer.Options.CriticLrHalfLife > 0 ? trainer.Options.CriticLrHalfLife : null,
        LinealPathWeight = trainer.Options.LinealPathWeight > 0 ? trainer.Options.LinealPathWeight : null,
        LinealPathLengths = trainer.Options.LinealPathWeight > 0 ? trainer.Options.LinealPathLengths : null,
        EulerWeight = trainer.Options.EulerWeight > 0 ? trainer.Options.EulerWeight : null,
        PoreSizeWeight = trainer.Options.PoreSizeWeight > 0 ? trainer.Options.PoreSizeWeight : null,
        PoreSizeRadii = trainer.Options.PoreSizeWeight > 0 ? trainer.Options.PoreSizeRadiiUsed : null,
        ConductanceWeight = trainer.Options.ConductanceWeight > 0 ? trainer.Options.ConductanceWeight : null,
        ConductanceLocal = trainer.Options.ConductanceWeight > 0 && trainer.Options.ConductanceLocal ? true : null,
        ConductanceQuantiles = trainer.Options.ConductanceWeight > 0 && trainer.Options.ConductanceQuantiles ? true : null,
        PoreBodyWeight = trainer.Options.PoreBodyWeight > 0 ? trainer.Options.PoreBodyWeight : null,
        SurfaceWeight = trainer.Options.SurfaceWeight > 0 ? trainer.Options.SurfaceWeight : null,
        ThroatWeight = trainer.Options.ThroatWeight > 0 ? trainer.Options.ThroatWeight : null,
        SpanningWeight = trainer.Options.SpanningWeight > 0 ? trainer.Options.SpanningWeight : null,
        PorosityWeight = trainer.Options.PorosityWeight > 0 ? trainer.Options.PorosityWeight : null,
        PorosityQuantiles = trainer.Options.PorosityWeight > 0 && trainer.Options.PorosityQuantiles ? true : null,
        GeneratorParameters = ParameterCount.Of(trainer.G), CriticParameters = ParameterCount.Of(trainer.D),
        TrainingData = dataNames, Stride = data.Stride, TrainingCubes = data.Count,
        Iterations = trainer.Iteration, WallTimeSeconds = Math.Round(trainer.WallSeconds, 1),
        FinalLosses = trainer.Last is { } l ? new() { ["critic"] = l.CriticLoss, ["generator"] = l.GeneratorLoss, ["wasserstein"] = l.Wasserstein, ["gradientPenalty"] = l.GradientPenalty } : null,
    };

    /// <summary>Trains to <paramref name="target"/> iterations, calling <paramref name="onStep"/> after each
    /// with the iteration rate over the last 20 iterations.</summary>
    public void Run(int target, Action<IterationStats, double> onStep)
    {
        Directory.CreateDirectory(outDir);
        if (!File.Exists(CurvePath) || trainer.Iteration == 0) Core.IO.CsvTable.Write(CurvePath, CurveHeader, []);
        var window = new Queue<double>();
        while (trainer.Iteration < target)
        {
            var s = trainer.Step(data);
            // a diverged step has already written NaN into the weights: stop before any file is overwritten
            if (!(double.IsFinite(s.CriticLoss) && double.IsFinite(s.GeneratorLoss) && double.IsFinite(s.Wasserstein) && double.IsFinite(s.GradientPenalty)))
            {
                string checkpoint = Path.Combine(outDir, "checkpoint.ckpt");
                var diverged = new TrainingDivergedException(s, File.Exists(checkpoint));
                if (retried >= RetriesOnDivergence || !File.Exists(checkpoint)) throw diverged;
                retried++;
                var next = (ResumeFrom ?? (path => WganTrainer.Resume(path)))(checkpoint);
                Log?.Invoke($"warning: {diverged.Message}. Resumed from iteration {next.Iteration} (retry {retried} of {RetriesOnDivergence})");
                resumed?.Dispose();
                trainer = resumed = next;
                TrimCurve(next.Iteration);
                window.Clear();
                continue;
            }
            Core.IO.CsvTable.Write(CurvePath, CurveHeader, [new double[] { s.Iteration, s.CriticLoss, s.GeneratorLoss, s.Wasserstein, s.GradientPenalty, s.Seconds }.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)).ToArray()], append: true);
            window.Enqueue(s.Seconds); if (window.Count > 20) window.Dequeue();
            onStep(s, 1 / window.Average());
            if (s.Iteration % CheckpointEvery == 0) Save();
            if (SnapshotEvery > 0 && s.Iteration % SnapshotEvery == 0)
            {
                Directory.CreateDirectory(Path.Combine(outDir, "snapshots"));
                SaveModel(Path.Combine(outDir, "snapshots", $"generator-{s.Iteration:D5}.model"));
            }
        }
        Save();
    }

    /// <summary>Drops the curve's rows after <paramref name="iteration"/>: a retried stretch is written again.</summary>
    void TrimCurve(int iteration)
    {
        var lines = File.ReadAllLines(CurvePath);
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => double.TryParse(l.Split(',')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double it) && it <= iteration));
        File.WriteAllLines(CurvePath, kept);
    }

    public void Dispose() => resumed?.Dispose();

    /// <summary>Checkpoint (exact resume) and model file.</summary>
    public void Save()
    {
        trainer.SaveCheckpoint(Path.Combine(outDir, "checkpoint.ckpt"), Card());
        SaveModel(ModelPath);
    }

    void SaveModel(string path)
    {
        // the model file samples in eval mode from the EMA copy when there is one: calibrate its
        // batch-norm statistics, keep the run's own (so a resumed run continues exactly)
        Log?.Invoke($"calibrating batch-norm statistics for {path}");
        using (trainer.Sampler.PreserveBatchNormStatistics())
        {
            new GeneratorModel(trainer.Sampler, GeneratorModel.Calibrate(trainer.Sampler, Card(), CalibrationSeed)).Save(path);
        }
        trainer.G.train();
    }
}

/// <summary>A training step gave a loss that is not a number: nothing of that step was saved.</summary>
public sealed class TrainingDivergedException(IterationStats s, bool checkpointKept) : Exception(
    $"training diverged at iteration {s.Iteration} (critic loss {s.CriticLoss}, generator loss {s.GeneratorLoss}, gradient penalty {s.GradientPenalty}); nothing of it was saved" +
    (checkpointKept ? ": the last checkpoint is intact, resume from it (--resume), with another --seed or a lower learning rate if it recurs" : ": no checkpoint had been written yet; start again with another --seed or a lower learning rate"))
{
    public IterationStats Stats { get; } = s;
}
