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

    /// <summary>The arithmetic that keeps its alpha Scalar alive gives TorchSharp's operators' bits,
    /// gradients included, and survives many calls while the GC finalises implicit Scalars.</summary>
    [Fact]
    public void ArithmeticWithALongLivedAlphaMatchesTheOperatorsBitForBit()
    {
        using var scope = NewDisposeScope();
        using var gen = new torch.Generator(0);
        gen.manual_seed(7);
        var a = randn(new long[] { 3, 50 }, generator: gen).requires_grad_(true);
        var b = randn(new long[] { 3, 50 }, generator: gen);
        using var s = 0.37.ToScalar();
        Assert.True(Same(a.Plus(b), a + b));
        Assert.True(Same(a.Minus(b), a - b));
        Assert.True(Same(a.Plus(s), a + s));
        Assert.True(Same(a.Minus(s), a - s));
        Assert.True(Same(a.SubtractedFrom(s), s - a));
        var c = b.clone();
        Assert.True(Same(c.PlusInPlace(a.detach()), b + a.detach()));
        Assert.True(Same(c.MinusInPlace(a.detach()), b + a.detach() - a.detach()));
        // the gradient of s − a + b − (a + s) is −2 everywhere
        a.SubtractedFrom(s).Plus(b).Minus(a.Plus(s)).sum().backward();
        Assert.True(Same(a.grad!, full_like(a, -2.0)));
        // many small calls with collections in between: no native error from a finalised alpha
        var x = zeros(8);
        for (int i = 0; i < 20_000; i++)
        {
            using var inner = NewDisposeScope();
            var y = x.Plus(ones(8)).Minus(ones(8));
            if (i % 1000 == 0) { GC.Collect(); GC.WaitForPendingFinalizers(); }
            Assert.Equal(0f, y.sum().item<float>());
        }
    }

    static bool Same(Tensor x, Tensor y) => x.shape.SequenceEqual(y.shape) && x.eq(y).all().item<bool>();
}
