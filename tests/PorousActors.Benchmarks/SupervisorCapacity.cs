using System.Diagnostics;
using Akka.Actor;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Benchmarks;

/// <summary>
/// What one ConditioningSupervisor (and its journal) sustains when generation and simulation cost
/// nothing: many chains on a trivial generator and forward model, counting messages and journal
/// writes per second. Run: dotnet run -c Release --project tests/PorousActors.Benchmarks -- supervisor [sqlite|postgres:CONNSTR] [CHAINS]
/// </summary>
public static class SupervisorCapacity
{
    sealed class TinyGenerator : IGenerator
    {
        public int LatentSize => 8;
        public IReadOnlyList<Volume> Generate(IReadOnlyList<float[]> latents) => latents.Select(z =>
        {
            var v = new Volume(4, 4, 4, 1e-6);
            int n = Math.Clamp((int)((z[0] + 3) / 6 * 64), 0, 64);
            for (int i = 0; i < n; i++) v.Data[i] = 1;
            return v;
        }).ToList();
    }

    sealed class TinyForward : IForwardModel
    {
        public RockProperties Evaluate(Volume v, PropertyNeeds needs) => new()
        {
            Porosity = v.PoreVoxelCount() / 64.0, SpecificSurfacePerM = 0, EulerCharacteristic26 = 0, EulerCharacteristic6 = 0,
            PoreCount = 0, ThroatCount = 0, MeanPoreDiameterM = 0, MeanPoreEquivalentDiameterM = 0, MeanThroatDiameterM = 0,
            MeanThroatEquivalentDiameterM = 0, CoordinationNumber = 0, Permeability = [], TimingsMs = new Dictionary<string, double>(),
        };
    }

    public static async Task Run(string journalText, int chains)
    {
        string name = "cap" + Guid.NewGuid().ToString("N")[..6];
        string dir = Directory.CreateTempSubdirectory("porous-cap-").FullName;
        if (journalText == "sqlite") journalText = "sqlite:" + Path.Combine(dir, "cap.db");
        var journal = JournalLocation.Parse(journalText, name);
        journal.CheckOwnership(name, mustExist: false);
        var specs = Enumerable.Range(1, chains).Select(i => new ChainSpec($"c{i}", "porosity=0.999:0.0001", i)).ToList();
        var def = new CampaignDefinition(name, "tiny", "00000000000000000000", "golden", 60, Math.Min(chains, 64), specs);
        await using var host = new CampaignHost(name, dir, journal, new TinyGenerator(), new TinyForward());
        var sw = Stopwatch.StartNew();
        var done = await host.Supervisor.Ask<CampaignDone>(new StartCampaign(def), TimeSpan.FromHours(1));
        double s = sw.Elapsed.TotalSeconds;
        int evaluations = done.Results.Sum(r => r.Evaluations);
        int steps = done.Results.Sum(r => r.Steps);
        // messages per evaluation batch of K: 1 generate request + 1 response + K evaluate + K evaluated
        long batches = evaluations / 4 + chains;
        long messages = 2 * batches + 2L * evaluations;
        long writes = steps + 2L * chains + 1;
        Console.WriteLine($"journal {journal.Provider}: {chains} chains, {evaluations} evaluations, {s:F1} s: " +
                          $"{messages / s:F0} messages/s, {evaluations / s:F0} evaluations/s, {writes / s:F1} journal writes/s");
    }

    /// <summary>
    /// Campaigns of growing size (10 evaluations per chain, 64 chains at a time) on the free
    /// generator and forward model: wall time per chain, and managed memory per chain held once the
    /// campaign is done (the supervisor keeps each result), which must stay flat as N grows.
    /// </summary>
    public static async Task Scale(string journalText, int[] sizes)
    {
        Console.WriteLine("| chains | evaluations | wall s | ms per chain | journal writes/s | managed heap after, MB | KB per chain | peak working set, MB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (int chains in sizes)
        {
            string name = "scale" + Guid.NewGuid().ToString("N")[..6];
            string dir = Directory.CreateTempSubdirectory("porous-scale-").FullName;
            string jt = journalText == "sqlite" ? "sqlite:" + Path.Combine(dir, "scale.db") : journalText;
            var journal = JournalLocation.Parse(jt, name);
            journal.CheckOwnership(name, mustExist: false);
            var specs = Enumerable.Range(1, chains).Select(i => new ChainSpec($"c{i}", "porosity=0.999:0.0001", i)).ToList();
            var def = new CampaignDefinition(name, "tiny", "00000000000000000000", "golden", 10, 64, specs);
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            long before = GC.GetTotalMemory(true);
            var proc = System.Diagnostics.Process.GetCurrentProcess();
            await using (var host = new CampaignHost(name, dir, journal, new TinyGenerator(), new TinyForward()))
            {
                var sw = Stopwatch.StartNew();
                var done = await host.Supervisor.Ask<CampaignDone>(new StartCampaign(def), TimeSpan.FromHours(2));
                double s = sw.Elapsed.TotalSeconds;
                int evaluations = done.Results.Sum(r => r.Evaluations);
                long writes = done.Results.Sum(r => r.Steps) + 2L * chains + 1;
                done = null!;
                GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
                long after = GC.GetTotalMemory(true);
                proc.Refresh();
                Console.WriteLine($"| {chains} | {evaluations} | {s:F1} | {1000 * s / chains:F2} | {writes / s:F0} | {(after - before) / 1e6:F1} | {(after - before) / 1024.0 / chains:F2} | {proc.PeakWorkingSet64 / 1e6:F0} |");
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
