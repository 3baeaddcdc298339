namespace LeWm.Cli.Commands;

/// <summary>Resolves a command's <c>--model</c> argument to a checkpoint folder.</summary>
internal static class ModelFolder
{
    /// <summary>
    /// Returns the folder of <paramref name="model"/>, or the shipped default voice's when it is null.
    /// </summary>
    /// <exception cref="UsageException">No model was given and no default voice is installed.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static string Resolve(DirectoryInfo? model)
    {
        if (model is null)
        {
            return DefaultVoice() ?? throw new UsageException(
                "No default voice ships with this version of lewm yet; pass a checkpoint folder with --model DIR.");
        }

        return Require(model);
    }

    /// <summary>Returns the full path of <paramref name="model"/>, which must be an existing folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static string Require(DirectoryInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Exists)
        {
            throw new DirectoryNotFoundException($"The model folder '{model.FullName}' does not exist.");
        }

        return model.FullName;
    }

    /// <summary>
    /// The folder of the shipped default voice, or null while none ships (issue 7 adds it: return its folder here and
    /// <c>lewm synthesize</c> works without <c>--model</c>).
    /// </summary>
    private static string? DefaultVoice() => null;
}
