using System.CommandLine;
using Akka.Actor;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Cluster;
using PorousActors.Conditioning;
using PorousActors.Core;

// porous-worker: one forward-simulation node of a campaign cluster (role pnm), as `porous node
// --roles pnm` but without the generator's libtorch. Runs until SIGTERM or Ctrl-C.
static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

var host = new Option<string?>("--hostname") { Description = "Address other nodes reach this one at (default 127.0.0.1). Env: POROUS_HOSTNAME" };
var port = new Option<int?>("--port") { Description = "TCP port (default: any free). Env: POROUS_PORT" };
var seeds = new Option<string?>("--seed-nodes") { Description = "Comma-separated akka.tcp://porous@HOST:PORT of the cluster. Env: POROUS_SEED_NODES" };
var journal = new Option<string?>("--journal") { Description = "The cluster's journal, postgres:CONNECTION-STRING (a worker only checks it). Env: POROUS_JOURNAL" };
var name = new Option<string?>("--name") { Description = "Campaign name", DefaultValueFactory = _ => "campaign" };
var root = new RootCommand("porous-worker: a forward-simulation node (role pnm) of a PorousActors campaign cluster, without the GAN") { host, port, seeds, journal, name };
root.SetAction(p =>
{
    try
    {
        var seedList = (p.GetValue(seeds) ?? Env("POROUS_SEED_NODES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (seedList.Count == 0) throw new BadInputException("give the cluster's seed nodes (--seed-nodes or POROUS_SEED_NODES)");
        int portValue = p.GetValue(port) ?? (Env("POROUS_PORT") is { } ps && int.TryParse(ps, out var pv) ? pv : 0);
        var opts = new NodeOptions(p.GetValue(host) ?? Env("POROUS_HOSTNAME") ?? "127.0.0.1", portValue, seedList, ["pnm"]);
        string campaign = p.GetValue(name)!;
        var journalLoc = JournalLocation.Parse(p.GetValue(journal) ?? Env("POROUS_JOURNAL"), campaign);
        var node = new NodeHost(opts, journalLoc, null, new PnmForwardModel(), campaign, Path.Combine("campaigns", campaign), null);
        Console.Error.WriteLine($"worker {Akka.Cluster.Cluster.Get(node.System).SelfAddress} up, role pnm");
        using var signals = node.LeaveOnStopSignals();
        node.System.WhenTerminated.Wait();
        return 0;
    }
    catch (BadInputException e) { Console.Error.WriteLine("error: " + e.Message); return 2; }
});
return root.Parse(args).Invoke();
