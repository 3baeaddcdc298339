using System.Text.Json;
using System.Text.Json.Serialization;
using LeWm.Audio.Dsp;
using LeWm.Audio.IO;

namespace LeWm.Onnx;

/// <summary>
/// The <c>config.json</c> of an exported Vocos vocoder folder (<c>lewm export onnx --vocoder</c>): what the graph
/// <c>vocoder.onnx</c> expects and how its complex spectrum turns into audio. With it the folder is a vocoder in its
/// own right.
/// </summary>
/// <remarks>
/// The graph maps <c>mel</c> <c>[batch, MelBands, frames]</c> (natural-log mel, float32) to <c>real</c> and
/// <c>imag</c>, each <c>[batch, FftSize / 2 + 1, frames]</c>; the inverse STFT (periodic Hann window of
/// <see cref="FftSize"/> samples, hop <see cref="HopLength"/>, trimmed as <see cref="Padding"/> says) runs in
/// LeWm.Audio.
/// </remarks>
public sealed record OnnxVocoderConfig
{
    /// <summary>The file name of the configuration inside the folder.</summary>
    public const string FileName = "config.json";

    /// <summary>The <see cref="Kind"/> of a Vocos vocoder export.</summary>
    public const string VocosKind = "vocos";

    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The version of this file's layout.</summary>
    [JsonPropertyName("format_version")]
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>What the folder holds: <see cref="VocosKind"/>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = VocosKind;

    /// <summary>The graph's file name inside the folder (default <c>vocoder.onnx</c>).</summary>
    [JsonPropertyName("graph")]
    public string Graph { get; init; } = "vocoder.onnx";

    /// <summary>The ONNX opset the graph imports (17).</summary>
    [JsonPropertyName("opset")]
    public int Opset { get; init; } = 17;

    /// <summary>The sample rate of the audio, Hz.</summary>
    [JsonPropertyName("sample_rate")]
    public int SampleRate { get; init; } = 24_000;

    /// <summary>The number of mel bands of the input.</summary>
    [JsonPropertyName("n_mels")]
    public int MelBands { get; init; } = 100;

    /// <summary>The FFT size of the inverse STFT (and of the mel front end).</summary>
    [JsonPropertyName("n_fft")]
    public int FftSize { get; init; } = 1024;

    /// <summary>The hop between frames, samples.</summary>
    [JsonPropertyName("hop_length")]
    public int HopLength { get; init; } = 256;

    /// <summary>How the inverse STFT trims: <c>center</c> (<c>hop × (frames − 1)</c> samples) or <c>same</c> (<c>hop × frames</c>).</summary>
    [JsonPropertyName("padding")]
    public string Padding { get; init; } = "center";

    /// <summary>The mel front end's framing (<c>center</c> or <c>same</c>), for computing inputs from audio.</summary>
    [JsonPropertyName("feature_padding")]
    public string FeaturePadding { get; init; } = "center";

    /// <summary>The exported network's width (informational).</summary>
    [JsonPropertyName("dim")]
    public int Dimension { get; init; }

    /// <summary>The exported network's ConvNeXt hidden width (informational).</summary>
    [JsonPropertyName("intermediate_dim")]
    public int IntermediateDimension { get; init; }

    /// <summary>The exported network's number of ConvNeXt blocks (informational).</summary>
    [JsonPropertyName("num_layers")]
    public int Layers { get; init; }

    /// <summary>The number of one-sided frequency bins of the graph's outputs, <c>FftSize / 2 + 1</c>.</summary>
    [JsonIgnore]
    public int Bins => (FftSize / 2) + 1;

    /// <summary><see cref="Padding"/> as LeWm.Audio's enum.</summary>
    [JsonIgnore]
    public IstftPadding InversePadding => Padding == "same" ? IstftPadding.Same : IstftPadding.Center;

    /// <summary>Reads and validates the <c>config.json</c> of an exported vocoder folder.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="OnnxModelException">The file is missing, is not valid JSON of this shape, is not a vocoder export, or a value is invalid.</exception>
    public static OnnxVocoderConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new OnnxModelException(
                $"'{path}' does not exist; an exported ONNX vocoder folder holds {FileName} and its graph (made by `lewm export onnx --vocoder DIR -o DIR`).");
        }

        OnnxVocoderConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<OnnxVocoderConfig>(File.ReadAllBytes(path), s_json);
        }
        catch (JsonException e)
        {
            throw new OnnxModelException($"'{path}' is not valid JSON of an ONNX vocoder configuration: {e.Message}", e);
        }

        if (config is null)
        {
            throw new OnnxModelException($"'{path}' is empty (null); expected an ONNX vocoder configuration.");
        }

        List<string> problems = config.Problems();
        if (problems.Count > 0)
        {
            throw new OnnxModelException($"'{path}' is not a usable ONNX vocoder configuration: {string.Join(" ", problems)}");
        }

        return config;
    }

    /// <summary>Writes this configuration to <paramref name="path"/> atomically, as indented JSON.</summary>
    /// <param name="path">The destination.</param>
    /// <exception cref="OnnxModelException">A value is invalid.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        List<string> problems = Problems();
        if (problems.Count > 0)
        {
            throw new OnnxModelException("Invalid ONNX vocoder configuration: " + string.Join(" ", problems));
        }

        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, s_json));
    }

    private List<string> Problems()
    {
        var problems = new List<string>();
        if (FormatVersion != CurrentFormatVersion)
        {
            problems.Add($"format_version {FormatVersion} is not supported (this library reads {CurrentFormatVersion}); re-export with this version of lewm.");
        }

        if (Kind != VocosKind)
        {
            problems.Add($"kind is '{Kind}'; a vocoder folder has kind '{VocosKind}'.");
        }

        if (string.IsNullOrWhiteSpace(Graph) || Graph.IndexOfAny(['/', '\\']) >= 0 || Graph == "..")
        {
            problems.Add($"graph must be a file name inside the folder (got '{Graph}').");
        }

        if (SampleRate <= 0 || MelBands <= 0)
        {
            problems.Add($"sample_rate and n_mels must be positive (got {SampleRate}, {MelBands}).");
        }

        if (FftSize < 4 || (FftSize & (FftSize - 1)) != 0)
        {
            problems.Add($"n_fft must be a power of two of at least 4 (got {FftSize}).");
        }

        if (HopLength <= 0 || HopLength > FftSize)
        {
            problems.Add($"hop_length must be in [1, n_fft] (got {HopLength}).");
        }

        if (Padding is not ("center" or "same") || FeaturePadding is not ("center" or "same"))
        {
            problems.Add($"padding and feature_padding must be 'center' or 'same' (got '{Padding}', '{FeaturePadding}').");
        }

        return problems;
    }
}
