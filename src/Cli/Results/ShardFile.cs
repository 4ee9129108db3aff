namespace Vmspec.Cli.Results;

/// <summary>One input of <c>vmspec merge</c>: a results.json as read, or why it could not be read (missing, not JSON, cut short).</summary>
internal sealed record ShardFile(string Path, VerifyReport? Report, string? Error)
{
    public static ShardFile Read(string path)
    {
        try
        {
            return new ShardFile(path, ResultsJsonReader.Read(File.ReadAllBytes(path)), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return new ShardFile(path, null, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message);
        }
    }
}
