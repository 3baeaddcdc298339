using System.Globalization;
using LeWm.Model.Config;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// Log-mel <c>[B, n_mels, T]</c> → latent posterior <c>mu</c>, <c>logvar</c> <c>[B, Tz, L]</c> with
/// Tz = ceil(T / downsample): conv stack (k3, then one k4 stride-2 conv per 2×, each + GELU), sinusoidal positions,
/// dropout, encoder layers with a key-padding mask, LayerNorm, linear heads.
/// </summary>
/// <remarks>
/// Every frame past an item's length is zeroed before the first conv and after each conv, so padding never reaches a
/// valid output. Keys: <c>convs.{s}.*</c>, <c>layers.{i}.*</c>, <c>norm.*</c>, <c>mu.*</c>, <c>logvar.*</c>.
/// </remarks>
public sealed class AudioEncoder : nn.Module<Tensor, Tensor, (Tensor Mu, Tensor LogVar, Tensor LatentLengths)>
{
    private readonly int _downsample;
    private readonly int _maxFrames;

    [ComponentName(Name = "convs")]
    private readonly ModuleList<Conv1d> _convs;

    [ComponentName(Name = "drop")]
    private readonly Dropout _drop;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<EncoderLayer> _layers;

    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;

    [ComponentName(Name = "mu")]
    private readonly Linear _mu;

    [ComponentName(Name = "logvar")]
    private readonly Linear _logvar;

    /// <summary>Creates the encoder with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public AudioEncoder(LeWmConfig config)
        : base(nameof(AudioEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        _downsample = config.Downsample;
        _maxFrames = config.MaxFrames;
        List<Conv1d> convs = [nn.Conv1d(config.NMels, config.DModel, 3, padding: 1)];
        for (int s = 0; s < config.UpsampleStages; s++)
        {
            convs.Add(nn.Conv1d(config.DModel, config.DModel, 4, stride: 2, padding: 1));
        }

        _convs = nn.ModuleList([.. convs]);
        _drop = nn.Dropout(config.Dropout);
        _layers = nn.ModuleList([.. Enumerable.Range(0, config.AudioLayers)
            .Select(_ => new EncoderLayer(config.DModel, config.Heads, config.FfDim, config.Dropout))]);
        _norm = nn.LayerNorm(config.DModel, eps: LeWmNetwork.LayerNormEpsilon);
        _mu = nn.Linear(config.DModel, config.LatentSize);
        _logvar = nn.Linear(config.DModel, config.LatentSize);
        RegisterComponents();
    }

    /// <summary>Encodes a batch of right-padded log-mels.</summary>
    /// <param name="mel">Log-mels <c>[B, n_mels, T]</c>.</param>
    /// <param name="melLengths">Valid frames per item <c>[B]</c> (int64).</param>
    /// <returns><c>mu</c> and <c>logvar</c> <c>[B, Tz, L]</c> and the latent lengths ceil(T_b / downsample) <c>[B]</c>.</returns>
    /// <exception cref="ArgumentException">T exceeds max_frames.</exception>
    public override (Tensor Mu, Tensor LogVar, Tensor LatentLengths) forward(Tensor mel, Tensor melLengths)
    {
        ArgumentNullException.ThrowIfNull(mel);
        ArgumentNullException.ThrowIfNull(melLengths);
        long t = mel.shape[^1];
        if (t > _maxFrames)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Mel of {t} frames exceeds max_frames = {_maxFrames}."), nameof(mel));
        }

        using var scope = NewDisposeScope();
        long padded = (t + _downsample - 1) / _downsample * _downsample;
        Tensor x = nn.functional.pad(mel, [0, padded - t]);
        Tensor lengths = melLengths;
        x = SequenceMask.ZeroPastLength(x, lengths);
        for (int i = 0; i < _convs.Count; i++)
        {
            x = nn.functional.gelu(_convs[i].call(x));
            if (i > 0)
            {
                lengths = lengths.add(1).div(2, RoundingMode.floor);
            }

            x = SequenceMask.ZeroPastLength(x, lengths);
        }

        x = x.transpose(1, 2);
        long tz = x.shape[1];
        x = _drop.call(x.add(SinusoidalPositions.Range(tz, x.shape[^1], x.dtype, x.device)));
        Tensor allowed = SequenceMask.Of(lengths, tz).unsqueeze(1).unsqueeze(1);
        foreach (EncoderLayer layer in _layers)
        {
            x = layer.call(x, allowed);
        }

        x = _norm.call(x);
        return (_mu.call(x).MoveToOuterDisposeScope(), _logvar.call(x).MoveToOuterDisposeScope(), lengths.MoveToOuterDisposeScope());
    }
}
