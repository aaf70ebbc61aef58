using Spectre.Console;

namespace PorousActors.Cli;

/// <summary>
/// Progress of a long job. On a terminal: a Spectre.Console progress bar on stderr, redrawn by a
/// background thread, with the job's latest status line under it. Otherwise (a log file, a pipe, a
/// test reading stderr): the plain status lines, each written once, as they always were.
/// </summary>
public sealed class ProgressView : IDisposable
{
    readonly TextWriter plain;
    readonly bool live;
    readonly Thread? painter;
    readonly ManualResetEventSlim stop = new();
    readonly object gate = new();
    double value, total;
    string status = "";

    ProgressView(TextWriter plain, string title, double total, bool live)
    {
        this.plain = plain; this.total = total; this.live = live;
        if (!live) return;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        painter = new Thread(() => console.Progress()
            .AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                while (!stop.IsSet)
                {
                    lock (gate) { task.MaxValue = Math.Max(1, this.total); task.Value = value; task.Description = Markup.Escape(title + (status.Length > 0 ? "  " + status : "")); }
                    ctx.Refresh();
                    stop.Wait(250);
                }
                lock (gate) task.Value = value;
                ctx.Refresh();
            })) { IsBackground = true, Name = "progress" };
        painter.Start();
    }

    /// <summary>A bar when the command writes to the process's stderr on an interactive terminal; plain lines otherwise.</summary>
    public static ProgressView Start(CliIO io, string title, double total) => new(io.Err, title, total, IsTerminal(io, stdout: false));

    /// <summary>True when the command's stdout (or stderr) is the process's own and an interactive
    /// terminal, and POROUS_PLAIN_PROGRESS is not set: then tables and bars are drawn.</summary>
    public static bool IsTerminal(CliIO io, bool stdout) =>
        (stdout ? ReferenceEquals(io.Out, Console.Out) && !Console.IsOutputRedirected : ReferenceEquals(io.Err, Console.Error) && !Console.IsErrorRedirected)
        && Environment.GetEnvironmentVariable("POROUS_PLAIN_PROGRESS") is null && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Moves the bar to <paramref name="done"/> of the total (which may change) and shows
    /// <paramref name="compact"/> beside it; without a terminal, writes <paramref name="line"/>.</summary>
    public void Report(double done, string line, string compact, double? newTotal = null)
    {
        if (!live) { plain.WriteLine(line); return; }
        lock (gate) { value = done; status = compact; if (newTotal is { } t) total = t; }
    }

    public void Dispose()
    {
        stop.Set();
        painter?.Join();
    }
}
