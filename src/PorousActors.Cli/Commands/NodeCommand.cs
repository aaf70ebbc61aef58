using System.CommandLine;
using Akka.Actor;
using Akka.Configuration;
using PorousActors.Actors;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Cluster;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous node</c>: one Akka.Cluster node of a multi-node campaign.</summary>
public static class NodeCommand
{
    public static Command Build(CliIO io)
    {
        string? Env(string n) => Environment.GetEnvironmentVariable(n) is { Length: > 0 } v ? v : null;
        var roles = new Option<string?>("--roles") { Description = "Comma-separated: generator (runs the generator), pnm (forward-simulation workers), supervisor (may host the campaign singleton). Env: POROUS_ROLES" };
        var host = new Option<string?>("--hostname") { Description = "Address other nodes reach this one at (default 127.0.0.1). Env: POROUS_HOSTNAME" };
        var port = new Option<int?>("--port") { Description = "TCP port (default: any free). Env: POROUS_PORT" };
        var seeds = new Option<string?>("--seed-nodes") { Description = "Comma-separated akka.tcp://porous@HOST:PORT; the first node lists itself. Env: POROUS_SEED_NODES" };
        var model = new Option<string?>("--model") { Description = "Generator model (generator and supervisor nodes)" };
        var journal = new Option<string?>("--journal") { Description = "Shared journal, postgres:CONNECTION-STRING (sqlite:PATH only for a single supervisor). Env: POROUS_JOURNAL" };
        var file = new Option<string?>("--campaign") { Description = "Campaign file (supervisor nodes): started if new, resumed if the journal has it" };
        var targets = new Option<string?>("--targets") { Description = "Targets CSV instead of a campaign file" };
        var name = new Option<string?>("--name") { Description = "Campaign name" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Chains at once" };
        var maxEval = new Option<int?>("--max-evaluations") { Description = "Evaluations per chain" };
        var output = new Option<string?>("--out") { Description = "Results folder on the supervisor node (default campaigns/NAME)" };
        var device = DeviceOptions.Create();
        var cmd = new Command("node", "Run one node of a campaign cluster (Akka.Cluster): GPU nodes generate, CPU nodes simulate, a supervisor singleton owns the campaign and moves to a standby supervisor node if its node is lost. Runs until stopped.")
            { roles, host, port, seeds, model, journal, file, targets, name, concurrency, maxEval, output, device };
        var size = CampaignCommand.SizeOption(); cmd.Options.Add(size);
        var http = new HttpOptions(); http.AddTo(cmd);
        var log = LogOption.Create("OUT/logs/node-HOST-PID.log"); cmd.Options.Add(log);
        cmd.SetAction(p => io.Guard(() =>
        {
            var dashboard = http.From(p);
            var roleList = (p.GetValue(roles) ?? Env("POROUS_ROLES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            var seedList = (p.GetValue(seeds) ?? Env("POROUS_SEED_NODES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            int portValue = p.GetValue(port) ?? (Env("POROUS_PORT") is { } ps && int.TryParse(ps, out var pv) ? pv : 0);
            var opts = new NodeOptions(p.GetValue(host) ?? Env("POROUS_HOSTNAME") ?? "127.0.0.1", portValue, seedList, roleList);
            opts.Validate();
            if (seedList.Count == 0) throw new BadInputException("give --seed-nodes (the first node lists its own address)");
            if (roleList.Count == 0) io.Err.WriteLine("warning: this node has no roles: it joins the cluster and hosts nothing");

            GeneratorModel? m = null;
            CampaignDefinition? def = null;
            string campaignName = p.GetValue(name) ?? "campaign";
            if (roleList.Contains("supervisor"))
            {
                var loaded = CampaignCommand.LoadDefinition(p.GetValue(file), p.GetValue(targets), p.GetValue(model), p.GetValue(name), p.GetValue(concurrency), null, p.GetValue(maxEval), sizeOption: p.GetValue(size));
                def = loaded.Definition; m = loaded.Model;
                campaignName = def.Name;
            }
            else if (p.GetValue(model) is { } mp) m = GeneratorModel.Load(mp, size: p.GetValue(size)); // must be the supervisor's campaign size
            using var modelScope = m;
            var journalLoc = JournalLocation.Parse(p.GetValue(journal) ?? Env("POROUS_JOURNAL"), campaignName);
            journalLoc.CheckOwnership(campaignName, mustExist: false);
            string dir = p.GetValue(output) ?? Path.Combine("campaigns", campaignName);
            var host0 = new NodeHost(opts, journalLoc, m is null ? null : CampaignCommand.GeneratorsFor(m, p.GetValue(model) ?? def?.Model ?? "", p.GetValue(device), Config.Empty), new PnmForwardModel(),
                campaignName, dir, def is null ? null : new StartCampaign(def),
                LogOption.ConfigFor(p.GetValue(log), Path.Combine(dir, "logs", $"node-{opts.Hostname}-{Environment.ProcessId}.log")));
            io.Err.WriteLine($"node {Akka.Cluster.Cluster.Get(host0.System).SelfAddress} up, roles [{string.Join(",", roleList)}]");
            var system = host0.System;
            using var signals = host0.LeaveOnStopSignals();
            // every node may serve the page and its own /metrics; the campaign's status comes from the singleton
            using var server = dashboard is null ? null : new DisposeSync(HttpOptions.StartLive(io, dashboard, system, campaignName, dir, () => host0.SingletonProxy));
            var terminated = system.WhenTerminated;
            while (!terminated.Wait(TimeSpan.FromSeconds(5)))
            {
                if (host0.SingletonProxy is null) continue;
                try
                {
                    var pr = host0.SingletonProxy.Ask<CampaignProgress>(GetCampaignProgress.Instance, TimeSpan.FromSeconds(4)).GetAwaiter().GetResult();
                    io.Err.WriteLine($"campaign {pr.Name}: pending {pr.Pending}  running {pr.Running}  done {pr.Done}/{pr.Total} (succeeded {pr.Succeeded}){WorkLine(system)}");
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException) { io.Err.WriteLine("campaign supervisor not reachable yet"); }
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>The simulation work held by this node's broker (the one the campaign uses when this
    /// node hosts it): evaluations waiting for an idle worker and in flight per simulation node.</summary>
    static string WorkLine(ActorSystem system)
    {
        try
        {
            var s = system.ActorSelection("/user/evaluations").Ask<Actors.Flow.BrokerStats>(Actors.Flow.GetBrokerStats.Instance, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
            if (s.Dispatched == 0 && s.Queued == 0) return "";
            return $"  evaluations queued {s.Queued}, in flight {s.InFlight.Values.Sum()} on {s.InFlight.Count} node(s)";
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or ActorNotFoundException) { return ""; }
    }
}

/// <summary>Disposes an async disposable at the end of a synchronous scope.</summary>
sealed class DisposeSync(IAsyncDisposable inner) : IDisposable
{
    public void Dispose() => inner.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
