namespace PorousActors.Cli;

public static class Program
{
    public static int Main(string[] args) => PorousCli.Run(args, Console.Out, Console.Error);
}
