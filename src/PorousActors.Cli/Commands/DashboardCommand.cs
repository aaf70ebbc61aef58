using System.CommandLine;
using Akka.Actor;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Telemetry;
using PorousActors.Dashboard;

namespace PorousActors.Cli.Commands;

/// <summary>The --log option of `campaign run|resume` and `node`: the actor system's log file.</summary>
public static class LogOption
{
    public static Option<string?> Create(string defaultText) => new("--log") { Description = $"Log file of the actor runtime (INFO and above; warnings also on stderr). Default: {defaultText}; env POROUS_LOG" };

    public static Akka.Configuration.Config ConfigFor(string? given, string fallbackPath) =>
        Actors.Telemetry.FileLogger.ConfigFor(given ?? (Environment.GetEnvironmentVariable("POROUS_LOG") is { Length: > 0 } e ? e : fallbackPath));
}

/// <summary>The --http-port, --http-bind and --http-token options of `campaign run|resume` and `node`.</summary>
public sealed class HttpOptions
{
    public Option<int?> Port { get; } = new("--http-port") { Description = "Serve the live dashboard, JSON API and Prometheus /metrics on this port (0 = any free port)" };
    public Option<string> Bind { get; } = new("--http-bind") { Description = "Address the dashboard listens on; any but loopback needs --http-token", DefaultValueFactory = _ => "127.0.0.1" };
    public Option<string?> Token { get; } = new("--http-token") { Description = $"Token every dashboard request must carry (Bearer header, or ?token= once in the browser); env {DashboardOptions.TokenVariable}" };

    public void AddTo(Command c) { c.Options.Add(Port); c.Options.Add(Bind); c.Options.Add(Token); }

    /// <summary>The dashboard's options, or null when no port was given; checked before any work starts.</summary>
    public DashboardOptions? From(ParseResult p)
    {
        if (p.GetValue(Port) is not { } port) return null;
        var o = new DashboardOptions(p.GetValue(Bind)!, port, DashboardOptions.TokenOrEnvironment(p.GetValue(Token)));
        try { o.Validate(); }
        catch (Core.BadInputException e) { throw new Core.BadInputException("--http-*: " + e.Message); }
        return o;
    }

    /// <summary>Starts the dashboard for a campaign running in this process (or cluster).</summary>
    public static DashboardServer StartLive(CliIO io, DashboardOptions o, ActorSystem system, string campaign, string outputDir, Func<IActorRef?> supervisor)
    {
        var observer = new CampaignObserver(system, campaign, outputDir, live: true, async () =>
            supervisor() is { } s ? await s.Ask<CampaignStatus>(GetLiveStatus.Instance, TimeSpan.FromSeconds(10)) : null);
        var server = DashboardServer.StartAsync(observer, o).GetAwaiter().GetResult();
        io.Err.WriteLine($"dashboard: {server.Url} (metrics at {new Uri(server.Url, "metrics")})");
        return server;
    }
}

/// <summary><c>porous campaign serve NAME</c>: the dashboard for a campaign in any state, read from its journal.</summary>
public static class CampaignServeCommand
{
    public static Command Build(CliIO io, Option<string?> journalOption, Option<string> outOption, Func<string, string?, string> outputDir)
    {
        var name = new Argument<string>("NAME") { Description = "Campaign name" };
        var port = new Option<int>("--port") { Description = "Port (0 = any free port)", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on; any but loopback needs --token", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = $"Token every request must carry (Bearer header, or ?token= once in the browser); env {DashboardOptions.TokenVariable}" };
        var c = new Command("serve", "Serve a read-only dashboard, JSON API and Prometheus /metrics for a campaign in any state (running elsewhere, finished or interrupted), read from its journal, until Ctrl-C")
            { name, port, bind, token, journalOption, outOption };
        c.SetAction(p => io.Guard(() =>
        {
            string n = p.GetValue(name)!;
            var options = new DashboardOptions(p.GetValue(bind)!, p.GetValue(port), DashboardOptions.TokenOrEnvironment(p.GetValue(token)));
            options.Validate();
            var journal = JournalLocation.Parse(p.GetValue(journalOption), n);
            journal.CheckOwnership(n, mustExist: true);
            string dir = outputDir(n, p.GetValue(outOption));
            var host = new CampaignHost(n, dir, journal, new InspectOnlyGenerator(), new Conditioning.PnmForwardModel());
            try
            {
                var observer = new CampaignObserver(host.System, n, dir, live: false, () => host.InspectFromJournalAsync(TimeSpan.FromMinutes(2)));
                var first = observer.StatusAsync().GetAwaiter().GetResult();
                if (first?.Definition is null) throw new Core.BadInputException($"no campaign '{n}' in the journal");
                using var stop = new CancellationTokenSource();
                using var signals = Core.StopSignals.On(stop.Cancel);
                var server = DashboardServer.StartAsync(observer, options).GetAwaiter().GetResult();
                try
                {
                    io.Out.WriteLine($"dashboard for campaign {n}: {server.Url}{(options.Token is null ? "" : "?token=…")} (read-only; Ctrl-C stops)");
                    io.Out.Flush();
                    stop.Token.WaitHandle.WaitOne();
                }
                finally { server.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
                return 0;
            }
            finally { host.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        }));
        return c;
    }

    sealed class InspectOnlyGenerator : Conditioning.IGenerator
    {
        public int LatentSize => 1;
        public IReadOnlyList<Core.Volume> Generate(IReadOnlyList<float[]> latents) => throw new InvalidOperationException("the dashboard generates nothing");
    }
}
