using Akka.Configuration;

namespace PorousActors.Actors.Campaigns;

/// <summary>Runtime settings read from HOCON (porous.*).</summary>
public sealed record RuntimeSettings(int BatchSize, TimeSpan BatchWait, int PnmWorkers, int MaxAttempts, TimeSpan AnnounceInterval)
{
    public static RuntimeSettings From(Config c) => new(
        c.GetInt("porous.generator.batch-size", 8),
        c.GetTimeSpan("porous.generator.batch-wait", TimeSpan.FromMilliseconds(20)),
        c.GetInt("porous.pnm.workers", 0) is var w && w > 0 ? w : Environment.ProcessorCount,
        c.GetInt("porous.pnm.max-attempts", 3),
        c.GetTimeSpan("porous.pnm.announce-interval", TimeSpan.FromSeconds(2)));

    /// <summary>The configuration with the simulation dispatcher's dedicated threads sized to the workers.</summary>
    public Config SizeDispatchers(Config c) =>
        ConfigurationFactory.ParseString($"porous.pnm-dispatcher.dedicated-thread-pool.thread-count = {PnmWorkers}").WithFallback(c);
}
