using System.Net;
using Npgsql;
using PorousActors.Core;

namespace PorousActors.Actors.Campaigns;

/// <summary>
/// One running process per campaign. SQLite: an exclusive OS lock on NAME.db.lock (released by the
/// kernel when the process dies, kill -9 included) and the owner's pid and host in NAME.db.owner.
/// PostgreSQL: a session advisory lock keyed by the campaign name, held on a dedicated connection,
/// with the owner recorded in porous_campaign_owner. A second run is refused naming the owner.
/// </summary>
public sealed class CampaignLock : IDisposable
{
    readonly FileStream? file;
    readonly NpgsqlConnection? connection;

    CampaignLock(FileStream? file, NpgsqlConnection? connection) { this.file = file; this.connection = connection; }

    static string Owner() => $"process {Environment.ProcessId} on host {Dns.GetHostName()}";

    public static CampaignLock Acquire(JournalLocation journal, string campaign)
    {
        if (journal.SqlitePath is { } db)
        {
            string lockPath = db + ".lock", ownerPath = db + ".owner";
            FileStream fs;
            try { fs = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException)
            {
                string owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "another process";
                throw new BadInputException($"campaign {campaign} is running in {owner}; wait for it or stop it first");
            }
            File.WriteAllText(ownerPath, Owner());
            return new CampaignLock(fs, null);
        }
        // a dedicated, unpooled session: a pooled one would keep the advisory lock after Dispose
        var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(journal.ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "SELECT pg_try_advisory_lock(hashtextextended('porous-campaign:' || @n, 0))";
            q.Parameters.AddWithValue("n", campaign);
            bool got = (bool)q.ExecuteScalar()!;
            q.CommandText = "CREATE TABLE IF NOT EXISTS porous_campaign_owner (name TEXT PRIMARY KEY, owner TEXT NOT NULL, since TIMESTAMPTZ NOT NULL DEFAULT now())";
            q.Parameters.Clear();
            if (!got)
            {
                q.CommandText = "SELECT owner FROM porous_campaign_owner WHERE name = @n";
                q.Parameters.AddWithValue("n", campaign);
                string owner = q.ExecuteScalar() as string ?? "another process";
                throw new BadInputException($"campaign {campaign} is running in {owner}; wait for it or stop it first");
            }
            q.ExecuteNonQuery();
            q.CommandText = "INSERT INTO porous_campaign_owner(name, owner) VALUES (@n, @o) ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, since = now()";
            q.Parameters.AddWithValue("n", campaign);
            q.Parameters.AddWithValue("o", Owner());
            q.ExecuteNonQuery();
            return new CampaignLock(null, c);
        }
        catch (Exception e) when (e is not BadInputException)
        {
            c.Dispose();
            throw new BadInputException($"journal: cannot lock campaign {campaign} in PostgreSQL: {e.GetBaseException().Message}");
        }
        catch { c.Dispose(); throw; }
    }

    public void Dispose()
    {
        file?.Dispose();
        connection?.Dispose(); // closing the (unpooled) session releases the advisory lock
    }
}
