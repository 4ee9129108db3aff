namespace Vmspec.Cli.Report;

/// <summary>
/// A time axis from 0 to a round end at or above the last event, with 1-2-5 ticks (at most 10), labelled in µs
/// below a millisecond and in ms above.
/// </summary>
internal sealed record TimeAxis(double End, double Step, string Unit)
{
    public static TimeAxis For(double lastUs)
    {
        double step = 1;
        while (lastUs / step > 10)
            step = NextStep(step);
        double end = Math.Ceiling(lastUs / step) * step;
        return new TimeAxis(end, step, end >= 2000 ? "ms" : "µs");
    }

    public IEnumerable<double> Ticks
    {
        get
        {
            int count = (int)Math.Round(End / Step);
            for (int i = 0; i <= count; i++)
                yield return i * Step;
        }
    }

    public string Label(double us) => Html.Number(Unit == "ms" ? us / 1000 : us);

    /// <summary>1, 2, 5, 10, 20, 50, ...</summary>
    private static double NextStep(double step)
    {
        double decade = Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        double mantissa = Math.Round(step / decade);
        return mantissa switch { 1 => 2 * decade, 2 => 5 * decade, _ => 10 * decade };
    }
}
