using LeWm.Inference;
using LeWm.Onnx;

namespace LeWm.Voices.Hindi;

/// <summary>
/// The Hindi voice this package ships: where its folders are, which speakers it has, and which one speaks by default.
/// <c>TtsEngine.CreateBuilder().UseDefaultVoice()</c> uses it.
/// </summary>
/// <remarks>
/// The package's build targets (or, for a project reference, the project's own copy-to-output items) copy two folders
/// beside the application: <c>voices/hindi/</c>, the voice's ONNX export (<c>config.json</c> + four graphs), which
/// <c>UseDefaultVoice()</c> runs on ONNX Runtime with no libtorch, and <c>voices/hindi/checkpoint/</c>, the same
/// weights as a float16 TorchSharp checkpoint, the starting point for fine-tuning (<c>lewm train --init-from</c>).
/// All members are thread-safe.
/// </remarks>
public static class HindiVoice
{
    /// <summary>The voice's ONNX folder relative to the application's folder: <c>voices/hindi</c>.</summary>
    public const string RelativePath = "voices/hindi";

    /// <summary>The voice's checkpoint folder relative to the application's folder: <c>voices/hindi/checkpoint</c>.</summary>
    public const string CheckpointRelativePath = "voices/hindi/checkpoint";

    private static readonly string[] s_onnxFiles =
        [OnnxSpeechModelConfig.FileName, "text_encoder.onnx", "predictor_step.onnx", "audio_encoder.onnx", "mel_decoder.onnx"];

    private static readonly string[] s_checkpointFiles = ["config.json", "model.safetensors"];

    private static IReadOnlyList<SpeakerDescriptor>? s_speakers;

    /// <summary>
    /// Gets the full path of the voice's ONNX folder (<c>config.json</c> + <c>text_encoder.onnx</c>,
    /// <c>predictor_step.onnx</c>, <c>audio_encoder.onnx</c>, <c>mel_decoder.onnx</c>): an exported model that
    /// <c>UseOnnx(dir)</c> and <c>lewm --model DIR</c> run.
    /// </summary>
    /// <exception cref="FileNotFoundException">
    /// The folder or one of its files is missing next to the application; the message names the missing files and
    /// how to get them (install the LeWm.Voices.Hindi package in the application project, or pass a model folder).
    /// </exception>
    public static string DirectoryPath => Locate(CandidateBaseDirectories());

    /// <summary>
    /// Gets the full path of the voice's TorchSharp checkpoint folder (<c>config.json</c> + float16
    /// <c>model.safetensors</c>): the same weights as <see cref="DirectoryPath"/>, for fine-tuning
    /// (<c>lewm train --init-from DIR</c>) or the TorchSharp backend (<c>UseModel(dir)</c>, package LeWm.Model).
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder or one of its files is missing next to the application.</exception>
    public static string CheckpointDirectoryPath => Locate(CandidateBaseDirectories(), CheckpointRelativePath, s_checkpointFiles);

    /// <summary>Gets the voice's speakers by id and name, read from its <c>config.json</c> (speaker 0 is the default).</summary>
    /// <exception cref="FileNotFoundException">The voice's files are missing (see <see cref="DirectoryPath"/>).</exception>
    /// <exception cref="OnnxModelException">The voice's <c>config.json</c> is malformed.</exception>
    public static IReadOnlyList<SpeakerDescriptor> Speakers => s_speakers ??= ReadSpeakers(DirectoryPath);

    /// <summary>Gets the speaker that speaks when a request names none: 0, espeak-ng's own Hindi voice (<c>hi</c>).</summary>
    public static int DefaultSpeaker => 0;

    /// <summary>Finds the voice's ONNX folder under the first base directory that holds it complete.</summary>
    /// <param name="baseDirectories">Folders to look in, in order (the assembly's folder, then the application's).</param>
    /// <returns>The full path of the voice folder.</returns>
    /// <exception cref="FileNotFoundException">No base directory holds the complete folder; the message names the first one's missing files.</exception>
    internal static string Locate(IReadOnlyList<string> baseDirectories) => Locate(baseDirectories, RelativePath, s_onnxFiles);

    /// <summary>Finds the folder <paramref name="relativePath"/> holding all of <paramref name="files"/> under the first base directory that has it.</summary>
    internal static string Locate(IReadOnlyList<string> baseDirectories, string relativePath, IReadOnlyList<string> files)
    {
        List<string>? firstMissing = null;
        foreach (string baseDirectory in baseDirectories)
        {
            string folder = Path.GetFullPath(Path.Combine(baseDirectory, relativePath));
            List<string> missing = [.. files.Select(f => Path.Combine(folder, f)).Where(p => !File.Exists(p))];
            if (missing.Count == 0)
            {
                return folder;
            }

            firstMissing ??= missing;
        }

        string list = firstMissing is null ? relativePath : string.Join(", ", firstMissing.Select(p => $"'{p}'"));
        throw new FileNotFoundException(
            $"The Hindi voice's files are missing: {list}. Add the LeWm.Voices.Hindi package to the application project " +
            "(its build copies voices/hindi/ next to the application; restore and rebuild), or pass a model folder instead " +
            "(UseOnnx(dir) or UseModel(dir) in code, --model DIR to lewm).",
            firstMissing?[0]);
    }

    /// <summary>Reads the named speakers of the exported voice folder <paramref name="directory"/>.</summary>
    internal static IReadOnlyList<SpeakerDescriptor> ReadSpeakers(string directory) =>
        [.. OnnxSpeechModelConfig.Load(Path.Combine(directory, OnnxSpeechModelConfig.FileName)).SpeakerNames.Select(s => new SpeakerDescriptor(s.Id, s.Name))];

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
