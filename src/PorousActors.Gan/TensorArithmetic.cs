using TorchSharp;
using static TorchSharp.torch;

namespace PorousActors.Gan;

/// <summary>
/// Addition and subtraction that pass a Scalar living for the process as libtorch's alpha. TorchSharp
/// 0.107's tensor <c>+</c> and <c>−</c>, and <c>add</c>/<c>sub</c> without an alpha, create a
/// temporary Scalar 1 per call that the GC may finalise while the native call still reads it: a
/// training run (iteration 964) and a CI test died of it with libtorch's "Expected false to be true …
/// toFloat" inside <c>THSTensor_add</c>. Same operation, same bits (alpha 1). Subtraction takes no
/// alpha in 0.107 (<c>THSTensor_sub</c>), so <see cref="Minus(Tensor, Tensor)"/> is plain <c>sub</c>,
/// kept beside <see cref="Plus(Tensor, Tensor)"/> so that a term reads one way.
/// </summary>
public static class TensorArithmetic
{
    static readonly Scalar One = 1.0.ToScalar(); // never disposed, never finalised mid-call

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);
    /// <summary>a − b.</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.sub(b);
    /// <summary>a + s.</summary>
    public static Tensor Plus(this Tensor a, Scalar s) => a.add(s, One);
    /// <summary>a − s.</summary>
    public static Tensor Minus(this Tensor a, Scalar s) => a.sub(s);
    /// <summary>s − a.</summary>
    public static Tensor SubtractedFrom(this Tensor a, Scalar s) => a.neg().add(s, One);
    /// <summary>a += b in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);
    /// <summary>a −= b in place.</summary>
    public static Tensor MinusInPlace(this Tensor a, Tensor b) => a.sub_(b);
}
