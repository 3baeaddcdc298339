using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeWm.Inference;

namespace LeWm.Model.Config;

/// <summary>
/// The hyper-parameters of the LeWM network and its losses, serialised as <c>config.json</c> with the same snake_case
/// field names the PyTorch reference's <c>LeWmConfig.to_dict()</c> writes, so one file serves both.
/// </summary>
/// <remarks>
/// Defaults are the <see cref="Base"/> preset. Instances are immutable; derive variants with <c>with</c> and call
/// <see cref="Validate"/> (loading does so). Equality compares every field, including the FFT size list.
/// </remarks>
public sealed record LeWmConfig
{
    private static readonly JsonSerializerOptions s_jsonOptions = new()
    {
        WriteIndented = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Gets the size of the text vocabulary: 256 UTF-8 byte values plus pad, bos and eos (259).</summary>
    [JsonPropertyName("text_vocab")]
    public int TextVocab { get; init; } = 259;

    /// <summary>Gets the id that right-pads text batches (256).</summary>
    [JsonPropertyName("pad_id")]
    public int PadId { get; init; } = 256;

    /// <summary>Gets the id that starts every text (257).</summary>
    [JsonPropertyName("bos_id")]
    public int BosId { get; init; } = 257;

    /// <summary>Gets the id that ends every text (258).</summary>
    [JsonPropertyName("eos_id")]
    public int EosId { get; init; } = 258;

    /// <summary>Gets the most UTF-8 bytes a text may have, not counting bos and eos.</summary>
    [JsonPropertyName("max_text_bytes")]
    public int MaxTextBytes { get; init; } = 1024;

    /// <summary>Gets the model width d shared by the three transformers.</summary>
    [JsonPropertyName("d_model")]
    public int DModel { get; init; } = 256;

    /// <summary>Gets the number of attention heads; it divides <see cref="DModel"/>.</summary>
    [JsonPropertyName("heads")]
    public int Heads { get; init; } = 4;

    /// <summary>Gets the hidden width of every feed-forward block.</summary>
    [JsonPropertyName("ff_dim")]
    public int FfDim { get; init; } = 1024;

    /// <summary>Gets the dropout probability on embedded inputs and residual branches, in [0, 1).</summary>
    [JsonPropertyName("dropout")]
    public double Dropout { get; init; } = 0.1;

    /// <summary>Gets the number of text-encoder layers.</summary>
    [JsonPropertyName("text_layers")]
    public int TextLayers { get; init; } = 4;

    /// <summary>Gets the number of speakers in the speaker table; 0 means a single speaker and no table.</summary>
    [JsonPropertyName("n_speakers")]
    public int NSpeakers { get; init; }

    /// <summary>Gets the number of mel bands.</summary>
    [JsonPropertyName("n_mels")]
    public int NMels { get; init; } = 100;

    /// <summary>Gets the number of audio-encoder layers.</summary>
    [JsonPropertyName("audio_layers")]
    public int AudioLayers { get; init; } = 4;

    /// <summary>Gets the mel frames per latent frame: a power of two, at least 2.</summary>
    [JsonPropertyName("downsample")]
    public int Downsample { get; init; } = 4;

    /// <summary>Gets the latent size L.</summary>
    [JsonPropertyName("latent_size")]
    public int LatentSize { get; init; } = 256;

    /// <summary>Gets the most mel frames the audio encoder accepts.</summary>
    [JsonPropertyName("max_frames")]
    public int MaxFrames { get; init; } = 4096;

    /// <summary>Gets the number of predictor (decoder) layers.</summary>
    [JsonPropertyName("predictor_layers")]
    public int PredictorLayers { get; init; } = 6;

    /// <summary>Gets the mel decoder's channel count C.</summary>
    [JsonPropertyName("decoder_channels")]
    public int DecoderChannels { get; init; } = 512;

    /// <summary>Gets the residual conv blocks per upsampling stage of the mel decoder.</summary>
    [JsonPropertyName("decoder_res_blocks")]
    public int DecoderResBlocks { get; init; } = 2;

    /// <summary>Gets the number of refinement convolutions (conv + GELU) after the upsampling stages.</summary>
    [JsonPropertyName("decoder_refine_convs")]
    public int DecoderRefineConvs { get; init; } = 2;

    /// <summary>Gets the (odd) kernel size of the decoder's residual, refinement and output convolutions.</summary>
    [JsonPropertyName("decoder_kernel")]
    public int DecoderKernel { get; init; } = 3;

    /// <summary>Gets the weight of the latent prediction loss.</summary>
    [JsonPropertyName("prediction_weight")]
    public double PredictionWeight { get; init; } = 1.0;

    /// <summary>Gets the target weight of the KL loss (reached by linear annealing).</summary>
    [JsonPropertyName("kl_weight")]
    public double KlWeight { get; init; } = 0.01;

    /// <summary>Gets the weight of the L1 mel reconstruction loss.</summary>
    [JsonPropertyName("recon_weight")]
    public double ReconWeight { get; init; } = 2.0;

    /// <summary>Gets the weight of the multi-resolution spectral loss.</summary>
    [JsonPropertyName("spectral_weight")]
    public double SpectralWeight { get; init; } = 1.5;

    /// <summary>Gets the weight of the stop loss.</summary>
    [JsonPropertyName("stop_weight")]
    public double StopWeight { get; init; } = 1.0;

    /// <summary>Gets the BCE weight of the single positive (last) frame of the stop loss.</summary>
    [JsonPropertyName("stop_pos_weight")]
    public double StopPosWeight { get; init; } = 1.0;

    /// <summary>Gets the FFT sizes of the spectral loss (multiples of 4; hop = size / 4).</summary>
    [JsonPropertyName("spectral_fft_sizes")]
    public IReadOnlyList<int> SpectralFftSizes { get; init; } = [64, 128, 256];

    /// <summary>
    /// Gets the standard deviation of Gaussian noise added to the predictor's teacher-forced input latents while
    /// training (not to its targets, and never in evaluation mode); 0, the default, adds none. At inference the
    /// predictor reads its own, imperfect outputs; noise on its training inputs teaches it to recover from them (and its
    /// stop head to fire from such states) instead of drifting. An addition to the reference.
    /// </summary>
    [JsonPropertyName("prediction_input_noise")]
    public double PredictionInputNoise { get; init; }

    /// <summary>Gets a value indicating whether the prediction target is detached from the graph.</summary>
    [JsonPropertyName("detach_prediction_target")]
    public bool DetachPredictionTarget { get; init; }

    /// <summary>Gets the latent frames allowed per UTF-8 byte by the generation length cap.</summary>
    [JsonPropertyName("cap_latents_per_byte")]
    public double CapLatentsPerByte { get; init; } = 3.0;

    /// <summary>Gets the latent frames the generation length cap always allows on top of the per-byte share.</summary>
    [JsonPropertyName("cap_min_latents")]
    public int CapMinLatents { get; init; } = 25;

    /// <summary>
    /// Gets the sampling temperature synthesis uses when a request sets none (<c>SynthesisOptions.Temperature</c>
    /// null): the standard deviation of the noise added to each generated latent. 0, the default, is deterministic
    /// greedy decoding. A trained voice records the value it was evaluated with (a model trained with
    /// <see cref="PredictionInputNoise"/> often keeps moving and stops on its own only when it reads inputs with similar
    /// noise). An addition to the reference; an inference setting, like the length cap.
    /// </summary>
    [JsonPropertyName("sampling_temperature")]
    public double SamplingTemperature { get; init; }

    /// <summary>Gets the 24 M-parameter base shape (the reference's <c>LeWmConfig.base()</c>).</summary>
    public static LeWmConfig Base { get; } = new();

    /// <summary>Gets the 1.6 M-parameter shape for tests and CPU demos (the reference's <c>LeWmConfig.tiny()</c>).</summary>
    public static LeWmConfig Tiny { get; } = new()
    {
        DModel = 128,
        Heads = 4,
        FfDim = 256,
        TextLayers = 2,
        AudioLayers = 2,
        PredictorLayers = 2,
        LatentSize = 64,
        DecoderChannels = 128,
        DecoderResBlocks = 1,
        DecoderRefineConvs = 1,
    };

    /// <summary>Gets the number of 2× stages between mel and latent rate: log2(<see cref="Downsample"/>).</summary>
    [JsonIgnore]
    public int UpsampleStages => Downsample > 0 ? System.Numerics.BitOperations.Log2((uint)Downsample) : 0;

    /// <summary>Gets the width of one attention head, <see cref="DModel"/> / <see cref="Heads"/>.</summary>
    [JsonIgnore]
    public int HeadDimension => Heads > 0 ? DModel / Heads : 0;

    /// <summary>Reads a configuration from JSON text, ignoring unknown fields and taking defaults for missing ones.</summary>
    /// <param name="json">The JSON object, as the reference's <c>to_dict()</c> writes it.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ModelConfigurationException">The text is not a JSON object of the right types, or a value is invalid.</exception>
    public static LeWmConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        LeWmConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<LeWmConfig>(json, s_jsonOptions);
        }
        catch (JsonException ex)
        {
            throw new ModelConfigurationException($"The LeWM configuration is not valid JSON of the expected shape: {ex.Message}", ex);
        }

        if (config is null)
        {
            throw new ModelConfigurationException("The LeWM configuration is the JSON literal null; expected an object.");
        }

        config.Validate();
        return config;
    }

    /// <summary>Reads and validates a <c>config.json</c> file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelConfigurationException">The file is malformed or holds an invalid value; the message names the file.</exception>
    public static LeWmConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The LeWM configuration '{path}' does not exist.", path);
        }

        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (ModelConfigurationException ex)
        {
            throw new ModelConfigurationException($"'{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Writes this configuration as indented JSON with the reference's snake_case field names.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, s_jsonOptions);

    /// <summary>Writes this configuration to a <c>config.json</c> file.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>Checks every field and reports all invalid values at once.</summary>
    /// <exception cref="ModelConfigurationException">One or more fields are invalid; the message names each field and value.</exception>
    public void Validate()
    {
        List<string> errors = [];
        void Positive(string name, int value)
        {
            if (value < 1)
            {
                errors.Add(Invariant($"{name} must be a positive integer, got {value}"));
            }
        }

        void NonNegative(string name, double value)
        {
            if (!(value >= 0))
            {
                errors.Add(Invariant($"{name} must be >= 0, got {value}"));
            }
        }

        Positive("d_model", DModel);
        Positive("heads", Heads);
        Positive("ff_dim", FfDim);
        Positive("text_layers", TextLayers);
        Positive("audio_layers", AudioLayers);
        Positive("predictor_layers", PredictorLayers);
        Positive("latent_size", LatentSize);
        Positive("n_mels", NMels);
        Positive("decoder_channels", DecoderChannels);
        Positive("max_text_bytes", MaxTextBytes);
        Positive("max_frames", MaxFrames);
        Positive("decoder_kernel", DecoderKernel);
        foreach ((string name, int value) in new[] { ("n_speakers", NSpeakers), ("decoder_res_blocks", DecoderResBlocks), ("decoder_refine_convs", DecoderRefineConvs) })
        {
            if (value < 0)
            {
                errors.Add(Invariant($"{name} must be a non-negative integer, got {value}"));
            }
        }

        if (Heads >= 1 && DModel >= 1 && DModel % Heads != 0)
        {
            errors.Add(Invariant($"heads ({Heads}) must divide d_model ({DModel})"));
        }

        if (DModel % 2 != 0)
        {
            errors.Add(Invariant($"d_model must be even for sinusoidal positions, got {DModel}"));
        }

        if (!(Dropout >= 0.0 && Dropout < 1.0))
        {
            errors.Add(Invariant($"dropout must be in [0, 1), got {Dropout}"));
        }

        if (Downsample < 2 || (Downsample & (Downsample - 1)) != 0)
        {
            errors.Add(Invariant($"downsample must be a power of two >= 2, got {Downsample}"));
        }

        if (DecoderKernel >= 1 && DecoderKernel % 2 != 1)
        {
            errors.Add(Invariant($"decoder_kernel must be odd, got {DecoderKernel}"));
        }

        if (PadId != 256 || BosId != 257 || EosId != 258 || TextVocab != 259)
        {
            errors.Add(Invariant(
                $"text ids must be 256 bytes + pad/bos/eos = 256/257/258 (text_vocab 259), got pad_id {PadId}, bos_id {BosId}, eos_id {EosId}, text_vocab {TextVocab}"));
        }

        NonNegative("prediction_weight", PredictionWeight);
        NonNegative("kl_weight", KlWeight);
        NonNegative("recon_weight", ReconWeight);
        NonNegative("spectral_weight", SpectralWeight);
        NonNegative("stop_weight", StopWeight);
        NonNegative("stop_pos_weight", StopPosWeight);
        NonNegative("prediction_input_noise", PredictionInputNoise);
        if (!(SamplingTemperature >= 0 && SamplingTemperature <= SynthesisOptions.MaxTemperature))
        {
            errors.Add(Invariant($"sampling_temperature must be in [0, {SynthesisOptions.MaxTemperature}], got {SamplingTemperature}"));
        }

        NonNegative("cap_latents_per_byte", CapLatentsPerByte);
        if (CapMinLatents < 0)
        {
            errors.Add(Invariant($"cap_min_latents must be >= 0, got {CapMinLatents}"));
        }

        if (SpectralFftSizes is null || SpectralFftSizes.Count == 0 || SpectralFftSizes.Any(n => n < 4 || n % 4 != 0))
        {
            string sizes = SpectralFftSizes is null ? "null" : "[" + string.Join(", ", SpectralFftSizes) + "]";
            errors.Add($"spectral_fft_sizes must be a non-empty list of multiples of 4, got {sizes}");
        }

        if (errors.Count > 0)
        {
            throw new ModelConfigurationException(
                $"Invalid LeWM configuration ({errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")}): " + string.Join("; ", errors) + ".");
        }
    }

    /// <summary>Gets the most latent frames generation produces for a text of <paramref name="textBytes"/> UTF-8 bytes.</summary>
    /// <param name="textBytes">The text's UTF-8 byte count, without bos and eos.</param>
    /// <returns>min(ceil(cap_latents_per_byte · bytes) + cap_min_latents, ceil(max_frames / downsample)).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="textBytes"/> is negative.</exception>
    public int LengthCap(int textBytes) =>
        LeWm.Inference.SpeechModelInfo.LengthCap(textBytes, CapLatentsPerByte, CapMinLatents, MaxFrames, Downsample);

    /// <inheritdoc/>
    public bool Equals(LeWmConfig? other) =>
        other is not null && string.Equals(ToJson(), other.ToJson(), StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
