using System.Globalization;
using LeWm.Model.Config;
using LeWm.Model.Losses;
using TorchSharp;
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

    /// <summary>
    /// Computes every training loss of a batch (the reference's <c>LeWmTts.forward(batch, kl_weight, noise)</c>).
    /// </summary>
    /// <remarks>
    /// The latents are sampled as <c>z = μ + exp(½·logvar)·ε</c> and zeroed past each item's latent length. ε is
    /// <paramref name="noise"/> when given (its first Tz frames); otherwise standard normal noise in training mode and
    /// 0 (z = μ) in eval mode. Padding never reaches a loss: every term is summed over valid elements only and the
    /// spectral loss is computed per item on its valid slice. Thread-safety as the module: not thread-safe.
    /// </remarks>
    /// <param name="batch">The right-padded batch.</param>
    /// <param name="klWeight">The annealed KL weight of the total, ≥ 0; null uses <see cref="LeWmConfig.KlWeight"/>.</param>
    /// <param name="noise">The reparameterisation ε <c>[B, ≥ Tz, L]</c>, or null.</param>
    /// <returns>Each term, the weighted total and the per-item terms, in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="klWeight"/> is negative or not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="noise"/> has the wrong shape.</exception>
    public LeWmLosses ComputeLosses(LeWmBatch batch, double? klWeight = null, Tensor? noise = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        double klW = klWeight ?? Config.KlWeight;
        if (!double.IsFinite(klW) || klW < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(klWeight), klW, "The KL weight must be finite and >= 0.");
        }

        using var scope = NewDisposeScope();
        (Tensor memory, Tensor textMask) = _textEncoder.call(batch.TextIds, batch.TextLengths, batch.Speakers);
        (IReadOnlyList<Tensor> crossKeys, IReadOnlyList<Tensor> crossValues) = _predictor.MemoryKeyValues(memory);
        (Tensor mu, Tensor logVar, Tensor latentLengths) = _audioEncoder.call(batch.Mel, batch.MelLengths);
        long frames = mu.shape[1];
        Tensor epsilon = SampleNoise(noise, mu);
        Tensor latentMask = SequenceMask.Of(latentLengths, frames).to(mu.dtype);
        Tensor z = mu.add(logVar.mul(0.5).exp().mul(epsilon)).mul(latentMask.unsqueeze(-1));

        Tensor predictorInput = training && Config.PredictionInputNoise > 0
            ? z.add(randn_like(z).mul(Config.PredictionInputNoise).mul(latentMask.unsqueeze(-1)))
            : z;
        (Tensor predictions, Tensor stopLogits) = _predictor.call(predictorInput, crossKeys, crossValues, textMask);
        Tensor target = Config.DetachPredictionTarget ? z.detach() : z;
        (Tensor prediction, Tensor predictionItems) = PredictionLoss.Compute(predictions, target, latentLengths);
        (Tensor kl, Tensor klItems) = KlLoss.Compute(mu, logVar, latentLengths);
        Tensor melHat = _melDecoder.call(z, latentLengths).narrow(-1, 0, batch.Mel.shape[^1]);
        (Tensor recon, Tensor reconItems) = ReconstructionLoss.Compute(melHat, batch.Mel, batch.MelLengths);
        (Tensor spectral, Tensor spectralItems) =
            MultiResolutionSpectralLoss.Compute(melHat, batch.Mel, batch.MelLengths, Config.SpectralFftSizes);
        (Tensor stop, Tensor stopItems) = StopLoss.Compute(stopLogits, latentLengths, Config.StopPosWeight);

        Tensor total = prediction.mul(Config.PredictionWeight)
            .add(kl.mul(klW))
            .add(recon.mul(Config.ReconWeight))
            .add(spectral.mul(Config.SpectralWeight))
            .add(stop.mul(Config.StopWeight));
        var perItem = new LeWmItemLosses(
            predictionItems.MoveToOuterDisposeScope(),
            klItems.MoveToOuterDisposeScope(),
            reconItems.MoveToOuterDisposeScope(),
            spectralItems.MoveToOuterDisposeScope(),
            stopItems.MoveToOuterDisposeScope());
        return new LeWmLosses(
            prediction.MoveToOuterDisposeScope(),
            kl.MoveToOuterDisposeScope(),
            recon.MoveToOuterDisposeScope(),
            spectral.MoveToOuterDisposeScope(),
            stop.MoveToOuterDisposeScope(),
            total.MoveToOuterDisposeScope(),
            klW,
            perItem);
    }

    private Tensor SampleNoise(Tensor? noise, Tensor mu)
    {
        if (noise is null)
        {
            return training ? torch.randn_like(mu) : torch.zeros_like(mu);
        }

        if (noise.dim() != 3 || noise.shape[0] != mu.shape[0] || noise.shape[1] < mu.shape[1] || noise.shape[2] != mu.shape[2])
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Noise must be [{mu.shape[0]}, >= {mu.shape[1]}, {mu.shape[2]}], got [{string.Join(", ", noise.shape)}]."),
                nameof(noise));
        }

        return noise.narrow(1, 0, mu.shape[1]);
    }

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());
}
