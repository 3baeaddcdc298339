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
    /// <remarks>
    /// Without autograd (inference) the residual is added into <paramref name="x"/> in place and GELU runs in place:
    /// fewer large allocations per block. With autograd on, nothing is modified in place.
    /// </remarks>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        bool inPlace = !torch.is_grad_enabled();
        Tensor y = DepthwiseTimeMajor(x);
        y = _norm.call(y);
        y = _pwconv1.call(y);
        y = nn.functional.gelu(y, inplace: inPlace);
        y = _pwconv2.call(y);
        Tensor result = inPlace ? x.addcmul_(y, _gamma, 1.0) : x.addcmul(y, _gamma, 1.0); // x + γ · y
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// y[t] = bias + Σ_k w[k] · x[t + k − 3] with zero padding, as shifted multiply-adds on overlapping time ranges
    /// (no padded copy of the input).
    /// </summary>
    private Tensor DepthwiseTimeMajor(Tensor x)
    {
        const int Centre = KernelSize / 2;
        long frames = x.shape[1];
        Tensor taps = _dwconv.weight!.squeeze(1).t().contiguous(); // [7, dim], contiguous rows: vectorised broadcasts
        Tensor y = x.mul(taps[Centre]).add_(_dwconv.bias!);
        for (int k = 0; k < KernelSize; k++)
        {
            long offset = k - Centre;
            long span = frames - Math.Abs(offset);
            if (offset == 0 || span <= 0)
            {
                continue;
            }

            Tensor target = y.narrow(1, Math.Max(0, -offset), span);
            target.addcmul_(x.narrow(1, Math.Max(0, offset), span), taps[k], 1.0);
        }

        return y;
    }
}
