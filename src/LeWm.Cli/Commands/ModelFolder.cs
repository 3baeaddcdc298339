namespace LeWm.Cli.Commands;

/// <summary>Resolves a command's <c>--model</c> argument to a model folder.</summary>
internal static class ModelFolder
{
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
}
