using System.CommandLine;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous torch-check</c>: is the TorchSharp/libtorch backend usable here?</summary>
public static class TorchCheckCommand
{
    public static Command Build(CliIO io)
    {
        var cmd = new Command("torch-check", "Check that TorchSharp's native libtorch loads and runs a 3-D transposed convolution on this machine");
        cmd.SetAction(_ => io.Guard(() =>
        {
            var r = TorchRuntime.Probe();
            io.Out.WriteLine($"TorchSharp {r.TorchSharpVersion}: libtorch loaded, CUDA {(r.CudaAvailable ? "available" : "not available (CPU)")}, " +
                             $"{r.Threads} threads, conv_transpose3d check sum {r.ConvCheckSum}, {r.Milliseconds:F0} ms");
            io.Out.WriteLine($"devices: {string.Join(", ", Devices.Visible())}; --device auto uses {string.Join(", ", Devices.Resolve("auto").Select(Devices.Name))}");
            return 0;
        }));
        return cmd;
    }
}
