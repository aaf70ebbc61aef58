using PorousActors.Core;

namespace PorousActors.Reports;

/// <summary>Three orthogonal mid-slices of a volume side by side (pore white, solid black), each
/// labelled with its plane and index, with the voxel size and porosity in the title.</summary>
public static class SliceImage
{
    public static void Write(Volume v, string path, string? title = null)
    {
        var (plt, width, height) = Render(v, title);
        plt.SavePng(path, width, height);
    }

    /// <summary>The same picture as PNG bytes (for the dashboard).</summary>
    public static byte[] Png(Volume v, string? title = null)
    {
        var (plt, width, height) = Render(v, title);
        return plt.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    static (ScottPlot.Plot Plot, int Width, int Height) Render(Volume v, string? title)
    {
        int gap = 6;
        var planes = new (string Name, int H, int W, Func<int, int, byte> At)[]
        {
            ($"z = {v.Nz / 2} (y–x)", v.Ny, v.Nx, (r, c) => v[v.Nz / 2, r, c]),
            ($"y = {v.Ny / 2} (z–x)", v.Nz, v.Nx, (r, c) => v[r, v.Ny / 2, c]),
            ($"x = {v.Nx / 2} (z–y)", v.Nz, v.Ny, (r, c) => v[r, c, v.Nx / 2]),
        };
        int h = planes.Max(p => p.H), w = planes.Sum(p => p.W) + gap * 2;
        var img = new double[h, w];
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) img[r, c] = 0.5;
        int x0 = 0;
        var plt = new ScottPlot.Plot();
        foreach (var p in planes)
        {
            for (int r = 0; r < p.H; r++) for (int c = 0; c < p.W; c++) img[r, x0 + c] = p.At(r, c);
            var t = plt.Add.Text(p.Name, x0 + p.W / 2.0, -h * 0.04);
            t.Alignment = ScottPlot.Alignment.UpperCenter; t.LabelFontSize = 14;
            x0 += p.W + gap;
        }
        var hm = plt.Add.Heatmap(img);
        hm.Colormap = new ScottPlot.Colormaps.Grayscale();
        hm.FlipVertically = true;
        double phi = v.PoreVoxelCount() / (double)v.Count;
        // a frameless plot shows no title: write it as text above the slices
        var head = plt.Add.Text(title ?? $"{v.Nz}×{v.Ny}×{v.Nx} voxels at {v.VoxelSize * 1e6:G4} µm, porosity {phi:F3}; pore = white", w / 2.0, h * 1.03);
        head.Alignment = ScottPlot.Alignment.LowerCenter; head.LabelFontSize = 16;
        plt.Axes.Frameless();
        plt.Axes.SetLimits(-2, w + 2, -h * 0.12, h * 1.12);
        double scale = Math.Clamp(1500.0 / w, 1, 4);
        return (plt, (int)(w * scale) + 8, (int)(h * 1.24 * scale) + 8);
    }
}
