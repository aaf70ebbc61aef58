using System.Runtime.InteropServices;

namespace PorousActors.Core;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM (what Slurm and Kubernetes send) both ask a command to stop cleanly
/// instead of killing the process: a campaign saves and says how to resume, a node leaves the
/// cluster, the dashboard closes. Dispose to restore the default handling.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly PosixSignalRegistration interrupt, terminate;

    StopSignals(Action stop)
    {
        void Handle(PosixSignalContext c) { c.Cancel = true; stop(); }
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public static StopSignals On(Action stop) => new(stop);

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
    }
}
