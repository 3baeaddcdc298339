using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>Residual convolution block of the mel decoder: <c>x + conv2(gelu(conv1(x)))</c>, both C → C with 'same' padding.</summary>
/// <remarks>Frames past each item's length are zeroed after each conv. Keys: <c>conv1.*</c>, <c>conv2.*</c> [C, C, k].</remarks>
public sealed class ResConvBlock : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "conv1")]
    private readonly Conv1d _conv1;

    [ComponentName(Name = "conv2")]
    private readonly Conv1d _conv2;

    /// <summary>Creates the block with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="channels">The channel count C.</param>
    /// <param name="kernel">The (odd) kernel size.</param>
    public ResConvBlock(int channels, int kernel)
        : base(nameof(ResConvBlock))
    {
        _conv1 = nn.Conv1d(channels, channels, kernel, padding: kernel / 2);
        _conv2 = nn.Conv1d(channels, channels, kernel, padding: kernel / 2);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    /// <param name="x">Activations <c>[B, C, T]</c>, already zero past each length.</param>
    /// <param name="lengths">Valid frames per item at this rate <c>[B]</c> (int64).</param>
    /// <returns><c>[B, C, T]</c>, zero past each length.</returns>
    public override Tensor forward(Tensor x, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        Tensor h = SequenceMask.ZeroPastLength(nn.functional.gelu(_conv1.call(x)), lengths);
        return x.add(SequenceMask.ZeroPastLength(_conv2.call(h), lengths)).MoveToOuterDisposeScope();
    }
}
