namespace PorousActors.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        JitProfile.Start(args);
        return PorousCli.Run(args, Console.Out, Console.Error);
    }
}
