using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PorousActors.Cli.Commands;

/// <summary>
/// The forward-model rows of a report's real cubes, kept between reports. Screening a training run
/// reports every snapshot against the same real cubes (same data, seed and count), and three quarters
/// of each report's forward runs are on them (the cubes, their median-filtered copies and a second
/// draw). The key covers everything the rows depend on: the data files' bytes, how they were read, the
/// cube size, count, seed and trim, the column names, and the build of the code that computes them
/// (the module version ids of the forward model's assemblies change with any change of that code), so
/// a stale entry is never read; a missing or unreadable entry is simply recomputed.
/// </summary>
public sealed class ReferenceRowsCache(string directory)
{
    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public sealed record Rows(List<double[]> Training, List<double[]> Filtered, List<double[]> Again);
    sealed record Entry(string Key, List<double[]> Training, List<double[]> Filtered, List<double[]> Again);

    /// <summary>The key of one set of real cubes: SHA-256 of every input the rows depend on.</summary>
    public static string Key(IEnumerable<string> dataFiles, string readAs, int size, int count, int seed, int trim, IEnumerable<string> columns, params Type[] code)
    {
        var sb = new StringBuilder("porous-reference-rows/1");
        foreach (var f in dataFiles)
            using (var fs = File.OpenRead(f)) sb.Append('|').Append(Convert.ToHexString(SHA256.HashData(fs)));
        sb.Append('|').Append(readAs).Append('|').Append(size).Append('|').Append(count).Append('|').Append(seed).Append('|').Append(trim);
        sb.Append('|').Append(string.Join(',', columns));
        foreach (var t in code.Append(typeof(ReferenceRowsCache)).Select(t => t.Assembly).Distinct())
            sb.Append('|').Append(t.ManifestModule.ModuleVersionId);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }

    string PathOf(string key) => Path.Combine(directory, key[..32] + ".json");

    /// <summary>The rows stored under this key, or null when there are none (or they cannot be read).</summary>
    public Rows? TryLoad(string key, int count)
    {
        string path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            var e = JsonSerializer.Deserialize<Entry>(File.ReadAllText(path), Json);
            if (e is null || e.Key != key || e.Training.Count != count || e.Filtered.Count != count || e.Again.Count != count) return null;
            return new Rows(e.Training, e.Filtered, e.Again);
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Stores the rows (written to a temporary file and moved, so a reader never sees half).</summary>
    public void Save(string key, Rows rows)
    {
        Directory.CreateDirectory(directory);
        string path = PathOf(key), tmp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(new Entry(key, rows.Training, rows.Filtered, rows.Again), Json));
        File.Move(tmp, path, overwrite: true);
    }
}
