using PorousActors.Gan;
using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan.Tests;

[Collection(TorchRng.Collection)]
public class TorchRuntimeTests
{
    [Fact]
    public void NativeLibTorchLoadsAndMultipliesMatrices()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var b = tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2);
        var c = matmul(a, b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void TransposedConvolutionDoublesTheGrid()
    {
        // The generator's building block: kernel 4, stride 2, padding 1 doubles each spatial size.
        using var scope = NewDisposeScope();
        var x = ones(new long[] { 1, 2, 4, 4, 4 });
        var w = full(new long[] { 2, 3, 4, 4, 4 }, 1f);
        var y = nn.functional.conv_transpose3d(x, w, null, new long[] { 2, 2, 2 }, new long[] { 1, 1, 1 });
        Assert.Equal(new long[] { 1, 3, 8, 8, 8 }, y.shape);
        // An interior output voxel receives 2 x 2 x 2 kernel taps from each of 2 input channels.
        Assert.Equal(16f, y[0, 0, 3, 3, 3].item<float>());
    }

    [Fact]
    public void ProbeReportsCpuBackend()
    {
        var r = TorchRuntime.Probe();
        Assert.True(r.Threads >= 1);
        Assert.True(r.ConvCheckSum > 0);
    }
}
