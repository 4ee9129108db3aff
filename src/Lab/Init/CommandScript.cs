using System.Text;

namespace Vmspec.Lab.Init;

/// <summary>
/// The shell script that runs the user's command in the lab: the working directory, the environment and the argv,
/// every word single-quoted so that no character is interpreted. The command is exec'd: its status is the script's.
/// </summary>
public static class CommandScript
{
    /// <summary>Exit status when the working directory does not exist in the lab (as `cd` fails in a shell).</summary>
    public const int WorkingDirectoryMissing = 126;

    public static string Build(IReadOnlyList<string> command, string workingDirectory, IEnumerable<KeyValuePair<string, string>> environment)
    {
        if (command.Count == 0)
            throw new ArgumentException("the lab needs a command to run");
        var script = new StringBuilder("# written by vmspec lab\n");
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!IsVariableName(name))
                continue; // the shell cannot export it; such names come only from odd parents
            script.Append("export ").Append(name).Append('=').Append(Quote(value)).Append('\n');
        }
        script.Append("cd ").Append(Quote(workingDirectory))
            .Append(" || { echo \"vmspec lab: no working directory ").Append(workingDirectory.Replace("\"", "", StringComparison.Ordinal))
            .Append(" in the lab\" >&2; exit ").Append(WorkingDirectoryMissing).Append("; }\n");
        script.Append("exec");
        foreach (string word in command)
            script.Append(' ').Append(Quote(word));
        return script.Append('\n').ToString();
    }

    /// <summary>POSIX sh single quoting: everything literal, a ' written as '\''.</summary>
    public static string Quote(string word)
    {
        if (word.Contains('\0'))
            throw new ArgumentException("a command word or environment value contains a NUL byte");
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
