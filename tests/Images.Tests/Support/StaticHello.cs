namespace Vmspec.Images.Tests.Support;

/// <summary>A tiny statically linked C program that prints <see cref="Greeting"/>.</summary>
internal static class StaticHello
{
    public const string Greeting = "hello from a vmspec image";

    public static string BuildOrSkip(string directory) => StaticBinary.BuildOrSkip(directory, "hello", $$"""
        #include <unistd.h>
        static const char message[] = "{{Greeting}}\n";
        int main(void) { return write(1, message, sizeof message - 1) == sizeof message - 1 ? 0 : 1; }
        """);
}
