using System.Diagnostics;
using System.Text.RegularExpressions;
using PorousActors.Actors.Chains;

namespace PorousActors.Dashboard.Tests;

/// <summary>
/// The page in a real browser (Debian's headless Chromium, which .ci/run installs) while a
/// campaign runs: the chain rows and the progress appear and advance, and a screenshot is kept in
/// artifacts/dashboard.png beside the test binaries (or in $POROUS_TEST_ARTIFACTS).
/// </summary>
public sealed partial class BrowserTests
{
    static string? Chromium => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    static string RunChromium(params string[] args)
    {
        var psi = new ProcessStartInfo(Chromium!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars" }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90))) { p.Kill(true); throw new TimeoutException("chromium did not finish in 90 s"); }
        return output.Result;
    }

    /// <summary>The page's DOM once its first fetch of the API has been drawn. Until then the
    /// counters show "–"; on a busy machine Chromium can dump the DOM before the fetch returns, so
    /// the page is loaded again (a fresh browser each time) rather than read as 0.</summary>
    static string LoadedPage(Uri url)
    {
        string dom = "";
        for (int attempt = 0; attempt < 4; attempt++)
        {
            dom = RunChromium("--virtual-time-budget=5000", "--dump-dom", url.ToString());
            if (EvaluationsRegex().IsMatch(dom)) return dom;
        }
        throw new Xunit.Sdk.XunitException("the page never drew the API's answer in 4 loads:\n" + dom[..Math.Min(dom.Length, 2000)]);
    }

    static long Evaluations(string dom) => long.Parse(EvaluationsRegex().Match(dom) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no evaluations counter in the page:\n" + dom[..Math.Min(dom.Length, 2000)]));

    [SkippableFact]
    public async Task PageShowsChainsAndProgressAdvancingWhileACampaignRuns()
    {
        Skip.If(Chromium is null, "no Chromium (apt-get install chromium; .ci/run does)");
        // ten slow chains, two at a time, that cannot reach their target: ≥ 30 s of steady progress,
        // longer than the test looks (it stops the campaign when done)
        var chains = Enumerable.Range(1, 10).Select(i => new ChainSpec($"chain-{i}", "porosity=0.99:0.001", i)).ToList();
        await using var c = await TestCampaign.StartAsync("browser", chains, 60, new SlowPorosity(100));
        // a user opens the page on a running campaign: wait until the supervisor has taken it up
        for (var sw = Stopwatch.StartNew(); !(await c.Http.GetStringAsync("api/campaign")).Contains("\"chain-1\""); await Task.Delay(200))
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "the campaign did not start");

        string first = LoadedPage(new Uri(c.Server.Url, "?refresh=500"));
        var rows = RowRegex().Matches(first).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(chains.Select(x => x.Id).Order(), rows.Order());
        Assert.Contains("id=\"campaign\">browser<", first);
        long before = Evaluations(first);
        Assert.Matches(RunningRowRegex(), first);

        await Task.Delay(TimeSpan.FromSeconds(3));
        string second = LoadedPage(new Uri(c.Server.Url, "?refresh=500"));
        long after = Evaluations(second);
        Assert.True(after > before, $"evaluations did not advance in the page: {before} then {after}");

        string dir = Environment.GetEnvironmentVariable("POROUS_TEST_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(dir);
        string shot = Path.Combine(dir, "dashboard.png");
        File.Delete(shot);
        RunChromium("--virtual-time-budget=5000", "--window-size=1400,1900", $"--screenshot={shot}", new Uri(c.Server.Url, "?refresh=1000").ToString());
        Assert.True(File.Exists(shot) && new FileInfo(shot).Length > 20_000, "no screenshot");
        Console.WriteLine($"dashboard screenshot: {shot}");
    }

    [GeneratedRegex("<tr data-id=\"([^\"]+)\"")]
    private static partial Regex RowRegex();
    [GeneratedRegex("id=\"evaluations\">(\\d+)<")]
    private static partial Regex EvaluationsRegex();
    [GeneratedRegex("data-status=\"Running\"")]
    private static partial Regex RunningRowRegex();
}
