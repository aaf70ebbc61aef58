using System.CommandLine;
using PorousActors.Cli.Commands;
using PorousActors.Core;

namespace PorousActors.Cli;

/// <summary>
/// The <c>porous</c> command. Exit codes: 0 success, 2 bad input (the one-line message says what
/// to fix), 1 any other failure.
/// </summary>
public static class PorousCli
{
    public const int ExitBadInput = 2;
    public const int ExitFailure = 1;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var io = new CliIO(output, error);
#if ANALYZE_ONLY
        // porous-analyze: `porous analyze` alone, compiled ahead of time (src/PorousActors.Analyze)
        var analyze = AnalyzeCommand.Build(io);
        var root = new RootCommand("porous-analyze: " + analyze.Description + ". The same as `porous analyze`, compiled ahead of time for a fast start; --flow voxel and --psd are only in porous");
        foreach (var o in analyze.Options) root.Options.Add(o);
        foreach (var a in analyze.Arguments) root.Arguments.Add(a);
        root.Action = analyze.Action;
#else
        var root = new RootCommand(
            "porous: digital rock for pore-scale studies. Generates 3-D binary pore structures, computes their " +
            "properties (porosity, specific surface, Euler characteristic, pore-network permeability and pore/throat " +
            "sizes) and conditions generated rock on measured targets. Volumes: 1 = pore, 0 = solid, voxel size in metres.");
        root.Subcommands.Add(SynthCommand.Build(io));
        root.Subcommands.Add(AnalyzeCommand.Build(io));
        root.Subcommands.Add(SlicesCommand.Build(io));
        root.Subcommands.Add(DemoCommand.Build(io));
        root.Subcommands.Add(TorchCheckCommand.Build(io));
        root.Subcommands.Add(ModelCommand.Build(io));
        root.Subcommands.Add(TrainCommand.Build(io));
        root.Subcommands.Add(GenerateCommand.Build(io));
        root.Subcommands.Add(ConditionCommand.Build(io));
        root.Subcommands.Add(CampaignCommand.Build(io));
        root.Subcommands.Add(ReportCommand.Build(io));
        root.Subcommands.Add(NodeCommand.Build(io));
        root.Subcommands.Add(new Command("bench", "Benchmarks on your machine and model") { BenchThroughputCommand.Build(io), BenchConditioningCommand.Build(io), BenchVoxelFlowCommand.Build(io) });

#endif
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
#if ANALYZE_ONLY
            error.WriteLine("error: " + parse.Errors[0].Message + " (see porous-analyze --help)");
#else
            error.WriteLine("error: " + parse.Errors[0].Message + " (see porous --help)");
#endif
            return ExitBadInput;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}

/// <summary>Where a command writes, plus the shared error policy.</summary>
public sealed class CliIO(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;
    public TextWriter Err { get; } = error;

    /// <summary>Runs a command body, turning exceptions into one-line errors and exit codes.</summary>
    public int Guard(Func<int> body)
    {
        try { return body(); }
        catch (BadInputException e) { Err.WriteLine("error: " + OneLine(e.Message) + (OptionFor(e.Field) is { } o ? $" [{o}]" : "")); return PorousCli.ExitBadInput; }
#if !ANALYZE_ONLY
        catch (PorousActors.Actors.Campaigns.CampaignStoppedException e) { Err.WriteLine("error: " + OneLine(e.Message) + "; the journal keeps all accepted work: fix the cause and run `porous campaign resume`"); return PorousCli.ExitFailure; }
        catch (Gan.TrainingDivergedException e) { Err.WriteLine("error: " + OneLine(e.Message)); return PorousCli.ExitFailure; }
#endif
        catch (OperationCanceledException) { Err.WriteLine("error: cancelled"); return PorousCli.ExitFailure; }
        catch (Exception e) { Err.WriteLine($"error: {e.GetType().Name}: {OneLine(e.Message)}"); return PorousCli.ExitFailure; }
    }

    static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    /// <summary>The option that gives what a bad-input message is about (the layers below name no options).</summary>
    internal static string? OptionFor(InputField field) => field switch
    {
        InputField.VoxelSize => "--voxel-size",
        InputField.AnyVoxelSize => "--any-voxel-size",
        InputField.PoreValue => "--pore-value",
        InputField.Shape => "--shape",
        InputField.Dtype => "--dtype",
        InputField.Dataset => "--dataset",
        InputField.Crop => "--crop",
        InputField.Downsample => "--downsample",
        InputField.Journal => "--journal",
        InputField.Port => "--port",
        InputField.Model => "--model",
        InputField.MaxEvaluations => "--max-evaluations",
        InputField.Target => "--target",
        InputField.Targets => "--targets",
        InputField.CubeFormat => "--format",
        InputField.Size => "--size",
        InputField.Device => "--device",
        InputField.InitGenerator => "--init-generator",
        InputField.CampaignName => "--name",
        _ => null,
    };
}
