using Vmspec.Lab.Init;

namespace Vmspec.Lab.Tests.Init;

public sealed class CommandScriptTests
{
    [Fact]
    public void Every_word_is_single_quoted_and_the_command_is_execd_in_the_working_directory()
    {
        string script = CommandScript.Build(["printf", "%s\n", "it's $HOME `x`"], "/work/a b",
            [new("B", "2"), new("A", "x'y"), new("not-a-name", "dropped")]);

        Assert.Equal("# written by vmspec lab\nexport A='x'\\''y'\nexport B='2'\n"
            + "cd '/work/a b' || { echo \"vmspec lab: no working directory /work/a b in the lab\" >&2; exit 126; }\n"
            + "exec 'printf' '%s\n' 'it'\\''s $HOME `x`'\n", script);
    }

    [Fact]
    public void An_empty_command_and_a_NUL_byte_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CommandScript.Build([], "/", []));
        Assert.Throws<ArgumentException>(() => CommandScript.Quote("a\0b"));
    }
}
