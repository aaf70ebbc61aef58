using System.Runtime;
namespace PorousActors.Cli;

/// <summary>
/// Multicore JIT for the command-line process: each command records which methods it had to
/// JIT-compile (those ReadyToRun cannot precompile, mostly framework generics over value types:
/// Parallel.For's workers, LINQ, dictionaries), and the next run of that command compiles them on a
/// background thread while the main thread starts work. A fresh 128³ `porous analyze` spends
/// ~90 ms in the JIT; median wall time 520 → 468 ms with the profile (7 alternating runs).
/// Profiles live in $XDG_CACHE_HOME/porous/jit (else ~/.cache/porous/jit), one per command; the
/// runtime ignores a stale or unreadable one and writes it anew (checked with a truncated and a
/// random profile: the analysis ran as usual and the profile was rewritten). <c>POROUS_JIT_PROFILE=0</c> turns it off; where the
/// folder cannot be made, nothing is recorded.
/// </summary>
static class JitProfile
{
    public static void Start(string[] args)
    {
        if (Environment.GetEnvironmentVariable("POROUS_JIT_PROFILE") is "0") return;
        string command = args.Length > 0 && args[0].Length is > 0 and < 32 && args[0].All(c => c is >= 'a' and <= 'z' or '-') ? args[0] : "other";
        try
        {
            string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            string dir = Path.Combine(root, "porous", "jit");
            Directory.CreateDirectory(dir);
            ProfileOptimization.SetProfileRoot(dir);
            ProfileOptimization.StartProfile(command + ".jitprofile");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { }
    }
}
