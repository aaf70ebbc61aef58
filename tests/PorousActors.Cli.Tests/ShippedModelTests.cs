using System.Globalization;
using System.Text.Json;
using PorousActors.Cli.Commands;
using PorousActors.Conditioning;
using PorousActors.Core.Metrics;
using PorousActors.Gan;

namespace PorousActors.Cli.Tests;

/// <summary>
/// The shipped generator travels with files made from it: its card, its training curve, its latent
/// prior and surrogate (which the conditioning commands refuse for another model), and the report
/// whose figures the README quotes. Shipping a new model replaces them together
/// (<c>scripts/ship-generator.sh</c>); these tests fail when one of them was left behind.
/// </summary>
public class ShippedModelTests
{
    static string Shipped() => DemoCommand.FindShipped() ?? throw new InvalidOperationException($"{DemoCommand.ShippedModel} not found from the test's folder");

    static string ModelsFile(string name) => Path.Combine(Path.GetDirectoryName(Shipped())!, name);

    [Fact]
    public void ThePriorTheSurrogateAndTheReportAreOfTheShippedModel()
    {
        using var m = GeneratorModel.Load(Shipped()); // also checks the side card's SHA-256
        Assert.False(string.IsNullOrEmpty(m.Sha256));
        Assert.Equal(m.Sha256, LatentPrior.Load(ModelsFile("berea64.prior.json")).ModelSha256);
        Assert.Equal(m.Sha256, LatentSurrogate.Load(ModelsFile("berea64.surrogate.json")).ModelSha256);

        using var report = JsonDocument.Parse(File.ReadAllText(ModelsFile(Path.Combine("berea64-report", "summary.json"))));
        Assert.Equal(m.Sha256, report.RootElement.GetProperty("modelSha256").GetString());
        Assert.Equal(m.Card.Iterations, report.RootElement.GetProperty("iterations").GetInt32());

        // the curve shipped with the model ends at the iteration its weights come from, without gaps
        var iterations = File.ReadLines(ModelsFile("berea64.curve.csv")).Skip(1)
            .Select(l => int.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(m.Card.Iterations, iterations[^1]);
        Assert.Equal(Enumerable.Range(iterations[0], iterations.Count), iterations);
    }

    [Fact]
    public void TheShippedModelMakesRockLikeCubesThatDifferByLatent()
    {
        using var m = GeneratorModel.Load(Shipped());
        var rng = new Random(5);
        var latents = Enumerable.Range(0, 4).Select(_ => Core.StandardNormal.Vector(rng, m.Latent)).ToList();
        var cubes = m.Generate(latents);
        var porosities = cubes.Select(Porosity.Compute).ToList();
        foreach (var (cube, phi) in cubes.Zip(porosities))
        {
            Assert.Equal((m.Size, m.Size, m.Size), (cube.Nz, cube.Ny, cube.Nx));
            Assert.Equal(m.Card.VoxelSize, cube.VoxelSize);
            Assert.InRange(phi, 0.08, 0.40); // Berea's 64³ sub-cubes lie within 0.12–0.28
        }
        Assert.True(porosities.Distinct().Count() > 1, "four latents gave four cubes of the same porosity");
    }
}
