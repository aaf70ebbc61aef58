using Akka.Actor;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Pnm;

namespace PorousActors.Actors.Simulation;

/// <summary>Evaluate one candidate cube; <paramref name="Attempt"/> counts retries after crashes.</summary>
public sealed record Evaluate(long RequestId, int Index, Volume Cube, PropertyNeeds Needs, IActorRef ReplyTo, int Attempt = 0);
/// <summary>Properties of a candidate, or null with the reason when it kept failing.</summary>
public sealed record Evaluated(long RequestId, int Index, RockProperties? Properties, string? Error);

/// <summary>
/// A forward-simulation worker (one of a <see cref="PnmNode"/>'s). A crash inside an evaluation
/// restarts this worker, which then retries the evaluation (up to <c>maxAttempts</c>); a cube that
/// keeps failing is reported as a failed candidate so its chain carries on.
/// </summary>
public sealed class PnmActor : ReceiveActor
{
    readonly IForwardModel model;
    readonly int maxAttempts;

    readonly int threadsPerEvaluation;

    public PnmActor(IForwardModel model, int maxAttempts, int threadsPerEvaluation = 1)
    {
        this.threadsPerEvaluation = threadsPerEvaluation;
        this.model = model; this.maxAttempts = Math.Max(1, maxAttempts);
        Receive<Evaluate>(e =>
        {
            RockProperties props;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                // one evaluation per worker thread already fills the cores: kernels get their share, not all of them
                using var _ = Core.KernelParallelism.Cap(threadsPerEvaluation);
                props = model.Evaluate(e.Cube, e.Needs);
            }
            catch (Exception ex) when (e.Attempt + 1 >= this.maxAttempts)
            {
                Telemetry.PorousMetrics.Evaluated(false, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                e.ReplyTo.Tell(new Evaluated(e.RequestId, e.Index, null, $"{ex.GetType().Name}: {ex.Message}"));
                Context.Parent.Tell(WorkerFree.Instance);
                return;
            }
            // any other exception propagates: the supervisor restarts this worker (PreRestart retries)
            Telemetry.PorousMetrics.Evaluated(true, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            e.ReplyTo.Tell(new Evaluated(e.RequestId, e.Index, props, null));
            Context.Parent.Tell(WorkerFree.Instance);
        });
    }

    protected override void PreRestart(Exception reason, object message)
    {
        if (message is Evaluate e) Self.Tell(e with { Attempt = e.Attempt + 1 });
        base.PreRestart(reason, message);
    }
}
