using System.Numerics;

namespace PorousActors.Core.Filters;

/// <summary>Grayscale to pore/solid, as the paper post-processes generated cubes: median filter,
/// then Multi-Otsu (two classes) or a fixed threshold.</summary>
public static class Segmentation
{
    /// <param name="poreIsBright">true for generator output (pore = +1), false for CT scans (pore = dark).</param>
    /// <param name="threshold">a fixed threshold instead of Otsu's.</param>
    public static Volume BinarizeGrayscale(GrayVolume g, double voxelSize, bool poreIsBright, float? threshold = null, bool median = true)
    {
        var v = new Volume(g.Nz, g.Ny, g.Nx, voxelSize);
        // filtered in the image's own type: an 8-bit scan stays 1 byte per voxel
        switch (g.Samples)
        {
            case byte[] b: Binarize(b, g, v, poreIsBright, threshold, median); break;
            case ushort[] w: Binarize(w, g, v, poreIsBright, threshold, median); break;
            case float[] f: Binarize(f, g, v, poreIsBright, threshold, median); break;
        }
        return v;
    }

    static void Binarize<T>(T[] samples, GrayVolume g, Volume v, bool poreIsBright, float? threshold, bool median) where T : unmanaged, INumber<T>
    {
        var smoothed = median ? MedianFilter.Apply3(samples, g.Nz, g.Ny, g.Nx) : samples;
        float t = threshold ?? MultiOtsu.Thresholds<T>(smoothed, 2)[0];
        var d = v.Data;
        if (poreIsBright) for (int i = 0; i < d.Length; i++) d[i] = float.CreateTruncating(smoothed[i]) > t ? (byte)1 : (byte)0;
        else for (int i = 0; i < d.Length; i++) d[i] = float.CreateTruncating(smoothed[i]) <= t ? (byte)1 : (byte)0;
    }
}
