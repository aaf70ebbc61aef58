using System.Numerics;

namespace PorousActors.Core.Filters;

/// <summary>
/// Multi-Otsu thresholds (Otsu 1979; Liao et al. 2001) from a 256-bin histogram spanning the data
/// range: the thresholds that maximise the between-class variance. Returns bin-centre thresholds
/// as scikit-image's threshold_multiotsu does; a voxel's class is the number of thresholds below it.
/// </summary>
public static class MultiOtsu
{
    public const int Bins = 256;

    public static float[] Thresholds(ReadOnlySpan<float> data, int classes) => Thresholds<float>(data, classes);

    /// <summary>For an image in its own type (bytes, 16-bit words, floats); thresholds as floats.</summary>
    public static float[] Thresholds<T>(ReadOnlySpan<T> data, int classes) where T : unmanaged, INumber<T>
    {
        if (classes is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(classes), "2 or 3 classes are supported");
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var x in data)
        {
            float v = float.CreateTruncating(x);
            if (float.IsNaN(v)) throw new BadInputException("image contains NaN values; cannot threshold");
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (!(max > min)) throw new BadInputException($"image has a single value ({min}); nothing to threshold");
        var hist = new double[Bins];
        double scale = Bins / (double)(max - min);
        foreach (var x in data) hist[Math.Min(Bins - 1, (int)((float.CreateTruncating(x) - min) * scale))]++;
        double width = (max - min) / (double)Bins;
        float Edge(int bin) => (float)(min + bin * width); // lower edge of a bin

        // Prefix sums of counts and first moments make each class's weight and mean O(1).
        var p = new double[Bins + 1]; var s = new double[Bins + 1];
        for (int i = 0; i < Bins; i++) { p[i + 1] = p[i] + hist[i]; s[i + 1] = s[i] + hist[i] * i; }
        double Term(int a, int b) { double w = p[b] - p[a]; return w > 0 ? (s[b] - s[a]) * (s[b] - s[a]) / w : 0; }

        if (classes == 2)
        {
            int best = 0; double bestVal = double.NegativeInfinity;
            for (int t = 1; t < Bins; t++)
            {
                double val = Term(0, t) + Term(t, Bins);
                if (val > bestVal) { bestVal = val; best = t; }
            }
            return [Edge(best)];
        }
        int b1 = 0, b2 = 0; double bv = double.NegativeInfinity;
        for (int t1 = 1; t1 < Bins - 1; t1++)
            for (int t2 = t1 + 1; t2 < Bins; t2++)
            {
                double val = Term(0, t1) + Term(t1, t2) + Term(t2, Bins);
                if (val > bv) { bv = val; b1 = t1; b2 = t2; }
            }
        return [Edge(b1), Edge(b2)];
    }
}
