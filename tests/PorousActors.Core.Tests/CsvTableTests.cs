using PorousActors.Core.IO;

namespace PorousActors.Core.Tests;

public sealed class CsvTableTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("porous-csv-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void QuotedCellsCommasQuotesCommentsAndBlankLinesRoundTrip()
    {
        string path = Path.Combine(dir, "t.csv");
        string[][] rows = [["a", "porosity=0.2:0.01", "1"], ["b, with comma", "say \"hi\"", ""], ["c", "", "3"]];
        CsvTable.Write(path, ["id", "target", "seed"], rows);
        string text = File.ReadAllText(path);
        Assert.Contains("\"b, with comma\"", text);
        Assert.Contains("\"say \"\"hi\"\"\"", text);
        // a spreadsheet's copy: quoted everywhere, a comment and blank lines
        File.AppendAllText(path, "\n# a note\n\n\"d\",\"porosity=0.3:0.01;permeability_mD=800:10%\",\"4\"\n");
        var t = CsvTable.Read(path);
        Assert.Equal(["id", "target", "seed"], t.Header);
        Assert.Equal(1, t.Column("TARGET"));
        Assert.Equal(-1, t.Column("tolerance"));
        Assert.Equal(["a", "b, with comma", "c", "d"], t.Rows.Select(r => r.Cells[0]));
        Assert.Equal("say \"hi\"", t.Rows[1].Cells[1]);
        Assert.Equal("porosity=0.3:0.01;permeability_mD=800:10%", t.Rows[3].Cells[1]);
        Assert.True(t.Rows[3].Line > t.Rows[2].Line);
    }

    [Fact]
    public void AppendingWritesTheHeaderOnce()
    {
        string path = Path.Combine(dir, "r.csv");
        CsvTable.Write(path, ["id", "v"], [["a", "1"]], append: true);
        CsvTable.Write(path, ["id", "v"], [["b", "2"]], append: true);
        Assert.Equal("id,v\na,1\nb,2\n", File.ReadAllText(path));
    }
}
