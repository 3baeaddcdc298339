using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LeWm.Vocos;

/// <summary>
/// One ConvNeXt block of the Vocos backbone, working on time-major activations <c>[B, T, dim]</c>: depthwise
/// convolution (kernel 7) along time, LayerNorm (eps 1e-6), pointwise MLP dim → intermediate → dim with exact GELU,
/// layer scale <c>gamma</c>, residual.
/// </summary>
/// <remarks>
/// State-dict keys are Vocos': <c>dwconv.weight</c> [dim, 1, 7], <c>dwconv.bias</c>, <c>norm.weight/bias</c>,
/// <c>pwconv1.weight</c> [intermediate, dim], <c>pwconv1.bias</c>, <c>pwconv2.weight</c> [dim, intermediate],
/// <c>pwconv2.bias</c>, <c>gamma</c> [dim]. The depthwise convolution is evaluated time-major as seven shifted
/// multiply-adds, which avoids libtorch's slow depthwise kernel and the two layout transposes per block that the
/// channels-first formulation needs.
/// </remarks>
internal sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>
{
    private const int KernelSize = 7;

    [ComponentName(Name = "dwconv")]
    private readonly Conv1d _dwconv;

    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;

    [ComponentName(Name = "pwconv1")]
    private readonly Linear _pwconv1;

    [ComponentName(Name = "pwconv2")]
    private readonly Linear _pwconv2;

    [ComponentName(Name = "gamma")]
    private readonly Parameter _gamma;

    public ConvNeXtBlock(int dimension, int intermediateDimension, double layerScale)
        : base(nameof(ConvNeXtBlock))
    {
        _dwconv = nn.Conv1d(dimension, dimension, KernelSize, padding: KernelSize / 2, groups: dimension);
        _norm = nn.LayerNorm(dimension, eps: 1e-6);
        _pwconv1 = nn.Linear(dimension, intermediateDimension);
        _pwconv2 = nn.Linear(intermediateDimension, dimension);
        _gamma = new Parameter(torch.full(dimension, layerScale));
        RegisterComponents();
    }

    /// <summary>Applies the block to <c>[B, T, dim]</c> activations.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long frames = x.shape[1];
        Tensor y = DepthwiseTimeMajor(x, frames);
        y = _norm.call(y);
        y = _pwconv1.call(y);
        y = nn.functional.gelu(y);
        y = _pwconv2.call(y);
        y = y.mul_(_gamma);
        return x.add(y).MoveToOuterDisposeScope();
    }

    private Tensor DepthwiseTimeMajor(Tensor x, long frames)
    {
        // weight [dim, 1, 7] → taps [7, dim]; x padded with 3 zero frames on both sides of time.
        Tensor taps = _dwconv.weight!.squeeze(1).t();
        Tensor padded = nn.functional.pad(x, [0, 0, KernelSize / 2, KernelSize / 2]);
        Tensor y = padded.narrow(1, 0, frames).mul(taps[0]).add_(_dwconv.bias!);
        for (int k = 1; k < KernelSize; k++)
        {
            y.addcmul_(padded.narrow(1, k, frames), taps[k], 1.0);
        }

        return y;
    }
}
