namespace PorousActors.Core.Filters;

/// <summary>Grayscale to pore/solid, as the paper post-processes generated cubes: median filter,
/// then Multi-Otsu (two classes) or a fixed threshold.</summary>
public static class Segmentation
{
    /// <param name="poreIsBright">true for generator output (pore = +1), false for CT scans (pore = dark).</param>
    /// <param name="threshold">a fixed threshold instead of Otsu's.</param>
    public static Volume BinarizeGrayscale(GrayVolume g, double voxelSize, bool poreIsBright, float? threshold = null, bool median = true)
    {
        var smoothed = median ? MedianFilter.Apply3(g.Data, g.Nz, g.Ny, g.Nx) : g.Data;
        float t = threshold ?? MultiOtsu.Thresholds(smoothed, 2)[0];
        var v = new Volume(g.Nz, g.Ny, g.Nx, voxelSize);
        var d = v.Data;
        if (poreIsBright) for (int i = 0; i < d.Length; i++) d[i] = smoothed[i] > t ? (byte)1 : (byte)0;
        else for (int i = 0; i < d.Length; i++) d[i] = smoothed[i] <= t ? (byte)1 : (byte)0;
        return v;
    }
}
