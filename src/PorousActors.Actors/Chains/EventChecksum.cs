using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PorousActors.Actors.Chains;

/// <summary>
/// Checksums stored with journal events, so an edited or damaged value is detected on recovery
/// instead of being reported as a result ("achieved 0.269" for a cube of 0.169). Computed over a
/// canonical text of the event's fields (sorted keys, round-trip numbers), independent of the
/// journal's serializer. Events written before checksums existed carry none and are trusted.
/// </summary>
public static class EventChecksum
{
    public static string Of(ChainResult r) => Hash(sb =>
    {
        sb.Append(r.Id).Append('|').Append(r.Targets).Append('|').Append(r.Seed).Append('|').Append(r.Status).Append('|')
          .Append(r.Steps).Append('|').Append(r.Evaluations).Append('|').Append(D(r.Error)).Append('|').Append(D(r.Seconds));
        Append(sb, r.Properties, r.Latent);
        // appended only when present, so results recorded before it existed keep their checksum
        if (r.AllProperties is { } all)
            foreach (var (k, v) in all.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append("|all:").Append(k).Append('=').Append(D(v));
    });

    public static string Of(ChainStepPersisted e) => Hash(sb =>
    {
        sb.Append(e.Step).Append('|').Append(D(e.Error)).Append('|').Append(e.Evaluations).Append('|').Append(D(e.T)).Append('|')
          .Append(e.Status).Append('|').Append(D(e.ElapsedSeconds));
        Append(sb, e.Properties, e.Latent);
    });

    static void Append(StringBuilder sb, Dictionary<string, double> properties, float[] latent)
    {
        foreach (var (k, v) in properties.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append('|').Append(k).Append('=').Append(D(v));
        foreach (var z in latent) sb.Append('|').Append(z.ToString("R", CultureInfo.InvariantCulture));
    }

    static string D(double? x) => x is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null";

    static string Hash(Action<StringBuilder> fill)
    {
        var sb = new StringBuilder();
        fill(sb);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16].ToLowerInvariant();
    }
}

/// <summary>A journal event whose content does not match its checksum.</summary>
public sealed class JournalDamagedException(string message) : Exception(message);
