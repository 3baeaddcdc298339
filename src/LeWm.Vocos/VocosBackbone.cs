using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LeWm.Vocos;

/// <summary>
/// The Vocos backbone: conv embed (mel bands → dim, kernel 7), LayerNorm, ConvNeXt blocks, final LayerNorm
/// (all eps 1e-6). Input <c>[B, bands, T]</c>, output time-major <c>[B, T, dim]</c>.
/// </summary>
/// <remarks>Keys: <c>embed.*</c>, <c>norm.*</c>, <c>convnext.{i}.*</c>, <c>final_layer_norm.*</c>.</remarks>
internal sealed class VocosBackbone : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "embed")]
    private readonly Conv1d _embed;

    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;

    [ComponentName(Name = "convnext")]
    private readonly ModuleList<ConvNeXtBlock> _convnext;

    [ComponentName(Name = "final_layer_norm")]
    private readonly LayerNorm _finalLayerNorm;

    public VocosBackbone(VocosConfig config)
        : base(nameof(VocosBackbone))
    {
        _embed = nn.Conv1d(config.MelBands, config.Dimension, 7, padding: 3);
        _norm = nn.LayerNorm(config.Dimension, eps: 1e-6);
        double layerScale = 1.0 / config.Layers;
        _convnext = nn.ModuleList([.. Enumerable.Range(0, config.Layers)
            .Select(_ => new ConvNeXtBlock(config.Dimension, config.IntermediateDimension, layerScale))]);
        _finalLayerNorm = nn.LayerNorm(config.Dimension, eps: 1e-6);
        RegisterComponents();
    }

    /// <summary>Maps mels <c>[B, bands, T]</c> to features <c>[B, T, dim]</c>.</summary>
    public override Tensor forward(Tensor mel)
    {
        using var scope = NewDisposeScope();
        Tensor x = _embed.call(mel).transpose(1, 2).contiguous();
        x = _norm.call(x);
        foreach (ConvNeXtBlock block in _convnext)
        {
            x = block.call(x);
        }

        return _finalLayerNorm.call(x).MoveToOuterDisposeScope();
    }
}
