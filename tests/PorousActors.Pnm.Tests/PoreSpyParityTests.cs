using System.IO.Compression;
using System.Text.Json;
using PorousActors.Core;
using PorousActors.Core.Metrics;
using PorousActors.Pnm.Extraction;

namespace PorousActors.Pnm.Tests;

/// <summary>
/// Parity with PoreSpy 2.4 snow2 (and scikit-image's Euler numbers) on the two shared reference
/// rocks in ../shared/data/reference (uint8, C order, 1 = pore, 2.25 µm), when present. The
/// values compared come from porespy_reference.json, written by the Python tools themselves.
/// Measured at this commit: every count and mean within 0.3 % of snow2's.
/// </summary>
public class PoreSpyParityTests
{
    public static string? FindReference()
    {
        var env = Environment.GetEnvironmentVariable("POROUS_REFERENCE");
        if (env is not null && File.Exists(Path.Combine(env, "porespy_reference.json"))) return env;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            foreach (var p in new[] { Path.Combine(d.FullName, "shared", "data", "reference"), Path.Combine(d.FullName, "..", "shared", "data", "reference") })
                if (File.Exists(Path.Combine(p, "porespy_reference.json"))) return Path.GetFullPath(p);
        return null;
    }

    [SkippableTheory]
    [InlineData("spheres128", 128)]
    [InlineData("blobs200", 200)]
    public void SnowNetworkMatchesPoreSpySnow2(string name, int n)
    {
        var dir = FindReference();
        Skip.If(dir is null, "reference rocks not found (../shared/data/reference or POROUS_REFERENCE); skipped");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir!, "porespy_reference.json")));
        var r = doc.RootElement.GetProperty("volumes").GetProperty(name);
        double voxel = doc.RootElement.GetProperty("voxel_size_m").GetDouble();
        var v = Read(Path.Combine(dir!, name + ".raw.gz"), n, voxel);

        Assert.Equal(r.GetProperty("porosity").GetDouble(), Porosity.Compute(v), 1e-12);
        Assert.Equal(r.GetProperty("euler_conn3").GetInt64(), EulerCharacteristic.Compute26(v));
        Assert.Equal(r.GetProperty("euler_conn1").GetInt64(), EulerCharacteristic.Compute6(v));

        var net = SnowExtractor.Extract(v).Network;
        double um = voxel * 1e6; // network sizes are in voxels
        Near(r.GetProperty("snow2_n_pores").GetInt32(), net.PoreCount, 0.01, "pores");
        Near(r.GetProperty("snow2_n_throats").GetInt32(), net.ThroatCount, 0.01, "throats");
        Near(r.GetProperty("pore_inscribed_d_mean_um").GetDouble(), net.PoreInscribedDiameter.Average() * um, 0.01, "mean inscribed pore diameter");
        Near(r.GetProperty("pore_equivalent_d_mean_um").GetDouble(), net.PoreEquivalentDiameter.Average() * um, 0.01, "mean equivalent pore diameter");
        Near(r.GetProperty("throat_inscribed_d_mean_um").GetDouble(), net.ThroatInscribedDiameter.Average() * um, 0.01, "mean inscribed throat diameter");
        Near(r.GetProperty("throat_equivalent_d_mean_um").GetDouble(), net.ThroatEquivalentDiameter.Average() * um, 0.01, "mean equivalent throat diameter");
        Near(r.GetProperty("pore_inscribed_d_median_um").GetDouble(), Median(net.PoreInscribedDiameter) * um, 0.01, "median inscribed pore diameter");
    }

    static void Near(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"{what}: {actual:G6} against snow2's {expected:G6} ({100 * (actual - expected) / expected:+0.00;-0.00} %, allowed ±{100 * relative} %)");

    static double Median(double[] a)
    {
        var s = a.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    static Volume Read(string path, int n, double voxel)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var v = new Volume(n, n, n, voxel);
        gz.ReadExactly(v.Data);
        return v;
    }
}
