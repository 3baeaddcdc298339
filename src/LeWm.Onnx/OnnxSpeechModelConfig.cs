using System.Text.Json;
using System.Text.Json.Serialization;
using LeWm.Inference;

namespace LeWm.Onnx;

/// <summary>
/// The <c>config.json</c> of an exported LeWM model folder (<c>lewm export onnx --model</c>): the checkpoint's own
/// configuration (the fields the ONNX backend needs are read here) plus <c>kind</c> = <c>lewm</c>, <c>opset</c> and
/// the <c>graphs</c> by component.
/// </summary>
public sealed record OnnxSpeechModelConfig
{
    /// <summary>The file name of the configuration inside the folder.</summary>
    public const string FileName = "config.json";

    /// <summary>The <see cref="Kind"/> of a LeWM model export.</summary>
    public const string LeWmKind = "lewm";

    private static readonly JsonSerializerOptions s_json = new() { AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>What the folder holds: <see cref="LeWmKind"/>.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    /// <summary>The ONNX opset the graphs import.</summary>
    [JsonPropertyName("opset")]
    public int Opset { get; init; }

    /// <summary>The graph file names by component (<c>text_encoder</c>, <c>predictor_step</c>, <c>audio_encoder</c>, <c>mel_decoder</c>).</summary>
    [JsonPropertyName("graphs")]
    public Dictionary<string, string> Graphs { get; init; } = [];

    /// <summary>The model width d.</summary>
    [JsonPropertyName("d_model")]
    public int DModel { get; init; }

    /// <summary>The attention heads.</summary>
    [JsonPropertyName("heads")]
    public int Heads { get; init; }

    /// <summary>The predictor's decoder layers (one past/present K/V pair each).</summary>
    [JsonPropertyName("predictor_layers")]
    public int PredictorLayers { get; init; }

    /// <summary>The latent size L.</summary>
    [JsonPropertyName("latent_size")]
    public int LatentSize { get; init; }

    /// <summary>The mel bands.</summary>
    [JsonPropertyName("n_mels")]
    public int MelBands { get; init; }

    /// <summary>Mel frames per latent frame.</summary>
    [JsonPropertyName("downsample")]
    public int Downsample { get; init; }

    /// <summary>The longest text in UTF-8 bytes.</summary>
    [JsonPropertyName("max_text_bytes")]
    public int MaxTextBytes { get; init; }

    /// <summary>The longest mel in frames.</summary>
    [JsonPropertyName("max_frames")]
    public int MaxFrames { get; init; }

    /// <summary>The size of the speaker table; 0 for a single-speaker model.</summary>
    [JsonPropertyName("n_speakers")]
    public int Speakers { get; init; }

    /// <summary>The begin-of-text id.</summary>
    [JsonPropertyName("bos_id")]
    public int BosId { get; init; } = 257;

    /// <summary>The end-of-text id.</summary>
    [JsonPropertyName("eos_id")]
    public int EosId { get; init; } = 258;

    /// <summary>The generation cap: latents per text byte.</summary>
    [JsonPropertyName("cap_latents_per_byte")]
    public double CapLatentsPerByte { get; init; } = 3.0;

    /// <summary>The generation cap: minimum latents.</summary>
    [JsonPropertyName("cap_min_latents")]
    public int CapMinLatents { get; init; } = 25;

    /// <summary>The named speakers.</summary>
    [JsonPropertyName("speakers")]
    public List<SpeakerEntry> SpeakerNames { get; init; } = [];

    /// <summary>The synthesis temperature of requests that set none (the checkpoint's <c>sampling_temperature</c>; 0 when absent).</summary>
    [JsonPropertyName("sampling_temperature")]
    public double SamplingTemperature { get; init; }

    /// <summary>The text normaliser version the model expects.</summary>
    [JsonPropertyName("text_normalizer_version")]
    public string TextNormalizerVersion { get; init; } = "none";

    /// <summary>The head dimension d / H.</summary>
    [JsonIgnore]
    public int HeadDimension => Heads > 0 ? DModel / Heads : 0;

    /// <summary>Reads and checks a folder's <c>config.json</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="OnnxModelException">The file is missing, unreadable, not a LeWM export, or lacks a field or graph.</exception>
    public static OnnxSpeechModelConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new OnnxModelException($"'{path}' does not exist; export the model with `lewm export onnx --model DIR -o DIR`.");
        }

        OnnxSpeechModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<OnnxSpeechModelConfig>(File.ReadAllText(path), s_json);
        }
        catch (JsonException e)
        {
            throw new OnnxModelException($"'{path}' is not valid JSON: {e.Message}", e);
        }

        if (config is null || config.Kind != LeWmKind)
        {
            throw new OnnxModelException($"'{path}' is not an exported LeWM model (kind '{config?.Kind}', expected '{LeWmKind}').");
        }

        if (config.DModel <= 0 || config.Heads <= 0 || config.DModel % config.Heads != 0 || config.PredictorLayers <= 0
            || config.LatentSize <= 0 || config.MelBands <= 0 || config.Downsample <= 0 || config.MaxTextBytes <= 0 || config.MaxFrames <= 0)
        {
            throw new OnnxModelException($"'{path}' lacks a valid d_model, heads, predictor_layers, latent_size, n_mels, downsample, max_text_bytes or max_frames.");
        }

        if (!(config.SamplingTemperature >= 0 && config.SamplingTemperature <= SynthesisOptions.MaxTemperature))
        {
            throw new OnnxModelException($"'{path}' has sampling_temperature {config.SamplingTemperature}; it must be in [0, {SynthesisOptions.MaxTemperature}].");
        }

        foreach (string component in new[] { "text_encoder", "predictor_step" })
        {
            if (!config.Graphs.ContainsKey(component))
            {
                throw new OnnxModelException($"'{path}' names no '{component}' graph.");
            }
        }

        return config;
    }

    /// <summary>A named speaker of the model.</summary>
    /// <param name="Id">The speaker id.</param>
    /// <param name="Name">The speaker name.</param>
    public sealed record SpeakerEntry(
        [property: JsonPropertyName("id")] int Id,
        [property: JsonPropertyName("name")] string Name);
}
