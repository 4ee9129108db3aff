namespace Vmspec.Build.Framework;

/// <summary>
/// <c>./build.sh [targets] [--skip [targets]] [--plan] [--help] [--parameter value]...</c>:
/// bare words are targets; --skip takes the target names that follow it (none: skip every
/// dependency of the requested targets); a parameter flag takes the next word as its value.
/// </summary>
internal sealed record CommandLine(
    IReadOnlyList<string> Targets,
    IReadOnlyList<string>? Skip,
    bool Plan,
    bool Help,
    IReadOnlyDictionary<string, string> Parameters)
{
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyCollection<BuildParameter> parameters)
    {
        var targets = new List<string>();
        List<string>? skip = null;
        bool plan = false, help = false;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--help" or "-h":
                    help = true;
                    break;
                case "--plan":
                    plan = true;
                    break;
                case "--skip":
                    skip ??= [];
                    while (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                        skip.Add(args[++i]);
                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                    var (name, inline) = SplitInlineValue(flag);
                    var parameter = parameters.FirstOrDefault(p => p.Flag == name)
                        ?? throw new BuildException($"Unknown option '{name}'. See ./build.sh --help");
                    if (inline is not null)
                        values[parameter.Flag] = inline;
                    else if (parameter.IsSwitch && (i + 1 >= args.Count || args[i + 1].StartsWith('-') || !IsBoolWord(args[i + 1])))
                        values[parameter.Flag] = "";
                    else if (i + 1 < args.Count)
                        values[parameter.Flag] = args[++i];
                    else
                        throw new BuildException($"{parameter.Flag} needs a value");
                    break;
                case var word when word.StartsWith('-'):
                    throw new BuildException($"Unknown option '{word}'. See ./build.sh --help");
                default:
                    targets.Add(arg);
                    break;
            }
        }
        return new CommandLine(targets, skip, plan, help, values);
    }

    private static bool IsBoolWord(string word) =>
        word.ToLowerInvariant() is "true" or "false" or "1" or "0" or "yes" or "no" or "on" or "off";

    private static (string Name, string? Value) SplitInlineValue(string flag)
    {
        var equals = flag.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (flag, null) : (flag[..equals], flag[(equals + 1)..]);
    }
}
