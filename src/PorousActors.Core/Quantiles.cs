namespace PorousActors.Core;

/// <summary>The one quantile definition the project reports with: linear interpolation between
/// order statistics (R-7, NumPy's default) over the finite values, from MathNet.Numerics.</summary>
public static class Quantiles
{
    /// <returns>NaN when no value is finite</returns>
    public static double Of(IEnumerable<double> values, double q)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : MathNet.Numerics.Statistics.Statistics.QuantileCustom(finite, q, MathNet.Numerics.Statistics.QuantileDefinition.R7);
    }
}
