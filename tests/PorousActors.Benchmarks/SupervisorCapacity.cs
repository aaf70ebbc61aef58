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
}
