namespace Vmspec.Images;

public enum LayerEntryKind
{
    Directory,
    File,
    Symlink,
}
