using System.Net;
using PorousActors.Core;

namespace PorousActors.Dashboard;

/// <summary>
/// Where the dashboard listens and who may read it. Loopback (127.0.0.1) by default; any other
/// address needs a token, which every request must then carry (Authorization: Bearer, a
/// <c>?token=</c> on the first page load, which sets a cookie, or that cookie).
/// </summary>
public sealed record DashboardOptions(string Bind = "127.0.0.1", int Port = 8080, string? Token = null)
{
    public const string TokenVariable = "POROUS_DASHBOARD_TOKEN";
    /// <summary>Shortest token accepted: guessing must not be practical.</summary>
    public const int MinTokenLength = 16;

    public IPAddress Address => Bind is "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(Bind, out var a) ? a : throw new BadInputException($"dashboard bind address '{Bind}' is not an IP address (127.0.0.1, 0.0.0.0, ::)");

    public bool Loopback => IPAddress.IsLoopback(Address);

    /// <summary>The token given, else the environment's.</summary>
    public static string? TokenOrEnvironment(string? token) => token ?? (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } t ? t : null);

    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new BadInputException($"dashboard port must be 0-65535, got {Port}");
        _ = Address;
        if (Token is not null && Token.Length < MinTokenLength)
            throw new BadInputException($"the dashboard token must have at least {MinTokenLength} characters");
        if (!Loopback && Token is null)
            throw new BadInputException($"serving the dashboard on {Bind} (not loopback) needs a token: give one, or set {TokenVariable}");
    }
}
