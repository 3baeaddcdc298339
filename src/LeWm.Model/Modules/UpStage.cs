using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>One 2× stage of the mel decoder: <c>gelu(up(x))</c> (ConvTranspose1d k4, stride 2, padding 1), then residual blocks.</summary>
/// <remarks>Keys: <c>up.weight</c> [C, C, 4], <c>up.bias</c> [C], <c>blocks.{j}.*</c>.</remarks>
public sealed class UpStage : nn.Module<Tensor, Tensor, (Tensor Output, Tensor Lengths)>
{
    [ComponentName(Name = "up")]
    private readonly ConvTranspose1d _up;

    [ComponentName(Name = "blocks")]
    private readonly ModuleList<ResConvBlock> _blocks;

    /// <summary>Creates the stage with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="channels">The channel count C.</param>
    /// <param name="blocks">The number of residual blocks.</param>
    /// <param name="kernel">The residual blocks' (odd) kernel size.</param>
    public UpStage(int channels, int blocks, int kernel)
        : base(nameof(UpStage))
    {
        _up = nn.ConvTranspose1d(channels, channels, 4, stride: 2, padding: 1);
        _blocks = nn.ModuleList([.. Enumerable.Range(0, blocks).Select(_ => new ResConvBlock(channels, kernel))]);
        RegisterComponents();
    }

    /// <summary>Doubles the time resolution.</summary>
    /// <param name="x">Activations <c>[B, C, T]</c>.</param>
    /// <param name="lengths">Valid frames per item <c>[B]</c> (int64) at the input rate.</param>
    /// <returns>Activations <c>[B, C, 2T]</c>, zero past each new length, and the doubled lengths.</returns>
    public override (Tensor Output, Tensor Lengths) forward(Tensor x, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        lengths = lengths.mul(2);
        x = SequenceMask.ZeroPastLength(nn.functional.gelu(_up.call(x)), lengths);
        foreach (ResConvBlock block in _blocks)
        {
            x = block.call(x, lengths);
        }

        return (x.MoveToOuterDisposeScope(), lengths.MoveToOuterDisposeScope());
    }
}
