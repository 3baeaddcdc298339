using LeWm.Inference;
using LeWm.Model.Checkpoints;

namespace LeWm.Voices.Hindi;

/// <summary>
/// The Hindi voice this package ships: where its model folder is, which speakers it has, and which one speaks by
/// default. <c>TtsEngine.CreateBuilder().UseDefaultVoice()</c> uses it.
/// </summary>
/// <remarks>
/// The folder (<c>config.json</c> + <c>model.safetensors</c>, float16 weights) is copied to
/// <c>voices/hindi/</c> beside the application by the package's build targets (or, for a project reference, by the
/// project's own copy-to-output items). All members are thread-safe.
/// </remarks>
public static class HindiVoice
{
    /// <summary>The voice's folder relative to the application's folder: <c>voices/hindi</c>.</summary>
    public const string RelativePath = "voices/hindi";

    private static IReadOnlyList<SpeakerDescriptor>? s_speakers;

    /// <summary>Gets the full path of the voice's model folder, which holds <c>config.json</c> and <c>model.safetensors</c>.</summary>
    /// <exception cref="FileNotFoundException">
    /// The folder or one of its files is missing next to the application; the message names the missing files and
    /// how to get them (install the LeWm.Voices.Hindi package in the application project, or pass a model folder).
    /// </exception>
    public static string DirectoryPath => Locate(CandidateBaseDirectories());

    /// <summary>Gets the voice's speakers by id and name, read from its <c>config.json</c> (speaker 0 is the default).</summary>
    /// <exception cref="FileNotFoundException">The voice's files are missing (see <see cref="DirectoryPath"/>).</exception>
    /// <exception cref="LeWm.Checkpoints.CheckpointFormatException">The voice's <c>config.json</c> is malformed.</exception>
    /// <exception cref="LeWm.Model.ModelConfigurationException">The voice's configuration holds an invalid value.</exception>
    public static IReadOnlyList<SpeakerDescriptor> Speakers => s_speakers ??= ReadSpeakers(DirectoryPath);

    /// <summary>Gets the speaker that speaks when a request names none: 0, espeak-ng's own Hindi voice (<c>hi</c>).</summary>
    public static int DefaultSpeaker => 0;

    /// <summary>Finds the voice's folder under the first base directory that holds it complete.</summary>
    /// <param name="baseDirectories">Folders to look in, in order (the assembly's folder, then the application's).</param>
    /// <returns>The full path of the voice folder.</returns>
    /// <exception cref="FileNotFoundException">No base directory holds the complete folder; the message names the first one's missing files.</exception>
    internal static string Locate(IReadOnlyList<string> baseDirectories)
    {
        string[] files = [LeWmCheckpoint.ConfigFileName, LeWmCheckpoint.WeightsFileName];
        List<string>? firstMissing = null;
        foreach (string baseDirectory in baseDirectories)
        {
            string folder = Path.GetFullPath(Path.Combine(baseDirectory, RelativePath));
            List<string> missing = [.. files.Select(f => Path.Combine(folder, f)).Where(p => !File.Exists(p))];
            if (missing.Count == 0)
            {
                return folder;
            }

            firstMissing ??= missing;
        }

        string list = firstMissing is null ? RelativePath : string.Join(", ", firstMissing.Select(p => $"'{p}'"));
        throw new FileNotFoundException(
            $"The Hindi voice's files are missing: {list}. Add the LeWm.Voices.Hindi package to the application project " +
            "(its build copies voices/hindi/ next to the application; restore and rebuild), or pass a model folder instead " +
            "(UseModel(dir) in code, --model DIR to lewm).",
            firstMissing?[0]);
    }

    /// <summary>Reads the named speakers of the voice folder <paramref name="directory"/>.</summary>
    internal static IReadOnlyList<SpeakerDescriptor> ReadSpeakers(string directory) =>
        [.. LeWmCheckpoint.ReadInfo(directory).Speakers.Select(s => new SpeakerDescriptor(s.Id, s.Name))];

    private static string[] CandidateBaseDirectories()
    {
        // Single-file apps have no assembly location; AppContext.BaseDirectory is the application's folder there.
        string assemblyFolder = Path.GetDirectoryName(typeof(HindiVoice).Assembly.Location) ?? string.Empty;
        string appFolder = AppContext.BaseDirectory;
        return assemblyFolder.Length == 0 || PathsEqual(assemblyFolder, appFolder) ? [appFolder] : [assemblyFolder, appFolder];
    }

    private static bool PathsEqual(string first, string second) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(first)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(second)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
