using System.Diagnostics.Metrics;

namespace PorousActors.Actors.Telemetry;

/// <summary>
/// The runtime's counters, on .NET's own metrics API (System.Diagnostics.Metrics), so the runtime
/// needs no metrics package: the dashboard publishes them to Prometheus, and `dotnet-counters` or
/// OpenTelemetry can read them too. Per process: every actor system in it adds to the same counters.
/// Exported to Prometheus as porous_NAME (the meter's name is the prefix), e.g. porous_evaluations.
/// </summary>
public static class PorousMetrics
{
    public const string MeterName = "porous";
    static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Forward-model evaluations finished by this process's simulation workers, tagged outcome=ok|failed.</summary>
    public static readonly Counter<long> Evaluations = Meter.CreateCounter<long>("evaluations", description: "Forward-model evaluations finished on this node, by outcome");
    /// <summary>Wall time of each forward-model evaluation, in seconds.</summary>
    public static readonly Histogram<double> SimulationSeconds = Meter.CreateHistogram<double>("simulation_seconds", "s", "Wall time of one forward-model evaluation");
    /// <summary>Cubes generated, tagged device (index of the generator device on this node).</summary>
    public static readonly Counter<long> GeneratorCubes = Meter.CreateCounter<long>("generator_cubes", description: "Cubes generated on this node, by device");
    /// <summary>Cubes per generator batch, tagged device.</summary>
    public static readonly Histogram<int> GeneratorBatchSize = Meter.CreateHistogram<int>("generator_batch_size", description: "Cubes per generator batch, by device");
    /// <summary>Requests sent again after their timeout (a node died with them, or the queue is long), tagged kind=cubes|evaluations|final.</summary>
    public static readonly Counter<long> Resends = Meter.CreateCounter<long>("resends", description: "Requests sent again after porous.request-timeout, by kind");
    /// <summary>Resent requests dropped because the original was still queued or running, tagged kind=cubes|evaluations.</summary>
    public static readonly Counter<long> DuplicatesDropped = Meter.CreateCounter<long>("duplicate_requests_dropped", description: "Resent requests dropped because the original was still queued or running, by kind");
    /// <summary>Requests waiting in this node's brokers for a node to pull them, tagged kind=evaluations|cubes.</summary>
    public static readonly UpDownCounter<long> WorkQueued = Meter.CreateUpDownCounter<long>("work_queued", description: "Requests waiting in this node's brokers for a node with room to pull them, by kind");
    /// <summary>Journal events written (accepted chain steps, finished chains, campaign starts).</summary>
    public static readonly Counter<long> JournalWrites = Meter.CreateCounter<long>("journal_writes", description: "Journal events written by this node");
    /// <summary>Journal writes that failed or were rejected.</summary>
    public static readonly Counter<long> JournalFailures = Meter.CreateCounter<long>("journal_failures", description: "Journal writes that failed or were rejected");

    public static readonly Counter<long> Screened = Meter.CreateCounter<long>("candidates_screened", description: "Candidates a chain left without a forward run: their porosity alone showed they could not change its course");

    public static void Evaluated(bool ok, double seconds)
    {
        Evaluations.Add(1, new KeyValuePair<string, object?>("outcome", ok ? "ok" : "failed"));
        SimulationSeconds.Record(seconds);
    }

    public static void Generated(int? device, int cubes)
    {
        var tag = new KeyValuePair<string, object?>("device", (device ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        GeneratorCubes.Add(cubes, tag);
        GeneratorBatchSize.Record(cubes, tag);
    }

    public static void Queued(string kind, int change) => WorkQueued.Add(change, new KeyValuePair<string, object?>("kind", kind));

    public static void DuplicateDropped(string kind) => DuplicatesDropped.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void Resent(string kind, int count = 1) => Resends.Add(count, new KeyValuePair<string, object?>("kind", kind));
}
