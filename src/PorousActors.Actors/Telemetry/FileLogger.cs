using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace PorousActors.Actors.Telemetry;

/// <summary>
/// Akka logger writing every event at porous.log.level and above to porous.log.file (one file per
/// node or campaign process), and warnings and errors also to stderr as Akka's console logger
/// would. Lines: UTC time, level, source, message; flushed per line so a killed process loses none.
/// </summary>
public sealed class FileLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    readonly StreamWriter? writer;

    public FileLogger()
    {
        string path = Context.System.Settings.Config.GetString("porous.log.file", "");
        if (path.Length > 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{e.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level(e.LogLevel())} [{e.LogSource}] {e.Message}{(e.Cause is { } c ? " (" + c.GetBaseException().Message + ")" : "")}");
            writer?.WriteLine(line);
            if (e.LogLevel() >= LogLevel.WarningLevel) Console.Error.WriteLine(line);
        });
    }

    static string Level(LogLevel l) => l switch
    {
        LogLevel.DebugLevel => "DEBUG", LogLevel.InfoLevel => "INFO", LogLevel.WarningLevel => "WARN", _ => "ERROR",
    };

    protected override void PostStop() => writer?.Dispose();

    /// <summary>Settings that route the actor system's log to <paramref name="path"/> at
    /// <paramref name="level"/> (INFO by default) instead of Akka's console logger.</summary>
    public static Config ConfigFor(string path, string level = "INFO") => ConfigurationFactory.ParseString($@"
        porous.log.file = {Campaigns.JournalLocation.Quote(Path.GetFullPath(path))}
        akka.loglevel = {level}
        akka.stdout-loglevel = WARNING
        akka.loggers = [""PorousActors.Actors.Telemetry.FileLogger, PorousActors.Actors""]");
}
