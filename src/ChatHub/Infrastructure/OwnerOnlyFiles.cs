namespace ChatHub.Infrastructure;

/// <summary>
/// Files that hold secrets (the signing key, the database with its refresh and reset tokens, mails with sign-in
/// links) are created readable and writable by the service's own user alone (0600), whatever the umask.
/// </summary>
public static class OwnerOnlyFiles
{
    /// <summary>Options that create a new file, failing if it exists, with mode 0600 (on Windows the folder's ACL applies).</summary>
    public static FileStreamOptions CreateNew()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>Creates an empty file with mode 0600 unless one is there already (which keeps its own mode).</summary>
    public static void EnsureExists(string path)
    {
        try
        {
            using var _ = new FileStream(path, CreateNew());
        }
        catch (IOException) when (File.Exists(path))
        {
            // Made earlier, or by another node sharing the folder at the same moment.
        }
    }
}
