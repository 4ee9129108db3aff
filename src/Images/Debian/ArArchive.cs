using System.Globalization;
using System.Text;

namespace Vmspec.Images;

/// <summary>Reads members of a Unix ar archive (the container format of .deb files).</summary>
internal static class ArArchive
{
    private const int HeaderLength = 60;

    /// <summary>Calls <paramref name="visit"/> with each member's name and a stream over its bytes.</summary>
    public static void ForEachMember(Stream archive, string source, Func<string, Stream, bool> visit)
    {
        Span<byte> magic = stackalloc byte[8];
        if (archive.ReadAtLeast(magic, 8, throwOnEndOfStream: false) != 8 || !magic.SequenceEqual("!<arch>\n"u8))
        {
            throw new ImageBuildException($"{source}: not an ar archive (bad magic)");
        }

        var header = new byte[HeaderLength];
        while (archive.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) is var read && read > 0)
        {
            if (read != HeaderLength || header[58] != '`' || header[59] != '\n')
            {
                throw new ImageBuildException($"{source}: truncated or corrupt ar member header");
            }

            var name = Encoding.ASCII.GetString(header, 0, 16).TrimEnd(' ').TrimEnd('/');
            if (!long.TryParse(Encoding.ASCII.GetString(header, 48, 10).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                throw new ImageBuildException($"{source}: ar member '{name}' has a bad size field");
            }

            var member = new BoundedStream(archive, size);
            if (visit(name, member))
            {
                return;
            }

            member.SkipRest();
            if (size % 2 == 1)
            {
                archive.ReadByte(); // members are 2-byte aligned
            }
        }
    }

    /// <summary>Read-only view of the next <c>length</c> bytes of a forward-only stream.</summary>
    private sealed class BoundedStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _length;
        private long _remaining;

        public BoundedStream(Stream inner, long length)
        {
            _inner = inner;
            _length = length;
            _remaining = length;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get => _length - _remaining;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_remaining == 0)
            {
                return 0;
            }

            var read = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            if (read == 0)
            {
                throw new EndOfStreamException("ar member ends early");
            }

            _remaining -= read;
            return read;
        }

        public void SkipRest() => CopyTo(Null);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
