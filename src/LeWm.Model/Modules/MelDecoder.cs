using LeWm.Model.Config;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>
/// Latents <c>[B, Tz, L]</c> → log-mel <c>[B, n_mels, downsample·Tz]</c>: <c>input</c> (L → C), upsampling stages,
/// refinement convs (conv + GELU), <c>output</c> conv to n_mels with no activation.
/// </summary>
/// <remarks>
/// Every intermediate is zeroed past each item's length at its rate, so padding latents never reach valid frames.
/// Keys: <c>input.*</c> [C, L], <c>stages.{s}.*</c>, <c>refine.{r}.*</c> [C, C, k], <c>output.*</c> [n_mels, C, k].
/// </remarks>
public sealed class MelDecoder : nn.Module<Tensor, Tensor?, Tensor>
{
    [ComponentName(Name = "input")]
    private readonly Linear _input;

    [ComponentName(Name = "stages")]
    private readonly ModuleList<UpStage> _stages;

    [ComponentName(Name = "refine")]
    private readonly ModuleList<Conv1d> _refine;

    [ComponentName(Name = "output")]
    private readonly Conv1d _output;

    /// <summary>Creates the decoder with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public MelDecoder(LeWmConfig config)
        : base(nameof(MelDecoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        int channels = config.DecoderChannels, kernel = config.DecoderKernel;
        _input = nn.Linear(config.LatentSize, channels);
        _stages = nn.ModuleList([.. Enumerable.Range(0, config.UpsampleStages)
            .Select(_ => new UpStage(channels, config.DecoderResBlocks, kernel))]);
        _refine = nn.ModuleList([.. Enumerable.Range(0, config.DecoderRefineConvs)
            .Select(_ => nn.Conv1d(channels, channels, kernel, padding: kernel / 2))]);
        _output = nn.Conv1d(channels, config.NMels, kernel, padding: kernel / 2);
        RegisterComponents();
    }

    /// <summary>Decodes latents to log-mel frames.</summary>
    /// <param name="latents">Latents <c>[B, Tz, L]</c>.</param>
    /// <param name="lengths">Valid latent frames per item <c>[B]</c> (int64), or null when every item is Tz long.</param>
    /// <returns>Log-mel <c>[B, n_mels, downsample·Tz]</c> (natural-log units); trim to the wanted frame count.</returns>
    public override Tensor forward(Tensor latents, Tensor? lengths)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var scope = NewDisposeScope();
        long b = latents.shape[0], tz = latents.shape[1];
        lengths ??= torch.full(b, tz, dtype: ScalarType.Int64, device: latents.device);
        Tensor x = SequenceMask.ZeroPastLength(_input.call(latents).transpose(1, 2), lengths);
        foreach (UpStage stage in _stages)
        {
            (x, lengths) = stage.call(x, lengths);
        }

        foreach (Conv1d conv in _refine)
        {
            x = SequenceMask.ZeroPastLength(nn.functional.gelu(conv.call(x)), lengths);
        }

        return _output.call(x).MoveToOuterDisposeScope();
    }
}
