using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Telemetry;

namespace PorousActors.Dashboard;

/// <summary>
/// A read-only web page, JSON API and Prometheus endpoint for one campaign (ASP.NET Core minimal
/// APIs on Kestrel). Only GET and HEAD are served; nothing it does sends a command to the campaign.
/// A background loop samples the campaign every <c>sampleEvery</c> for throughput and the ETA.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const string CookieName = "porous_dashboard";
    readonly WebApplication app;
    readonly CampaignObserver observer;
    readonly ThroughputHistory history = new();
    readonly DashboardMetrics metrics = new();
    readonly CancellationTokenSource stop = new();
    readonly SemaphoreSlim statusGate = new(1, 1);
    readonly TimeSpan cacheFor;
    Task? sampler;
    (DateTimeOffset At, CampaignStatus? Status)? cached;

    /// <summary>The address it listens on (with the real port when 0 was asked for).</summary>
    public Uri Url { get; private set; } = null!;

    DashboardServer(WebApplication app, CampaignObserver observer, TimeSpan cacheFor)
    {
        this.app = app; this.observer = observer; this.cacheFor = cacheFor;
    }

    public static async Task<DashboardServer> StartAsync(CampaignObserver observer, DashboardOptions options, TimeSpan? sampleEvery = null)
    {
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Address, options.Port));
        var app = builder.Build();
        var every = sampleEvery ?? TimeSpan.FromSeconds(5);
        // the journal is re-read for a campaign served from it; a live supervisor is cheap to ask
        var server = new DashboardServer(app, observer, observer.Live ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(2));
        server.Configure(options);
        try { await app.StartAsync(); }
        catch (IOException e) { throw new Core.BadInputException($"cannot serve the dashboard on {options.Bind}:{options.Port}: {e.Message}"); }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "[::1]"));
        server.sampler = server.SampleLoop(every);
        return server;
    }

    void Configure(DashboardOptions options)
    {
        app.Use(async (ctx, next) =>
        {
            // read-only: nothing but GET and HEAD, whatever the path
            if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
            {
                ctx.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                ctx.Response.Headers.Allow = "GET, HEAD";
                return;
            }
            if (options.Token is { } token && !Authorised(ctx, token))
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                await ctx.Response.WriteAsync("a valid token is required\n");
                return;
            }
            var h = ctx.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.ContentSecurityPolicy = "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'";
            h.CacheControl = "no-store";
            await next();
        });

        app.MapGet("/", () => Page("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Page("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/style.css", () => Page("style.css", "text/css; charset=utf-8"));
        app.MapGet("/api/campaign", async () => Results.Json(await Snapshot(), Json));
        app.MapGet("/api/chains/{id}", async (string id, CancellationToken ct) =>
        {
            var s = await Snapshot();
            var chain = s.Chains.FirstOrDefault(c => c.Id == id);
            if (chain is null) return Results.NotFound(new { error = $"no chain '{id}'" });
            var steps = await observer.TraceAsync(id, ct);
            return Results.Json(new
            {
                chain,
                trace = steps.Select(x => new { x.Step, x.Evaluations, error = x.Error, x.Status, x.ElapsedSeconds, properties = x.Properties.Where(kv => double.IsFinite(kv.Value)).ToDictionary() }),
            }, Json);
        });
        app.MapGet("/api/chains/{id}/trace.png", async (string id, CancellationToken ct) =>
        {
            var s = await Snapshot();
            if (s.Chains.All(c => c.Id != id)) return Results.NotFound();
            return Results.Bytes(Plots.Trace(id, await observer.TraceAsync(id, ct)), "image/png");
        });
        app.MapGet("/api/chains/{id}/slices.png", async (string id) =>
        {
            var s = await Snapshot();
            var chain = s.Chains.FirstOrDefault(c => c.Id == id);
            var status = cached?.Status;
            if (chain is null || !chain.HasCube || status?.Definition is null) return Results.NotFound();
            // the id is one of the campaign's own (checked above), so the path stays inside its folder
            var cube = Core.IO.VolumeIO.ReadBinary(Path.Combine(observer.OutputDir, status.Definition.CubeFile(id)));
            return Results.Bytes(Reports.SliceImage.Png(cube, $"chain {id}: {cube.Nz}³ at {cube.VoxelSize * 1e6:G4} µm, porosity {cube.PoreVoxelCount() / (double)cube.Count:F3}; pore = white"), "image/png");
        });
        app.MapGet("/api/plots/throughput.png", () => Results.Bytes(Plots.Throughput(history), "image/png"));
        app.MapGet("/api/plots/targets/{property}.png", async (string property) =>
        {
            var s = await Snapshot();
            if (!s.Properties.Contains(property)) return Results.NotFound();
            return Results.Bytes(Plots.Targets(s, property), "image/png");
        });
        app.MapGet("/api/throughput", () => Results.Json(new
        {
            samples = history.Samples(),
            rates = history.Rates().Select(r => new { time = r.Time, evaluationsPerSecond = r.EvaluationsPerSecond, chainsPerHour = r.ChainsPerHour }),
        }, Json));
        app.MapMetrics("/metrics", metrics.Registry);
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    static bool Authorised(HttpContext ctx, string token)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        bool Matches(string? given) => given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
        string? bearer = ctx.Request.Headers.Authorization.ToString() is { } a && a.StartsWith("Bearer ", StringComparison.Ordinal) ? a[7..] : null;
        if (Matches(bearer) || Matches(ctx.Request.Cookies[CookieName])) return true;
        if (Matches(ctx.Request.Query["token"].ToString()))
        {
            // the page's own requests (API, images) then carry the cookie, never the URL
            ctx.Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return true;
        }
        return false;
    }

    static IResult Page(string name, string contentType)
    {
        using var s = typeof(DashboardServer).Assembly.GetManifestResourceStream("PorousActors.Dashboard." + name)!;
        using var r = new StreamReader(s);
        return Results.Text(r.ReadToEnd(), contentType);
    }

    async Task<CampaignSnapshot> Snapshot()
    {
        var status = await Status();
        var snap = CampaignViews.From(observer, status, history);
        metrics.Observe(snap);
        return snap;
    }

    async Task<CampaignStatus?> Status()
    {
        await statusGate.WaitAsync();
        try
        {
            if (cached is { } c && DateTimeOffset.UtcNow - c.At < cacheFor) return c.Status;
            CampaignStatus? s;
            try { s = await observer.StatusAsync(); }
            catch (Exception) when (cached is not null) { s = cached.Value.Status; } // a slow or restarting supervisor: show the last status
            cached = (DateTimeOffset.UtcNow, s);
            return s;
        }
        finally { statusGate.Release(); }
    }

    async Task SampleLoop(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                var s = await Snapshot();
                history.Add(new ThroughputSample(s.Time, s.Evaluations, s.Counts.Done));
            }
            catch (Exception) { /* the next tick tries again; the page shows the last snapshot */ }
        }
        while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false) is true);
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        if (sampler is not null) { try { await sampler; } catch (OperationCanceledException) { } }
        await app.StopAsync();
        await app.DisposeAsync();
        metrics.Dispose();
        observer.Dispose();
    }
}
