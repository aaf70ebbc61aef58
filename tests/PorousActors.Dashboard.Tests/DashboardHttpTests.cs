using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Actors.Telemetry;
using PorousActors.Core;

namespace PorousActors.Dashboard.Tests;

/// <summary>The JSON API, /metrics and the read-only and token rules, against real campaigns.</summary>
public sealed class DashboardHttpTests
{
    static readonly ChainSpec[] Reachable =
    [
        new("a", "porosity=0.3:0.01", 1), new("b", "porosity=0.5:0.01", 2), new("c", "porosity=0.7:0.01", 3),
        new("x", "porosity=0.99:0.001", 4), // unreachable: the fake generator stays below 0.95
    ];

    static async Task<JsonElement> Json(HttpClient http, string path)
    {
        var r = await http.GetAsync(path);
        Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode}");
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task ApiAndMetricsFollowARealCampaignToItsEnd()
    {
        await using var c = await TestCampaign.StartAsync("api", Reachable, 60, new PorosityOnly());
        var done = await c.Done(TimeSpan.FromMinutes(2));
        int succeeded = done.Results.Count(r => r.Status == "Succeeded");
        // the live status is cached: ask again until it has caught up with the end (on a busy
        // machine one cache period is not always enough), then check everything against it
        var s = await Json(c.Http, "api/campaign");
        int notReached = done.Results.Count(r => r.Status == "NotReached");
        long evaluations = done.Results.Sum(r => (long)r.Evaluations);
        bool CaughtUp(JsonElement x) => x.GetProperty("counts").GetProperty("succeeded").GetInt32() == succeeded
            && x.GetProperty("counts").GetProperty("notReached").GetInt32() == notReached && x.GetProperty("evaluations").GetInt64() == evaluations;
        for (var wait = System.Diagnostics.Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(30) && !CaughtUp(s); )
        {
            await Task.Delay(300);
            s = await Json(c.Http, "api/campaign");
        }
        Assert.True(s.GetProperty("live").GetBoolean());
        Assert.Equal("api", s.GetProperty("campaign").GetString());
        var chains = s.GetProperty("chains").EnumerateArray().ToDictionary(x => x.GetProperty("id").GetString()!);
        Assert.Equal(["a", "b", "c", "x"], chains.Keys.Order());
        Assert.True(succeeded >= 1, "no chain reached its target: the test says nothing about succeeded chains");
        Assert.Equal("NotReached", done.Results.Single(r => r.Id == "x").Status);
        Assert.Equal(succeeded, s.GetProperty("counts").GetProperty("succeeded").GetInt32());
        Assert.Equal(done.Results.Count(r => r.Status == "NotReached"), s.GetProperty("counts").GetProperty("notReached").GetInt32());
        foreach (var r in done.Results) Assert.Equal(r.Status, chains[r.Id].GetProperty("status").GetString());
        Assert.Equal(done.Results.Sum(r => r.Evaluations), s.GetProperty("evaluations").GetInt64());
        // a succeeded chain's achieved porosity is within its tolerance, and it has all properties and a cube
        var a = chains[done.Results.First(r => r.Status == "Succeeded").Id];
        var outcome = a.GetProperty("targetOutcomes")[0];
        Assert.True(Math.Abs(outcome.GetProperty("achieved").GetDouble() - outcome.GetProperty("value").GetDouble()) <= outcome.GetProperty("tolerance").GetDouble());
        Assert.True(outcome.GetProperty("within").GetBoolean());
        Assert.True(a.GetProperty("hasCube").GetBoolean());
        Assert.Equal(outcome.GetProperty("achieved").GetDouble(), a.GetProperty("allProperties").GetProperty("porosity").GetDouble(), 12);

        // the chain's trace, read back from the journal, ends at its recorded result
        string id = a.GetProperty("id").GetString()!;
        var detail = await Json(c.Http, $"api/chains/{id}");
        var trace = detail.GetProperty("trace").EnumerateArray().ToList();
        Assert.NotEmpty(trace);
        var last = trace[^1];
        var result = done.Results.Single(r => r.Id == id);
        Assert.Equal(result.Steps, last.GetProperty("step").GetInt32());
        Assert.Equal(result.Evaluations, last.GetProperty("evaluations").GetInt32());
        Assert.Equal(404, (int)(await c.Http.GetAsync("api/chains/nope")).StatusCode);

        // pictures are PNGs
        foreach (var png in new[] { $"api/chains/{id}/trace.png", $"api/chains/{id}/slices.png", "api/plots/throughput.png", "api/plots/targets/porosity.png" })
        {
            var bytes = await c.Http.GetByteArrayAsync(png);
            Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
        }
        Assert.Equal(404, (int)(await c.Http.GetAsync("api/plots/targets/permeability_mD.png")).StatusCode);

        // /metrics: the campaign's gauges and the runtime's counters, in Prometheus text format
        string metrics = await c.Http.GetStringAsync("metrics");
        Assert.Contains($"porous_chains{{campaign=\"api\",status=\"Succeeded\"}} {succeeded}", metrics);
        Assert.Contains($"porous_chains{{campaign=\"api\",status=\"NotReached\"}} {done.Results.Count(r => r.Status == "NotReached")}", metrics);
        Assert.Contains($"porous_campaign_evaluations{{campaign=\"api\"}} {done.Results.Sum(r => r.Evaluations)}", metrics);
        Assert.Contains("porous_cluster_members{status=\"Up\",reachable=\"true\"} 1", metrics);
        foreach (var name in new[] { "porous_evaluations{outcome=\"ok\"}", "porous_simulation_seconds_count", "porous_generator_cubes{device=\"0\"}", "porous_generator_batch_size_count", "porous_journal_writes" })
            Assert.Contains(name, metrics);
        // counters are per process (other tests add to them too): at least this campaign's work
        var evaluated = metrics.Split('\n').Single(l => l.StartsWith("porous_evaluations{outcome=\"ok\"}", StringComparison.Ordinal));
        Assert.True(double.Parse(evaluated.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= done.Results.Sum(r => r.Evaluations));
    }

    [Fact]
    public async Task NothingButGetIsServed()
    {
        await using var c = await TestCampaign.StartAsync("readonly", Reachable[..1], 30, new PorosityOnly());
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
            foreach (var path in new[] { "api/campaign", "api/chains/a", "metrics", "" })
            {
                var r = await c.Http.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent("{}") });
                Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
            }
        var page = await c.Http.GetAsync("");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<form", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "")); // nothing fetched from elsewhere
        Assert.DoesNotContain("https://", html);
        await c.Done(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void NonLoopbackWithoutTokenAndShortTokensAreRefused()
    {
        Assert.Contains("needs a token", Assert.Throws<BadInputException>(() => new DashboardOptions("0.0.0.0", 0).Validate()).Message);
        Assert.Contains("needs a token", Assert.Throws<BadInputException>(() => new DashboardOptions("192.168.1.7", 0).Validate()).Message);
        Assert.Contains("at least 16", Assert.Throws<BadInputException>(() => new DashboardOptions("0.0.0.0", 0, "short").Validate()).Message);
        Assert.Contains("not an IP address", Assert.Throws<BadInputException>(() => new DashboardOptions("example.org", 0).Validate()).Message);
        new DashboardOptions("127.0.0.1", 0).Validate();
        new DashboardOptions("::1", 0).Validate();
        new DashboardOptions("0.0.0.0", 0, "a-token-of-24-characters").Validate();
    }

    [Fact]
    public async Task ATokenIsRequiredOnEveryRequestWhenSet()
    {
        const string token = "correct-horse-battery-staple";
        await using var c = await TestCampaign.StartAsync("token", Reachable[..1], 30, new PorosityOnly(), new DashboardOptions("0.0.0.0", 0, token));
        foreach (var path in new[] { "", "api/campaign", "metrics", "api/plots/throughput.png" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await c.Http.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await c.Http.GetAsync(path + "?token=wrong-token-wrong-token")).StatusCode);
            var bad = new HttpRequestMessage(HttpMethod.Get, path);
            bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, (await c.Http.SendAsync(bad)).StatusCode);
            var good = new HttpRequestMessage(HttpMethod.Get, path);
            good.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await c.Http.SendAsync(good)).StatusCode);
        }
        // a browser: ?token= once sets an HttpOnly cookie, which then carries the page's own requests
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = c.Server.Url };
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("?token=" + token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("api/campaign")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await c.Http.GetAsync("api/campaign")).StatusCode);
        await c.Done(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task AFinishedCampaignIsServedFromItsJournal()
    {
        string journalPath, outDir;
        CampaignDone done;
        await using (var c = await TestCampaign.StartAsync("served", Reachable, 60, new PorosityOnly()))
        {
            done = await c.Done(TimeSpan.FromMinutes(2));
            journalPath = Path.Combine(c.Dir, "served.db");
            outDir = Path.Combine(c.Dir, "out");
            // keep the files: copy them out before the test campaign deletes its folder
            string keep = Directory.CreateTempSubdirectory("porous-served-").FullName;
            await c.Host.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Copy(journalPath, Path.Combine(keep, "served.db"));
            CopyDir(outDir, Path.Combine(keep, "out"));
            journalPath = Path.Combine(keep, "served.db"); outDir = Path.Combine(keep, "out");
        }
        var journal = JournalLocation.Parse("sqlite:" + journalPath, "served");
        await using var host = new CampaignHost("served", outDir, journal, new FakeGenerator(), new PorosityOnly());
        var observer = new CampaignObserver(host.System, "served", outDir, live: false, () => host.InspectFromJournalAsync(TimeSpan.FromMinutes(1)));
        await using var server = await DashboardServer.StartAsync(observer, new DashboardOptions(Port: 0));
        using var http = new HttpClient { BaseAddress = server.Url };
        var s = await Json(http, "api/campaign");
        Assert.False(s.GetProperty("live").GetBoolean());
        Assert.Equal(done.Results.Count(r => r.Status == "Succeeded"), s.GetProperty("counts").GetProperty("succeeded").GetInt32());
        Assert.Equal(done.Results.Count, s.GetProperty("counts").GetProperty("done").GetInt32());
        Assert.Equal(done.Results.Sum(r => r.Evaluations), s.GetProperty("evaluations").GetInt64());
        Assert.NotEmpty((await Json(http, "api/chains/b")).GetProperty("trace").EnumerateArray());
        var slices = await http.GetByteArrayAsync("api/chains/b/slices.png");
        Assert.Equal((byte)'P', slices[1]);
        try { Directory.Delete(Path.GetDirectoryName(journalPath)!, true); } catch (IOException) { }
    }

    static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyDir(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
