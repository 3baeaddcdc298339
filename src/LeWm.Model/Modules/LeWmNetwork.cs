using LeWm.Model.Config;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// The whole LeWM network as its checkpoint lays it out: <c>text_encoder</c>, <c>audio_encoder</c>,
/// <c>predictor</c> and <c>mel_decoder</c> (the reference's <c>LeWmTts</c> module tree).
/// </summary>
/// <remarks>
/// Load weights with <c>LeWm.Checkpoints.StateDictFile.LoadInto(network, path)</c>. The network holds no buffers:
/// positions are computed. Not thread-safe; dispose it to free its parameters.
/// </remarks>
public sealed class LeWmNetwork : nn.Module
{
    /// <summary>The epsilon of every LayerNorm in the network.</summary>
    public const double LayerNormEpsilon = 1e-5;

    [ComponentName(Name = "text_encoder")]
    private readonly TextEncoder _textEncoder;

    [ComponentName(Name = "audio_encoder")]
    private readonly AudioEncoder _audioEncoder;

    [ComponentName(Name = "predictor")]
    private readonly JepaPredictor _predictor;

    [ComponentName(Name = "mel_decoder")]
    private readonly MelDecoder _melDecoder;

    /// <summary>Creates the network with default initialisation after validating <paramref name="config"/>.</summary>
    /// <param name="config">The configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ModelConfigurationException">A field of <paramref name="config"/> is invalid.</exception>
    public LeWmNetwork(LeWmConfig config)
        : base(nameof(LeWmNetwork))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _textEncoder = new TextEncoder(config);
        _audioEncoder = new AudioEncoder(config);
        _predictor = new JepaPredictor(config);
        _melDecoder = new MelDecoder(config);
        RegisterComponents();
    }

    /// <summary>Gets the configuration the network was built from.</summary>
    public LeWmConfig Config { get; }

    /// <summary>Gets the text encoder (<c>text_encoder</c>).</summary>
    public TextEncoder TextEncoder => _textEncoder;

    /// <summary>Gets the audio encoder (<c>audio_encoder</c>).</summary>
    public AudioEncoder AudioEncoder => _audioEncoder;

    /// <summary>Gets the latent predictor (<c>predictor</c>).</summary>
    public JepaPredictor Predictor => _predictor;

    /// <summary>Gets the mel decoder (<c>mel_decoder</c>).</summary>
    public MelDecoder MelDecoder => _melDecoder;

    /// <summary>Counts parameters per top-level component and in total, as the reference's <c>parameter_counts()</c>.</summary>
    /// <returns>Counts keyed <c>text_encoder</c>, <c>audio_encoder</c>, <c>predictor</c>, <c>mel_decoder</c> and <c>total</c>.</returns>
    public IReadOnlyDictionary<string, long> ParameterCounts()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["text_encoder"] = Count(_textEncoder),
            ["audio_encoder"] = Count(_audioEncoder),
            ["predictor"] = Count(_predictor),
            ["mel_decoder"] = Count(_melDecoder),
        };
        counts["total"] = counts.Values.Sum();
        return counts;
    }

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());
}
