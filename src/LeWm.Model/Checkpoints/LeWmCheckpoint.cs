using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeWm.Audio.IO;
using LeWm.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Checkpoints;

/// <summary>
/// Saves and loads a LeWM model folder: <c>config.json</c> (the <see cref="LeWmConfig"/> fields plus
/// <c>format_version</c>, <c>speakers</c> and <c>text_normalizer_version</c>) beside <c>model.safetensors</c>
/// (float32 by default, or float16/bfloat16 with <see cref="CheckpointPrecision"/>; Hugging Face convention, readable by
/// Python's <c>safetensors</c>).
/// </summary>
/// <remarks>
/// <para>
/// Both files are written atomically, the weights first and <c>config.json</c> last, so a crash never leaves a
/// configuration that points at missing or half-written weights. Loading accepts <c>pytorch_model.bin</c> (a PyTorch
/// zip state dict, unpickled safely by <see cref="StateDictFile"/>) in place of <c>model.safetensors</c>.
/// </para>
/// <para>A weights file is data, never code; still, load checkpoints only from sources you trust. All methods are
/// thread-safe for different folders; none keeps state.</para>
/// </remarks>
public static class LeWmCheckpoint
{
    /// <summary>The checkpoint layout version this library writes and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The configuration file of a checkpoint folder.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The safetensors weights file of a checkpoint folder.</summary>
    public const string WeightsFileName = "model.safetensors";

    /// <summary>The PyTorch state-dict weights file accepted in place of <see cref="WeightsFileName"/>.</summary>
    public const string PyTorchWeightsFileName = "pytorch_model.bin";

    /// <summary>The text normaliser version of a model trained on raw text.</summary>
    public const string NoTextNormalizer = "none";

    private static readonly JsonSerializerOptions s_writeOptions = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="network"/>'s weights and <paramref name="config"/> to a checkpoint folder.</summary>
    /// <param name="directory">The folder to write into; created when missing. Existing files of the same names are replaced.</param>
    /// <param name="network">The network whose parameters are saved (on the CPU, in <paramref name="precision"/>); it is not modified.</param>
    /// <param name="config">
    /// The configuration to store. Its architecture fields must equal <paramref name="network"/>'s; the loss weights,
    /// dropout and length limits may differ (for example when fine-tuning with other weights).
    /// </param>
    /// <param name="speakers">The speakers, each id unique and in [0, max(1, <c>n_speakers</c>)); empty for an anonymous single-speaker model.</param>
    /// <param name="textNormalizerVersion">The version of the text normaliser the model expects; <see cref="NoTextNormalizer"/> by default.</param>
    /// <param name="precision">
    /// The floating-point type of the stored weights: <see cref="CheckpointPrecision.Full"/> (float32, the default), or a 16-bit type
    /// that halves the file for shipping. <c>config.json</c> is the same whichever is chosen.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/>, <paramref name="config"/> or <paramref name="speakers"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="directory"/> or <paramref name="textNormalizerVersion"/> is null, empty or white space;
    /// <paramref name="config"/> describes another architecture than <paramref name="network"/>; a speaker is invalid; or
    /// a weight is not finite in <paramref name="precision"/> (float16 holds magnitudes up to 65 504), named by its key.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not a defined value.</exception>
    /// <exception cref="ModelConfigurationException"><paramref name="config"/> holds an invalid value.</exception>
    public static void Save(
        string directory,
        LeWmNetwork network,
        LeWmConfig config,
        IReadOnlyList<SpeakerInfo> speakers,
        string textNormalizerVersion = NoTextNormalizer,
        CheckpointPrecision precision = CheckpointPrecision.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ScalarType storedType = precision switch
        {
            CheckpointPrecision.Full => ScalarType.Float32,
            CheckpointPrecision.Half => ScalarType.Float16,
            CheckpointPrecision.BFloat16 => ScalarType.BFloat16,
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Expected Full, Half or BFloat16."),
        };
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(speakers);
        ArgumentException.ThrowIfNullOrWhiteSpace(textNormalizerVersion);
        config.Validate();
        if (!SharesWeightLayout(config, network.Config))
        {
            throw new ArgumentException(
                "The configuration describes another architecture than the network's; save the network's own Config (or one differing only in loss weights, dropout or length limits).",
                nameof(config));
        }

        string? speakerError = CheckSpeakers(speakers, config);
        if (speakerError is not null)
        {
            throw new ArgumentException(speakerError, nameof(speakers));
        }

        string folder = Path.GetFullPath(directory);
        Directory.CreateDirectory(folder);
        using (var scope = NewDisposeScope())
        {
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach ((string key, Tensor value) in network.state_dict())
            {
                if (!value.is_floating_point())
                {
                    tensors[key] = value.detach().cpu();
                    continue;
                }

                Tensor stored = value.detach().to(storedType, CPU);
                if (storedType != ScalarType.Float32 && !stored.isfinite().all().item<bool>() && value.isfinite().all().item<bool>())
                {
                    throw new ArgumentException(
                        $"Tensor '{key}' holds a value beyond the range of {precision} (largest magnitude {value.abs().max().item<float>():G6}); save it at Full precision.",
                        nameof(precision));
                }

                tensors[key] = stored;
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };
            StateDictFile.SaveSafetensors(Path.Combine(folder, WeightsFileName), tensors, metadata);
        }

        AtomicFile.WriteAllBytes(Path.Combine(folder, ConfigFileName), Encoding.UTF8.GetBytes(ConfigJson(config, speakers, textNormalizerVersion)));
    }

    /// <summary>Reads a checkpoint folder's <c>config.json</c> without loading its weights.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <returns>The checkpoint's description; <see cref="LeWmCheckpointInfo.WeightsPath"/> is the weights file loading would use.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="CheckpointFormatException">
    /// The folder, its <c>config.json</c> or its weights file is missing, or <c>config.json</c> is not a JSON object, has a
    /// <c>format_version</c> this library cannot read, or malformed <c>speakers</c>; the message names the path.
    /// </exception>
    /// <exception cref="ModelConfigurationException">A configuration field is invalid; the message names the file and field.</exception>
    public static LeWmCheckpointInfo ReadInfo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string folder = Path.GetFullPath(directory);
        if (!Directory.Exists(folder))
        {
            throw new CheckpointFormatException($"The model folder '{folder}' does not exist.");
        }

        string configPath = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new CheckpointFormatException($"The model folder '{folder}' has no {ConfigFileName}.");
        }

        string text = File.ReadAllText(configPath);
        JsonObject root = ParseObject(text, configPath);
        int formatVersion = ReadFormatVersion(root, configPath);
        IReadOnlyList<SpeakerInfo> speakers = ReadSpeakers(root, configPath);
        string normalizer = ReadNormalizerVersion(root, configPath);
        LeWmConfig config;
        try
        {
            config = LeWmConfig.FromJson(text);
        }
        catch (ModelConfigurationException ex)
        {
            throw new ModelConfigurationException($"'{configPath}': {ex.Message}", ex);
        }

        string? speakerError = CheckSpeakers(speakers, config);
        if (speakerError is not null)
        {
            throw new CheckpointFormatException($"'{configPath}': {speakerError}");
        }

        return new LeWmCheckpointInfo(folder, FindWeights(folder), formatVersion, config, speakers, normalizer);
    }

    /// <summary>Loads a checkpoint folder: builds the network its <c>config.json</c> describes and fills it with its weights.</summary>
    /// <param name="directory">The checkpoint folder: <c>config.json</c> and <c>model.safetensors</c> (or <c>pytorch_model.bin</c>).</param>
    /// <returns>
    /// The network on the CPU in float32 and eval mode (call <c>train()</c> to fine-tune it), which the caller owns and
    /// disposes; and the checkpoint's description.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="CheckpointFormatException">
    /// As <see cref="ReadInfo"/>; or the weights file is unreadable, or a key is missing, unexpected or of another shape
    /// than <c>config.json</c> implies (a checkpoint of another preset): the message names the file and the first such key.
    /// </exception>
    /// <exception cref="ModelConfigurationException">A configuration field is invalid; the message names the file and field.</exception>
    public static (LeWmNetwork Network, LeWmCheckpointInfo Info) Load(string directory)
    {
        LeWmCheckpointInfo info = ReadInfo(directory);
        var network = new LeWmNetwork(info.Config);
        try
        {
            StateDictFile.LoadInto(network, info.WeightsPath, strict: true);
        }
        catch (CheckpointFormatException ex)
        {
            network.Dispose();
            throw new CheckpointFormatException(
                $"The weights do not match '{Path.Combine(info.Directory, ConfigFileName)}': {ex.Message}", ex);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        network.eval();
        return (network, info);
    }

    /// <summary>Tells whether two configurations give networks with the same state-dict keys and shapes.</summary>
    /// <param name="first">One configuration.</param>
    /// <param name="second">The other configuration.</param>
    /// <returns>True when the weights of one fit the other (loss weights, dropout and length limits may differ).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="first"/> or <paramref name="second"/> is null.</exception>
    public static bool SharesWeightLayout(LeWmConfig first, LeWmConfig second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return ArchitectureOf(first).Equals(ArchitectureOf(second));
    }

    private static string FindWeights(string folder)
    {
        string safetensors = Path.Combine(folder, WeightsFileName);
        if (File.Exists(safetensors))
        {
            return safetensors;
        }

        string pytorch = Path.Combine(folder, PyTorchWeightsFileName);
        if (File.Exists(pytorch))
        {
            return pytorch;
        }

        throw new CheckpointFormatException(
            $"The model folder '{folder}' has no weights: expected {WeightsFileName} (or {PyTorchWeightsFileName}).");
    }

    private static string ConfigJson(LeWmConfig config, IReadOnlyList<SpeakerInfo> speakers, string textNormalizerVersion)
    {
        var root = new JsonObject { ["format_version"] = CurrentFormatVersion };
        JsonObject fields = JsonNode.Parse(config.ToJson())!.AsObject();
        foreach (string key in fields.Select(p => p.Key).ToList())
        {
            JsonNode? value = fields[key];
            fields.Remove(key);
            root[key] = value;
        }

        var list = new JsonArray();
        foreach (SpeakerInfo speaker in speakers.OrderBy(s => s.Id))
        {
            list.Add(new JsonObject { ["id"] = speaker.Id, ["name"] = speaker.Name });
        }

        root["speakers"] = list;
        root["text_normalizer_version"] = textNormalizerVersion;
        return root.ToJsonString(s_writeOptions);
    }

    private static JsonObject ParseObject(string text, string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }

        return node as JsonObject ?? throw new CheckpointFormatException($"'{path}' must hold a JSON object.");
    }

    private static int ReadFormatVersion(JsonObject root, string path)
    {
        // The PyTorch reference's to_dict() writes the bare configuration: a file without the field is version 1.
        if (!root.TryGetPropertyValue("format_version", out JsonNode? node) || node is null)
        {
            return CurrentFormatVersion;
        }

        if (node is not JsonValue value || !value.TryGetValue(out int version))
        {
            throw new CheckpointFormatException($"'{path}': format_version must be an integer, got {node.ToJsonString()}.");
        }

        if (version > CurrentFormatVersion)
        {
            throw new CheckpointFormatException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}' has format_version {version}, written by a newer LeWm.Sdk; this version reads format_version {CurrentFormatVersion} at most. Update LeWm.Sdk."));
        }

        if (version < 1)
        {
            throw new CheckpointFormatException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}': format_version must be at least 1, got {version}."));
        }

        return version;
    }

    private static IReadOnlyList<SpeakerInfo> ReadSpeakers(JsonObject root, string path)
    {
        if (!root.TryGetPropertyValue("speakers", out JsonNode? node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw new CheckpointFormatException($"'{path}': speakers must be a list of {{\"id\", \"name\"}} objects.");
        }

        var speakers = new List<SpeakerInfo>(array.Count);
        foreach (JsonNode? item in array)
        {
            if (item is JsonObject entry
                && entry["id"] is JsonValue id && id.TryGetValue(out int speakerId)
                && entry["name"] is JsonValue name && name.TryGetValue(out string? speakerName))
            {
                speakers.Add(new SpeakerInfo(speakerId, speakerName));
            }
            else
            {
                throw new CheckpointFormatException(
                    $"'{path}': every speaker must be an object with an integer \"id\" and a string \"name\", got {item?.ToJsonString() ?? "null"}.");
            }
        }

        return [.. speakers.OrderBy(s => s.Id)];
    }

    private static string ReadNormalizerVersion(JsonObject root, string path)
    {
        if (!root.TryGetPropertyValue("text_normalizer_version", out JsonNode? node) || node is null)
        {
            return NoTextNormalizer;
        }

        if (node is JsonValue value && value.TryGetValue(out string? version) && !string.IsNullOrWhiteSpace(version))
        {
            return version;
        }

        throw new CheckpointFormatException($"'{path}': text_normalizer_version must be a non-empty string, got {node.ToJsonString()}.");
    }

    private static string? CheckSpeakers(IReadOnlyList<SpeakerInfo> speakers, LeWmConfig config)
    {
        int rows = Math.Max(1, config.NSpeakers);
        var seen = new HashSet<int>();
        foreach (SpeakerInfo? speaker in speakers)
        {
            if (speaker is null)
            {
                return "a speaker is null.";
            }

            if (speaker.Id < 0 || speaker.Id >= rows)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"speaker id {speaker.Id} ('{speaker.Name}') is outside [0, {rows}) for n_speakers {config.NSpeakers}.");
            }

            if (!seen.Add(speaker.Id))
            {
                return string.Create(CultureInfo.InvariantCulture, $"speaker id {speaker.Id} appears more than once.");
            }

            if (string.IsNullOrWhiteSpace(speaker.Name))
            {
                return string.Create(CultureInfo.InvariantCulture, $"speaker {speaker.Id} has an empty name.");
            }
        }

        return null;
    }

    /// <summary>The configuration with every field that does not change the weights' keys or shapes reset.</summary>
    private static LeWmConfig ArchitectureOf(LeWmConfig config) => LeWmConfig.Base with
    {
        TextVocab = config.TextVocab,
        DModel = config.DModel,
        Heads = config.Heads,
        FfDim = config.FfDim,
        TextLayers = config.TextLayers,
        NSpeakers = config.NSpeakers,
        NMels = config.NMels,
        AudioLayers = config.AudioLayers,
        Downsample = config.Downsample,
        LatentSize = config.LatentSize,
        PredictorLayers = config.PredictorLayers,
        DecoderChannels = config.DecoderChannels,
        DecoderResBlocks = config.DecoderResBlocks,
        DecoderRefineConvs = config.DecoderRefineConvs,
        DecoderKernel = config.DecoderKernel,
    };
}
