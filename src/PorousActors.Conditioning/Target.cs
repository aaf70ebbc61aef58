using System.Globalization;
using PorousActors.Core;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;

namespace PorousActors.Conditioning;

/// <summary>One conditioning target: a property of <see cref="RockProperties"/> (by its JSON key),
/// the value to reach and the tolerance |achieved − value| ≤ tolerance (absolute; a relative
/// tolerance "7.5%" is turned into one at parse time and remembered for printing).</summary>
public sealed record Target(string Property, double Value, double Tolerance, double? RelativeTolerance = null)
{
    /// <summary>Parses "porosity=0.22:0.01" (property=value:tolerance) or "permeability_mD=800:7.5%".</summary>
    public static Target Parse(string text)
    {
        int eq = text.IndexOf('='), colon = text.LastIndexOf(':');
        if (eq <= 0 || colon < eq)
            throw new BadInputException($"target '{text}' must look like property=value:tolerance, e.g. porosity=0.22:0.01 or permeability_mD=800:7.5%");
        string name = text[..eq].Trim();
        string tolText = text[(colon + 1)..].Trim();
        bool relative = tolText.EndsWith('%');
        if (!double.TryParse(text[(eq + 1)..colon], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.TryParse(relative ? tolText[..^1] : tolText, NumberStyles.Float, CultureInfo.InvariantCulture, out double tol))
            throw new BadInputException($"target '{text}': value and tolerance must be numbers");
        Target t;
        if (relative)
        {
            if (!(tol > 0) || !double.IsFinite(tol)) throw new BadInputException($"target {name}: relative tolerance must be a positive percentage, got {tolText}");
            t = new Target(name, value, Math.Abs(value) * tol / 100, tol / 100);
        }
        else t = new Target(name, value, tol);
        t.Validate();
        return t;
    }

    /// <summary>Permeability spans orders of magnitude: its error is measured on a log scale, so a
    /// 100 mD and a 5,000 mD target at the same relative tolerance are equally hard.</summary>
    public bool LogScale => RockPropertyCatalog.Find(Property)?.LogScale ?? false;

    /// <summary>The error in units of the tolerance (|e| ≤ 1 inside it, to first order, on either scale).</summary>
    public double NormalisedError(double achieved)
    {
        if (!LogScale) return (achieved - Value) / Tolerance;
        double width = Math.Log(1 + Tolerance / Value);
        return Math.Log(Math.Max(achieved, 1e-12) / Value) / width;
    }

    public void Validate()
    {
        if (RockPropertyCatalog.Find(Property) is not { Targetable: true } p)
            throw new BadInputException($"unknown target property '{Property}'; use one of {string.Join(", ", RockPropertyCatalog.All.Where(x => x.Targetable).Select(x => x.Key))}");
        if (!double.IsFinite(Value)) throw new BadInputException($"target {Property}: value must be a finite number, got {Value}");
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance)) throw new BadInputException($"target {Property}: tolerance must be a positive number, got {Tolerance}");
        switch (p.Range)
        {
            case PropertyRange.Fraction when !(Value > 0 && Value < 1): throw new BadInputException($"target {Property} must be in (0, 1), got {Value}");
            case PropertyRange.Positive when !(Value > 0): throw new BadInputException($"target {Property} must be positive, got {Value}");
            case PropertyRange.NonNegative when Value < 0: throw new BadInputException($"target {Property} cannot be negative, got {Value}");
        }
    }

    /// <summary>"porosity 0.1461 against 0.9 ± 0.001": this target beside a value achieved, for messages.</summary>
    public string Against(double achieved) => $"{Property} {achieved:G4} against {Value:G4} ± {Tolerance:G3}";

    public override string ToString() => RelativeTolerance is { } r
        ? string.Create(CultureInfo.InvariantCulture, $"{Property}={Value:G6}:{r * 100:G6}%")
        : string.Create(CultureInfo.InvariantCulture, $"{Property}={Value:G6}:{Tolerance:G6}");
}

/// <summary>Targets met together. Objective: sum of squared errors, each normalised by its tolerance.</summary>
public sealed record TargetSet(IReadOnlyList<Target> Targets)
{
    public static TargetSet Parse(IEnumerable<string> texts)
    {
        var list = texts.SelectMany(t => t.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(Target.Parse).ToList();
        if (list.Count == 0) throw new BadInputException("no target given; a target looks like porosity=0.22:0.01");
        var dup = list.GroupBy(t => t.Property).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new BadInputException($"target {dup.Key} is given twice");
        return new TargetSet(list);
    }

    /// <summary>NaN properties (e.g. a failed evaluation) give an infinite error.</summary>
    public double Error(RockProperties p)
    {
        double e = 0;
        foreach (var t in Targets)
        {
            double v = p.Get(t.Property);
            if (!double.IsFinite(v)) return double.PositiveInfinity;
            double d = t.NormalisedError(v);
            e += d * d;
        }
        return e;
    }

    public bool Satisfied(RockProperties p) => Targets.All(t => Math.Abs(p.Get(t.Property) - t.Value) <= t.Tolerance);

    public PropertyNeeds Needs
    {
        get
        {
            var axes = new List<FlowAxis>();
            bool network = false;
            foreach (var t in Targets)
            {
                var p = RockPropertyCatalog.Get(t.Property);
                network |= p.Stage != PropertyStage.Image;
                axes.AddRange(p.Axes);
            }
            if (network && axes.Count == 0) axes.Add(FlowAxis.Z);
            return new PropertyNeeds(network, axes.Distinct().ToList());
        }
    }

    public override string ToString() => string.Join(";", Targets);
}
