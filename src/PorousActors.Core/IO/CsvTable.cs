using CsvHelper;

namespace PorousActors.Core.IO;

/// <summary>
/// CSV files through CsvHelper (RFC 4180: quoted fields, commas and quotes inside them), so a
/// targets file saved by a spreadsheet or a value holding a comma reads and writes correctly.
/// Reading skips blank lines and lines starting with '#', trims cells and finds columns by header
/// name (case-insensitive).
/// </summary>
public sealed class CsvTable
{
    public IReadOnlyList<string> Header { get; }
    /// <summary>Rows with their 1-based line number in the file, for messages.</summary>
    public IReadOnlyList<(int Line, string[] Cells)> Rows { get; }

    CsvTable(IReadOnlyList<string> header, IReadOnlyList<(int, string[])> rows) { Header = header; Rows = rows; }

    /// <summary>The column's index, or -1.</summary>
    public int Column(string name)
    {
        for (int i = 0; i < Header.Count; i++) if (string.Equals(Header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: file not found");
        using var text = new StreamReader(path);
        return Read(text, path);
    }

    public static CsvTable Read(TextReader text, string source)
    {
        try
        {
            using var csv = CsvReader.Create(text, new CsvReaderOptions { HasHeader = true, CommentPrefix = '#', SkipEmptyLines = true, TrackLineNumbers = true }, leaveOpen: true);
            var header = csv.Headers.Select(h => h.Trim()).ToList();
            var rows = new List<(int, string[])>();
            while (csv.Read())
            {
                var cells = new string[csv.FieldCount];
                for (int i = 0; i < cells.Length; i++) cells[i] = csv.GetString(i).Trim();
                if (cells.All(c => c.Length == 0)) continue;
                rows.Add(((int)csv.LineNumber, cells));
            }
            return new CsvTable(header, rows);
        }
        catch (Exception e) when (e is not BadInputException and not IOException)
        {
            throw new BadInputException($"{source}: not a readable CSV file ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>Writes (or appends to) a CSV file; the header is written only to a new or emptied file.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, bool append = false)
    {
        bool fresh = !append || !File.Exists(path) || new FileInfo(path).Length == 0;
        using var stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        using var text = new StreamWriter(stream);
        Write(text, fresh ? header : null, rows);
    }

    public static void Write(TextWriter text, IReadOnlyList<string>? header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true); // LF, as every other file we write
        if (header is not null) Record(csv, header);
        foreach (var r in rows) Record(csv, r);
        csv.Flush();

        static void Record(CsvWriter csv, IReadOnlyList<string> cells)
        {
            foreach (var c in cells) csv.WriteField(c);
            csv.EndRecord();
        }
    }

    /// <summary>A whole file as text, for callers that write atomically (temporary file, then rename).</summary>
    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var text = new StringWriter();
        Write(text, header, rows);
        return text.ToString();
    }
}
