using LeWm.Voices.Hindi;

namespace LeWm.Cli.Commands;

/// <summary>Resolves a command's <c>--model</c> argument to a checkpoint folder.</summary>
internal static class ModelFolder
{
    /// <summary>
    /// Returns the folder of <paramref name="model"/>, or the shipped default voice's when it is null.
    /// </summary>
    /// <exception cref="FileNotFoundException">No model was given and the default voice's files are missing.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static string Resolve(DirectoryInfo? model)
    {
        return model is null ? DefaultVoice() : Require(model);
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

    /// <summary>The folder of the shipped default voice (package LeWm.Voices.Hindi), copied next to <c>lewm</c>.</summary>
    /// <exception cref="FileNotFoundException">The voice's files are missing; the message names them.</exception>
    private static string DefaultVoice() => HindiVoice.DirectoryPath;
}
