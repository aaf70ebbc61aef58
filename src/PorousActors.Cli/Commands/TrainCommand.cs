using System.CommandLine;
using System.Globalization;
using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous train</c>: WGAN-GP training on sub-cubes of training volumes, with checkpoints.</summary>
public static class TrainCommand
{

    public static Command Build(CliIO io)
    {
        var data = new Option<string[]>("--data") { Description = "Training volume(s), any format `analyze` reads", Required = true, AllowMultipleArgumentsPerToken = true };
        var poreValue = new Option<double?>("--pore-value") { Description = "Pore value of the training images (Berea: 0)" };
        var voxel = VolumeInputOptions.VoxelSizeOption();
        var crop = new Option<string?>("--crop") { Description = "Train on this region of every --data volume: z0:z1,y0:y1,x0:x1 in voxels, end exclusive (an empty bound = the edge)" };
        var downsample = new Option<int>("--downsample") { Description = "Coarsen the training volumes by a whole factor (f³ blocks → one voxel, pore when at least half is pore); the voxel size grows by f", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--size") { Description = "Cube edge: 32, 64 or 128", DefaultValueFactory = _ => 64 };
        var stride = new Option<int>("--stride") { Description = "Shift between overlapping training cubes, voxels (paper: ~30 at 128³)", DefaultValueFactory = _ => 16 };
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 8 };
        var iterations = new Option<int>("--iterations") { Description = "Total generator iterations to reach (a resumed run continues up to this)", DefaultValueFactory = _ => 1000 };
        var critic = new Option<string>("--critic") { Description = "'lean' (fast on CPU) or 'paper'", DefaultValueFactory = _ => "lean" };
        var generator = new Option<string>("--generator") { Description = "'paper' (latent vector, fixed cube size) or 'convolutional' (latent grid, any output size; --init-generator from a paper model copies its doublings)", DefaultValueFactory = _ => "paper" };
        var genLr = new Option<double?>("--generator-lr") { Description = "Generator learning rate (default 5e-4, the paper's; lower for fine-tuning a warm start)" };
        var every = new Option<int>("--checkpoint-every") { Description = "Write a checkpoint every N iterations", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and data give the same run on CPU", DefaultValueFactory = _ => 1 };
        var noAugment = new Option<bool>("--no-augment") { Description = "Do not apply random flips and axis permutations to training cubes" };
        var resume = new Option<string?>("--resume") { Description = "Continue exactly from this checkpoint (architecture and options come from it)" };
        var init = new Option<string?>("--init-generator") { Description = "Warm start: generator weights and iteration count from a model file (critic and optimisers start fresh)" };
        var ema = new Option<double?>("--ema") { Description = "Decay of the exponential moving average of generator weights that model files sample from; 0 = off (default 0.995 for a new run; a resumed run keeps its own unless given)" };
        var snapshotEvery = new Option<int>("--snapshot-every") { Description = "Also keep a calibrated generator snapshot every N iterations in OUT/snapshots/ (for checkpoint screening); 0 = none", DefaultValueFactory = _ => 0 };
        var sees = new Option<string?>("--critic-sees") { Description = "What the critic is shown of a generated cube: 'tanh' (the paper: the soft output) or 'binary' (its sign, straight-through gradient: the cube as it is evaluated). New runs only" };
        var halfLife = new Option<double?>("--generator-lr-half-life") { Description = "Halve the generator's learning rate every N iterations from where this run starts (0 or absent = constant, the paper); holds a fine-tune's early gains. New runs only" };
        var criticHalfLife = new Option<double?>("--critic-lr-half-life") { Description = "Halve the critic's learning rate every N iterations from where this run starts (0 or absent = constant, the paper). New runs only" };
        var lineal = new Option<double?>("--lineal-path-weight") { Description = "Weight of the lineal-path term: the squared relative gap between the batch's lineal path L(r) (r = 1, 5, 10, 15, 20 voxels in a row all pore) and the training rock's (0 = off, the paper). New runs only" };
        var linealLengths = new Option<string?>("--lineal-path-lengths") { Description = "Segment lengths in voxels the lineal-path term compares, ascending, e.g. 1,2,5,10,15,20 (default 1,5,10,15,20; 2 is S2 at one voxel, which with 1 holds the specific surface, so runs cannot lengthen by coarsening). New runs only" };
        var euler = new Option<double?>("--euler-weight") { Description = "Weight of the Euler term: the squared gap between the batch's mean Euler characteristic (26-connected pores) and the training rock's, in units of the rock's spread between cubes (0 = off, the paper). New runs only" };
        var poreSize = new Option<double?>("--pore-size-weight") { Description = "Weight of the pore-size term: the squared relative gap between the batch's E(r), the fraction of voxels whose whole (2r+1)³ cube is pore, and the training rock's, at r = 1, 2, 3 voxels (0 = off, the paper). Holds the pore sizes while other terms change the topology. New runs only" };
        var poreRadii = new Option<string?>("--pore-size-radii") { Description = "Erosion half-widths in voxels the pore-size term compares, ascending (default 1,2,3). New runs only" };
        var conductance = new Option<double?>("--conductance-weight") { Description = "Weight of the conductance term: the squared gap between the batch's mean ln effective conductivity (pore 1, solid 0.001, one axis per iteration; 1/F, F the formation factor) and the training rock's at the same porosity, in units of the rock's spread about its line (0 = off, the paper). Asks for the rock's connectivity; ~1 s of solves per cube per iteration. New runs only" };
        var retries = new Option<int>("--retries-on-divergence") { Description = "How many times a step whose loss is not a number is met by resuming from the last checkpoint (the iterations since it are trained again) before the run stops with an error", DefaultValueFactory = _ => 3 };
        var poreBody = new Option<double?>("--pore-body-weight") { Description = "Weight of the pore-body term: the squared gap between the batch's mean inscribed pore diameter (each cube's SNOW network, thresholded at 0) and the training rock's, in units of the rock's spread over cubes (0 = off, the paper). Holds the pore bodies the forward model measures while other terms raise k; ~0.1 s per cube per iteration. New runs only" };
        var conductanceLocal = new Option<bool>("--conductance-local") { Description = "With --conductance-weight: each pore voxel conducts by the square of the pore fraction of its 3³ neighbourhood, so thin bridges count little, as in flow. New runs only" };
        var conductanceQuantiles = new Option<bool>("--conductance-quantiles") { Description = "With --conductance-weight: match the rock's spread of ln conductivity about its porosity line, not only its mean: the cube with the i-th lowest residual in the batch is asked for the rock's quantile at (i + 1/2)/batch (Huber beyond 2 spreads), so cubes whose pores do not span are pushed to join them. New runs only" };
        var surface = new Option<double?>("--surface-weight") { Description = "Weight of the surface term: the squared gap between the batch's mean fraction of face-adjacent voxel pairs split by the pore-solid interface (thresholded at 0) and the training rock's, in units of the rock's spread over cubes (0 = off, the paper). Holds the specific surface. New runs only" };
        var throat = new Option<double?>("--throat-weight") { Description = "Weight of the throat term: the squared gap between the batch's mean inscribed throat diameter (each cube's SNOW network, thresholded at 0) and the training rock's, in units of the rock's spread over cubes (0 = off, the paper); ~0.1 s per cube per iteration. New runs only" };
        var spanning = new Option<double?>("--spanning-weight") { Description = "Weight of the spanning term: the squared gap between the batch's mean share of axes along which a cube's face-connected pore (thresholded at 0) joins its first plane to its last and the training rock's, in units of the rock's spread over cubes (0 = off, the paper). Only opens the fewest solid voxels that would join an unspanned cube's faces. New runs only" };
        var porosityQuantiles = new Option<bool>("--porosity-quantiles") { Description = "With --porosity-weight: match the rock's spread of porosity between cubes, not only its mean: the cube with the i-th lowest porosity in the batch is asked for the rock's expected i-th lowest of a batch. New runs only" };
        var porosityW = new Option<double?>("--porosity-weight") { Description = "Weight of the porosity term: the squared gap between the batch's porosity (thresholded at 0) and the training rock's mean, in units of the rock's spread of porosity between cubes (0 = off, the paper). Holds φ while other terms reshape the pore space. New runs only" };
        var profile = new Option<double?>("--profile-weight") { Description = "Weight of the plane-profile term: pushes every plane of the generated cube towards the same mean porosity, as in a rock cut at random places (0 = off, the paper; ~100 is comparable to the critic's pull). New runs only" };
        var warmup = new Option<int>("--critic-warmup") { Description = "With --init-generator: critic-only steps before the first generator update (a fresh critic first learns to judge the warm generator)", DefaultValueFactory = _ => 0 };
        var dataset = VolumeInputOptions.DatasetOption();
        var device = DeviceOptions.Create();
        var output = new Option<string>("--out") { Description = "Output folder: checkpoint.ckpt, generator.model, curve.csv", Required = true };
        var cmd = new Command("train", "Train a 3-D WGAN-GP generator of binary rock cubes (Adam: critic lr 1e-4, generator lr 5e-4, betas (0, 0.9); 5 critic steps; λ = 10)")
            { data, poreValue, voxel, dataset, crop, downsample, size, stride, batch, iterations, critic, generator, genLr, every, seed, noAugment, resume, init, ema, snapshotEvery, sees, profile, lineal, linealLengths, euler, poreSize, poreRadii, conductance, conductanceLocal, conductanceQuantiles, poreBody, surface, throat, spanning, porosityW, porosityQuantiles, retries, halfLife, criticHalfLife, warmup, device, output };
        cmd.SetAction(p => io.Guard(() =>
        {
            string outDir = p.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            // options that shape a new run only: a resumed run takes them from its checkpoint
            if (p.GetValue(resume) is not null)
            {
                (bool Given, string Kept, string Flags)[] newRunOnly =
                [
                    (p.GetValue(profile) is not null, "its plane-profile weight", "--profile-weight"),
                    (p.GetValue(sees) is not null, "what its critic sees", "--critic-sees"),
                    (p.GetValue(halfLife) is not null, "its learning-rate half-life", "--generator-lr-half-life"),
                    (p.GetValue(criticHalfLife) is not null, "its critic's learning-rate half-life", "--critic-lr-half-life"),
                    (p.GetValue(genLr) is not null, "its learning rates", "--generator-lr"),
                    (p.GetValue(lineal) is not null || p.GetValue(linealLengths) is not null, "its lineal-path term", "--lineal-path-weight and --lineal-path-lengths"),
                    (p.GetValue(poreSize) is not null || p.GetValue(poreRadii) is not null, "its pore-size term", "--pore-size-weight and --pore-size-radii"),
                    (p.GetValue(euler) is not null, "its Euler weight", "--euler-weight"),
                    (p.GetValue(conductance) is not null, "its conductance weight", "--conductance-weight"),
                    (p.GetValue(poreBody) is not null, "its pore-body weight", "--pore-body-weight"),
                    (p.GetValue(surface) is not null, "its surface weight", "--surface-weight"),
                    (p.GetValue(throat) is not null, "its throat weight", "--throat-weight"),
                    (p.GetValue(spanning) is not null, "its spanning weight", "--spanning-weight"),
                    (p.GetValue(porosityW) is not null, "its porosity weight", "--porosity-weight"),
                ];
                foreach (var o in newRunOnly)
                    if (o.Given) throw new BadInputException($"a resumed run keeps {o.Kept} from its checkpoint ({o.Flags}: new runs only)");
            }
            if (p.GetValue(poreRadii) is not null && p.GetValue(poreSize) is null) throw new BadInputException("--pore-size-radii needs --pore-size-weight");
            if (p.GetValue(conductanceLocal) && (p.GetValue(resume) is not null || p.GetValue(conductance) is null)) throw new BadInputException("--conductance-local applies to a new run with --conductance-weight");
            if (p.GetValue(conductanceQuantiles) && (p.GetValue(resume) is not null || p.GetValue(conductance) is null)) throw new BadInputException("--conductance-quantiles applies to a new run with --conductance-weight");
            if (p.GetValue(porosityQuantiles) && (p.GetValue(resume) is not null || p.GetValue(porosityW) is null)) throw new BadInputException("--porosity-quantiles applies to a new run with --porosity-weight");
            if (p.GetValue(linealLengths) is not null && p.GetValue(lineal) is null) throw new BadInputException("--lineal-path-lengths needs --lineal-path-weight");
            io.Err.WriteLine($"loading {p.GetValue(data)!.Length} training volume(s)");
            var volumes = p.GetValue(data)!.Select(f =>
            {
                var v = VolumeIO.ReadBinary(f, new ReadOptions(VoxelSize: VolumeInputOptions.ParseVoxelSize(p.GetValue(voxel)), PoreValue: p.GetValue(poreValue), Dataset: p.GetValue(dataset)));
                if (p.GetValue(crop) is { } c) v = Resampling.Crop(v, c);
                return Resampling.Downsample(v, p.GetValue(downsample));
            }).ToList();
            using var trainer = p.GetValue(resume) is { } ck
                ? WganTrainer.Resume(ck, Devices.One(p.GetValue(device)), p.GetValue(ema))
                : new WganTrainer(new GanArchitecture(p.GetValue(size), 20, p.GetValue(critic)!, p.GetValue(generator)!),
                                  new TrainingOptions { Batch = p.GetValue(batch), Seed = p.GetValue(seed), Augment = !p.GetValue(noAugment), EmaDecay = p.GetValue(ema) ?? 0.995, GeneratorLr = p.GetValue(genLr) ?? 5e-4, CriticSees = p.GetValue(sees), ProfileWeight = p.GetValue(profile) ?? 0, GeneratorLrHalfLife = p.GetValue(halfLife) ?? 0, CriticLrHalfLife = p.GetValue(criticHalfLife) ?? 0, LinealPathWeight = p.GetValue(lineal) ?? 0, LinealPathLengths = ParseLengths(p.GetValue(linealLengths), "--lineal-path-lengths"), EulerWeight = p.GetValue(euler) ?? 0, PoreSizeWeight = p.GetValue(poreSize) ?? 0, PoreSizeRadii = ParseLengths(p.GetValue(poreRadii), "--pore-size-radii"), ConductanceWeight = p.GetValue(conductance) ?? 0, ConductanceLocal = p.GetValue(conductanceLocal), ConductanceQuantiles = p.GetValue(conductanceQuantiles), PoreBodyWeight = p.GetValue(poreBody) ?? 0, SurfaceWeight = p.GetValue(surface) ?? 0, ThroatWeight = p.GetValue(throat) ?? 0, SpanningWeight = p.GetValue(spanning) ?? 0, PorosityWeight = p.GetValue(porosityW) ?? 0, PorosityQuantiles = p.GetValue(porosityQuantiles) }, Devices.One(p.GetValue(device)));
            if (p.GetValue(init) is { } initPath)
            {
                if (p.GetValue(resume) is not null) throw new BadInputException("give --resume or --init-generator, not both");
                using var warm = GeneratorModel.Load(initPath);
                trainer.InitGenerator(warm, Path.GetFileName(initPath));
            }
            var set = new TrainingData(volumes, trainer.Architecture.Size, p.GetValue(stride));
            int target = p.GetValue(iterations);
            if (p.GetValue(init) is not null && p.GetValue(warmup) > 0)
            {
                int steps = p.GetValue(warmup);
                trainer.WarmUpCritic(set, steps, (k, w) => { if (k % 20 == 0 || k == steps) io.Err.WriteLine($"critic warm-up {k}/{steps}  W {w:F3}"); });
            }
            io.Err.WriteLine($"training {trainer.Architecture.Size}³ ({trainer.Architecture.Generator} generator, {trainer.Architecture.Critic} critic) on {set.Count} cubes (stride {set.Stride}) " +
                             $"at {Fmt.G(set.VoxelSize)} m, batch {trainer.Options.Batch}, from iteration {trainer.Iteration} to {target}");
            if (p.GetValue(retries) < 0) throw new BadInputException($"--retries-on-divergence must be >= 0, got {p.GetValue(retries)}");
            using var run = new TrainingRun(trainer, set, outDir, string.Join(", ", p.GetValue(data)!.Select(Path.GetFileName)))
            {
                CheckpointEvery = p.GetValue(every), SnapshotEvery = p.GetValue(snapshotEvery), Log = io.Err.WriteLine,
                RetriesOnDivergence = p.GetValue(retries), ResumeFrom = path => WganTrainer.Resume(path, Devices.One(p.GetValue(device))),
            };
            using (var view = ProgressView.Start(io, "training", target))
                run.Run(target, (s, itPerS) =>
                {
                    var eta = TimeSpan.FromSeconds((target - s.Iteration) / itPerS);
                    view.Report(s.Iteration, $"iter {s.Iteration}/{target}  critic {s.CriticLoss:F3}  gen {s.GeneratorLoss:F3}  W {s.Wasserstein:F3}  GP {s.GradientPenalty:F3}  {itPerS:F2} it/s  ETA {eta:hh\\:mm\\:ss}",
                        $"{s.Iteration}/{target}, W {s.Wasserstein:F3}, {itPerS:F2} it/s");
                });
            io.Out.WriteLine($"trained to iteration {run.Trainer.Iteration} in {run.Trainer.WallSeconds:F0} s; wrote {run.ModelPath}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>"1,2,5" → [1, 2, 5]; null stays null (the default lengths). Order is checked by the options.</summary>
    static int[]? ParseLengths(string? text, string option) => text?.Split(',').Select(t =>
        int.TryParse(t.Trim(), out int r) ? r : throw new BadInputException($"{option} takes whole numbers of voxels separated by commas, got '{text}'")).ToArray();
}
