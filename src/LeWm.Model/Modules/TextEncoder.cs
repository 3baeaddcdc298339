using System.Globalization;
using LeWm.Model.Config;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// Byte ids <c>[B, N]</c> → text memory <c>[B, N, d]</c>: embedding (+ speaker) + sinusoidal positions, dropout,
/// encoder layers with a key-padding mask, final LayerNorm.
/// </summary>
/// <remarks>Keys: <c>embed.weight</c> [259, d], <c>speaker.weight</c> [S, d] (only if S &gt; 0), <c>layers.{i}.*</c>, <c>norm.*</c>.</remarks>
public sealed class TextEncoder : nn.Module<Tensor, Tensor, Tensor?, (Tensor Memory, Tensor Mask)>
{
    private readonly int _maxIds;

    [ComponentName(Name = "embed")]
    private readonly Embedding _embed;

    [ComponentName(Name = "speaker")]
    private readonly Embedding? _speaker;

    [ComponentName(Name = "drop")]
    private readonly Dropout _drop;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<EncoderLayer> _layers;

    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;

    /// <summary>Creates the encoder with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public TextEncoder(LeWmConfig config)
        : base(nameof(TextEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        _maxIds = config.MaxTextBytes + 2;
        _embed = nn.Embedding(config.TextVocab, config.DModel);
        _speaker = config.NSpeakers > 0 ? nn.Embedding(config.NSpeakers, config.DModel) : null;
        _drop = nn.Dropout(config.Dropout);
        _layers = nn.ModuleList([.. Enumerable.Range(0, config.TextLayers)
            .Select(_ => new EncoderLayer(config.DModel, config.Heads, config.FfDim, config.Dropout))]);
        _norm = nn.LayerNorm(config.DModel, eps: LeWmNetwork.LayerNormEpsilon);
        RegisterComponents();
    }

    /// <summary>Encodes a batch of framed, right-padded byte ids.</summary>
    /// <param name="ids">Ids <c>[B, N]</c> (int64): <c>[bos, bytes…, eos]</c> right-padded with pad.</param>
    /// <param name="lengths">Valid ids per item <c>[B]</c> (int64), counting bos and eos.</param>
    /// <param name="speaker">Speaker ids <c>[B]</c> (int64); required when the model has a speaker table, else ignored.</param>
    /// <returns>The memory <c>[B, N, d]</c> and the valid-position mask <c>[B, N]</c> (bool).</returns>
    /// <exception cref="ArgumentException">N exceeds max_text_bytes + 2, or the model needs speaker ids and none were given.</exception>
    public override (Tensor Memory, Tensor Mask) forward(Tensor ids, Tensor lengths, Tensor? speaker)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(lengths);
        long n = ids.shape[1];
        if (n > _maxIds)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Text of {n} ids exceeds max_text_bytes + 2 = {_maxIds}."), nameof(ids));
        }

        using var scope = NewDisposeScope();
        Tensor mask = SequenceMask.Of(lengths, n);
        Tensor x = _embed.call(ids);
        if (_speaker is not null)
        {
            if (speaker is null)
            {
                throw new ArgumentException("This model has a speaker table: pass speaker ids.", nameof(speaker));
            }

            x = x.add(_speaker.call(speaker).unsqueeze(1));
        }

        x = _drop.call(x.add(SinusoidalPositions.Range(n, x.shape[^1], x.dtype, x.device)));
        Tensor allowed = mask.unsqueeze(1).unsqueeze(1);
        foreach (EncoderLayer layer in _layers)
        {
            x = layer.call(x, allowed);
        }

        return (_norm.call(x).MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }
}
