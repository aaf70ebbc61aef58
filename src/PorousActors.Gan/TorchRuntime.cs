using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan;

/// <summary>Checks that libtorch loads and computes, and names the device we will use.</summary>
public static class TorchRuntime
{
    public sealed record Report(string TorchSharpVersion, bool CudaAvailable, int Threads, double ConvCheckSum, double Milliseconds);

    /// <summary>Runs a small 3-D transposed convolution (the generator's building block) and returns its output sum.</summary>
    public static Report Probe()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        manual_seed(0);
        var x = ones(new long[] { 1, 2, 4, 4, 4 });
        using var half = 0.5f.ToScalar(); // explicit: an implicit Scalar can be finalised mid-call (TensorArithmetic)
        var w = full(new long[] { 2, 1, 4, 4, 4 }, half);
        var y = nn.functional.conv_transpose3d(x, w, null, new long[] { 2, 2, 2 }, new long[] { 1, 1, 1 });
        double sum = y.sum().item<float>();
        return new Report(typeof(torch).Assembly.GetName().Version?.ToString() ?? "?", cuda.is_available(), get_num_threads(), sum, sw.Elapsed.TotalMilliseconds);
    }
}
