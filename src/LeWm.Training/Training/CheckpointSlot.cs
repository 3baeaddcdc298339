namespace LeWm.Training;

/// <summary>
/// Replaces a checkpoint folder (<c>last/</c>, <c>best/</c>) as a whole and crash-safely: the new content is written to
/// a hidden temporary sibling, the old folder is renamed aside, the new one renamed into place, the old one deleted.
/// </summary>
/// <remarks>
/// Every folder named <c>last</c> is therefore complete. A crash leaves at worst a temporary sibling (deleted by
/// <see cref="Recover"/>) or, between the two renames, only the renamed-aside previous folder (renamed back by
/// <see cref="Recover"/>).
/// </remarks>
internal static class CheckpointSlot
{
    private const string TemporaryTag = ".tmp-";
    private const string PreviousTag = ".old-";

    /// <summary>Writes a new version of <paramref name="target"/> with <paramref name="write"/> and swaps it in.</summary>
    /// <param name="target">The folder to replace (for example <c>OUTPUT/last</c>).</param>
    /// <param name="write">Fills the empty folder it is given; every file must be flushed to disk when it returns.</param>
    public static void Replace(string target, Action<string> write)
    {
        string full = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        Directory.CreateDirectory(parent);
        string temporary = Path.Combine(parent, $".{name}{TemporaryTag}{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            write(temporary);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        string? previous = null;
        if (Directory.Exists(full))
        {
            previous = Path.Combine(parent, $".{name}{PreviousTag}{Guid.NewGuid():N}");
            Directory.Move(full, previous);
        }

        Directory.Move(temporary, full);
        if (previous is not null)
        {
            TryDelete(previous);
        }
    }

    /// <summary>Repairs what an interrupted <see cref="Replace"/> left: restores a renamed-aside folder, deletes temporaries.</summary>
    /// <param name="target">The checkpoint folder.</param>
    /// <returns>True when something was repaired or cleaned.</returns>
    public static bool Recover(string target)
    {
        string full = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        if (!Directory.Exists(parent))
        {
            return false;
        }

        bool changed = false;
        string[] previous = Directory.GetDirectories(parent, $".{name}{PreviousTag}*");
        if (!Directory.Exists(full) && previous.Length > 0)
        {
            string newest = previous.OrderByDescending(Directory.GetLastWriteTimeUtc).First();
            Directory.Move(newest, full);
            changed = true;
        }

        foreach (string leftover in Directory.GetDirectories(parent, $".{name}{PreviousTag}*")
            .Concat(Directory.GetDirectories(parent, $".{name}{TemporaryTag}*")))
        {
            TryDelete(leftover);
            changed = true;
        }

        return changed;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden folder is cleaned by the next Recover.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
