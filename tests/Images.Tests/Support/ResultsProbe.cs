namespace Vmspec.Images.Tests.Support;

/// <summary>
/// A tiny static program that behaves like vmspec verify from the container's point of view:
/// <c>write CODE</c> reports who it runs as (and whether /dev/userfaultfd is there), writes /results/results.json and junit.xml and exits
/// with CODE; <c>exit CODE</c> writes nothing; <c>sleep</c> never ends. Built with gcc at test time.
/// </summary>
internal static class ResultsProbe
{
    public const string ResultsJson = "{\"probe\":true}\n";
    public const string JunitXml = "<testsuites/>\n";

    public static string BuildOrSkip(string directory) => StaticBinary.BuildOrSkip(directory, "probe", $$"""
            #include <errno.h>
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>

            static int put(const char *path, const char *text) {
                FILE *f = fopen(path, "w");
                if (!f) { fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno)); return 0; }
                fputs(text, f);
                return fclose(f) == 0;
            }

            int main(int argc, char **argv) {
                const char *mode = argc > 1 ? argv[1] : "write";
                int code = argc > 2 ? atoi(argv[2]) : 0;
                if (strcmp(mode, "sleep") == 0) { for (;;) pause(); }
                if (strcmp(mode, "exit") == 0) return code;
                int fd = open("/probe-write-test", O_CREAT | O_WRONLY, 0600);
                printf("uid=%d gid=%d rootfs=%s", (int)getuid(), (int)getgid(), fd < 0 && errno == EROFS ? "read-only" : "WRITABLE");
                gid_t groups[16];
                int count = getgroups(16, groups);
                for (int i = 0; i < count; i++) printf(" group=%d", (int)groups[i]);
                printf(" userfaultfd=%s\n", access("/dev/userfaultfd", F_OK) == 0 ? "present" : "absent");
                fflush(stdout);
                fputs("probe stderr line\n", stderr);
                if (!put("/results/results.json", {{Quote(ResultsJson)}}) || !put("/results/junit.xml", {{Quote(JunitXml)}})) return 70;
                return code;
            }
            """);

    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
