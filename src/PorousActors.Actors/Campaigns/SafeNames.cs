using PorousActors.Core;

namespace PorousActors.Actors.Campaigns;

/// <summary>
/// Campaign names and target ids become file names (campaigns/NAME.db, cubes/ID.raw), actor names
/// and persistence ids, so they are restricted to a portable file-name alphabet: letters, digits,
/// '.', '_' and '-', at most 100 characters, not starting with '.' (no "..", no hidden files, no
/// path separators, no NUL, nothing a connection string or shell could read as syntax).
/// </summary>
public static class SafeNames
{
    public const int MaxLength = 100;

    /// <summary>Null when the name is safe, else why not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "is empty";
        if (name.Length > MaxLength) return $"is {name.Length} characters long (at most {MaxLength})";
        if (name[0] == '.') return "starts with '.'";
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return $"contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}' (allowed: letters, digits, '.', '_', '-')";
        return null;
    }

    public static void CheckCampaignName(string? name)
    {
        if (Problem(name) is { } why) throw new BadInputException($"campaign name '{Printable(name)}' {why}");
    }

    /// <summary>Throws naming the row (or position) of the offending id.</summary>
    public static void CheckTargetId(string? id, string where)
    {
        if (Problem(id) is { } why) throw new BadInputException($"{where}: target id '{Printable(id)}' {why}");
    }

    static string Printable(string? s) => s is null ? "" : new string(s.Take(60).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + (s.Length > 60 ? "…" : "");
}
