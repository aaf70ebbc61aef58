using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;
using PorousActors.Core;

namespace PorousActors.Actors.Campaigns;

/// <summary>Where a campaign's journal lives: <c>sqlite:PATH</c> (default campaigns/NAME.db) or <c>postgres:CONNSTR</c>.</summary>
public sealed record JournalLocation(string Provider, string ConnectionString, string? SqlitePath)
{
    public static JournalLocation Parse(string? text, string campaign)
    {
        SafeNames.CheckCampaignName(campaign);
        if (string.IsNullOrWhiteSpace(text)) text = "sqlite:" + Path.Combine("campaigns", campaign + ".db");
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(text[7..])) throw new BadInputException("a sqlite: journal needs a file path, e.g. sqlite:campaigns/run1.db", InputField.Journal);
            string path = Path.GetFullPath(text[7..]);
            if (Directory.Exists(path)) throw new BadInputException($"{path}: is a directory, not a journal file");
            // the provider's builder quotes the path: a ';' in it cannot add connection-string keys
            var b = new SqliteConnectionStringBuilder { DataSource = path };
            return new JournalLocation("SQLite.MS", b.ConnectionString, path);
        }
        if (text.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
            return new JournalLocation("PostgreSQL.15", text[9..], null);
        throw new BadInputException($"a journal is sqlite:PATH or postgres:CONNECTION-STRING, got '{text}'", InputField.Journal);
    }

    /// <summary>A HOCON string literal.</summary>
    public static string Quote(string x) => "\"" + x.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>
    /// Refuses a SQLite journal that is not a database, is damaged, or belongs to another campaign;
    /// creates the file's campaign tag on first use.
    /// </summary>
    public void CheckOwnership(string campaign, bool mustExist)
    {
        if (SqlitePath is null) { CheckPostgres(); return; }
        if (!File.Exists(SqlitePath))
        {
            if (mustExist) throw new BadInputException($"{SqlitePath}: no journal for campaign '{campaign}'; start the campaign first, or point to its journal", InputField.Journal);
            Directory.CreateDirectory(Path.GetDirectoryName(SqlitePath)!);
        }
        try
        {
            using var c = new SqliteConnection(ConnectionString);
            c.Open();
            using (var q = c.CreateCommand())
            {
                q.CommandText = "PRAGMA quick_check";
                var r = q.ExecuteScalar() as string;
                if (r != "ok") throw new BadInputException($"{SqlitePath}: the journal is damaged ({r}); saved work is untouched, restore a backup or start a new campaign name");
            }
            using (var q = c.CreateCommand())
            {
                // a database that already holds tables but not our marker is someone else's: never add ours to it
                q.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
                var tables = new List<string>();
                using (var r = q.ExecuteReader()) while (r.Read()) tables.Add(r.GetString(0));
                if (tables.Count > 0 && !tables.Contains("porous_campaign"))
                    throw new BadInputException($"{SqlitePath}: not a PorousActors journal (it holds tables {string.Join(", ", tables.Take(5))}{(tables.Count > 5 ? ", …" : "")}); refusing to add ours to it");
            }
            using (var q = c.CreateCommand())
            {
                q.CommandText = "CREATE TABLE IF NOT EXISTS porous_campaign (name TEXT NOT NULL)";
                q.ExecuteNonQuery();
                q.CommandText = "SELECT name FROM porous_campaign LIMIT 1";
                var owner = q.ExecuteScalar() as string;
                if (owner is null) { q.CommandText = "INSERT INTO porous_campaign(name) VALUES ($n)"; q.Parameters.AddWithValue("$n", campaign); q.ExecuteNonQuery(); }
                else if (owner != campaign) throw new BadInputException($"{SqlitePath}: this journal belongs to campaign '{owner}', not '{campaign}'; refusing to mix campaigns");
            }
        }
        catch (SqliteException e) { throw new BadInputException($"{SqlitePath}: not a usable journal ({e.Message.Split('\n')[0]}); saved work is untouched"); }
    }

    /// <summary>Connects once, with a short timeout, so a wrong password, host or database is one line
    /// within seconds instead of a 30 s actor timeout with the cause buried in a log.</summary>
    void CheckPostgres()
    {
        NpgsqlConnectionStringBuilder b;
        try { b = new NpgsqlConnectionStringBuilder(ConnectionString); }
        catch (ArgumentException e) { throw new BadInputException($"journal: not a PostgreSQL connection string ({e.Message})"); }
        if (b.Timeout > 10) b.Timeout = 10;
        try
        {
            using var c = new NpgsqlConnection(b.ConnectionString);
            c.Open();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            string host = b.Host ?? "?";
            throw new BadInputException($"journal: cannot connect to PostgreSQL at {host}{(b.Database is { } d ? "/" + d : "")}: {e.GetBaseException().Message.ReplaceLineEndings(" ")}");
        }
    }
}
